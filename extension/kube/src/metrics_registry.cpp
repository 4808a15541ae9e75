// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Registry: families by name, collect hooks, and the text format 0.0.4 exposition.
#include <cctype>
#include <type_traits>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "gpuext/kube/metrics.h"

namespace gpuext::kube::metrics {

struct Registry::Entry {
  std::string help;
  std::string type;  // "counter", "gauge", "histogram"
  std::vector<std::string> label_names;
  std::vector<double> upper_bounds;  // histograms only
  std::variant<std::unique_ptr<CounterVec>, std::unique_ptr<GaugeVec>,
               std::unique_ptr<HistogramVec>>
      family;
};

namespace {

bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool ok = std::isalpha(c) != 0 || c == '_' || (allow_colon && c == ':') ||
                    (i > 0 && std::isdigit(c) != 0);
    if (!ok) {
      return false;
    }
  }
  return true;
}

void ValidateNames(const std::string& name, const std::vector<std::string>& label_names,
                   bool histogram) {
  if (!ValidName(name, /*allow_colon=*/true)) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("invalid metric name {:?}", name));
  }
  for (const auto& label : label_names) {
    if (!ValidName(label, /*allow_colon=*/false) || label.starts_with("__") ||
        (histogram && label == "le")) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("metric {}: invalid label name {:?}", name, label));
    }
  }
}

// `{a="x",b="y"}` (plus an optional extra pair such as le), or "" when there are no labels.
std::string LabelText(const std::vector<std::string>& names, const LabelValues& values,
                      std::string_view extra_name = {}, std::string_view extra_value = {}) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += fmt::format("{}{}=\"{}\"", out.empty() ? "" : ",", names[i],
                       internal::EscapeLabelValue(values[i]));
  }
  if (!extra_name.empty()) {
    out += fmt::format("{}{}=\"{}\"", out.empty() ? "" : ",", extra_name, extra_value);
  }
  return out.empty() ? out : "{" + out + "}";
}

void ExposeSimple(std::string& out, const std::string& name,
                  const std::vector<std::string>& label_names, const auto& family) {
  family.ForEach([&](const LabelValues& values, const auto& metric) {
    out += fmt::format("{}{} {}\n", name, LabelText(label_names, values),
                       internal::FormatValue(metric.Value()));
  });
}

void ExposeHistogram(std::string& out, const std::string& name,
                     const std::vector<std::string>& label_names, const HistogramVec& family) {
  family.ForEach([&](const LabelValues& values, const Histogram& h) {
    const Histogram::Snapshot s = h.Read();
    for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
      const std::string le = i < h.upper_bounds().size()
                                 ? internal::FormatValue(h.upper_bounds()[i])
                                 : std::string("+Inf");
      out += fmt::format("{}_bucket{} {}\n", name, LabelText(label_names, values, "le", le),
                         s.cumulative[i]);
    }
    out += fmt::format("{}_sum{} {}\n", name, LabelText(label_names, values),
                       internal::FormatValue(s.sum));
    out += fmt::format("{}_count{} {}\n", name, LabelText(label_names, values), s.count);
  });
}

}  // namespace

Registry::Registry() = default;
Registry::~Registry() = default;

Registry& Registry::Default() {
  static Registry* registry = new Registry();  // never destroyed: metrics outlive static teardown
  return *registry;
}

Registry::Entry& Registry::Register(const std::string& name, const std::string& help,
                                    std::string_view type,
                                    const std::vector<std::string>& label_names,
                                    const std::vector<double>& upper_bounds) {
  ValidateNames(name, label_names, type == "histogram");
  std::lock_guard lock(mutex_);
  auto& slot = families_[name];
  if (slot != nullptr) {
    if (slot->type != type || slot->help != help || slot->label_names != label_names ||
        slot->upper_bounds != upper_bounds) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("metric {} is already registered with a different type, help, "
                              "labels or buckets",
                              name));
    }
    return *slot;
  }
  slot = std::make_unique<Entry>();
  slot->help = help;
  slot->type = std::string(type);
  slot->label_names = label_names;
  slot->upper_bounds = upper_bounds;
  if (type == "counter") {
    slot->family =
        std::make_unique<CounterVec>(label_names, [] { return std::make_unique<Counter>(); });
  } else if (type == "gauge") {
    slot->family =
        std::make_unique<GaugeVec>(label_names, [] { return std::make_unique<Gauge>(); });
  } else {
    slot->family = std::make_unique<HistogramVec>(
        label_names, [upper_bounds] { return std::make_unique<Histogram>(upper_bounds); });
  }
  if (label_names.empty()) {
    // A family without labels has exactly one series; expose it (as 0) from the start, as
    // client_golang does for a plain Counter or Gauge.
    std::visit([](auto& family) { family->WithLabelValues({}); }, slot->family);
  }
  return *slot;
}

CounterVec& Registry::Counters(const std::string& name, const std::string& help,
                               const std::vector<std::string>& label_names) {
  return *std::get<std::unique_ptr<CounterVec>>(
      Register(name, help, "counter", label_names, {}).family);
}

GaugeVec& Registry::Gauges(const std::string& name, const std::string& help,
                           const std::vector<std::string>& label_names) {
  return *std::get<std::unique_ptr<GaugeVec>>(
      Register(name, help, "gauge", label_names, {}).family);
}

HistogramVec& Registry::Histograms(const std::string& name, const std::string& help,
                                   const std::vector<std::string>& label_names,
                                   const std::vector<double>& upper_bounds) {
  // Validate the buckets before registering, so a bad call leaves no family behind.
  Histogram check(upper_bounds);
  return *std::get<std::unique_ptr<HistogramVec>>(
      Register(name, help, "histogram", label_names, upper_bounds).family);
}

CollectHook Registry::OnCollect(std::function<void()> hook) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_hook_id_++;
  hooks_.emplace(id, std::move(hook));
  return CollectHook(this, id);
}

void Registry::RemoveHook(std::uint64_t id) {
  // Taking expose_mutex_ first means a hook never runs after its handle is gone.
  std::lock_guard expose_lock(expose_mutex_);
  std::lock_guard lock(mutex_);
  hooks_.erase(id);
}

std::string Registry::Expose() const {
  std::lock_guard expose_lock(expose_mutex_);
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, hook] : hooks_) {
      hooks.push_back(hook);
    }
  }
  for (const auto& hook : hooks) {
    hook();
  }
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, entry] : families_) {
    std::string samples;
    std::visit(
        [&](const auto& family) {
          using F = std::decay_t<decltype(*family)>;
          if constexpr (std::is_same_v<F, HistogramVec>) {
            ExposeHistogram(samples, name, entry->label_names, *family);
          } else {
            ExposeSimple(samples, name, entry->label_names, *family);
          }
        },
        entry->family);
    if (samples.empty()) {
      continue;
    }
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, internal::EscapeHelp(entry->help),
                       name, entry->type);
    out += samples;
  }
  return out;
}

CollectHook::CollectHook(CollectHook&& other) noexcept
    : registry_(std::exchange(other.registry_, nullptr)), id_(other.id_) {}

CollectHook& CollectHook::operator=(CollectHook&& other) noexcept {
  if (this != &other) {
    Reset();
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

CollectHook::~CollectHook() { Reset(); }

void CollectHook::Reset() {
  if (registry_ != nullptr) {
    registry_->RemoveHook(id_);
    registry_ = nullptr;
  }
}

}  // namespace gpuext::kube::metrics
