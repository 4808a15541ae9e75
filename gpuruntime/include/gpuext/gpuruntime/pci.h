// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// PCI facts as the node agent reads them from sysfs (DESIGN.md §13.3 step 1) and as vendors match
// them (§15, §16). Plain data: the agent fills a PciScan, vendors decide which devices are theirs.

#include <cstdint>
#include <string>
#include <vector>

namespace gpuext::gpuruntime {

// Well-known values.
inline constexpr uint16_t kPciVendorNvidia = 0x10de;
inline constexpr uint16_t kPciVendorAmd = 0x1002;
inline constexpr uint16_t kPciVendorIntel = 0x8086;
// Upper 16 bits of the sysfs `class` file (base class + subclass).
inline constexpr uint16_t kPciClassVgaController = 0x0300;
inline constexpr uint16_t kPciClass3dController = 0x0302;
inline constexpr uint16_t kPciClassDisplayOther = 0x0380;
inline constexpr uint16_t kPciClassBridgeOther = 0x0680;  // NVSwitch

// One function from /sys/bus/pci/devices/<address>/.
struct PciDevice {
  std::string address;      // "0000:3b:00.0" (the sysfs directory name, also the BDF)
  uint16_t vendor_id = 0;   // `vendor` file, e.g. 0x10de
  uint16_t device_id = 0;   // `device` file, e.g. 0x20b0
  uint32_t class_code = 0;  // `class` file as read, 24 bits, e.g. 0x030200
  std::string
      driver;  // basename of the `driver` link target ("nvidia", "nouveau"); empty if unbound

  // Base class + subclass: the upper 16 bits of class_code, e.g. 0x0302.
  [[nodiscard]] uint16_t ClassId() const { return static_cast<uint16_t>(class_code >> 8); }
  friend bool operator==(const PciDevice&, const PciDevice&) = default;
};

// Every PCI function of a node, sorted by address.
struct PciScan {
  std::vector<PciDevice> devices;
};

// What NFD rules and device detection match on: a vendor and a set of class ids (§15).
struct PciMatch {
  uint16_t vendor_id = 0;
  std::vector<uint16_t> class_ids;  // upper 16 bits of class, e.g. {0x0300, 0x0302}
  std::string label;                // label suffix, e.g. "nvidia.present"

  [[nodiscard]] bool Matches(const PciDevice& device) const;
};

}  // namespace gpuext::gpuruntime
