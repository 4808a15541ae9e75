// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Helm's chartutil coalescing: the destination (user) map is authoritative; chart defaults
// fill the gaps; a user null removes the default; sub-chart sections are coalesced with the
// sub-chart's own defaults after the parent's globals are merged into them.
#include <functional>

#include "gpuext/error.h"
#include "gpuext/helm/values.h"

namespace gpuext::helm {
namespace {

using nlohmann::json;

void CoalesceTables(json* dst, const json& src, bool merge) {
  for (const auto& [key, val] : src.items()) {
    auto it = dst->find(key);
    if (it != dst->end() && !merge && it->is_null()) {
      dst->erase(it);
    } else if (it == dst->end()) {
      (*dst)[key] = val;
    } else if (val.is_object() && it->is_object()) {
      CoalesceTables(&*it, val, merge);
    }
  }
}

bool IsSubchart(const Chart& chart, const std::string& key) {
  for (const Chart& sub : chart.subcharts) {
    if (sub.Name() == key) {
      return true;
    }
  }
  return false;
}

void CoalesceChartValues(const Chart& chart, json* v, bool merge) {
  for (const auto& [key, val] : chart.values.items()) {
    auto it = v->find(key);
    if (it == v->end()) {
      (*v)[key] = val;
    } else if (it->is_null() && !merge) {
      v->erase(it);
    } else if (it->is_object() && val.is_object()) {
      CoalesceTables(&*it, val, merge || IsSubchart(chart, key));
    }
  }
}

void CoalesceGlobals(json* dest, const json& src) {
  json dg = dest->contains("global") ? (*dest)["global"] : json::object();
  const json sg = src.contains("global") ? src["global"] : json::object();
  if (!dg.is_object() || !sg.is_object()) {
    return;
  }
  for (const auto& [key, val] : sg.items()) {
    if (val.is_object()) {
      json vv = val;
      if (dg.contains(key) && dg[key].is_object()) {
        CoalesceTables(&vv, dg[key], true);
      }
      if (!dg.contains(key) || dg[key].is_object()) {
        dg[key] = vv;
      }
    } else if (!(dg.contains(key) && dg[key].is_object())) {
      dg[key] = val;
    }
  }
  (*dest)["global"] = dg;
}

void Coalesce(const Chart& chart, json* dest, bool merge) {
  CoalesceChartValues(chart, dest, merge);
  for (const Chart& sub : chart.subcharts) {
    const std::string name = sub.Name();
    if (!dest->contains(name) || (*dest)[name].is_null()) {
      (*dest)[name] = json::object();
    } else if (!(*dest)[name].is_object()) {
      throw Error(ErrorCode::kConfigurationProblem, "type mismatch on " + name);
    }
    json& section = (*dest)[name];
    CoalesceGlobals(&section, *dest);
    Coalesce(sub, &section, merge);
  }
}

}  // namespace

json MergeValueFiles(const std::vector<json>& files) {
  json out = json::object();
  std::function<void(json*, const json&)> merge = [&](json* a, const json& b) {
    for (const auto& [k, v] : b.items()) {
      if (v.is_object() && a->contains(k) && (*a)[k].is_object()) {
        merge(&(*a)[k], v);
      } else {
        (*a)[k] = v;
      }
    }
  };
  for (const json& f : files) {
    if (f.is_object()) {
      merge(&out, f);
    }
  }
  return out;
}

json CoalesceValues(const Chart& chart, const json& user) {
  json dest = user.is_object() ? user : json::object();
  Coalesce(chart, &dest, false);
  return dest;
}

}  // namespace gpuext::helm
