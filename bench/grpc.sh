#!/usr/bin/env bash
# Feast's gRPC ServingService against its HTTP route, one command: bench/grpc.sh
#
# Serves the online benchmark's lakehouse (1M entities, 5 views x 10 features; bench/run.sh's) from one
# `featureduck serve` process and sends the same Feast request (all 50 features, 1 or 100 entities) three ways,
# interleaved, ROUNDS times: gRPC GetOnlineFeatures with grpc-java (OnlineLoad), POST /get-online-features with the
# JDK HTTP client (OnlineLoad: the same load-generator code and language), and the same POST with wrk (the HTTP
# number of the other benchmarks). Writes bench/results/grpc.md.
# Environment: ENTITIES (default 1000000), DURATION (seconds per run, default 10), WARMUP (default 5), ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-1000000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-3}
DATA=bench/data/e${ENTITIES}
RESULTS=bench/results
PORT=18380
GRPC_PORT=18382
mkdir -p "$RESULTS" "$DATA"

source bench/common.sh
ensure_commands wrk wrk curl curl
build
ensure_lakehouse

echo "== start the data plane"
java -Xmx6g -jar $JAR serve -f "$DATA/bench.yaml" --port $PORT --management-port $((PORT + 1)) \
  --offline-port 0 --grpc-port $GRPC_PORT --host 127.0.0.1 > "$RESULTS/grpc-serve.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$((PORT + 1))/ready"

FEATURES=$(for v in 0 1 2 3 4; do for f in 0 1 2 3 4 5 6 7 8 9; do printf 'view-%s:f%s,' $v $f; done; done | sed 's/,$//')
: > "$RESULTS/grpc.jsonl"
java_load() { # java_load <grpc|http> <label> <port> <batch> <connections>
  java -Xmx2g -cp "$CP" io.featureduck.bench.OnlineLoad "$1" 127.0.0.1 "$3" "$FEATURES" "$ENTITIES" "$4" "$5" \
    "$WARMUP" "$DURATION" "$2" | sed -n 's/^RESULT //p' | tee -a "$RESULTS/grpc.jsonl"
}
wrk_load() { # wrk_load <label> <batch> <connections>
  local threads=$(( $3 < 2 ? 1 : 2 ))
  FD_PATH=/get-online-features FD_BATCH=$2 FD_FEATURES=$FEATURES FD_ENTITIES=$ENTITIES FD_LABEL=warmup \
    wrk -t$threads -c$3 -d${WARMUP}s -s bench/wrk/feast.lua "http://127.0.0.1:$PORT" > /dev/null
  FD_PATH=/get-online-features FD_BATCH=$2 FD_FEATURES=$FEATURES FD_ENTITIES=$ENTITIES FD_LABEL=$1 \
    wrk -t$threads -c$3 -d${DURATION}s -s bench/wrk/feast.lua "http://127.0.0.1:$PORT" | sed -n 's/^RESULT //p' \
    | tee -a "$RESULTS/grpc.jsonl"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "== measure, round $round of $ROUNDS"
  for scenario in "1 1" "1 8" "100 1" "100 8"; do
    set -- $scenario
    java_load grpc "grpc b$1 c$2" $GRPC_PORT "$1" "$2"
    java_load http "http-java b$1 c$2" $PORT "$1" "$2"
    wrk_load "http-wrk b$1 c$2" "$1" "$2"
  done
done

MACHINE="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1), Java $(java -version 2>&1 | head -1 | cut -d'"' -f2); the load generators share the cores"
{
  java -cp "$CP" io.featureduck.bench.PairReport "$RESULTS/grpc.jsonl" http-java grpc "$MACHINE"
  echo
  java -cp "$CP" io.featureduck.bench.PairReport "$RESULTS/grpc.jsonl" http-wrk grpc "$MACHINE"
} > "$RESULTS/grpc.md"
cat "$RESULTS/grpc.md"
