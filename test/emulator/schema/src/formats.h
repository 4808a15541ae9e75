// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The string formats of kube-openapi's default registry. Pure functions, safe for concurrent use.

#include <string_view>

namespace gpuext::emulator::schema::internal {

// True when `value` is valid for `format` ("date-time", "byte", "uuid", ...; '-' is ignored in
// the name as go-openapi does). Unknown formats accept everything. date-time, date, byte, the
// uuids, ipv4, cidr, mac, hexcolor, ssn, bsonobjectid and k8s-short/long-name follow upstream;
// uri, email, hostname, ipv6, duration, isbn, creditcard and rgbcolor are checked loosely.
[[nodiscard]] bool IsValidFormat(std::string_view format, std::string_view value);

}  // namespace gpuext::emulator::schema::internal
