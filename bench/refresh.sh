#!/usr/bin/env bash
# Live-refresh benchmark, one command: bench/refresh.sh
#
# A copy of the online benchmark's 5M-row table (view_0: 1M entities x 5 versions, 10 float64 features) is served
# with refreshInterval REFRESH (default 1s). Then ROWS (default 100k) rows are appended as one Delta commit, and the
# time from the commit until a lookup answers from the new version is measured, with the refresh time the data plane
# reports (an incremental merge of just the new file). In the same run a second data plane loads the appended table
# from scratch: the full reload the incremental refresh is compared with. Repeated ROUNDS times (default 3).
# Writes bench/results/refresh/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-1000000}
ROWS=${ROWS:-100000}
ROUNDS=${ROUNDS:-3}
REFRESH=${REFRESH:-1s}
DATA=bench/data/e${ENTITIES}
RESULTS=bench/results/refresh
PORT=18190
FULL_PORT=18191
mkdir -p "$RESULTS"

source bench/common.sh
ensure_commands curl curl
build
ensure_lakehouse

: > "$RESULTS/runs.tsv"
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS"
  WORK="$RESULTS/work"
  rm -rf "$WORK" && mkdir -p "$WORK/tables"
  cp -r "$DATA/tables/view_0" "$WORK/tables/view_0"
  {
    printf 'apiVersion: featureduck.io/v1alpha1\nkind: FeatureStore\nmetadata: {name: bench}\nspec:\n'
    printf '  lakehouse: {format: delta, root: tables}\n  dataPlane: {auth: {type: none}}\n---\n'
    printf 'apiVersion: featureduck.io/v1alpha1\nkind: FeatureView\nmetadata: {name: view-0}\nspec:\n'
    printf '  store: bench\n  source: {path: view_0, timestampColumn: event_timestamp}\n'
    printf '  refreshInterval: %s\n  entities: [{name: entity_id, type: int64}]\n  features:\n' "$REFRESH"
    for f in 0 1 2 3 4 5 6 7 8 9; do printf '    - {name: f%s, type: float64}\n' $f; done
  } > "$WORK/refresh.yaml"
  java -Xmx4g -jar $JAR serve -f "$WORK/refresh.yaml" --port $PORT --management-port $((PORT + 10)) --offline-port 0 --grpc-port $((PORT + 20)) \
    --host 127.0.0.1 \
    > "$RESULTS/serve.log" 2>&1 &
  SERVER=$!; PIDS+=($SERVER)
  wait_ready "http://127.0.0.1:$((PORT + 10))/ready"
  INITIAL=$(curl -sf "http://127.0.0.1:$PORT/v1/views/view-0" | sed 's/.*"load_millis":\([0-9]*\).*/\1/')

  java -cp "$CP" io.featureduck.bench.RefreshBench "$WORK/tables/view_0" "$ROWS" "$ENTITIES" \
    "http://127.0.0.1:$PORT" view-0 10 | tee "$RESULTS/round.txt"
  RESULT=$(grep '^RESULT' "$RESULTS/round.txt" | cut -f2-)

  # The full reload of the same appended version, in a second data plane.
  java -Xmx4g -jar $JAR serve -f "$WORK/refresh.yaml" --port $FULL_PORT --management-port $((FULL_PORT + 10)) \
    --offline-port 0 --grpc-port $((FULL_PORT + 20)) \
    --host 127.0.0.1 > "$RESULTS/full.log" 2>&1 &
  FULL=$!; PIDS+=($FULL)
  wait_ready "http://127.0.0.1:$((FULL_PORT + 10))/ready"
  RELOAD=$(curl -sf "http://127.0.0.1:$FULL_PORT/v1/views/view-0" | sed 's/.*"load_millis":\([0-9]*\).*/\1/')
  kill $SERVER $FULL; wait $SERVER $FULL 2>/dev/null || true
  printf '%s\t%s\t%s\n' "$RESULT" "$INITIAL" "$RELOAD" | tee -a "$RESULTS/runs.tsv"
done
rm -rf "$RESULTS/work"

median() { cut -f"$1" "$RESULTS/runs.tsv" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
VISIBLE=$(median 1); INCREMENTAL=$(median 2); INITIAL=$(median 3); RELOAD=$(median 4)
{
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, Java $(java -version 2>&1 | head -1 | cut -d'"' -f2)  "
  echo "Data: view_0 of the online benchmark (5 versions x $ENTITIES entities = $(( ENTITIES * 5 )) rows, 10 float64 features), $ROWS rows appended as one commit; refreshInterval $REFRESH; medians of $ROUNDS rounds"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| append visible online after the commit (s) | $VISIBLE |"
  echo "| incremental refresh (ms) | $INCREMENTAL |"
  echo "| full reload of the appended version (ms) | $RELOAD |"
  echo "| first load of the table before the append (ms) | $INITIAL |"
  echo "| incremental vs full reload | $(echo "scale=3; $INCREMENTAL / $RELOAD" | bc)x |"
} > "$RESULTS/report.md"
cat "$RESULTS/report.md"
