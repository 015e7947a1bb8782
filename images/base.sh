#!/usr/bin/env bash
# Builds the base image both FeatureDuck images start from, with no registry and no container daemon: a root
# filesystem holding Debian's C and C++ runtime libraries (what the JVM and DuckDB's native library link against),
# a Java runtime made by jlink with only the modules FeatureDuck uses, a non-root user (10001, as the pods run) and
# /tmp. No shell, no package manager. Written as a `docker save` archive, which Jib reads through tar://.
#
#   images/base.sh [out.tar]     (default target/images/base.tar; reused while its inputs are unchanged)
#
# Needs apt-get (Debian's packages are downloaded, not installed), dpkg-deb, jlink (a JDK), tar and sha256sum.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/images/base.tar}
# The C runtime, gcc's support library, the C++ runtime DuckDB's JNI library needs, and zlib (java.util.zip).
PACKAGES=(libc6 libgcc-s1 libstdc++6 zlib1g)
# What the two jars use, chosen generously (java.desktop for java.beans, which Jackson and Hadoop touch; the EC and
# JGSS providers for TLS and Hadoop's security classes; jdk.management for Micrometer's JVM metrics; zipfs).
# ContainerImagesIT runs the data plane from the image, so a missing module fails a test, not a pod.
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.net,jdk.unsupported,jdk.zipfs
JLINK=${JAVA_HOME:+$JAVA_HOME/bin/}jlink
command -v "$JLINK" >/dev/null || JLINK=$(dirname "$(readlink -f "$(command -v java)")")/jlink

key=$(printf '%s\n' "${PACKAGES[*]}" "$MODULES" "$("$JLINK" --version)" "$(sha256sum < "$0")" | sha256sum | cut -c1-16)
if [ -f "$OUT" ] && [ "$(cat "$OUT.key" 2>/dev/null)" = "$key" ]; then
  echo "base image $OUT is up to date"
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/rootfs"
mkdir -p "$ROOT" "$WORK/debs" "$WORK/image"
if ! (cd "$WORK/debs" && apt-get download "${PACKAGES[@]}" >/dev/null 2>&1); then
  apt-get update -qq >/dev/null
  (cd "$WORK/debs" && apt-get download "${PACKAGES[@]}" >/dev/null)
fi
for deb in "$WORK"/debs/*.deb; do
  dpkg-deb -x "$deb" "$ROOT"
done
rm -rf "$ROOT"/usr/share/doc "$ROOT"/usr/share/lintian "$ROOT"/usr/share/locale "$ROOT"/usr/share/gcc \
  "$ROOT"/usr/share/gdb "$ROOT"/usr/lib/x86_64-linux-gnu/gconv "$ROOT"/usr/libexec "$ROOT"/sbin "$ROOT"/usr/sbin \
  "$ROOT"/usr/bin "$ROOT"/etc/ld.so.conf.d
"$JLINK" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$ROOT/opt/java"
# Debian's JDK keeps its CA certificates outside the runtime (a link into /etc/ssl): the runtime gets a copy of
# the trust store, so TLS to object stores works.
if [ -L "$ROOT/opt/java/lib/security/cacerts" ] || [ ! -s "$ROOT/opt/java/lib/security/cacerts" ]; then
  cp --remove-destination "$(readlink -f "$(dirname "$JLINK")/../lib/security/cacerts")" "$ROOT/opt/java/lib/security/cacerts"
fi
mkdir -p "$ROOT/etc" "$ROOT/tmp" "$ROOT/root"
chmod 1777 "$ROOT/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nfeatureduck:x:10001:10001:featureduck:/tmp:/sbin/nologin\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\nfeatureduck:x:10001:\n' > "$ROOT/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$ROOT/etc/nsswitch.conf"

# One layer, owned by root, reproducible: the same inputs give the same bytes.
tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$ROOT" -cf "$WORK/image/layer.tar" .
digest=$(sha256sum "$WORK/image/layer.tar" | cut -d' ' -f1)
cat > "$WORK/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"10001:10001","Env":["PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"WorkingDir":"/tmp"},"rootfs":{"type":"layers","diff_ids":["sha256:$digest"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"images/base.sh: ${PACKAGES[*]} from Debian, a jlink runtime"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["featureduck-base:local"],"Layers":["layer.tar"]}]' > "$WORK/image/manifest.json"
mkdir -p "$(dirname "$OUT")"
tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$WORK/image" -cf "$OUT.partial" \
  manifest.json config.json layer.tar
mv "$OUT.partial" "$OUT"
echo "$key" > "$OUT.key"
echo "base image $OUT: $(du -m "$OUT" | cut -f1) MiB"
