// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * SIMULATED-driver: the SIMULATED nvidia-modeset.ko (the agent's default module list loads
 * nvidia, nvidia-uvm and nvidia-modeset). Like nvidia-uvm it registers with nvidia.ko through
 * the exported nv_sim_uvm_register, so its modinfo carries "depends=nvidia". Unlike NVIDIA's it
 * has no prebuilt core (the builder's recipe tolerates the missing nv-modeset-kernel.o).
 * Tests never load it.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

int nv_sim_uvm_register(const char *client);

static int __init nv_sim_modeset_init(void)
{
	return nv_sim_uvm_register("SIMULATED nvidia-modeset");
}

static void __exit nv_sim_modeset_exit(void)
{
}

module_init(nv_sim_modeset_init);
module_exit(nv_sim_modeset_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("SIMULATED-driver nvidia-modeset (test module, not a GPU driver)");
MODULE_VERSION(NV_VERSION_STRING);
