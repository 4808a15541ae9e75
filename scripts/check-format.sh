#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: Apache-2.0
#
# clang-format over our own C++ files: checks (default) or rewrites them (--fix). The
# SIMULATED-driver under test/testdata is kernel C in the kernel's own style, built by kbuild.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' ':!:test/testdata/simulated-driver/*' 2>/dev/null || true)
[ ${#files[@]} -gt 0 ] || exit 0
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
else
  clang-format --dry-run -Werror "${files[@]}" || {
    echo "check-format: run 'make format' to fix the files above" >&2
    exit 1
  }
fi
