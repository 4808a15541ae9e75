// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Table-test support for the sprig functions: a case calls one function with template values
// and states what Helm printed for `{{ <call> }}` (fmt's %v of the result), or the message of
// the error Helm reported after "error calling <name>: ". Expectations marked "helm:" in the
// tables were taken from running the real Helm v4.1.4 on a throwaway chart.

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gpuext/helm/functions.h"
#include "gpuext/helm/go_format.h"

namespace gpuext::helm::testing {

struct SprigCase {
  std::string fn;
  std::vector<nlohmann::json> args;
  std::string printed;  // Helm's output for the call, or the error text when failing
  bool fails = false;

  friend std::ostream& operator<<(std::ostream& os, const SprigCase& c) {
    os << c.fn;
    for (const auto& a : c.args) {
      os << ' ' << a.dump();
    }
    return os;
  }
};

inline SprigCase Fails(std::string fn, std::vector<nlohmann::json> args, std::string message) {
  return SprigCase{std::move(fn), std::move(args), std::move(message), true};
}

inline const FunctionTable& Sprig() {
  static const FunctionTable table = SprigFunctions();
  return table;
}

inline nlohmann::json CallSprig(const std::string& fn, const std::vector<nlohmann::json>& args) {
  auto it = Sprig().find(fn);
  if (it == Sprig().end()) {
    ADD_FAILURE() << "no function " << fn;
    return nullptr;
  }
  return it->second(args);
}

// Helm prints a nil result as an empty string (its "<no value>" replacement).
inline std::string Printed(const nlohmann::json& v) { return v.is_null() ? "" : FormatGoValue(v); }

inline void ExpectCase(const SprigCase& c) {
  if (c.fails) {
    try {
      nlohmann::json got = CallSprig(c.fn, c.args);
      ADD_FAILURE() << c << ": expected error \"" << c.printed << "\", got " << got.dump();
    } catch (const FunctionError& e) {
      EXPECT_EQ(e.what(), c.printed) << c;
    }
    return;
  }
  try {
    EXPECT_EQ(Printed(CallSprig(c.fn, c.args)), c.printed) << c;
  } catch (const FunctionError& e) {
    ADD_FAILURE() << c << ": unexpected error " << e.what();
  }
}

inline nlohmann::json L(std::initializer_list<nlohmann::json> items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) {
    out.push_back(item);
  }
  return out;
}

}  // namespace gpuext::helm::testing
