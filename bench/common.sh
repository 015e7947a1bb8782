# Shared by the benchmark scripts: packages, cleanup of the servers they start, the build and the lakehouse.
# Expects ENTITIES and DATA to be set by the caller.

# ensure_commands <command> <debian-package>...: installs the packages when any command is missing.
ensure_commands() {
  local missing=0 packages=()
  while [ $# -gt 1 ]; do
    command -v "$1" >/dev/null 2>&1 || missing=1
    packages+=("$2"); shift 2
  done
  if [ "$missing" = 1 ]; then
    apt-get update -qq
    apt-get install -y -qq "${packages[@]}" >/dev/null
  fi
}

# wait_ready <url>: waits up to 3 minutes for <url> to answer 2xx (a data plane's management /ready or /health).
wait_ready() {
  for _ in $(seq 1 1800); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done
  echo "not ready: $1"; exit 1
}

PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# build: packages the project and sets CP (the bench module's classpath) and JAR (the featureduck jar).
build() {
  echo "== build"
  mvn -B -q -Dstyle.color=never package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
  CP="bench/target/classes:$(cat bench/target/classpath.txt)"
  JAR=dataplane/target/featureduck.jar
}

# ensure_lakehouse: writes the benchmark lakehouse once; later runs reuse it.
ensure_lakehouse() {
  if [ ! -f "$DATA/bench.yaml" ]; then
    echo "== write benchmark lakehouse ($ENTITIES entities)"
    java -Xmx4g -cp "$CP" io.featureduck.bench.BenchData "$DATA" "$ENTITIES" 5 10 5
  fi
}
