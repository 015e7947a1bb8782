#!/usr/bin/env bash
# Starts a real Kubernetes control plane on loopback for the tests: etcd, kube-apiserver (RBAC authorization,
# service-account tokens, aggregated discovery) and kube-controller-manager (garbage collector, Deployments and
# ReplicaSets, service accounts), built by build.sh. No scheduler and no kubelet: Pods are created but stay unscheduled
# until a test stands in for the kubelet.
#
#   start.sh <state dir> <etcd client port> <etcd peer port> <API server port>
#
# Writes <state dir>/admin.kubeconfig (system:masters, for the test itself) and prints "control plane ready" once
# /readyz answers, then stays in the foreground until it gets SIGTERM or SIGINT, which stops all three.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
state=$1
etcd_port=$2
etcd_peer_port=$3
api_port=$4
started=$SECONDS

bins=$("$here/build.sh")
eval "$bins"

# Each start is a fresh cluster: nothing is kept from an earlier run.
rm -rf "$state/etcd" "$state/pki" "$state/logs"
mkdir -p "$state/pki" "$state/logs"
pki=$state/pki
api=https://127.0.0.1:$api_port

echo "== certificates in $pki"
openssl_quiet() { openssl "$@" 2>/dev/null; }
openssl_quiet req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=featureduck-test-ca" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt"
# sign <name> <subject> [<extensions>]: a key and a certificate signed by the test CA.
sign() {
  openssl_quiet req -newkey rsa:2048 -nodes -subj "$2" -keyout "$pki/$1.key" -out "$pki/$1.csr"
  printf '%s\n' "${3:-basicConstraints=CA:FALSE}" >"$pki/$1.ext"
  openssl_quiet x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
    -extfile "$pki/$1.ext" -out "$pki/$1.crt"
}
sign apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc"
sign admin "/O=system:masters/CN=featureduck-test-admin"
sign controller-manager "/CN=system:kube-controller-manager"
openssl_quiet genrsa -out "$pki/service-accounts.key" 2048
openssl_quiet rsa -in "$pki/service-accounts.key" -pubout -out "$pki/service-accounts.pub"

# kubeconfig <name>: a kubeconfig that authenticates with the client certificate <name>.crt.
kubeconfig() {
  cat >"$state/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster: {server: "$api", certificate-authority: "$pki/ca.crt"}
users:
  - name: $1
    user: {client-certificate: "$pki/$1.crt", client-key: "$pki/$1.key"}
contexts:
  - name: test
    context: {cluster: test, user: $1}
current-context: test
EOF
}
kubeconfig admin
kubeconfig controller-manager

pids=()
stop() {
  trap - TERM INT EXIT
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop TERM INT EXIT

echo "== etcd on 127.0.0.1:$etcd_port (log: $state/logs/etcd.log)"
"$ETCD_BIN" --name featureduck-test --data-dir "$state/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "featureduck-test=http://127.0.0.1:$etcd_peer_port" \
  --unsafe-no-fsync --quota-backend-bytes=$((512 * 1024 * 1024)) >"$state/logs/etcd.log" 2>&1 &
pids+=($!)

echo "== kube-apiserver on $api (log: $state/logs/kube-apiserver.log)"
"$KUBE_APISERVER_BIN" --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/service-accounts.pub" \
  --service-account-signing-key-file "$pki/service-accounts.key" \
  --service-cluster-ip-range 10.96.0.0/16 \
  --allow-privileged=false \
  --endpoint-reconciler-type none \
  --event-ttl 1h >"$state/logs/kube-apiserver.log" 2>&1 &
pids+=($!)

ready=
for _ in $(seq 1 600); do
  if curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$api/readyz" >/dev/null; then
    ready=1
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "FAILED: a control-plane process exited; see $state/logs" >&2; exit 1; }
  done
  sleep 0.2
done
[ -n "$ready" ] || { echo "FAILED: kube-apiserver was not ready within 120 s; see $state/logs" >&2; exit 1; }

echo "== kube-controller-manager (log: $state/logs/kube-controller-manager.log)"
"$KUBE_CONTROLLER_MANAGER_BIN" --kubeconfig "$state/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$state/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$state/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port 0 \
  --leader-elect=false \
  --use-service-account-credentials \
  --service-account-private-key-file "$pki/service-accounts.key" \
  --root-ca-file "$pki/ca.crt" \
  --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
  >"$state/logs/kube-controller-manager.log" 2>&1 &
pids+=($!)

echo "control plane ready at $api in $((SECONDS - started)) s"
# Stay in the foreground: the test stops the control plane by stopping this script.
while :; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "FAILED: a control-plane process exited; see $state/logs" >&2; exit 1; }
  done
  sleep 1
done
