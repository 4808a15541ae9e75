#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: Apache-2.0
#
# `make demo`: starts kube-emulator with the Gardener, NFD and GPU-operator CRDs loaded and
# shows what the real kubectl sees. The emulator keeps running (state in .demo/); `make
# demo-down` stops it. Grows into the whole GPU story with later issues.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
demo="${root}/.demo"
kubectl="${root}/.tools/bin/kubectl"
build="${BUILD_DIR:-build}"

stop() {
  if [ -f "${demo}/emulator.pid" ]; then
    kill "$(cat "${demo}/emulator.pid")" 2>/dev/null || true
    rm -f "${demo}/emulator.pid"
    echo "demo: kube-emulator stopped"
  fi
}

if [ "${1:-}" = "down" ]; then
  stop
  exit 0
fi

stop
mkdir -p "${demo}"
rm -f "${demo}/kubeconfig"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Starting kube-emulator (HTTPS on loopback, CRDs from ../shared/fixtures and hack/crds)"
"${build}/bin/kube-emulator" --listen 127.0.0.1:0 --kubeconfig-out "${demo}/kubeconfig" \
  --load ../shared/fixtures --load hack/crds --data-dir "${demo}/data" \
  >"${demo}/emulator.log" 2>&1 &
echo $! >"${demo}/emulator.pid"
for _ in $(seq 1 100); do
  [ -f "${demo}/kubeconfig" ] && break
  if ! kill -0 "$(cat "${demo}/emulator.pid")" 2>/dev/null; then
    echo "demo: kube-emulator exited; its log:" >&2
    cat "${demo}/emulator.log" >&2
    exit 1
  fi
  sleep 0.1
done
[ -f "${demo}/kubeconfig" ] || { echo "demo: kube-emulator did not start in 10 s" >&2; exit 1; }
export KUBECONFIG="${demo}/kubeconfig"

step "kubectl version"
"${kubectl}" version
step "kubectl get crds"
"${kubectl}" get crds
step "kubectl api-resources --api-group=extensions.gardener.cloud"
"${kubectl}" api-resources --api-group=extensions.gardener.cloud
step "kubectl explain extension.spec (from the CRD's schema)"
"${kubectl}" explain extensions.spec | head -20

cat <<EOT

kube-emulator keeps running. Explore it with:
  export KUBECONFIG=${demo}/kubeconfig
  ${kubectl} get crds
Stop it with: make demo-down
EOT
