#!/usr/bin/env bash
# End-to-end on a real Kubernetes cluster: builds both images, creates a kind cluster, installs the Helm chart,
# applies examples/kubernetes/ (lakehouse volume and demo Job, FeatureStore, FeatureViews), waits until
# `kubectl wait --for=condition=Ready` passes for the store and a view, queries features through the data plane's
# Service, then changes a FeatureView and waits for the running pods to serve the new feature without a restart.
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
mvn -B -q package -DskipTests
docker build -q -f dataplane/Dockerfile -t featureduck:e2e .
docker build -q -f operator/Dockerfile -t featureduck-operator:e2e .

echo "== cluster $CLUSTER"
kind get clusters | grep -qx "$CLUSTER" || kind create cluster --name "$CLUSTER" --wait 180s
PF=""
cleanup() {
  [ -n "$PF" ] && kill "$PF" 2>/dev/null || true
  if [ "${KEEP_CLUSTER:-0}" != 1 ]; then kind delete cluster --name "$CLUSTER"; fi
}
trap cleanup EXIT
kubectl config use-context "kind-$CLUSTER"
kind load docker-image featureduck:e2e featureduck-operator:e2e --name "$CLUSTER"

echo "== helm install"
helm upgrade --install featureduck helm/featureduck -n featureduck-system --create-namespace --wait --timeout 5m \
  --set image.repository=featureduck-operator --set image.tag=e2e --set image.pullPolicy=Never \
  --set operator.dataPlaneImage=featureduck:e2e --set operator.statusInterval=5s

echo "== examples"
kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f -
sed 's#ghcr.io/featureduck/featureduck:0.1.0#featureduck:e2e#' examples/kubernetes/lakehouse.yaml | kubectl apply -n "$NS" -f -
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
echo "PASSED"
