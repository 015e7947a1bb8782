#!/usr/bin/env bash
# Cost of bearer authentication on online serving, one command: bench/auth.sh
#
# Serves the online benchmark's lakehouse (bench/run.sh writes it: 1M entities, 5 views x 10 features) from two
# `featureduck serve` processes on the same machine, one with `--auth-token-file` (bearer tokens, 3 accepted) and one
# without (auth.type none), and measures POST /get-online-features on both with wrk, interleaved, ROUNDS times.
# The baseline is the open process in the same run. Writes bench/results/auth.md.
# Environment: ENTITIES (default 1000000), DURATION (seconds per run, default 10), ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-1000000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-3}
DATA=bench/data/e${ENTITIES}
RESULTS=bench/results
OPEN_PORT=18280
BEARER_PORT=18290
mkdir -p "$RESULTS" "$DATA"

source bench/common.sh
ensure_commands wrk wrk curl curl
build
ensure_lakehouse

TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '# rotation: the previous and the next token are accepted too\n%s\n%s\n%s\n' \
  "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" "$TOKEN" \
  "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$RESULTS/auth-tokens"

echo "== start both data planes"
java -Xmx6g -jar $JAR serve -f "$DATA/bench.yaml" --port $OPEN_PORT --management-port $((OPEN_PORT + 1)) \
  --offline-port 0 --grpc-port $((OPEN_PORT + 2)) \
  --host 127.0.0.1 > "$RESULTS/auth-open.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$((OPEN_PORT + 1))/ready"
java -Xmx6g -jar $JAR serve -f "$DATA/bench.yaml" --port $BEARER_PORT --management-port $((BEARER_PORT + 1)) \
  --offline-port 0 --grpc-port $((BEARER_PORT + 2)) \
  --host 127.0.0.1 --auth-token-file "$RESULTS/auth-tokens" > "$RESULTS/auth-bearer.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$((BEARER_PORT + 1))/ready"

FEATURES=$(for v in 0 1 2 3 4; do for f in 0 1 2 3 4 5 6 7 8 9; do printf 'view-%s:f%s,' $v $f; done; done | sed 's/,$//')
echo "== check: the bearer process refuses a request without the token and answers it with the token"
BODY='{"features": ["view-0:f0"], "entities": {"entity_id": [1]}}'
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$BEARER_PORT/get-online-features" -d "$BODY")" = 401 ]
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$BEARER_PORT/get-online-features" \
  -H "authorization: Bearer $TOKEN" -d "$BODY")" = 200 ]

: > "$RESULTS/auth.jsonl"
run() { # run <label> <port> <token> <batch> <connections>
  local threads=$(( $5 < 2 ? 1 : 2 ))
  FD_PATH=/get-online-features FD_BATCH=$4 FD_FEATURES=$FEATURES FD_ENTITIES=$ENTITIES FD_TOKEN=$3 FD_LABEL=warmup \
    wrk -t$threads -c$5 -d${WARMUP}s -s bench/wrk/feast.lua "http://127.0.0.1:$2" > /dev/null
  FD_PATH=/get-online-features FD_BATCH=$4 FD_FEATURES=$FEATURES FD_ENTITIES=$ENTITIES FD_TOKEN=$3 FD_LABEL=$1 \
    wrk -t$threads -c$5 -d${DURATION}s -s bench/wrk/feast.lua "http://127.0.0.1:$2" | sed -n 's/^RESULT //p' \
    | tee -a "$RESULTS/auth.jsonl"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "== measure, round $round of $ROUNDS"
  for scenario in "1 1" "1 8" "1 32" "100 1"; do
    set -- $scenario
    run "open b$1 c$2" $OPEN_PORT "" "$1" "$2"
    run "bearer b$1 c$2" $BEARER_PORT "$TOKEN" "$1" "$2"
  done
done

MACHINE="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1), Java $(java -version 2>&1 | head -1 | cut -d'"' -f2); wrk shares the cores"
java -cp "$CP" io.featureduck.bench.PairReport "$RESULTS/auth.jsonl" open bearer "$MACHINE" > "$RESULTS/auth.md"
cat "$RESULTS/auth.md"
