# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# SIMULATED-driver: the driver version, in the place open-gpu-kernel-modules keeps it. Tests
# that pack this tree rewrite this file with the version they build (see README.md).
NVIDIA_VERSION = 999.0.0
