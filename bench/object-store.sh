#!/usr/bin/env bash
# Object-store benchmark, one command: bench/object-store.sh
#
# The online benchmark's 5M-row table (view_0: 1M entities x 5 versions, 10 float64 features) is uploaded to an
# S3-compatible server on loopback (S3Proxy, signature checks on) and served from there and, as the baseline in the
# same round, from local disk: first load (S3 with the file cache cold, then warm after a restart), an appended
# commit of ROWS rows (default 100k) refreshed incrementally, and a full load of the appended version. ROUNDS rounds
# (default 3), medians reported. Writes bench/results/object-store/report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ENTITIES=${ENTITIES:-1000000}
ROWS=${ROWS:-100000}
ROUNDS=${ROUNDS:-3}
DATA=bench/data/e${ENTITIES}
RESULTS=bench/results/object-store
mkdir -p "$RESULTS"

source bench/common.sh
build
ensure_lakehouse

: > "$RESULTS/runs.tsv"
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS"
  WORK="$RESULTS/work"
  rm -rf "$WORK" && mkdir -p "$WORK"
  java -Xmx10g --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$CP" io.featureduck.bench.ObjectStoreBench \
    "$DATA/tables/view_0" "$WORK" "$ROWS" "$ENTITIES" 2>"$RESULTS/round.log" | tee "$RESULTS/round.txt"
  grep '^RESULT' "$RESULTS/round.txt" | cut -f2- | tee -a "$RESULTS/runs.tsv"
done
rm -rf "$RESULTS/work"

median() { cut -f"$1" "$RESULTS/runs.tsv" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { echo "scale=2; $1 / $2" | bc; }
LOCAL=$(median 1); COLD=$(median 2); WARM=$(median 3); LINC=$(median 4); SINC=$(median 5)
LVIS=$(median 6); SVIS=$(median 7); LFULL=$(median 8); SFULL=$(median 9); MIB=$(median 10)
{
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, Java $(java -version 2>&1 | head -1 | cut -d'"' -f2); the S3 server shares the cores  "
  echo "Data: view_0 of the online benchmark (5 Delta versions x $ENTITIES entities = $(( ENTITIES * 5 )) rows, 10 float64 features, $MIB MiB of data files), $ROWS rows appended as one commit; load times as the data plane records them; medians of $ROUNDS rounds"
  echo
  echo "| measure | local disk (baseline) | S3 on loopback | S3 / local |"
  echo "|---|---|---|---|"
  echo "| first load, file cache cold (ms) | $LOCAL | $COLD | $(ratio "$COLD" "$LOCAL")x |"
  echo "| first load after a restart, cache warm (ms) | $LOCAL | $WARM | $(ratio "$WARM" "$LOCAL")x |"
  echo "| incremental refresh of the append (ms) | $LINC | $SINC | $(ratio "$SINC" "$LINC")x |"
  echo "| append visible online after commit / upload (s) | $LVIS | $SVIS | |"
  echo "| full load of the appended version, cache warm (ms) | $LFULL | $SFULL | $(ratio "$SFULL" "$LFULL")x |"
} > "$RESULTS/report.md"
cat "$RESULTS/report.md"
