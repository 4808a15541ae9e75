#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: Apache-2.0
#
# `make demo`: starts the local landscape (docs/landscape.md) in the background and tells the
# GPU story against it (scripts/demo.sh), then leaves it running to explore.
# `make demo-down` (scripts/demo.sh down) stops it.
# `make demo-once` (scripts/demo.sh once) runs the same story in one process, tears everything
# down and exits non-zero if any phase failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
demo="${root}/.demo"
build="${BUILD_DIR:-build}"
landscape="${root}/${build}/bin/gpu-landscape"

stop() {
  if [ -f "${demo}/landscape.pid" ]; then
    pid=$(cat "${demo}/landscape.pid")
    if kill "${pid}" 2>/dev/null; then
      # Graceful: the landscape stops its processes and emulators (up to ~30 s).
      for _ in $(seq 1 300); do
        kill -0 "${pid}" 2>/dev/null || break
        sleep 0.1
      done
      kill -9 "${pid}" 2>/dev/null || true
    fi
    rm -f "${demo}/landscape.pid"
    echo "demo: landscape stopped"
  fi
}

case "${1:-}" in
  down)
    stop
    exit 0
    ;;
  once)
    stop
    rm -rf "${demo}"
    mkdir -p "${demo}"
    exec "${landscape}" demo --work-dir "${demo}"
    ;;
esac

stop
rm -rf "${demo}"
mkdir -p "${demo}"
printf '\033[1m==> Starting the landscape (garden/seed and shoot kube-emulators, gpu-admission, gardener-extension-gpu, SIMULATED gardenlet/resource-manager/kubelets)\033[0m\n'
nohup "${landscape}" up --work-dir "${demo}" >"${demo}/landscape.log" 2>&1 &
echo $! >"${demo}/landscape.pid"
for _ in $(seq 1 1200); do
  [ -f "${demo}/ready" ] && break
  if ! kill -0 "$(cat "${demo}/landscape.pid")" 2>/dev/null; then
    echo "demo: the landscape exited; its log (${demo}/landscape.log):" >&2
    tail -50 "${demo}/landscape.log" >&2
    rm -f "${demo}/landscape.pid"
    exit 1
  fi
  sleep 0.1
done
[ -f "${demo}/ready" ] || { echo "demo: the landscape did not start in 120 s; see ${demo}/landscape.log" >&2; exit 1; }
echo "    up; logs in ${demo}/"

status=0
"${landscape}" story --work-dir "${demo}" || status=$?

cat <<EOT

The landscape keeps running. Explore it:
  export KUBECONFIG=${demo}/garden.kubeconfig   # garden and seed: Shoots, Extensions, ManagedResources
  ${root}/.tools/bin/kubectl get shoots -A
  ${root}/.tools/bin/kubectl --kubeconfig ${demo}/shoot.kubeconfig get nodes -L gpu.extensions.gardener.cloud/driver-ready
  ${root}/.tools/bin/kubectl apply -f example/shoot.yaml   # tick the box again; watch the nodes
  ${root}/${build}/bin/gpu status --kubeconfig ${demo}/shoot.kubeconfig
Logs of every component: ${demo}/*.log, ${demo}/nodes/
Stop it with: make demo-down
EOT
exit "${status}"
