// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Field<T>: one optional field of a decoded configuration document, keeping apart the three
// states a user can write (DESIGN.md §8):
//
//   driver: {version: "580"}   -> value
//   driver: {version: null}    -> null    (in a GPUPoolConfig: "use the built-in default")
//   driver: {}                 -> absent  (in a GPUPoolConfig: "inherit the shoot's value")
//
//   Field<int> replicas = 4;        // value
//   if (replicas) use(*replicas);   // has_value(): neither absent nor null
//
// Value type; thread-compatible.

#include <optional>
#include <type_traits>
#include <utility>

#include "gpuext/error.h"

namespace gpuext::gpuruntime::api {

template <typename T>
class Field {
 public:
  Field() = default;  // absent
  // Implicit on purpose, so configs read like the YAML: `.replicas = 4`, `.name = "gpu"`.
  template <typename U = T>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, Field>)
      Field(U&& value)
      : value_(std::forward<U>(value)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] static Field Null() {
    Field f;
    f.null_ = true;
    return f;
  }

  [[nodiscard]] bool absent() const { return !null_ && !value_.has_value(); }
  [[nodiscard]] bool is_null() const { return null_; }
  [[nodiscard]] bool has_value() const { return value_.has_value(); }
  explicit operator bool() const { return has_value(); }

  // Throws Error(kInternal) when there is no value: reading an unset field is a programming error
  // (SetDefaults fills every field the code reads).
  [[nodiscard]] const T& value() const {
    if (!value_) {
      throw Error(ErrorCode::kInternal, "configuration field read before it was set");
    }
    return *value_;
  }
  [[nodiscard]] T& value() {
    if (!value_) {
      throw Error(ErrorCode::kInternal, "configuration field read before it was set");
    }
    return *value_;
  }
  const T& operator*() const { return value(); }
  T& operator*() { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  [[nodiscard]] T value_or(T fallback) const { return value_ ? *value_ : std::move(fallback); }
  // The value, created default-constructed first when absent or null (for defaulting code).
  T& Ensure() {
    if (!value_) {
      value_.emplace();
      null_ = false;
    }
    return *value_;
  }
  // Sets `fallback` when absent or null; keeps an existing value.
  void Default(T fallback) {
    if (!value_) {
      value_ = std::move(fallback);
      null_ = false;
    }
  }

  friend bool operator==(const Field&, const Field&) = default;

 private:
  std::optional<T> value_;
  bool null_ = false;
};

}  // namespace gpuext::gpuruntime::api
