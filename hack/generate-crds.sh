#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: Apache-2.0
#
# Generates the CustomResourceDefinitions our shoot charts deploy (DESIGN.md §10, §11) from the
# upstream CRD files saved in the shared fixtures, with every schema `description` stripped:
# the schema is an API fact, the prose is not ours.
#
#   charts/internal/nfd/crds/<crd name>.yaml           NodeFeature, NodeFeatureGroup, NodeFeatureRule
#   charts/internal/gpu-operator/crds/<crd name>.yaml  ClusterPolicy, NVIDIADriver
#
# Usage:
#   hack/generate-crds.sh              write the files into the repository
#   hack/generate-crds.sh --out DIR    write them under DIR instead (same relative paths)
#   hack/generate-crds.sh --check      fail when the committed files differ from a fresh run
#
# Input: ${GPUEXT_SHARED:-../shared} relative to the repository root (the fixtures folder).
# Output is deterministic: keys keep the upstream order, no line folding, one CRD per file,
# each file led by a comment naming the upstream project, version and file.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

usage() {
  sed -n '12,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

out="${root}"
check=false
while [ $# -gt 0 ]; do
  case "$1" in
    --out)
      [ $# -ge 2 ] || usage
      out="$2"
      shift 2
      ;;
    --check)
      check=true
      shift
      ;;
    *) usage ;;
  esac
done

shared="${GPUEXT_SHARED:-../shared}"
fixtures="${shared}/fixtures"
if [ ! -d "${fixtures}" ]; then
  echo "generate-crds: fixtures folder ${fixtures} not found (relative to ${root});" \
    "set GPUEXT_SHARED to the shared directory" >&2
  exit 1
fi

python="${PYTHON:-python3}"
if ! "${python}" -c 'import yaml' 2>/dev/null; then
  echo "generate-crds: ${python} with PyYAML is required; run scripts/install-deps.sh" \
    "(Debian packages python3 python3-yaml)" >&2
  exit 1
fi

# The committed paths this script owns (for --check).
outputs=(charts/internal/nfd/crds charts/internal/gpu-operator/crds)

if [ "${check}" = true ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "${tmp}"' EXIT
  "${BASH_SOURCE[0]}" --out "${tmp}" >/dev/null
  stale=false
  for dir in "${outputs[@]}"; do
    if ! diff -r -u "${dir}" "${tmp}/${dir}" >"${tmp}/diff.txt" 2>&1; then
      cat "${tmp}/diff.txt" >&2
      stale=true
    fi
  done
  if [ "${stale}" = true ]; then
    echo "generate-crds: the CRDs under charts/internal/*/crds are stale or edited by hand;" \
      "run 'make generate' and commit the result" >&2
    exit 1
  fi
  echo "generate-crds: CRDs are up to date"
  exit 0
fi

# source | upstream project | upstream version | upstream file | output folder
manifest="\
nfd-crds/nfd-api-crds.yaml|kubernetes-sigs/node-feature-discovery|v0.19.0|deployment/base/nfd-crds/nfd-api-crds.yaml|charts/internal/nfd/crds
gpu-operator-crds/nvidia.com_clusterpolicies.yaml|NVIDIA/gpu-operator|v26.7.0|deployments/gpu-operator/crds/nvidia.com_clusterpolicies.yaml|charts/internal/gpu-operator/crds
gpu-operator-crds/nvidia.com_nvidiadrivers.yaml|NVIDIA/gpu-operator|v26.7.0|deployments/gpu-operator/crds/nvidia.com_nvidiadrivers.yaml|charts/internal/gpu-operator/crds"

"${python}" - "${fixtures}" "${out}" "${manifest}" <<'PY'
import hashlib
import os
import sys
import tempfile

import yaml

fixtures, out_root, manifest = sys.argv[1], sys.argv[2], sys.argv[3]

# Keywords of a JSON schema node whose value is itself a schema, a list of schemas, or a map
# from names to schemas. Only these are walked, so a *property* called "description" (a field
# of the custom resource) is kept while the keyword "description" is dropped.
SCHEMA_VALUED = ("items", "additionalProperties", "not")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "dependencies")


def strip_schema(node):
    if isinstance(node, list):  # items may be a list of schemas
        return [strip_schema(n) for n in node]
    if not isinstance(node, dict):
        return node  # additionalProperties: true/false
    result = {}
    for key, value in node.items():
        if key == "description":
            continue
        if key in SCHEMA_VALUED:
            value = strip_schema(value)
        elif key in SCHEMA_LISTS:
            value = [strip_schema(v) for v in value]
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            value = {name: strip_schema(v) for name, v in value.items()}
        result[key] = value
    return result


def strip_crd(crd, source):
    if crd.get("kind") != "CustomResourceDefinition":
        sys.exit(f"generate-crds: {source}: expected only CustomResourceDefinitions, "
                 f"found kind {crd.get('kind')!r}")
    for version in crd["spec"]["versions"]:
        schema = version.get("schema", {})
        if "openAPIV3Schema" in schema:
            schema["openAPIV3Schema"] = strip_schema(schema["openAPIV3Schema"])
        for column in version.get("additionalPrinterColumns", []):
            column.pop("description", None)
    return crd


class Dumper(yaml.SafeDumper):
    # Block sequences indented under their key, as kubectl and controller-gen write them.
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def write_atomically(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


written = 0
produced = {}
for line in manifest.strip().splitlines():
    source, project, version, upstream_file, out_dir = line.split("|")
    path = os.path.join(fixtures, source)
    with open(path, "rb") as f:
        raw = f.read()
    digest = hashlib.sha256(raw).hexdigest()
    docs = [d for d in yaml.safe_load_all(raw) if d]
    if not docs:
        sys.exit(f"generate-crds: {path} holds no CRD")
    for crd in docs:
        crd = strip_crd(crd, path)
        name = crd["metadata"]["name"]
        header = (
            "# Generated by hack/generate-crds.sh; do not edit (run `make generate`).\n"
            f"# Upstream: {project} {version}, file {upstream_file}\n"
            f"# Input: fixtures/{source} (sha256 {digest})\n"
            "# Every schema `description` is stripped; the schema itself is unchanged.\n"
        )
        body = yaml.dump(crd, Dumper=Dumper, sort_keys=False, default_flow_style=False,
                         allow_unicode=True, width=1 << 30, explicit_start=True)
        write_atomically(os.path.join(out_root, out_dir, f"{name}.yaml"), header + body)
        produced.setdefault(out_dir, set()).add(f"{name}.yaml")
        written += 1

# This script owns the output folders: files no fixture produces any more are removed.
for out_dir, names in produced.items():
    folder = os.path.join(out_root, out_dir)
    for entry in sorted(os.listdir(folder)):
        if entry not in names:
            os.unlink(os.path.join(folder, entry))
            print(f"generate-crds: removed stale {out_dir}/{entry}")
print(f"generate-crds: wrote {written} CRDs under {out_root}")
PY
