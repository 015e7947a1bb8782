#!/usr/bin/env bash
# Spark-retrieval benchmark, one command: bench/spark.sh
#
# A point-in-time join of ROWS (default 10M) entity rows against the 5M-row view of the online benchmark's lakehouse
# (1M entities x 5 versions, 10 float64 features, no TTL), Parquet out, run in the same session two ways:
#   duckdb  bin/featureduck historical: the data plane's one-node retrieval (DuckDB limited to 4GB, heap 2g)
#   spark   the Spark job (spark/) on a local Spark (local[CORES], one JVM of SPARK_HEAP, default 8g), from the plan
#           bin/featureduck spark-plan writes for the same request: the job a HistoricalRetrieval runs in a cluster
# Reports wall time, entity rows per second and peak RSS for both, and fails unless the two results are identical.
# Writes bench/results/spark/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-1000000}
ROWS=${ROWS:-10000000}
CORES=${CORES:-$(nproc)}
SPARK_HEAP=${SPARK_HEAP:-8g}
DATA=bench/data/e${ENTITIES}
RESULTS=bench/results/spark
mkdir -p "$RESULTS"

source bench/common.sh
ensure_commands /usr/bin/time time bc bc
build
ensure_lakehouse
SPARK_JAR=$(ls spark/target/featureduck-spark-*.jar | head -1)

CONFIG="$DATA/spark.yaml"
{
  printf 'apiVersion: featureduck.io/v1alpha1\nkind: FeatureStore\nmetadata: {name: bench}\nspec:\n'
  printf '  lakehouse: {format: delta, root: tables}\n  dataPlane: {duckdbMemoryLimit: 4GB, auth: {type: none}}\n---\n'
  printf 'apiVersion: featureduck.io/v1alpha1\nkind: FeatureView\nmetadata: {name: view-0}\nspec:\n'
  printf '  store: bench\n  online: false\n  source: {path: view_0, timestampColumn: event_timestamp}\n'
  printf '  entities: [{name: entity_id, type: int64}]\n  features:\n'
  for f in 0 1 2 3 4 5 6 7 8 9; do printf '    - {name: f%s, type: float64}\n' $f; done
} > "$CONFIG"
FEATURES=$(for f in 0 1 2 3 4 5 6 7 8 9; do printf 'view-0:f%s,' $f; done | sed 's/,$//')

echo "== $ROWS entity rows"
[ -f "$RESULTS/rows-$ROWS.parquet" ] ||
  java -cp "$CP" io.featureduck.bench.HistoricalBenchData "$RESULTS/rows-$ROWS.parquet" "$ROWS" "$ENTITIES"

: > "$RESULTS/runs.tsv"
measure() { # measure <name> <command...>: appends "name seconds max-rss-kib"
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$RESULTS/time.txt" "$@" > "$RESULTS/$name.out" 2> "$RESULTS/$name.err" ||
    { tail -40 "$RESULTS/$name.err"; exit 1; }
  printf '%s\t%s\n' "$name" "$(tail -1 "$RESULTS/time.txt" | tr ' ' '\t')" | tee -a "$RESULTS/runs.tsv"
}

echo "== one node: DuckDB"
rm -f "$RESULTS/duckdb.parquet"
measure duckdb env JAVA_OPTS=-Xmx2g bin/featureduck historical -f "$CONFIG" --entities "$RESULTS/rows-$ROWS.parquet" \
  --features "$FEATURES" --out "$RESULTS/duckdb.parquet"

echo "== Spark: the plan, then the job on local[$CORES]"
rm -rf "$RESULTS/spark-out"
bin/featureduck spark-plan -f "$CONFIG" --entities "$PWD/$RESULTS/rows-$ROWS.parquet" --features "$FEATURES" \
  --out "$PWD/$RESULTS/spark-out" --plan "$RESULTS/plan.json"
# LocalSpark waits for the Spark JVM it starts; /usr/bin/time's peak RSS is the larger of the two, Spark's.
measure spark java -cp "$SPARK_JAR" io.featureduck.spark.LocalSpark spark/target/job-classpath.txt "$CORES" \
  "$SPARK_HEAP" --plan "$RESULTS/plan.json"

echo "== check: Spark's rows equal DuckDB's, in the same order"
java -cp "$CP" io.featureduck.bench.CompareParquet "$RESULTS/duckdb.parquet" "$RESULTS/spark-out/*.parquet"

field() { grep "^$1	" "$RESULTS/runs.tsv" | cut -f"$2"; }
DUCK=$(field duckdb 2); SPARK=$(field spark 2)
{
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, Java $(java -version 2>&1 | head -1 | cut -d'"' -f2)  "
  echo "Data: $ROWS entity rows against view_0 (5 versions x $ENTITIES entities = $(( ENTITIES * 5 )) rows, 10 float64 features, no TTL), Parquet out; one run each, same session"
  echo
  echo "| engine | wall time (s) | entity rows/s | peak RSS (MiB) | vs DuckDB |"
  echo "|---|---|---|---|---|"
  echo "| one node: bin/featureduck historical (DuckDB 4GB, heap 2g; baseline) | $DUCK | $(echo "$ROWS / $DUCK" | bc) | $(( $(field duckdb 3) / 1024 )) | 1.00x |"
  echo "| Spark job, local[$CORES], heap $SPARK_HEAP | $SPARK | $(echo "$ROWS / $SPARK" | bc) | $(( $(field spark 3) / 1024 )) | $(echo "scale=2; $SPARK / $DUCK" | bc)x time |"
} > "$RESULTS/report.md"
cat "$RESULTS/report.md"
