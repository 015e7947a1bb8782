#!/usr/bin/env bash
# Historical-retrieval benchmark, one command: bench/historical.sh
#
# Point-in-time join of ROWS (default 1M) entity rows against one 5M-row view of the online benchmark's lakehouse
# (1M entities x 5 versions, 10 float64 features), Parquet out, measured in the same run three ways:
#   raw    the same join written directly as DuckDB SQL over the table's Parquet files (the baseline)
#   cli    bin/featureduck historical (Delta Kernel planning, validation, FeatureDuck's SQL), as users run it: with
#          the class-data archive its first run records (that first run is reported on its own)
#   jar    the same command as plain java -jar, without the launcher's JVM options
#   http   POST /v1/features/historical with a Parquet body and Accept: Parquet, on featureduck serve
# each ROUNDS times (default 3), interleaved; the report takes medians. Then BIG_ROWS (default 10M) entity rows
# through the CLI, to show memory stays bounded (DuckDB limited to 4GB in both FeatureDuck and the baseline).
# Writes bench/results/historical/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-1000000}
ROWS=${ROWS:-1000000}
BIG_ROWS=${BIG_ROWS:-10000000}
ROUNDS=${ROUNDS:-5}
DATA=bench/data/e${ENTITIES}
RESULTS=bench/results/historical
PORT=18180
mkdir -p "$RESULTS"

source bench/common.sh
ensure_commands /usr/bin/time time curl curl
build
ensure_lakehouse

CONFIG="$DATA/historical.yaml"
{
  printf 'apiVersion: featureduck.io/v1alpha1\nkind: FeatureStore\nmetadata: {name: bench}\nspec:\n'
  printf '  lakehouse: {format: delta, root: tables}\n  dataPlane: {duckdbMemoryLimit: 4GB, auth: {type: none}}\n---\n'
  printf 'apiVersion: featureduck.io/v1alpha1\nkind: FeatureView\nmetadata: {name: view-0}\nspec:\n'
  printf '  store: bench\n  online: false\n  source: {path: view_0, timestampColumn: event_timestamp}\n'
  printf '  entities: [{name: entity_id, type: int64}]\n  features:\n'
  for f in 0 1 2 3 4 5 6 7 8 9; do printf '    - {name: f%s, type: float64}\n' $f; done
} > "$CONFIG"
FEATURES=$(for f in 0 1 2 3 4 5 6 7 8 9; do printf 'view-0:f%s,' $f; done | sed 's/,$//')

echo "== entity rows"
java -cp "$CP" io.featureduck.bench.HistoricalBenchData "$RESULTS/rows.parquet" "$ROWS" "$ENTITIES"
java -cp "$CP" io.featureduck.bench.HistoricalBenchData "$RESULTS/big.parquet" "$BIG_ROWS" "$ENTITIES"

java -Xmx2g -jar $JAR serve -f "$CONFIG" --port $PORT --management-port $((PORT + 1)) --offline-port 0 --grpc-port $((PORT + 2)) \
  --host 127.0.0.1 \
  > "$RESULTS/serve.log" 2>&1 &
SERVER=$!; PIDS+=($SERVER)
wait_ready "http://127.0.0.1:$((PORT + 1))/health"

: > "$RESULTS/runs.tsv"
measure() { # measure <name> <command...>: appends "name seconds max-rss-kib"
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$RESULTS/time.txt" "$@" > /dev/null 2> "$RESULTS/$name.err" || { cat "$RESULTS/$name.err"; exit 1; }
  printf '%s\t%s\n' "$name" "$(cat "$RESULTS/time.txt" | tail -1 | tr ' ' '\t')" | tee -a "$RESULTS/runs.tsv"
}
rm -f dataplane/target/featureduck-historical-*.jsa
echo "== first CLI run (records the launcher's class-data archive)"
measure first-cli env JAVA_OPTS=-Xmx2g bin/featureduck historical -f "$CONFIG" --entities "$RESULTS/rows.parquet" \
  --features "$FEATURES" --out "$RESULTS/cli.parquet"
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS"
  measure raw java -Xmx2g -DmemoryLimit=4GB -cp "$CP" io.featureduck.bench.RawDuckDbJoin "$DATA/tables/view_0" \
    "$RESULTS/rows.parquet" "$RESULTS/raw.parquet" 10
  measure cli env JAVA_OPTS=-Xmx2g bin/featureduck historical -f "$CONFIG" --entities "$RESULTS/rows.parquet" \
    --features "$FEATURES" --out "$RESULTS/cli.parquet"
  measure jar java -Xmx2g -jar $JAR historical -f "$CONFIG" --entities "$RESULTS/rows.parquet" \
    --features "$FEATURES" --out "$RESULTS/cli.parquet"
  measure http curl -sf -X POST "http://127.0.0.1:$PORT/v1/features/historical?features=$FEATURES" \
    -H 'content-type: application/vnd.apache.parquet' -H 'accept: application/vnd.apache.parquet' \
    --data-binary "@$RESULTS/rows.parquet" -o "$RESULTS/http.parquet"
done
SERVER_HWM=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)

echo "== $BIG_ROWS entity rows through the CLI"
measure big-cli env JAVA_OPTS=-Xmx2g bin/featureduck historical -f "$CONFIG" --entities "$RESULTS/big.parquet" \
  --features "$FEATURES" --out "$RESULTS/big-cli.parquet"

echo "== check: FeatureDuck's answers equal the raw join's"
java -cp "$CP" io.featureduck.bench.CompareParquet "$RESULTS/raw.parquet" "$RESULTS/cli.parquet" "$RESULTS/http.parquet"

median() { grep "^$1	" "$RESULTS/runs.tsv" | cut -f2 | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
peak() { grep "^$1	" "$RESULTS/runs.tsv" | cut -f3 | sort -n | tail -1; }
RAW=$(median raw); CLI=$(median cli); PLAIN=$(median jar); HTTP=$(median http); FIRST=$(median first-cli)
{
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, Java $(java -version 2>&1 | head -1 | cut -d'"' -f2)  "
  echo "Data: $ROWS entity rows against view_0 (5 versions x $ENTITIES entities = $(( ENTITIES * 5 )) rows, 10 float64 features), Parquet out; medians of $ROUNDS interleaved rounds; DuckDB memory limit 4GB everywhere"
  echo
  echo "| path | wall time (s) | vs raw DuckDB SQL | peak RSS (MiB) |"
  echo "|---|---|---|---|"
  echo "| raw DuckDB SQL (baseline) | $RAW | 1.00x | $(( $(peak raw) / 1024 )) |"
  echo "| bin/featureduck historical (CLI) | $CLI | $(echo "scale=2; $CLI / $RAW" | bc)x | $(( $(peak cli) / 1024 )) |"
  echo "| java -jar featureduck.jar historical (CLI without the launcher) | $PLAIN | $(echo "scale=2; $PLAIN / $RAW" | bc)x | $(( $(peak jar) / 1024 )) |"
  echo "| first bin/featureduck historical run (records the archive; once) | $FIRST | $(echo "scale=2; $FIRST / $RAW" | bc)x | $(( $(peak first-cli) / 1024 )) |"
  echo "| POST /v1/features/historical (HTTP, client wall time) | $HTTP | $(echo "scale=2; $HTTP / $RAW" | bc)x | server high-water mark $(( SERVER_HWM / 1024 )) |"
  echo "| CLI, $BIG_ROWS entity rows | $(median big-cli) | | $(( $(peak big-cli) / 1024 )) |"
} > "$RESULTS/report.md"
cat "$RESULTS/report.md"
