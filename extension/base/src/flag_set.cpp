// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/flag_set.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <stdexcept>
#include <utility>

namespace gpuext {

namespace {

std::string ParseInt64(const std::string& text, int64_t min, int64_t max, int64_t* out) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return "invalid value \"" + text + "\": want an integer";
  }
  if (value < min || value > max) {
    return "invalid value \"" + text + "\": out of range";
  }
  *out = value;
  return "";
}

// Go's strconv.ParseBool spellings, which pflag accepts.
std::string ParseBool(const std::string& text, bool* out) {
  static const std::vector<std::string> kTrue = {"1", "t", "T", "true", "TRUE", "True"};
  static const std::vector<std::string> kFalse = {"0", "f", "F", "false", "FALSE", "False"};
  if (std::find(kTrue.begin(), kTrue.end(), text) != kTrue.end()) {
    *out = true;
    return "";
  }
  if (std::find(kFalse.begin(), kFalse.end(), text) != kFalse.end()) {
    *out = false;
    return "";
  }
  return "invalid value \"" + text + "\": want true or false";
}

std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string InvalidFlagValue(const std::string& flag, const std::string& value,
                             const std::string& why) {
  return "--" + flag + ": invalid value \"" + value + "\": " + why;
}

FlagSet::FlagSet(std::string program) : program_(std::move(program)) {}

void FlagSet::Add(Flag flag) {
  if (Find(flag.name) != nullptr) {
    throw std::logic_error("flag --" + flag.name + " defined twice");
  }
  flags_.push_back(std::move(flag));
}

FlagSet::Flag* FlagSet::Find(const std::string& name) {
  for (Flag& f : flags_) {
    if (f.name == name) {
      return &f;
    }
  }
  return nullptr;
}

void FlagSet::String(const std::string& name, std::string* target, const std::string& help) {
  Add({.name = name,
       .help = help,
       .default_text = "\"" + *target + "\"",
       .set = [target](const std::string& v) {
         *target = v;
         return std::string();
       }});
}

void FlagSet::Int(const std::string& name, int64_t* target, const std::string& help) {
  Add({.name = name,
       .help = help,
       .default_text = std::to_string(*target),
       .set = [target](const std::string& v) {
         return ParseInt64(v, std::numeric_limits<int64_t>::min(),
                           std::numeric_limits<int64_t>::max(), target);
       }});
}

void FlagSet::Int(const std::string& name, int* target, const std::string& help) {
  Add({.name = name,
       .help = help,
       .default_text = std::to_string(*target),
       .set = [target](const std::string& v) {
         int64_t wide = 0;
         std::string err =
             ParseInt64(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), &wide);
         if (err.empty()) {
           *target = static_cast<int>(wide);
         }
         return err;
       }});
}

void FlagSet::Bool(const std::string& name, bool* target, const std::string& help) {
  Add({.name = name,
       .help = help,
       .default_text = *target ? "true" : "false",
       .is_bool = true,
       .set = [target](const std::string& v) { return ParseBool(v, target); }});
}

void FlagSet::StringList(const std::string& name, std::vector<std::string>* target,
                         const std::string& help) {
  Add({.name = name,
       .help = help,
       .default_text = "[]",
       .set = [target, first = true](const std::string& v) mutable {
         if (first) {
           target->clear();  // given values replace the default list
           first = false;
         }
         target->push_back(v);
         return std::string();
       }});
}

std::vector<std::string> FlagSet::Parse(int argc, const char* const* argv) {
  return Parse(std::vector<std::string>(argv + 1, argv + argc));
}

std::vector<std::string> FlagSet::Parse(const std::vector<std::string>& args) {
  std::vector<std::string> errors;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      positional_.insert(positional_.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional_.push_back(arg);
      continue;
    }
    const std::string body = arg.substr(arg.rfind("--", 0) == 0 ? 2 : 1);
    const std::size_t eq = body.find('=');
    const std::string name = body.substr(0, eq);
    Flag* flag = Find(name);
    if (flag == nullptr) {
      errors.push_back("--" + name + ": unknown flag" + Suggest(name));
      continue;
    }
    std::string value;
    if (eq != std::string::npos) {
      value = body.substr(eq + 1);
    } else if (flag->is_bool) {
      value = "true";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      errors.push_back("--" + name + ": needs a value");
      continue;
    }
    if (std::string err = flag->set(value); !err.empty()) {
      errors.push_back("--" + name + ": " + err);
      continue;
    }
    flag->changed = true;
  }
  return errors;
}

bool FlagSet::Changed(const std::string& name) const {
  for (const Flag& f : flags_) {
    if (f.name == name) {
      return f.changed;
    }
  }
  return false;
}

std::string FlagSet::Suggest(const std::string& name) const {
  const Flag* best = nullptr;
  std::size_t best_distance = 4;  // farther than this is not a typo
  for (const Flag& f : flags_) {
    const std::size_t d = EditDistance(name, f.name);
    if (d < best_distance) {
      best = &f;
      best_distance = d;
    }
  }
  return best == nullptr ? "" : " (did you mean --" + best->name + "?)";
}

std::string FlagSet::Usage() const {
  std::vector<const Flag*> sorted;
  for (const Flag& f : flags_) {
    sorted.push_back(&f);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const Flag* a, const Flag* b) { return a->name < b->name; });
  std::string out = "usage: " + program_ + " [flags]\n";
  for (const Flag* f : sorted) {
    out += "  --" + f->name + "  " + f->help + " (default " + f->default_text + ")\n";
  }
  return out;
}

}  // namespace gpuext
