#!/usr/bin/env bash
# Builds both FeatureDuck images as image archives, with no container daemon and no registry:
#   target/images/featureduck.tar           ghcr.io/featureduck/featureduck:<tag>           (data plane)
#   target/images/featureduck-operator.tar  ghcr.io/featureduck/featureduck-operator:<tag>  (operator)
# <tag> is featureduck.image.tag in pom.xml. Load them with `docker load -i`, `podman load -i`,
# `kind load image-archive`, or push them with `skopeo copy docker-archive:<tar> docker://<registry>/<name>:<tag>`.
#
#   images/build.sh            (SKIP_JARS=1 reuses the compiled modules of an earlier build)
set -euo pipefail
cd "$(dirname "$0")/.."
bash images/base.sh target/images/base.tar
goals="package"
[ "${SKIP_JARS:-0}" = 1 ] && goals=""
mvn -B -q $goals com.google.cloud.tools:jib-maven-plugin:buildTar -DskipTests -pl dataplane,operator -am
for image in featureduck featureduck-operator; do
  echo "$image: target/images/$image.tar, $(du -m "target/images/$image.tar" | cut -f1) MiB"
done
