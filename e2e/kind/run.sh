#!/usr/bin/env bash
# End-to-end on a real Kubernetes cluster: builds both images, creates a kind cluster, installs the Helm chart,
# applies examples/kubernetes/ (lakehouse volume and demo Job, FeatureStore, FeatureViews), waits until
# `kubectl wait --for=condition=Ready` passes for the store and a view, queries features through the data plane's
# Service, then changes a FeatureView and waits for the running pods to serve the new feature without a restart,
# pins it to an older table version and back. Then the GitOps path, where Argo CD can be installed (ARGOCD=0 skips
# it): Argo CD with FeatureDuck's health checks syncs examples/gitops/features/ from GITOPS_REPO at GITOPS_REVISION
# (on GitHub Actions: this repository at this commit) and reports the store and views Healthy.
#
# Needs docker (with a running engine), kind, kubectl and helm; without them it says what is missing and exits 0
# (skipped). KEEP_CLUSTER=1 leaves the cluster for inspection.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in docker kind kubectl helm curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIPPED: '$tool' is not installed; the kind end-to-end test needs docker, kind, kubectl, helm and curl"
    exit 0
  fi
done
if ! docker info >/dev/null 2>&1; then
  echo "SKIPPED: no Docker engine is reachable ('docker info' failed); the kind end-to-end test needs one"
  exit 0
fi

CLUSTER=${CLUSTER:-featureduck-e2e}
NS=features
PORT=${PORT:-18000}

echo "== build"
bash images/build.sh
TAG=$(mvn -B -q help:evaluate -Dexpression=featureduck.image.tag -DforceStdout)

echo "== cluster $CLUSTER"
kind get clusters | grep -qx "$CLUSTER" || kind create cluster --name "$CLUSTER" --wait 180s
PF=""
cleanup() {
  [ -n "$PF" ] && kill "$PF" 2>/dev/null || true
  if [ "${KEEP_CLUSTER:-0}" != 1 ]; then kind delete cluster --name "$CLUSTER"; fi
}
trap cleanup EXIT
kubectl config use-context "kind-$CLUSTER"
kind load image-archive target/images/featureduck.tar --name "$CLUSTER"
kind load image-archive target/images/featureduck-operator.tar --name "$CLUSTER"

echo "== helm install"
helm upgrade --install featureduck helm/featureduck -n featureduck-system --create-namespace --wait --timeout 5m \
  --set image.tag="$TAG" --set image.pullPolicy=Never \
  --set operator.dataPlaneImage="ghcr.io/featureduck/featureduck:$TAG" --set operator.statusInterval=5s

echo "== examples"
kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -n "$NS" -f examples/kubernetes/lakehouse.yaml
kubectl wait -n "$NS" --for=condition=complete job/write-demo-lakehouse --timeout=300s
TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
kubectl create secret generic drivers-tokens -n "$NS" --from-literal=tokens="$TOKEN" --dry-run=client -o yaml | kubectl apply -f -
kubectl apply -n "$NS" -f examples/kubernetes/feature-store.yaml -f examples/kubernetes/feature-views.yaml
kubectl wait -n "$NS" --for=condition=Ready featurestore/drivers --timeout=300s
kubectl wait -n "$NS" --for=condition=Ready featureview/driver-stats featureview/driver-profile --timeout=300s
kubectl get -n "$NS" featurestores,featureviews

echo "== online features through the Service"
kubectl port-forward -n "$NS" svc/drivers-dataplane "$PORT":8000 >/dev/null 2>&1 &
PF=$!
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/v1/views" && break; sleep 0.2; done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/views")" = 401 ] || { echo "FAILED: no auth"; exit 1; }
lookup() {
  curl -sf -X POST "http://127.0.0.1:$PORT/get-online-features" -H 'content-type: application/json' \
    -H "authorization: Bearer $TOKEN" \
    -d "{\"features\": [$1], \"entities\": {\"driver_id\": [1010]}}"
}
lookup '"driver-stats:conv_rate", "driver-profile:vehicle_type"' | tee /dev/stderr | grep -q '"PRESENT"'

echo "== a FeatureView change reaches the running pods"
PODS_BEFORE=$(kubectl get pods -n "$NS" -l app.kubernetes.io/instance=drivers -o jsonpath='{.items[*].metadata.uid}')
kubectl patch -n "$NS" featureview driver-stats --type=json \
  -p '[{"op": "add", "path": "/spec/features/-", "value": {"name": "trips_per_week", "type": "int64", "expression": "avg_daily_trips * 7"}}]'
for _ in $(seq 1 90); do
  lookup '"driver-stats:trips_per_week"' 2>/dev/null | grep -q '"PRESENT"' && break
  sleep 2
done
lookup '"driver-stats:trips_per_week"' | tee /dev/stderr | grep -q '"PRESENT"'
PODS_AFTER=$(kubectl get pods -n "$NS" -l app.kubernetes.io/instance=drivers -o jsonpath='{.items[*].metadata.uid}')
[ "$PODS_BEFORE" = "$PODS_AFTER" ] || { echo "FAILED: the data-plane pods were replaced"; exit 1; }

echo "== pinned to table version 1, then following the table again"
kubectl patch -n "$NS" featureview driver-stats --type=merge -p '{"spec": {"source": {"version": 1}}}'
for _ in $(seq 1 90); do
  [ "$(kubectl get -n "$NS" featureview driver-stats -o jsonpath='{.status.pinned}/{.status.tableVersion}')" = "version 1/1" ] && break
  sleep 2
done
[ "$(kubectl get -n "$NS" featureview driver-stats -o jsonpath='{.status.pinned}/{.status.tableVersion}')" = "version 1/1" ] \
  || { echo "FAILED: the pin is not served"; kubectl get -n "$NS" featureview driver-stats -o yaml; exit 1; }
kubectl patch -n "$NS" featureview driver-stats --type=json -p '[{"op": "remove", "path": "/spec/source/version"}]'
kubectl wait -n "$NS" --for=jsonpath='{.status.tableVersion}'=3 featureview/driver-stats --timeout=180s

echo "== GitOps with Argo CD"
if [ "${ARGOCD:-1}" = 0 ]; then
  echo "SKIPPED: ARGOCD=0"
elif ! kubectl create namespace argocd --dry-run=client -o yaml | kubectl apply -f - \
    || ! kubectl apply -n argocd --server-side -f "${ARGOCD_MANIFEST:-https://raw.githubusercontent.com/argoproj/argo-cd/stable/manifests/install.yaml}"; then
  echo "SKIPPED: Argo CD could not be installed (no network to its manifest?)"
else
  REPO=${GITOPS_REPO:-${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-featureduck/featureduck}.git}
  REVISION=${GITOPS_REVISION:-${GITHUB_SHA:-main}}
  kubectl -n argocd patch configmap argocd-cm --type merge --patch-file helm/featureduck/argocd/argocd-cm.yaml
  kubectl -n argocd rollout status deployment/argocd-repo-server --timeout=300s
  kubectl -n argocd rollout status statefulset/argocd-application-controller --timeout=300s
  # The GitOps example owns the namespace's store and views from here on.
  kubectl delete -n "$NS" featureservices,featureviews,featurestores --all --wait=true
  sed -e "s#https://github.com/example/feature-repo.git#$REPO#" examples/gitops/argocd/project.yaml | kubectl apply -f -
  sed -e "s#https://github.com/example/feature-repo.git#$REPO#" -e "s#targetRevision: main#targetRevision: $REVISION#" \
    examples/gitops/argocd/application.yaml | kubectl apply -f -
  for _ in $(seq 1 150); do
    [ "$(kubectl -n argocd get application features -o jsonpath='{.status.sync.status}/{.status.health.status}')" = "Synced/Healthy" ] && break
    sleep 2
  done
  kubectl -n argocd get application features -o jsonpath='{range .status.resources[*]}{.kind}/{.name}: {.health.status} {.health.message}{"\n"}{end}'
  [ "$(kubectl -n argocd get application features -o jsonpath='{.status.sync.status}/{.status.health.status}')" = "Synced/Healthy" ] \
    || { echo "FAILED: the GitOps Application is not Synced/Healthy"; exit 1; }
fi
echo "PASSED"
