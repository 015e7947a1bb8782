#!/usr/bin/env bash
# On-demand evaluation benchmark, one command: bench/ondemand.sh
#
# The cost of the per-request evaluation budget on an ordinary on-demand feature, against cel-java evaluating the same
# compiled expression without it (the baseline, in the same run, rounds interleaved), and how long an expression
# quadratic in its request data runs before the budget stops it. EVALUATIONS per round (default 1,000,000), ROUNDS
# (default 5). Writes bench/results/ondemand/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
EVALUATIONS=${EVALUATIONS:-1000000}
ROUNDS=${ROUNDS:-5}
RESULTS=bench/results/ondemand
DATA=unused
ENTITIES=0
mkdir -p "$RESULTS"

source bench/common.sh
build

{
  echo "Machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
  echo
  java -Xmx1g -cp "$CP" io.featureduck.bench.OnDemandBench "$EVALUATIONS" "$ROUNDS"
} | tee "$RESULTS/report.md"
