#!/usr/bin/env bash
# FeatureDuck against the servers a user would pick instead, one command: bench/peers.sh
#
# One table (ENTITIES entities x FEATURES float64 features, a Parquet file) served, in the same run:
#   featureduck  `featureduck serve`, reading the file itself
#   feast        Feast's own Python feature server (`feast serve`, feast 0.67.0 from PyPI with its redis extra, pinned in
#                compat/src/test/python/requirements.txt) over a Redis online store that `feast materialize` filled
#                from the same file (Debian's redis-server)
#   floor        a bare Vert.x route returning FeatureDuck's answer, pre-recorded (BaselineServer)
# and over gRPC (grpc-java's load generator, OnlineLoad, GrpcFeatureServer/GetOnlineFeatures):
#   featureduck-grpc  FeatureDuck's gRPC port
#   feast-grpc        Feast's own Python gRPC feature server (`feast listen`, 8 threads; `feast serve -t grpc` answers
#                     "Python server only supports 'http'") over the same Redis
# Feast's Go feature server is tried too: it is built from Feast's Go module when the Go module proxy serves it.
# Requests are Feast's POST /get-online-features for random entities (bench/wrk/feast.lua); scenarios: batch 1 at 1
# connection (latency), batch 1 at 8 connections (throughput), batch 100 at 1 connection; ROUNDS rounds, the servers
# interleaved in each. Also measured: Feast's `feast apply` and `feast materialize` against FeatureDuck's time from
# process start to ready for the same file. Writes bench/results/peers.md.
# Environment: ENTITIES (default 100000: Feast materializes it in about a minute here), FEATURES (default 10),
# DURATION (seconds per run, default 10), WARMUP (default 3), ROUNDS (default 3), FEAST_WORKERS (default: the cores).
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-100000}
FEATURES_PER_VIEW=${FEATURES:-10}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
ROUNDS=${ROUNDS:-3}
FEAST_WORKERS=${FEAST_WORKERS:-$(nproc)}
DATA=bench/data/peers-e${ENTITIES}-f${FEATURES_PER_VIEW}
RESULTS=bench/results
FD_PORT=18480
FEAST_PORT=18490
FEAST_GRPC_PORT=18491
FLOOR_PORT=18485
CORE_PORT=18486
REDIS_PORT=16389
VENV=bench/target/feast-python
mkdir -p "$RESULTS"

source bench/common.sh
ensure_commands wrk wrk redis-server redis-server redis-cli redis-tools curl curl
build

echo "== Feast's SDK and servers from PyPI (pinned), into $VENV"
if [ ! -x "$VENV/bin/feast" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r compat/src/test/python/requirements.txt
fi

echo "== write the table ($ENTITIES entities x $FEATURES_PER_VIEW features) and both servers' definitions"
rm -rf "$DATA"
java -Xmx2g -cp "$CP" io.featureduck.bench.PeerData "$DATA" "$ENTITIES" "$FEATURES_PER_VIEW" $REDIS_PORT
FACTS="$RESULTS/peers.properties"
printf 'entities=%s\nfeatures=%s\nfeast_workers=%s\n' "$ENTITIES" "$FEATURES_PER_VIEW" "$FEAST_WORKERS" > "$FACTS"

elapsed() { echo "$(date +%s.%N) - $1" | bc; }

echo "== start redis and fill it the way Feast does: feast apply, feast materialize"
redis-server --port $REDIS_PORT --save '' --appendonly no --daemonize no > "$RESULTS/peers-redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do redis-cli -p $REDIS_PORT ping >/dev/null 2>&1 && break; sleep 0.1; done
START=$(date +%s.%N)
(cd "$DATA/feast" && "$OLDPWD/$VENV/bin/feast" apply > "$OLDPWD/$RESULTS/peers-feast-apply.log" 2>&1)
echo "feast_apply_seconds=$(elapsed "$START")" >> "$FACTS"
START=$(date +%s.%N)
(cd "$DATA/feast" && "$OLDPWD/$VENV/bin/feast" materialize 2000-01-01T00:00:00 "$(date -u +%Y-%m-%dT%H:%M:%S)" \
  > "$OLDPWD/$RESULTS/peers-feast-materialize.log" 2>&1)
echo "feast_materialize_seconds=$(elapsed "$START")" >> "$FACTS"

echo "== start Feast's feature server ($FEAST_WORKERS workers)"
(cd "$DATA/feast" && exec "$OLDPWD/$VENV/bin/feast" serve -h 127.0.0.1 -p $FEAST_PORT -w "$FEAST_WORKERS" \
  --no-access-log --max-requests 1000000000 > "$OLDPWD/$RESULTS/peers-feast-serve.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$FEAST_PORT/health" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$FEAST_PORT/health" >/dev/null

echo "== start Feast's gRPC feature server"
(cd "$DATA/feast" && exec "$OLDPWD/$VENV/bin/feast" listen -a 127.0.0.1:$FEAST_GRPC_PORT -w 8 \
  > "$OLDPWD/$RESULTS/peers-feast-grpc.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 1 600); do (exec 3<>/dev/tcp/127.0.0.1/$FEAST_GRPC_PORT) 2>/dev/null && break; sleep 0.2; done

echo "== start FeatureDuck on the same file"
START=$(date +%s.%N)
java -Xmx2g -jar $JAR serve -f "$DATA/featureduck.yaml" --port $FD_PORT --management-port $((FD_PORT + 1)) \
  --grpc-port $((FD_PORT + 2)) --offline-port 0 --host 127.0.0.1 > "$RESULTS/peers-featureduck.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$((FD_PORT + 1))/ready"
echo "featureduck_ready_seconds=$(elapsed "$START")" >> "$FACTS"

echo "== Feast's Go feature server"
GO_REASON=""
if command -v go >/dev/null 2>&1; then
  if ! GO_OUT=$(cd "${TMPDIR:-/tmp}" && GOFLAGS=-mod=mod go list -m -json github.com/feast-dev/feast@v0.67.0 2>&1); then
    GO_REASON="the Go module proxy does not serve github.com/feast-dev/feast (go list -m: $(echo "$GO_OUT" | tail -1 | tr -d '\n' | cut -c1-200))"
  else
    GO_REASON="its module resolves, but building the Go feature server needs Feast's Arrow/C++ toolchain; not attempted"
  fi
else
  GO_REASON="Go is not installed here"
fi
echo "go_feature_server=$GO_REASON" >> "$FACTS"
echo "$GO_REASON"

FEATURES=$(for f in $(seq 0 $((FEATURES_PER_VIEW - 1))); do printf 'peer:f%s,' $f; done | sed 's/,$//')
body() { # body <batch>: a Feast request for the first <batch> entities
  local ids; ids=$(seq 0 $(( $1 - 1 )) | paste -sd,)
  printf '{"features": [%s], "entities": {"entity_id": [%s]}, "full_feature_names": true}' \
    "$(echo "$FEATURES" | sed 's/[^,]*/"&"/g')" "$ids"
}

echo "== check: both servers answer the same values for the same entities"
python3 - "$(curl -sf -X POST -H "content-type: application/json" "http://127.0.0.1:$FD_PORT/get-online-features" -d "$(body 20)")" \
  "$(curl -sf -X POST -H "content-type: application/json" "http://127.0.0.1:$FEAST_PORT/get-online-features" -d "$(body 20)")" <<'EOF'
import json, sys
ours, theirs = (json.loads(answer) for answer in sys.argv[1:3])
def columns(answer):
    names = answer["metadata"]["feature_names"]
    return {name: result["values"] for name, result in zip(names, answer["results"])}
a, b = columns(ours), columns(theirs)
assert set(a) == set(b), (sorted(a), sorted(b))
for name in a:
    for x, y in zip(a[name], b[name]):
        assert (x is None and y is None) or abs(float(x) - float(y)) < 1e-9, (name, x, y)
print(f"  same {len(a)} columns x {len(a['entity_id'])} entities")
EOF

echo "== floor: FeatureDuck's answers, pre-recorded"
FLOOR_DIR="$DATA/floor"; mkdir -p "$FLOOR_DIR"
for b in 1 100; do
  curl -sf -X POST -H "content-type: application/json" "http://127.0.0.1:$FD_PORT/get-online-features" -d "$(body $b)" > "$FLOOR_DIR/floor-$b.json"
done
java -Xmx1g -cp "$CP" io.featureduck.bench.BaselineServer $FLOOR_PORT $REDIS_PORT "$FLOOR_DIR" $CORE_PORT \
  > "$RESULTS/peers-floor.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do curl -sf -X POST -H "content-type: application/json" "http://127.0.0.1:$FLOOR_PORT/floor/1" -d '{}' >/dev/null && break; sleep 0.1; done

: > "$RESULTS/peers.jsonl"
run() { # run <label> <port> <path> <batch> <connections>
  local threads=$(( $5 < 2 ? 1 : 2 ))
  FD_PATH=$3 FD_BATCH=$4 FD_FEATURES=$FEATURES FD_ENTITIES=$ENTITIES FD_LABEL=warmup \
    wrk -t$threads -c$5 -d${WARMUP}s -s bench/wrk/feast.lua "http://127.0.0.1:$2" > /dev/null
  FD_PATH=$3 FD_BATCH=$4 FD_FEATURES=$FEATURES FD_ENTITIES=$ENTITIES FD_LABEL=$1 \
    wrk -t$threads -c$5 -d${DURATION}s --latency -s bench/wrk/feast.lua "http://127.0.0.1:$2" \
    | sed -n 's/^RESULT //p' | tee -a "$RESULTS/peers.jsonl"
}
grpc_run() { # grpc_run <label> <port> <batch> <connections>
  java -Xmx1g -cp "$CP" io.featureduck.bench.OnlineLoad grpc-feature-server 127.0.0.1 "$2" "$FEATURES" "$ENTITIES" \
    "$3" "$4" "$WARMUP" "$DURATION" "$1" | sed -n 's/^RESULT //p' | tee -a "$RESULTS/peers.jsonl"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "== measure, round $round of $ROUNDS"
  for scenario in "1 1" "1 8" "100 1"; do
    set -- $scenario
    run "featureduck b$1 c$2" $FD_PORT /get-online-features "$1" "$2"
    run "feast b$1 c$2" $FEAST_PORT /get-online-features "$1" "$2"
    run "floor b$1 c$2" $FLOOR_PORT "/floor/$1" "$1" "$2"
    grpc_run "featureduck-grpc grpc-b$1-c$2" $((FD_PORT + 2)) "$1" "$2"
    grpc_run "feast-grpc grpc-b$1-c$2" $FEAST_GRPC_PORT "$1" "$2"
  done
done

MACHINE="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1), Java $(java -version 2>&1 | head -1 | cut -d'"' -f2); wrk shares the cores"
java -cp "$CP" io.featureduck.bench.PeersReport "$RESULTS/peers.jsonl" "$FACTS" "$MACHINE" > "$RESULTS/peers.md"
cat "$RESULTS/peers.md"
