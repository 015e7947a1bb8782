#!/usr/bin/env bash
# Large-view load benchmark, one command: bench/load.sh
#
# One view of ENTITIES (default 10M) entities x FEATURES (default 50) float64 features, one table version, loaded by
# `featureduck serve` as the operator runs it in a pod whose memory limit is POD_MEMORY (default 12Gi): the operator's
# JVM flags (the heap is DataPlaneSpec.HEAP_PERCENT of the limit) and the store's resources.memoryLimit (DuckDB's
# share is derived from it). Where a memory cgroup can be created (cgroup v1 or v2, as root), the process runs inside
# one with that limit, so the kernel kills it as it would kill the pod; elsewhere the heap is given the same size and
# the peak RSS is compared with the limit. Reports the time until /ready, the heap used after a full GC against the
# raw value bytes, and the peak RSS. Writes bench/results/load.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-10000000}
FEATURES=${FEATURES:-50}
POD_MEMORY=${POD_MEMORY:-12Gi}
DATA=bench/data/load-e${ENTITIES}-f${FEATURES}
RESULTS=bench/results
PORT=18480
# The data plane's JAVA_TOOL_OPTIONS, as operator/.../DataPlaneDeploymentDependent sets them.
JVM_OPTIONS="-XX:+UseG1GC -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
mkdir -p "$RESULTS"

source bench/common.sh
ensure_commands curl curl bc bc
build
if [ ! -f "$DATA/bench.yaml" ]; then
  echo "== write the lakehouse ($ENTITIES entities x $FEATURES features)"
  java -Xmx6g -cp "$CP" io.featureduck.bench.BenchData "$DATA" "$ENTITIES" 1 "$FEATURES" 1
fi
sed "s/dataPlane: {/dataPlane: {resources: {memoryLimit: $POD_MEMORY}, /" "$DATA/bench.yaml" > "$DATA/pod.yaml"

limit_bytes=$(numfmt --from=iec-i "$POD_MEMORY")
CGROUP=""
if [ -w /sys/fs/cgroup/memory ] && mkdir -p /sys/fs/cgroup/memory/featureduck-load 2>/dev/null; then
  CGROUP=/sys/fs/cgroup/memory/featureduck-load
  echo "$limit_bytes" > $CGROUP/memory.limit_in_bytes
elif [ -w /sys/fs/cgroup/cgroup.subtree_control ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers \
    && { echo +memory > /sys/fs/cgroup/cgroup.subtree_control; } 2>/dev/null \
    && mkdir -p /sys/fs/cgroup/featureduck-load 2>/dev/null; then
  CGROUP=/sys/fs/cgroup/featureduck-load
  echo "$limit_bytes" > $CGROUP/memory.max
fi
if [ -n "$CGROUP" ]; then
  HOW="inside a memory cgroup limited to $POD_MEMORY (the pod's limit, enforced by the kernel)"
  # The shell moves itself into the cgroup, then becomes the JVM: $! is the JVM's pid.
  LAUNCH=(sh -c 'echo $$ > "$0/cgroup.procs"; exec "$@"' "$CGROUP")
else
  HOW="without a memory cgroup (none can be created here): heap $((limit_bytes / 2 >> 20)) MiB, peak RSS compared with $POD_MEMORY"
  JVM_OPTIONS="$JVM_OPTIONS -Xmx$((limit_bytes / 2 >> 20))m"
  LAUNCH=()
fi

echo "== load $ENTITIES x $FEATURES $HOW"
START=$(date +%s.%N)
"${LAUNCH[@]}" java $JVM_OPTIONS -jar "$JAR" serve -f "$DATA/pod.yaml" --port $PORT --management-port $((PORT + 1)) \
  --offline-port 0 --grpc-port $((PORT + 2)) --host 127.0.0.1 > "$RESULTS/load-serve.log" 2>&1 &
FD_PID=$!; PIDS+=($FD_PID)
until curl -sf "http://127.0.0.1:$((PORT + 1))/ready" >/dev/null; do
  if ! kill -0 $FD_PID 2>/dev/null; then
    echo "the data plane died while loading (killed at the pod's memory limit?); see $RESULTS/load-serve.log"
    exit 1
  fi
  sleep 0.2
done
READY=$(echo "$(date +%s.%N) - $START" | bc)
VIEWS=$(curl -s "http://127.0.0.1:$PORT/v1/views")
LOAD_MS=$(echo "$VIEWS" | grep -oE '"load_millis":[0-9]+' | cut -d: -f2)
RAW=$(echo "$VIEWS" | grep -oE '"index_value_bytes":[0-9]+' | cut -d: -f2)
jcmd $FD_PID GC.run >/dev/null; sleep 1
HEAP_USED=$(( $(jcmd $FD_PID GC.heap_info | sed -nE 's/.*used ([0-9]+)K.*/\1/p' | head -1) * 1024 ))
HEAP_MAX=$(( $(jcmd $FD_PID GC.heap_info | sed -nE 's/.*total ([0-9]+)K.*/\1/p' | head -1) * 1024 ))
PEAK_RSS=$(( $(awk '/VmHWM/ {print $2}' /proc/$FD_PID/status) * 1024 ))

mib() { echo "$(( $1 >> 20 )) MiB"; }
{
  echo "# Large-view load"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1), Java $(java -version 2>&1 | head -1 | cut -d'"' -f2)"
  echo "Data: $ENTITIES entities x 1 view x $FEATURES float64 features, one table version; run $HOW"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| time until /ready | $READY s |"
  echo "| view load time (data plane's own) | $LOAD_MS ms |"
  echo "| raw value bytes (keys, event times, features) | $(mib $RAW) |"
  echo "| heap the JVM was given | $(mib $HEAP_MAX) |"
  echo "| heap used after full GC, index loaded | $(mib $HEAP_USED) |"
  echo "| heap used / raw value bytes | $(echo "scale=3; $HEAP_USED / $RAW" | bc)x |"
  echo "| peak RSS while loading | $(mib $PEAK_RSS) of $POD_MEMORY |"
} > "$RESULTS/load.md"
cat "$RESULTS/load.md"
kill $FD_PID; wait $FD_PID 2>/dev/null || true
[ -z "$CGROUP" ] || rmdir "$CGROUP" 2>/dev/null || true
