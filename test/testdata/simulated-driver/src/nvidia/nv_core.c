/* SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
 * SPDX-License-Identifier: GPL-2.0-only OR MIT
 *
 * SIMULATED-driver: the kernel-independent core. Freestanding C with no kernel and no libc
 * header, so its object is the same for every kernel and a builder may reuse it.
 */
#include "nv_core.h"

const char *nv_sim_core_version(void)
{
    return "SIMULATED " NV_VERSION_STRING;
}
