// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// FlagSet: command-line flags bound to variables, parsed with every problem reported at once
// (as Go's pflag-based Gardener binaries do, minus their stop-at-first-error).
//
//   int workers = 5;
//   FlagSet flags("gardener-extension-gpu");
//   flags.Int("max-concurrent-reconciles", &workers, "reconciles running at once");
//   const auto errors = flags.Parse(argc, argv);   // "--x=v", "--x v", "--bool", "--bool=false"
//   if (!errors.empty()) { std::cerr << Join(errors) << flags.Usage(); return 2; }
//
// Unknown flags, missing values and unparsable numbers/booleans are errors naming the flag;
// an unknown flag gets the closest known name suggested. Arguments after "--" and those not
// starting with "-" are collected as positional arguments. Confined to one thread.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gpuext {

// The message for a flag whose value fails validation, in the shape Parse uses:
// `--name: invalid value "v": why`.
[[nodiscard]] std::string InvalidFlagValue(const std::string& flag, const std::string& value,
                                           const std::string& why);

class FlagSet {
 public:
  explicit FlagSet(std::string program);

  void String(const std::string& name, std::string* target, const std::string& help);
  void Int(const std::string& name, int64_t* target, const std::string& help);
  void Int(const std::string& name, int* target, const std::string& help);
  void Bool(const std::string& name, bool* target, const std::string& help);
  // Each occurrence appends (e.g. --load a --load b).
  void StringList(const std::string& name, std::vector<std::string>* target,
                  const std::string& help);

  // Parses argv[1..argc). Returns every problem found ("--name: ..."), empty on success.
  // Targets of flags that were given correctly are set even when others failed.
  std::vector<std::string> Parse(int argc, const char* const* argv);
  std::vector<std::string> Parse(const std::vector<std::string>& args);

  // Whether the flag appeared on the command line (to tell a default from an explicit value).
  [[nodiscard]] bool Changed(const std::string& name) const;
  [[nodiscard]] const std::vector<std::string>& positional() const { return positional_; }
  // "usage: <program> [flags]" and one line per flag with its default, sorted by name.
  [[nodiscard]] std::string Usage() const;

 private:
  struct Flag {
    std::string name;
    std::string help;
    std::string default_text;
    bool is_bool = false;
    bool changed = false;
    // Sets the target from the text; returns an error text ("" when fine).
    std::function<std::string(const std::string&)> set;
  };
  void Add(Flag flag);
  Flag* Find(const std::string& name);
  [[nodiscard]] std::string Suggest(const std::string& name) const;

  std::string program_;
  std::vector<Flag> flags_;
  std::vector<std::string> positional_;
};

}  // namespace gpuext
