#!/usr/bin/env bash
# Push benchmark, one command: bench/push.sh
#
# Two data planes (the receiving pod and a second replica, refreshInterval REFRESH, default 1s) serve one Delta table of
# ENTITIES entities (default 100k) that takes Feast pushes (flushInterval FLUSH, default 200ms). Measured, in this order:
# SINGLES single-row pushes with IN_FLIGHT concurrent requests, BATCHES 1,000-row pushes 4 at a time, and PROBES
# single pushes one at a time, each timed until the receiving pod has answered (it serves the row by then) and until
# the second replica serves it. Baseline, in the same run: the same rows appended directly as one Delta commit per
# request (DuckDB file + Delta Kernel commit, the push path without batching or HTTP). Writes bench/results/push/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-100000}
SINGLES=${SINGLES:-4000}
IN_FLIGHT=${IN_FLIGHT:-64}
BATCHES=${BATCHES:-50}
PROBES=${PROBES:-20}
REFRESH=${REFRESH:-1s}
FLUSH=${FLUSH:-200ms}
RESULTS=bench/results/push
PORT=18290
SECOND=18291
mkdir -p "$RESULTS"
DATA=unused

source bench/common.sh
ensure_commands curl curl bc bc
build

WORK="$RESULTS/work"
rm -rf "$WORK" && mkdir -p "$WORK/tables"
java -cp "$CP" io.featureduck.bench.PushBench create "$WORK/tables/view_0" "$ENTITIES"
{
  printf 'apiVersion: featureduck.io/v1alpha1\nkind: FeatureStore\nmetadata: {name: bench}\nspec:\n'
  printf '  lakehouse: {format: delta, root: tables}\n  dataPlane: {auth: {type: none}}\n---\n'
  printf 'apiVersion: featureduck.io/v1alpha1\nkind: FeatureView\nmetadata: {name: view-0}\nspec:\n'
  printf '  store: bench\n  source: {path: view_0, timestampColumn: event_timestamp}\n'
  printf '  refreshInterval: %s\n  entities: [{name: entity_id, type: int64}]\n' "$REFRESH"
  printf '  features: [{name: f0, type: float64}]\n'
  printf '  push: {enabled: true, sourceName: view_0_push, flushInterval: %s}\n' "$FLUSH"
} > "$WORK/push.yaml"
for p in $PORT $SECOND; do
  java -Xmx2g -jar $JAR serve -f "$WORK/push.yaml" --port $p --management-port $((p + 10)) --offline-port 0 --grpc-port $((p + 20)) \
    --host 127.0.0.1 > "$RESULTS/serve-$p.log" 2>&1 &
  PIDS+=($!)
done
wait_ready "http://127.0.0.1:$((PORT + 10))/ready"
wait_ready "http://127.0.0.1:$((SECOND + 10))/ready"

java -cp "$CP" io.featureduck.bench.PushBench "$WORK/tables/view_0" "http://127.0.0.1:$PORT" \
  "http://127.0.0.1:$SECOND" "$SINGLES" "$IN_FLIGHT" "$BATCHES" "$PROBES" | tee "$RESULTS/run.txt"
REPORT=$(curl -sf "http://127.0.0.1:$PORT/v1/views/view-0")
cleanup
rm -rf "$WORK"

value() { grep -P "^RESULT\t$1\t" "$RESULTS/run.txt" | cut -f3; }
ratio() { echo "scale=2; $1 / $2" | bc; }
FILES=$(echo "$REPORT" | sed 's/.*"data_files":\([0-9]*\).*/\1/')
SMALL=$(echo "$REPORT" | sed 's/.*"small_files":\([0-9]*\).*/\1/')
{
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, Java $(java -version 2>&1 | head -1 | cut -d'"' -f2); client and both data planes on the same cores  "
  echo "Table: Delta, $ENTITIES entities; flushInterval $FLUSH, second replica refreshInterval $REFRESH"
  echo
  echo "| measure | pushes (HTTP, batched) | baseline: one direct commit per request | ratio |"
  echo "|---|---|---|---|"
  echo "| single-row: rows/s ($SINGLES pushes, $IN_FLIGHT in flight) | $(value single_rows_per_s) | $(value direct_single_rows_per_s) (sequential) | $(ratio "$(value single_rows_per_s)" "$(value direct_single_rows_per_s)")x |"
  echo "| single-row: request p50 / p99 (ms) | $(value single_p50_ms) / $(value single_p99_ms) | $(value direct_single_p50_ms) / $(value direct_single_p99_ms) | |"
  echo "| single-row: commits | $(value single_commits) for $SINGLES pushes | one per push | |"
  echo "| 1,000-row: rows/s ($BATCHES pushes, 4 in flight) | $(value batch_rows_per_s) | $(value direct_batch_rows_per_s) (sequential) | $(ratio "$(value batch_rows_per_s)" "$(value direct_batch_rows_per_s)")x |"
  echo "| 1,000-row: request p50 / p99 (ms) | $(value batch_p50_ms) / $(value batch_p99_ms) | $(value direct_batch_p50_ms) (p50) | |"
  echo "| 1,000-row: commits | $(value batch_commits) for $BATCHES pushes | | |"
  echo "| push to visible on the receiving pod p50 / p99 (ms) | $(value visible_receiving_p50_ms) / $(value visible_receiving_p99_ms) | | |"
  echo "| push to visible on the second replica p50 / p99 (ms) | $(value visible_replica_p50_ms) / $(value visible_replica_p99_ms) | | |"
  echo "| data files / small files after the run | $FILES / $SMALL | | |"
} > "$RESULTS/report.md"
cat "$RESULTS/report.md"
