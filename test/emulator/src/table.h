// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Server-side printing: meta.k8s.io Table responses for `kubectl get` (Accept:
// application/json;as=Table;v=v1;g=meta.k8s.io), with the columns kube-apiserver's printers
// and CRD additionalPrinterColumns define.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "resource_type.h"

namespace gpuext::emulator {

struct TableOptions {
  std::string version = "v1";               // meta.k8s.io version: v1 or v1beta1
  std::string include_object = "Metadata";  // None, Metadata or Object
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

// The Table version the Accept header prefers, or nullopt when the first acceptable media
// type is plain JSON (content negotiation in the client's order, as kube-apiserver does).
std::optional<std::string> RequestedTableVersion(std::string_view accept);

// Options from the request: the Table version and `includeObject` (400 for a bad value).
TableOptions TableOptionsFor(const std::string& version, const std::string& include_object);

// Converts a served object, or a served list, to a Table.
nlohmann::json ToTable(const ResourceType& type, const nlohmann::json& served,
                       const TableOptions& options);

}  // namespace gpuext::emulator
