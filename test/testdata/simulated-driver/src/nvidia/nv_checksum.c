/* SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
 * SPDX-License-Identifier: GPL-2.0-only OR MIT
 *
 * SIMULATED-driver: a second core file (Fletcher-32 over bytes), so the core is an archive of
 * several objects like the real one.
 */
#include "nv_core.h"

unsigned int nv_sim_core_checksum(const unsigned char *data, unsigned long len)
{
    unsigned int a = 0xffff, b = 0xffff;
    unsigned long i;

    for (i = 0; i < len; i++) {
        a = (a + data[i]) % 65535u;
        b = (b + a) % 65535u;
    }
    return (b << 16) | a;
}
