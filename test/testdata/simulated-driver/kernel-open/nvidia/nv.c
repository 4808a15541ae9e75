// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * SIMULATED-driver: the kernel interface layer of the SIMULATED nvidia.ko. It is built for the
 * exact kernel (vermagic) and calls into the kernel-independent core. Tests never load it.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "nv_core.h"

static const unsigned char nv_sim_probe_bytes[] = "SIMULATED GPU";

/* Exported for the SIMULATED nvidia-uvm.ko, as the real nvidia.ko exports to nvidia-uvm. */
int nv_sim_uvm_register(const char *client)
{
	pr_info("SIMULATED nvidia: uvm client %s registered\n", client);
	return 0;
}
EXPORT_SYMBOL(nv_sim_uvm_register);

static int __init nv_sim_init(void)
{
	pr_info("SIMULATED nvidia %s: core checksum %08x\n", nv_sim_core_version(),
		nv_sim_core_checksum(nv_sim_probe_bytes, sizeof(nv_sim_probe_bytes)));
	return 0;
}

static void __exit nv_sim_exit(void)
{
	pr_info("SIMULATED nvidia unloaded\n");
}

module_init(nv_sim_init);
module_exit(nv_sim_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("SIMULATED-driver nvidia (test module, not a GPU driver)");
MODULE_VERSION(NV_VERSION_STRING);
