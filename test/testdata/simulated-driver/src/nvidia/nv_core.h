/* SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
 * SPDX-License-Identifier: GPL-2.0-only OR MIT
 *
 * SIMULATED-driver: the interface between the kernel-independent core (src/nvidia) and the
 * kernel interface layer (kernel-open/nvidia), like NVIDIA's split between nv-kernel.o and
 * nv.c. Plain C types only: the core never sees a kernel header.
 */
#ifndef SIMULATED_NV_CORE_H
#define SIMULATED_NV_CORE_H

/* The version string compiled into the core; must equal the module's MODULE_VERSION. */
const char *nv_sim_core_version(void);

/* A stand-in for the core's work: a checksum over `len` bytes, the same on every kernel. */
unsigned int nv_sim_core_checksum(const unsigned char *data, unsigned long len);

#endif
