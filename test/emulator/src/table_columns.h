// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The columns of one resource type's Table: their definitions and how an object fills a row.

#include <chrono>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "resource_type.h"

namespace gpuext::emulator {

using Clock = std::chrono::system_clock;

struct TableColumns {
  nlohmann::json definitions = nlohmann::json::array();  // TableColumnDefinition[]
  std::function<nlohmann::json(const nlohmann::json& obj, Clock::time_point now)> cells;
};

// A TableColumnDefinition.
nlohmann::json Column(const std::string& name, const std::string& type,
                      const std::string& description, int priority = 0,
                      const std::string& format = "");

// Built-in kinds: the columns of kube-apiserver's printers for the kinds listed there, else
// NAME + AGE. CustomResourceDefinitions get upstream's default NAME + CREATED AT.
TableColumns BuiltinColumns(const ResourceType& type);
// Custom resources: NAME plus the additionalPrinterColumns (AGE when there are none).
TableColumns CrdColumns(const ResourceType& type);

// Go's duration.HumanDuration ("5m", "3h20m", "12d") of now - timestamp (RFC 3339);
// "<unknown>" for a missing timestamp, as kube-apiserver's printers say.
std::string HumanAge(const nlohmann::json& rfc3339, Clock::time_point now);
std::string HumanDuration(std::chrono::seconds d);

}  // namespace gpuext::emulator
