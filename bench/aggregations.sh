#!/usr/bin/env bash
# Aggregation benchmark, one command: bench/aggregations.sh
#
# A view of 10 time-window aggregations x 3 windows (1h, 7d, 30d) over ENTITIES (default 1M) entities with PER_ENTITY
# (default 100) events each spread over 30 days, beside a plain view of 50 float64 features per entity (the
# baseline), served by one data plane. Measured in one run:
#   1. lookups, interleaved over ROUNDS rounds of DURATION seconds: Feast's POST /get-online-features of one entity's
#      30 aggregated features against one entity's 50 plain features, and the same at batch 100 (one connection);
#   2. memory: the events held and their bytes per entity (/v1/views), the heap after a full GC;
#   3. refresh: an appended file of APPEND (default 100k) events, from commit to served, against the full load;
#   4. historical retrieval of ROWS (default 1M) entity rows with all 30 aggregated features (the CLI, Parquet out)
#      against the same windows written as raw DuckDB SQL over the Parquet files, HISTORICAL_ROUNDS interleaved.
# Writes bench/results/aggregations/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-1000000}
PER_ENTITY=${PER_ENTITY:-100}
ROWS=${ROWS:-1000000}
APPEND=${APPEND:-100000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
ROUNDS=${ROUNDS:-3}
HISTORICAL_ROUNDS=${HISTORICAL_ROUNDS:-2}
HEAP=${HEAP:-12g}
DATA=bench/data/aggregations-e${ENTITIES}-n${PER_ENTITY}
RESULTS=bench/results/aggregations
PORT=18700
mkdir -p "$RESULTS"

source bench/common.sh
ensure_commands wrk wrk curl curl jq jq /usr/bin/time time
build
# Windows end at the request time: the events are written relative to now, so a lakehouse older than six hours is
# written again.
if [ ! -f "$DATA/bench.yaml" ] || [ -n "$(find "$DATA/bench.yaml" -mmin +360)" ]; then
  rm -rf "$DATA"
  echo "== write the lakehouse ($ENTITIES entities x $PER_ENTITY events)"
  java -Xmx4g -cp "$CP" io.featureduck.bench.AggregationBenchData "$DATA" "$ENTITIES" "$PER_ENTITY" 30 "$ROWS"
fi
rm -f "$DATA"/tables/events/append-*.parquet
AGGREGATED=$(java -cp "$CP" 'io.featureduck.bench.AggregationBenchData$Features')
PLAIN=$(for f in $(seq 0 49); do printf 'plain:f%s,' "$f"; done | sed 's/,$//')

echo "== serve"
START=$(date +%s.%N)
java -Xmx$HEAP -XX:+UseG1GC -jar "$JAR" serve -f "$DATA/bench.yaml" --port $PORT --management-port $((PORT + 1)) \
  --grpc-port $((PORT + 2)) --offline-port 0 --host 127.0.0.1 > "$RESULTS/serve.log" 2>&1 &
SERVER=$!; PIDS+=($SERVER)
for _ in $(seq 1 6000); do curl -sf "http://127.0.0.1:$((PORT + 1))/ready" >/dev/null && break; sleep 0.1; done
READY=$(echo "$(date +%s.%N) - $START" | bc)
view() { curl -sf "http://127.0.0.1:$PORT/v1/views/$1"; }
view activity > "$RESULTS/activity.json"
view plain > "$RESULTS/plain.json"
jcmd $SERVER GC.run > /dev/null
HEAP_USED=$(jcmd $SERVER GC.heap_info | sed -nE 's/.*used ([0-9]+)K.*/\1/p' | head -1)

: > "$RESULTS/results.jsonl"
run() { # run <label> <batch> <features>
  FD_BATCH=$2 FD_FEATURES=$3 FD_ENTITIES=$ENTITIES FD_LABEL=warmup \
    wrk -t1 -c1 -d${WARMUP}s -s bench/wrk/feast.lua "http://127.0.0.1:$PORT" > /dev/null
  FD_BATCH=$2 FD_FEATURES=$3 FD_ENTITIES=$ENTITIES FD_LABEL="$1" \
    wrk -t1 -c1 -d${DURATION}s -s bench/wrk/feast.lua "http://127.0.0.1:$PORT" | sed -n 's/^RESULT //p' \
    | tee -a "$RESULTS/results.jsonl"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "== lookups, round $round of $ROUNDS"
  run "plain b1-c1" 1 "$PLAIN"
  run "aggregations b1-c1" 1 "$AGGREGATED"
  run "plain b100-c1" 100 "$PLAIN"
  run "aggregations b100-c1" 100 "$AGGREGATED"
done

echo "== refresh: append $APPEND events"
BEFORE=$(view activity | jq .table_version)
java -cp "$CP" io.featureduck.bench.AggregationBenchData "$DATA" append "$APPEND" "$ENTITIES"
COMMITTED=$(date +%s.%N)
while [ "$(view activity | jq .table_version)" = "$BEFORE" ]; do sleep 0.02; done
VISIBLE=$(echo "$(date +%s.%N) - $COMMITTED" | bc)
view activity > "$RESULTS/activity-refreshed.json"
kill $SERVER; wait $SERVER 2>/dev/null || true
rm -f "$DATA"/tables/events/append-*.parquet

echo "== historical retrieval of $ROWS entity rows"
: > "$RESULTS/runs.tsv"
measure() { # measure <name> <command...>: appends "name seconds max-rss-kib"
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$RESULTS/time.txt" "$@" > /dev/null
  printf '%s\t%s\t%s\n' "$name" $(cat "$RESULTS/time.txt") >> "$RESULTS/runs.tsv"
}
for round in $(seq 1 "$HISTORICAL_ROUNDS"); do
  measure raw java -Xmx2g -DmemoryLimit=8GB -cp "$CP" io.featureduck.bench.RawWindowSql "$DATA/tables/events" \
    "$DATA/rows.parquet" "$RESULTS/raw.parquet"
  measure featureduck java -Xmx2g -jar "$JAR" historical -f "$DATA/bench.yaml" --entities "$DATA/rows.parquet" \
    --features "$AGGREGATED" --out "$RESULTS/featureduck.parquet"
done
median() { grep "^$1	" "$RESULTS/runs.tsv" | cut -f2 | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
peak() { grep "^$1	" "$RESULTS/runs.tsv" | cut -f3 | sort -n | tail -1; }

MACHINE="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, Java $(java -version 2>&1 | head -1 | cut -d'"' -f2); wrk shares the cores"
java -cp "$CP" io.featureduck.bench.PairReport "$RESULTS/results.jsonl" plain aggregations "$MACHINE" > "$RESULTS/lookups.md"
EVENTS=$(jq .aggregations.events_held "$RESULTS/activity.json")
STATE=$(jq .aggregations.state_bytes "$RESULTS/activity.json")
PER=$(jq .aggregations.bytes_per_entity "$RESULTS/activity.json")
PLAIN_BYTES=$(jq .index_value_bytes "$RESULTS/plain.json")
RAW=$(median raw); FD=$(median featureduck)
{
  echo "# Aggregations"
  echo
  echo "Data: $ENTITIES entities x $PER_ENTITY events over 30 days (trips int32, amount float64, merchant string; 1 in 20 null); 10 aggregations x 3 windows (1h, 7d, 30d) = 30 features; the plain view has 50 float64 features per entity."
  echo
  cat "$RESULTS/lookups.md" | sed '1,2d'
  echo
  echo "## Memory and loading"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| events held | $EVENTS |"
  echo "| aggregation state | $(( STATE / 1048576 )) MiB, $(printf '%.0f' "$PER") bytes per entity ($(echo "scale=1; $STATE / $EVENTS" | bc) bytes per event) |"
  echo "| per aggregated input (shared by its functions) | $(jq -r '[.aggregations.features[] | select(.name | endswith("_1h")) | "\(.name | sub("_1h$"; "")): \(.input_bytes / 1048576 | floor) MiB"] | join(", ")' "$RESULTS/activity.json") |"
  echo "| plain view, 50 float64 features (baseline) | $(( PLAIN_BYTES / 1048576 )) MiB, $(( PLAIN_BYTES / ENTITIES )) bytes per entity |"
  echo "| heap after a full GC, both views | $(( HEAP_USED / 1024 )) MiB |"
  echo "| time to ready (both views) | ${READY} s; activity loaded in $(jq .load_millis "$RESULTS/activity.json") ms |"
  echo
  echo "## Refresh: an appended file of $APPEND events"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| commit to served (polled every 20 ms, refresh interval 1 s) | ${VISIBLE} s |"
  echo "| incremental refresh, as the data plane reports it | $(jq .load_millis "$RESULTS/activity-refreshed.json") ms |"
  echo "| full load of the view (baseline) | $(jq .load_millis "$RESULTS/activity.json") ms |"
  echo "| events held after | $(jq .aggregations.events_held "$RESULTS/activity-refreshed.json") |"
  echo
  echo "## Historical retrieval: $ROWS entity rows, 30 aggregated features, Parquet out"
  echo
  echo "Medians of $HISTORICAL_ROUNDS interleaved rounds; DuckDB memory limit 8GB in both."
  echo
  echo "| path | wall time (s) | vs raw SQL | peak RSS (MiB) |"
  echo "|---|---|---|---|"
  echo "| raw DuckDB window SQL over the Parquet files (baseline) | $RAW | 1.00x | $(( $(peak raw) / 1024 )) |"
  echo "| featureduck historical (CLI) | $FD | $(echo "scale=2; $FD / $RAW" | bc)x | $(( $(peak featureduck) / 1024 )) |"
  echo
  echo "Machine: $MACHINE."
} > "$RESULTS/report.md"
cat "$RESULTS/report.md"
