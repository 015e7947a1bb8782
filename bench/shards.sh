#!/usr/bin/env bash
# Sharding benchmark, one command: bench/shards.sh
#
# One view of ENTITIES (default 10M) entities x FEATURES (default 50) float64 features, one table version: the store
# bench/load.sh showed needs about 4.2 GiB of heap. Measured in one run:
#   1. capacity: the store in one pod of POD_MEMORY (default 6Gi; the heap is DataPlaneSpec.HEAP_PERCENT of it) and the
#      same store as SHARDS (default 3) shards, each in its own pod of POD_MEMORY: whether each loads, the time until
#      /ready, the heap used after a full GC, the peak RSS. Pods are memory cgroups where this machine can create them
#      (as root), so the kernel enforces the limit as it would in a pod; elsewhere the heap size alone.
#   2. serving: the unsharded store in a pod big enough for it (BIG_POD_MEMORY, default 12Gi) beside the shards, all on
#      this machine, interleaved: Feast's POST /get-online-features for random entities at batch 1 (1 and 8
#      connections) and batch 100 (1 connection), through the first shard (which asks the others for keys it does not
#      own) and through the unsharded process (the baseline). ROUNDS rounds of DURATION seconds.
# Writes bench/results/shards.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-10000000}
FEATURES=${FEATURES:-50}
SHARDS=${SHARDS:-3}
POD_MEMORY=${POD_MEMORY:-6Gi}
BIG_POD_MEMORY=${BIG_POD_MEMORY:-12Gi}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
ROUNDS=${ROUNDS:-2}
DATA=bench/data/load-e${ENTITIES}-f${FEATURES}
RESULTS=bench/results
PORT=18600
# The data plane's JAVA_TOOL_OPTIONS, as operator/.../DataPlaneDeploymentDependent sets them.
JVM_OPTIONS="-XX:+UseG1GC -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
mkdir -p "$RESULTS"

source bench/common.sh
ensure_commands curl curl bc bc wrk wrk
build
# The running processes keep this copy: a rebuild of the project while the benchmark runs cannot change their jar.
cp "$JAR" bench/target/shards-featureduck.jar
JAR=bench/target/shards-featureduck.jar
if [ ! -f "$DATA/bench.yaml" ]; then
  echo "== write the lakehouse ($ENTITIES entities x $FEATURES features)"
  java -Xmx6g -cp "$CP" io.featureduck.bench.BenchData "$DATA" "$ENTITIES" 1 "$FEATURES" 1
fi

# pod <name> <memory>: prints the command prefix that runs a process in a memory cgroup of that size (empty when no
# cgroup can be made here, in which case the caller sizes the heap itself).
CGROUPS=()
pod() {
  local limit; limit=$(numfmt --from=iec-i "$2")
  if [ -w /sys/fs/cgroup/memory ] && mkdir -p "/sys/fs/cgroup/memory/$1" 2>/dev/null; then
    echo "$limit" > "/sys/fs/cgroup/memory/$1/memory.limit_in_bytes"
    CGROUPS+=("/sys/fs/cgroup/memory/$1"); echo "/sys/fs/cgroup/memory/$1"
  elif [ -w /sys/fs/cgroup/cgroup.subtree_control ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers \
      && { echo +memory > /sys/fs/cgroup/cgroup.subtree_control; } 2>/dev/null \
      && mkdir -p "/sys/fs/cgroup/$1" 2>/dev/null; then
    echo "$limit" > "/sys/fs/cgroup/$1/memory.max"
    CGROUPS+=("/sys/fs/cgroup/$1"); echo "/sys/fs/cgroup/$1"
  fi
}
cleanup_cgroups() { cleanup; for c in "${CGROUPS[@]:-}"; do [ -z "$c" ] || rmdir "$c" 2>/dev/null || true; done; }
trap cleanup_cgroups EXIT

# start <name> <memory> <http-port> <yaml> [serve args...]: starts `featureduck serve` in a pod-sized cgroup; sets PID.
start() {
  local name=$1 memory=$2 port=$3 yaml=$4; shift 4
  local cgroup; cgroup=$(pod "featureduck-$name" "$memory")
  local options=$JVM_OPTIONS launch=()
  if [ -n "$cgroup" ]; then
    launch=(sh -c 'echo $$ > "$0/cgroup.procs"; exec "$@"' "$cgroup")
  else
    options="$options -Xmx$(( $(numfmt --from=iec-i "$memory") / 2 >> 20 ))m"
  fi
  sed "s/dataPlane: {/dataPlane: {resources: {memoryLimit: $memory}, /" "$DATA/bench.yaml" > "$DATA/$name.yaml"
  "${launch[@]}" java $options -jar "$JAR" serve -f "$DATA/$name.yaml" --host 127.0.0.1 --port "$port" \
    --management-port $((port + 1)) --grpc-port $((port + 2)) --offline-port 0 "$@" > "$RESULTS/shards-$name.log" 2>&1 &
  PID=$!; PIDS+=($PID)
  [ -n "$cgroup" ] && HOW="memory cgroups of the pods' limits (enforced by the kernel)" || HOW="heaps sized as in the pods (no memory cgroup can be made here)"
}

# await <pid> <http-port>: waits for /ready; prints the seconds since START, or "died" when the process exited.
await() {
  until curl -sf "http://127.0.0.1:$(($2 + 1))/ready" >/dev/null; do
    kill -0 "$1" 2>/dev/null || { echo died; return; }
    sleep 0.2
  done
  printf '%.1f\n' "$(echo "$(date +%s.%N) - $START" | bc)"
}

# memory <pid>: heap used after a full GC, and peak RSS, in MiB.
memory() {
  jcmd "$1" GC.run >/dev/null; sleep 1
  local used; used=$(jcmd "$1" GC.heap_info | sed -nE 's/.*used ([0-9]+)K.*/\1/p' | head -1)
  echo "$(( used >> 10 )) $(( $(awk '/VmHWM/ {print $2}' "/proc/$1/status") >> 10 ))"
}

REPORT=$(mktemp)
echo "== one pod of $POD_MEMORY holding the whole store"
START=$(date +%s.%N)
start single-small "$POD_MEMORY" $PORT "$DATA/bench.yaml"
SMALL_PID=$PID
SMALL_READY=$(await $SMALL_PID $PORT)
if [ "$SMALL_READY" = died ]; then
  SMALL="does not fit: the process died loading ($(grep -m1 -oE 'OutOfMemoryError[^,]*|Killed' "$RESULTS/shards-single-small.log" || echo 'killed by the kernel at the limit'))"
else
  read -r heap rss < <(memory $SMALL_PID)
  SMALL="fits: ready in ${SMALL_READY} s, heap used ${heap} MiB, peak RSS ${rss} MiB"
  kill $SMALL_PID
fi
echo "  $SMALL"

echo "== $SHARDS shards, each one pod of $POD_MEMORY"
peers=()
for i in $(seq 0 $((SHARDS - 1))); do peers+=(--peer "$i=127.0.0.1:$((PORT + 10 * (i + 1) + 2))"); done
START=$(date +%s.%N)
SHARD_PIDS=()
for i in $(seq 0 $((SHARDS - 1))); do
  start "shard-$i" "$POD_MEMORY" $((PORT + 10 * (i + 1))) "$DATA/bench.yaml" --shard "$i/$SHARDS" "${peers[@]}"
  SHARD_PIDS+=($PID)
done
SHARD_ROWS=()
for i in $(seq 0 $((SHARDS - 1))); do
  ready=$(await "${SHARD_PIDS[$i]}" $((PORT + 10 * (i + 1))))
  if [ "$ready" = died ]; then echo "shard $i died loading; see $RESULTS/shards-shard-$i.log"; exit 1; fi
  views=$(curl -s "http://127.0.0.1:$((PORT + 10 * (i + 1)))/v1/views")
  entities=$(echo "$views" | grep -oE '"entities_loaded":[0-9]+' | cut -d: -f2)
  amplification=$(printf '%.2f' "$(echo "$views" | grep -oE '"read_amplification":[0-9.]+' | cut -d: -f2)")
  read -r heap rss < <(memory "${SHARD_PIDS[$i]}")
  SHARD_ROWS+=("| shard $i/$SHARDS | $POD_MEMORY | ready in $ready s | $entities | $heap MiB | $rss MiB | ${amplification}x |")
  echo "  shard $i: ready in $ready s, $entities entities, heap $heap MiB, peak RSS $rss MiB"
done

echo "== the whole store in one pod of $BIG_POD_MEMORY, the baseline for serving"
START=$(date +%s.%N)
start single "$BIG_POD_MEMORY" $((PORT + 100)) "$DATA/bench.yaml"
BIG_PID=$PID
BIG_READY=$(await $BIG_PID $((PORT + 100)))
[ "$BIG_READY" != died ] || { echo "the baseline died loading; see $RESULTS/shards-single.log"; exit 1; }
read -r BIG_HEAP BIG_RSS < <(memory $BIG_PID)
BIG_ENTITIES=$(curl -s "http://127.0.0.1:$((PORT + 100))/v1/views" | grep -oE '"entities_loaded":[0-9]+' | cut -d: -f2)

echo "== check: the first shard answers as the unsharded process does"
FEATURE_LIST=$(for f in $(seq 0 $((FEATURES - 1))); do printf 'view-0:f%s,' $f; done | sed 's/,$//')
body=$(printf '{"features": [%s], "entities": {"entity_id": [%s]}}' "$(echo "$FEATURE_LIST" | sed 's/[^,]*/"&"/g')" \
  "$(shuf -i 0-$((ENTITIES - 1)) -n 100 --random-source=<(yes) | paste -sd,)")
strip() { sed -E 's/"data_age_seconds":\{[^}]*\}//'; }
a=$(curl -sf -X POST -H 'content-type: application/json' "http://127.0.0.1:$((PORT + 10))/get-online-features" -d "$body" | strip)
b=$(curl -sf -X POST -H 'content-type: application/json' "http://127.0.0.1:$((PORT + 100))/get-online-features" -d "$body" | strip)
[ "$a" = "$b" ] || { echo "the sharded and unsharded answers differ"; exit 1; }
echo "  same answer for 100 random entities"

: > "$RESULTS/shards.jsonl"
run() { # run <label> <port> <batch> <connections>
  local threads=$(( $4 < 2 ? 1 : 2 ))
  FD_PATH=/get-online-features FD_BATCH=$3 FD_FEATURES=$FEATURE_LIST FD_ENTITIES=$ENTITIES FD_LABEL=warmup \
    wrk -t$threads -c$4 -d${WARMUP}s -s bench/wrk/feast.lua "http://127.0.0.1:$2" > /dev/null
  FD_PATH=/get-online-features FD_BATCH=$3 FD_FEATURES=$FEATURE_LIST FD_ENTITIES=$ENTITIES FD_LABEL=$1 \
    wrk -t$threads -c$4 -d${DURATION}s --latency -s bench/wrk/feast.lua "http://127.0.0.1:$2" \
    | sed -n 's/^RESULT //p' | tee -a "$RESULTS/shards.jsonl"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "== measure, round $round of $ROUNDS"
  for scenario in "1 1" "1 8" "100 1"; do
    set -- $scenario
    run "unsharded b$1 c$2" $((PORT + 100)) "$1" "$2"
    run "sharded b$1 c$2" $((PORT + 10)) "$1" "$2"
  done
done
FAN_OUT=$(curl -s "http://127.0.0.1:$((PORT + 11))/metrics" | sed -nE 's/^featureduck_shard_fan_out_total ([0-9.E]+)/\1/p')
FAILURES=$(curl -s "http://127.0.0.1:$((PORT + 11))/metrics" | grep -c '^featureduck_shard_failures_total' || true)

MACHINE="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1), Java $(java -version 2>&1 | head -1 | cut -d'"' -f2)"
{
  echo "# Sharding: $ENTITIES entities x $FEATURES float64 features, $SHARDS shards"
  echo
  echo "Machine: $MACHINE; every process and wrk share the cores. Pods: $HOW."
  echo
  echo "## Capacity"
  echo
  echo "One pod of $POD_MEMORY holding the whole store: $SMALL."
  echo
  echo "| process | pod memory | time to ready | entities held | heap used after GC | peak RSS | read amplification |"
  echo "|---|---|---|---|---|---|---|"
  echo "| unsharded | $BIG_POD_MEMORY | ready in $BIG_READY s | $BIG_ENTITIES | $BIG_HEAP MiB | $BIG_RSS MiB | 1x |"
  printf '%s\n' "${SHARD_ROWS[@]}"
  echo
  echo "## Serving through the first shard against the unsharded process"
  echo
  java -cp "$CP" io.featureduck.bench.PairReport "$RESULTS/shards.jsonl" unsharded sharded "$MACHINE" | tail -n +3
  echo
  echo "Calls to other shards made by the first shard: ${FAN_OUT:-0}; shard failures recorded: ${FAILURES:-0}."
} > "$RESULTS/shards.md"
cat "$RESULTS/shards.md"
