#!/usr/bin/env bash
# Online-serving benchmark, one command: bench/run.sh
#
# Builds FeatureDuck, writes the benchmark lakehouse (Feast's benchmark shape: 1M entities, 5 views x 10 features,
# 5 table versions per view), then measures with wrk on loopback, in the same run:
#   featureduck  POST /get-online-features on `featureduck serve`
#   floor        a bare Vert.x route returning a fixed response of the same size (the HTTP floor)
#   redis        the same Feast request served by a Vert.x route reading a local Redis (one hash per entity)
#   core         the floor's response from Vert.x core alone (no Router, no BodyHandler): the HTTP server's own cost
# Two wider shapes are served alongside by their own data planes: 250 features per request (25 views x 10, Feast's
# second published shape) and a string-heavy view (10 string features), each with a floor of its answer's size.
# Every scenario runs ROUNDS times, interleaved with its baselines, and the report takes the median of each figure:
# on a 2-core machine shared with the load generator, single runs vary by tens of percent. Each run also reports the
# heap bytes the server allocated per request (AllocationMeter), and the report checks the online-path targets.
# FD_JAVA_OPTS adds JVM options to the data planes (to compare GC settings, say). BASELINE_REF (a git revision, e.g.
# main or a commit) also builds that revision's data plane in a worktree beside the checkout, serves the same tables
# with it, and measures it in the same rounds (labelled "before"): the report then states each scenario's p99 and
# throughput against it, so a change is compared with the code before it on the same machine in the same run.
# Writes bench/results/report.md. Environment: ENTITIES (default 1000000), DURATION (seconds per run, default 10),
# ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ENTITIES=${ENTITIES:-1000000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-3}
DATA=bench/data/e${ENTITIES}
WIDE_ENTITIES=${WIDE_ENTITIES:-100000}
WIDE=bench/data/wide-e${WIDE_ENTITIES}
STRINGS=bench/data/strings-e${ENTITIES}
FD_JAVA_OPTS=${FD_JAVA_OPTS:-}
BASELINE_REF=${BASELINE_REF:-}
RESULTS=bench/results
FD_PORT=18080
MGMT_PORT=18090
GRPC_PORT=18095
BASE_PORT=18081
CORE_PORT=18082
REDIS_PORT=16379
mkdir -p "$RESULTS" "$DATA"

source bench/common.sh
ensure_commands wrk wrk redis-server redis-server redis-cli redis-tools curl curl
build
ensure_lakehouse
[ -f "$WIDE/bench.yaml" ] || java -Xmx4g -cp "$CP" io.featureduck.bench.BenchData "$WIDE" "$WIDE_ENTITIES" 25 10 1
[ -f "$STRINGS/bench.yaml" ] || java -Xmx4g -cp "$CP" io.featureduck.bench.BenchData "$STRINGS" "$ENTITIES" 1 10 1 string

heap_used() { jcmd "$1" GC.run >/dev/null; sleep 1; jcmd "$1" GC.heap_info | sed -nE 's/.*used ([0-9]+)K.*/\1/p' | head -1; }

echo "== idle data plane heap (no views)"
printf 'apiVersion: featureduck.io/v1alpha1\nkind: FeatureStore\nmetadata: {name: bench}\nspec:\n  lakehouse: {format: delta, root: tables}\n  dataPlane: {auth: {type: none}}\n' > "$DATA/empty.yaml"
java -Xmx6g -jar $JAR serve -f "$DATA/empty.yaml" --port $FD_PORT --management-port $MGMT_PORT --offline-port 0 --grpc-port $GRPC_PORT \
  --host 127.0.0.1 \
  > "$RESULTS/empty.log" 2>&1 &
EMPTY_PID=$!
wait_ready "http://127.0.0.1:$MGMT_PORT/ready"
HEAP_BASELINE=$(( $(heap_used $EMPTY_PID) * 1024 ))
kill $EMPTY_PID; wait $EMPTY_PID 2>/dev/null || true

echo "== start featureduck"
START=$(date +%s.%N)
java -Xmx6g $FD_JAVA_OPTS -jar $JAR serve -f "$DATA/bench.yaml" --port $FD_PORT --management-port $MGMT_PORT --offline-port 0 --grpc-port $GRPC_PORT \
  --host 127.0.0.1 \
  > "$RESULTS/featureduck.log" 2>&1 &
FD_PID=$!; PIDS+=($FD_PID)
wait_ready "http://127.0.0.1:$MGMT_PORT/ready"
READY=$(echo "$(date +%s.%N) - $START" | bc)
VIEWS_JSON=$(curl -s http://127.0.0.1:$FD_PORT/v1/views)
LOAD_SUM=$(echo "$VIEWS_JSON" | grep -oE '"load_millis":[0-9]+' | cut -d: -f2 | paste -sd+ | bc)
RAW=$(echo "$VIEWS_JSON" | grep -oE '"index_value_bytes":[0-9]+' | cut -d: -f2 | paste -sd+ | bc)
HEAP=$(( $(heap_used $FD_PID) * 1024 ))
RSS=$(( $(awk '/VmRSS/ {print $2}' /proc/$FD_PID/status) * 1024 ))

# serve_shape <name> <dir> <port offset>: starts a data plane for a wider shape; sets <name>_PID and measures it.
serve_shape() {
  local port=$((FD_PORT + $3)) mgmt=$((MGMT_PORT + $3)) grpc=$((GRPC_PORT + $3)) start views
  start=$(date +%s.%N)
  java -Xmx6g $FD_JAVA_OPTS -jar $JAR serve -f "$2/bench.yaml" --port $port --management-port $mgmt \
    --offline-port 0 --grpc-port $grpc --host 127.0.0.1 > "$RESULTS/featureduck-$1.log" 2>&1 &
  local pid=$!; PIDS+=($pid); printf -v "${1}_PID" %s $pid
  wait_ready "http://127.0.0.1:$mgmt/ready"
  printf '%s_ready_seconds=%s\n' "$1" "$(echo "$(date +%s.%N) - $start" | bc)" >> "$RESULTS/shapes.properties"
  views=$(curl -s "http://127.0.0.1:$port/v1/views")
  printf '%s_raw_bytes=%s\n' "$1" "$(echo "$views" | grep -oE '"index_value_bytes":[0-9]+' | cut -d: -f2 | paste -sd+ | bc)" \
    >> "$RESULTS/shapes.properties"
  printf '%s_heap_after_gc_bytes=%s\n' "$1" "$(( $(heap_used $pid) * 1024 ))" >> "$RESULTS/shapes.properties"
}
: > "$RESULTS/shapes.properties"
echo "== start featureduck for the wider shapes"
serve_shape wide "$WIDE" 100
serve_shape strings "$STRINGS" 200
printf 'wide_entities=%s\nstrings_entities=%s\n' "$WIDE_ENTITIES" "$ENTITIES" >> "$RESULTS/shapes.properties"
WIDE_FEATURES=$(for v in $(seq 0 24); do for f in 0 1 2 3 4 5 6 7 8 9; do printf 'view-%s:f%s,' $v $f; done; done | sed 's/,$//')
STRING_FEATURES=$(for f in 0 1 2 3 4 5 6 7 8 9; do printf 'view-0:f%s,' $f; done | sed 's/,$//')

FEATURES=$(for v in 0 1 2 3 4; do for f in 0 1 2 3 4 5 6 7 8 9; do printf 'view-%s:f%s,' $v $f; done; done | sed 's/,$//')
body() { # body <batch> [features]: a Feast request for the first <batch> entities, as feast.lua sends it
  local ids; ids=$(seq 0 $(( $1 - 1 )) | paste -sd,)
  printf '{"features": [%s], "entities": {"entity_id": [%s]}, "full_feature_names": true}' \
    "$(echo "${2:-$FEATURES}" | sed 's/[^,]*/"&"/g')" "$ids"
}
post() { # post <port> <body>: the answer, or a failed run when it is an error
  curl -sf -X POST -H 'content-type: application/json' "http://127.0.0.1:$1/get-online-features" -d "$2"
}
for b in 1 100 500; do
  post $FD_PORT "$(body $b)" > "$RESULTS/floor-$b.json"
done
post $((FD_PORT + 100)) "$(body 1 "$WIDE_FEATURES")" > "$RESULTS/floor-wide.json"
post $((FD_PORT + 200)) "$(body 1 "$STRING_FEATURES")" > "$RESULTS/floor-strings.json"

BEFORE_PORT=$((FD_PORT + 300))
if [ -n "$BASELINE_REF" ]; then
  echo "== build and start the data plane of $BASELINE_REF"
  BEFORE_DIR="${TMPDIR:-/tmp}/featureduck-baseline-$(git rev-parse --short "$BASELINE_REF")"
  if [ ! -f "$BEFORE_DIR/dataplane/target/featureduck.jar" ]; then
    rm -rf "$BEFORE_DIR"; git worktree prune
    git worktree add --detach "$BEFORE_DIR" "$BASELINE_REF" > /dev/null
    (cd "$BEFORE_DIR" && mvn -B -q -Dstyle.color=never package -pl dataplane -am -DskipTests -Dimages.skip=true)
  fi
  java -Xmx6g $FD_JAVA_OPTS -jar "$BEFORE_DIR/dataplane/target/featureduck.jar" serve -f "$DATA/bench.yaml" \
    --port $BEFORE_PORT --management-port $((MGMT_PORT + 300)) --offline-port 0 --grpc-port $((GRPC_PORT + 300)) --host 127.0.0.1 \
    > "$RESULTS/featureduck-before.log" 2>&1 &
  BEFORE_PID=$!; PIDS+=($BEFORE_PID)
  wait_ready "http://127.0.0.1:$((MGMT_PORT + 300))/ready"
  echo "baseline_ref=$BASELINE_REF ($(git rev-parse --short "$BASELINE_REF"))" >> "$RESULTS/shapes.properties"
fi

echo "== start redis and load the same values"
redis-server --port $REDIS_PORT --save '' --appendonly no --daemonize no > "$RESULTS/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do redis-cli -p $REDIS_PORT ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p $REDIS_PORT flushall >/dev/null
java -Xmx6g -cp "$CP" io.featureduck.bench.RedisLoader "$DATA/bench.yaml" "$ENTITIES" 2> "$RESULTS/redis-loader.log" \
  | redis-cli -p $REDIS_PORT --pipe > "$RESULTS/redis-pipe.log"
REDIS_MEM=$(redis-cli -p $REDIS_PORT info memory | sed -nE 's/^used_memory:([0-9]+).*/\1/p')

java -Xmx2g -cp "$CP" io.featureduck.bench.BaselineServer $BASE_PORT $REDIS_PORT "$RESULTS" $CORE_PORT \
  > "$RESULTS/baseline.log" 2>&1 &
BASE_PID=$!; PIDS+=($BASE_PID)
for _ in $(seq 1 100); do [ "$(grep -c listening "$RESULTS/baseline.log")" = 2 ] && break; sleep 0.1; done

echo "== check: the Redis route answers the same values as FeatureDuck"
fd_values=$(post $FD_PORT "$(body 3)" | grep -oE '"values":\[[^]]*\]')
redis_values=$(post $BASE_PORT "$(body 3)" | grep -oE '"values":\[[^]]*\]')
if [ "$fd_values" != "$redis_values" ]; then echo "baseline answers differ from FeatureDuck"; exit 1; fi

: > "$RESULTS/results.jsonl"
allocated() { java -cp "$CP" io.featureduck.bench.AllocationMeter "$1"; }
run() { # run <label> <port> <path> <batch> <connections> <server pid> [features] [entities]
  local threads=$(( $5 < 2 ? 1 : 2 )) before after result
  FD_PATH=$3 FD_BATCH=$4 FD_FEATURES=${7:-$FEATURES} FD_ENTITIES=${8:-$ENTITIES} FD_LABEL=warmup \
    wrk -t$threads -c$5 -d${WARMUP}s -s bench/wrk/feast.lua "http://127.0.0.1:$2" > /dev/null
  before=$(allocated $6)
  result=$(FD_PATH=$3 FD_BATCH=$4 FD_FEATURES=${7:-$FEATURES} FD_ENTITIES=${8:-$ENTITIES} FD_LABEL=$1 \
    wrk -t$threads -c$5 -d${DURATION}s -s bench/wrk/feast.lua "http://127.0.0.1:$2" | sed -n 's/^RESULT //p')
  after=$(allocated $6)
  echo "$result" | sed "s/}\$/, \"alloc_bytes\": $((after - before))}/" | tee -a "$RESULTS/results.jsonl"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "== measure, round $round of $ROUNDS"
  for c in 1 8 32; do
    run featureduck-b1-c$c $FD_PORT /get-online-features 1 $c $FD_PID
    run floor-b1-c$c $BASE_PORT /floor/1 1 $c $BASE_PID
    run redis-b1-c$c $BASE_PORT /get-online-features 1 $c $BASE_PID
    run core-b1-c$c $CORE_PORT /floor/1 1 $c $BASE_PID
    [ -z "$BASELINE_REF" ] || run before-b1-c$c $BEFORE_PORT /get-online-features 1 $c $BEFORE_PID
  done
  for b in 100 500; do
    run featureduck-b$b-c1 $FD_PORT /get-online-features $b 1 $FD_PID
    run floor-b$b-c1 $BASE_PORT /floor/$b $b 1 $BASE_PID
    run redis-b$b-c1 $BASE_PORT /get-online-features $b 1 $BASE_PID
    [ -z "$BASELINE_REF" ] || run before-b$b-c1 $BEFORE_PORT /get-online-features $b 1 $BEFORE_PID
  done
  run featureduck-wide-c1 $((FD_PORT + 100)) /get-online-features 1 1 $wide_PID "$WIDE_FEATURES" $WIDE_ENTITIES
  run floor-wide-c1 $BASE_PORT /floor/wide 1 1 $BASE_PID "$WIDE_FEATURES" $WIDE_ENTITIES
  run featureduck-strings-c1 $((FD_PORT + 200)) /get-online-features 1 1 $strings_PID "$STRING_FEATURES"
  run floor-strings-c1 $BASE_PORT /floor/strings 1 1 $BASE_PID "$STRING_FEATURES"
done

cat > "$RESULTS/load.properties" <<PROPS
machine=$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1), Java $(java -version 2>&1 | head -1 | cut -d'"' -f2); wrk shares the cores
shape=$ENTITIES entities, 5 views x 10 float64 features, 5 table versions per view ($(( ENTITIES * 5 )) rows per table); each figure is the median of $ROUNDS interleaved ${DURATION}s runs, each after ${WARMUP}s warm-up
ready_seconds=$READY
load_millis_sum=$LOAD_SUM
raw_bytes=$RAW
heap_after_gc_bytes=$HEAP
heap_baseline_bytes=$HEAP_BASELINE
rss_bytes=$RSS
redis_used_memory=$REDIS_MEM
entities=$ENTITIES
PROPS
cat "$RESULTS/shapes.properties" >> "$RESULTS/load.properties"
java -cp "$CP" io.featureduck.bench.BenchReport "$RESULTS/results.jsonl" "$RESULTS/load.properties" "$RESULTS/report.md"
