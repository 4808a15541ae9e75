#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: Apache-2.0
#
# Runs every benchmark binary <build-dir>/bin/*_bench (DESIGN.md §22) and collects the JSON
# line each bench prints into <build-dir>/bench-results.jsonl; the readable tables go to the
# terminal. Used by `make bench`; sizes scale with GPUEXT_BENCH_SCALE.
#
#   bash scripts/bench.sh build-bench
set -euo pipefail

build_dir="${1:?usage: scripts/bench.sh <build-dir>}"
results="${build_dir}/bench-results.jsonl"
shopt -s nullglob
benches=("${build_dir}"/bin/*_bench)
if [[ ${#benches[@]} -eq 0 ]]; then
  echo "bench.sh: no *_bench binaries in ${build_dir}/bin (configure with -DGPUEXT_BUILD_BENCH=ON)" >&2
  exit 1
fi

: >"${results}"
log="$(mktemp)"
trap 'rm -f "${log}"' EXIT
status=0
for bench in "${benches[@]}"; do
  echo "== $(basename "${bench}")"
  if ! "${bench}" | tee "${log}"; then
    echo "bench.sh: $(basename "${bench}") failed" >&2
    status=1
  fi
  # The JSON lines (they start with '{') are the results; the rest is the readable table.
  grep '^{' "${log}" >>"${results}" || true
done
echo "== results: ${results} ($(wc -l <"${results}") lines)"
exit "${status}"
