# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: Apache-2.0
#
# The README's two commands: `make demo` and `make test`. Both install what they need first.

BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
CTEST_FLAGS ?=

.PHONY: all deps configure build test demo demo-once demo-down bench format format-check generate check-generate clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Every ctest label (unit, integration, differential, e2e, gpu) plus format and header checks.
test: build
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target check_headers
	@bash scripts/check-format.sh
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

# Starts kube-emulator with the Gardener CRDs and shows what kubectl sees.
demo: build
	@bash scripts/demo.sh

demo-once: build
	@bash scripts/demo.sh once

demo-down:
	@bash scripts/demo.sh down

bench: deps
	@cmake -S . -B $(BUILD_DIR)-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DGPUEXT_BUILD_BENCH=ON >/dev/null
	@cmake --build $(BUILD_DIR)-bench -j $(JOBS)
	@bash scripts/bench.sh $(BUILD_DIR)-bench

format:
	@bash scripts/check-format.sh --fix

format-check:
	@bash scripts/check-format.sh

# Regenerates the committed generated files: the shoot CRDs under charts/internal/*/crds (from
# ../shared/fixtures, GPUEXT_SHARED overrides) and example/controller-registration.yaml (the
# packed charts/gardener-extension-gpu). Needs python3-yaml and Helm v4.1 (`make deps`).
generate: deps
	@bash hack/generate-crds.sh
	@bash hack/generate-controller-registration.sh

# Fails when a generated file is stale; also part of `make test` (ctest generate_check_*).
check-generate: deps
	@bash hack/generate-crds.sh --check
	@bash hack/generate-controller-registration.sh --check

clean:
	@rm -rf $(BUILD_DIR) $(BUILD_DIR)-bench
