#!/usr/bin/env bash
# Builds the test control plane's binaries from their Go modules, once per pinned version: etcd (go.etcd.io/etcd),
# kube-apiserver and kube-controller-manager (k8s.io/kubernetes), and helm (helm.sh/helm/v4); and takes Argo CD's CRDs
# from its module (github.com/argoproj/argo-cd/v3) and the Spark operator's SparkApplication CRD from its
# (github.com/kubeflow/spark-operator/v2). The versions are the ones the go.mod files beside this script
# require; the results are cached outside the checkout, in ${FEATUREDUCK_CACHE:-~/.cache/featureduck}/<name>-<version>/,
# so only the first run pays for the build.
#
# Prints each binary as NAME_BIN=<path> and the CRD directories as ARGOCD_CRDS=<path> and
# SPARK_OPERATOR_CRDS=<path> on stdout (progress goes to stderr). Exit status 3 means "Go is not installed" (the tests skip and say so); it is an error instead when FEATUREDUCK_REQUIRE_GO=1 or CI is
# set, because a CI machine must run these tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
e2e=$(dirname "$here")
cache=${FEATUREDUCK_CACHE:-$HOME/.cache/featureduck}

if ! command -v go >/dev/null 2>&1; then
  if [ "${FEATUREDUCK_REQUIRE_GO:-}" = 1 ] || [ -n "${CI:-}" ]; then
    echo "FAILED: the Go toolchain is required to build the test control plane (kube-apiserver, etcd, helm) but 'go'" \
      "is not on PATH; install Go 1.26 or newer" >&2
    exit 1
  fi
  echo "SKIPPED: 'go' is not on PATH, so the real API server cannot be built; install Go 1.26 or newer to run these" \
    "tests" >&2
  exit 3
fi

# The version a module of ours requires, e.g. "v1.37.2" for k8s.io/kubernetes.
required() {
  awk -v m="$2" '$1 == "require" && $2 == m { print $3 } $1 == m { print $2 }' "$1/go.mod" | head -n 1
}

# build <module dir> <cache name> <version> <output> <package>...: builds the packages' commands into the cache
# directory (<output> is "." to keep go's names, or the file name of the one command), unless done before.
build() {
  local dir=$1 name=$2 version=$3 output=$4
  shift 4
  local out=$cache/$name-$version
  local stamp=$out/.complete
  if [ ! -f "$stamp" ]; then
    echo "== building $name $version into $out (first run on this machine; later runs reuse it)" >&2
    local started=$SECONDS
    mkdir -p "$out.partial"
    (cd "$dir" && GOFLAGS=-mod=readonly go build -trimpath -ldflags=-s -o "$out.partial/${output#.}" "$@") >&2
    rm -rf "$out"
    mv "$out.partial" "$out"
    touch "$stamp"
    echo "== built $name $version in $((SECONDS - started)) s" >&2
  fi
  echo "$out"
}

k8s=$(required "$here/kubernetes" k8s.io/kubernetes)
etcd=$(required "$here/etcd" go.etcd.io/etcd/server/v3)
helm=$(required "$e2e/helm" helm.sh/helm/v4)

echo "ETCD_BIN=$(build "$here/etcd" etcd "$etcd" etcd go.etcd.io/etcd/server/v3)/etcd"
dir=$(build "$here/kubernetes" k8s "$k8s" . k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)
echo "KUBE_APISERVER_BIN=$dir/kube-apiserver"
echo "KUBE_CONTROLLER_MANAGER_BIN=$dir/kube-controller-manager"
echo "HELM_BIN=$(build "$e2e/helm" helm "$helm" helm helm.sh/helm/v4/cmd/helm)/helm"

# Argo CD's CRDs, for the dry runs of examples/gitops/argocd/: the module's manifests, nothing built.
argocd=$(required "$here/argocd" github.com/argoproj/argo-cd/v3)
crds=$cache/argocd-crds-$argocd
if [ ! -f "$crds/.complete" ]; then
  echo "== fetching Argo CD $argocd's CRDs into $crds" >&2
  module=$(cd "$here/argocd" && GOFLAGS=-mod=readonly go mod download -json github.com/argoproj/argo-cd/v3 |
    awk -F'"' '$2 == "Dir" { print $4 }')
  mkdir -p "$crds"
  cp "$module/manifests/crds/application-crd.yaml" "$module/manifests/crds/appproject-crd.yaml" "$crds/"
  touch "$crds/.complete"
fi
echo "ARGOCD_CRDS=$crds"

# The Kubeflow Spark operator's SparkApplication CRD, for HistoricalRetrievals: the module's CRD, nothing built.
spark=$(required "$here/spark-operator" github.com/kubeflow/spark-operator/v2)
spark_crds=$cache/spark-operator-crds-$spark
if [ ! -f "$spark_crds/.complete" ]; then
  echo "== fetching the Spark operator $spark's SparkApplication CRD into $spark_crds" >&2
  module=$(cd "$here/spark-operator" && GOFLAGS=-mod=readonly go mod download -json github.com/kubeflow/spark-operator/v2 |
    awk -F'"' '$2 == "Dir" { print $4 }')
  mkdir -p "$spark_crds"
  cp "$module/config/crd/bases/sparkoperator.k8s.io_sparkapplications.yaml" "$spark_crds/"
  touch "$spark_crds/.complete"
fi
echo "SPARK_OPERATOR_CRDS=$spark_crds"
