// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Field tables of the Kubernetes messages kube-emulator decodes from protobuf: field number,
// JSON name and how the value maps to JSON (numbers from the upstream generated.proto files
// of k8s.io/api and k8s.io/apimachinery).

#include <cstdint>
#include <string_view>
#include <vector>

namespace gpuext::emulator::protobuf {

enum class ValueKind : uint8_t {
  kString,     // omitted when empty (omitempty)
  kBytes,      // base64 in JSON
  kInt,        // varint; omitted when 0 unless `presence`
  kBool,       // *bool in Go: present on the wire means present in JSON
  kMessage,    // nested object, always emitted (Go structs ignore omitempty)
  kStringMap,  // map<string, string>
  kBytesMap,   // map<string, bytes>, values base64
  kTime,       // metav1.Time {seconds=1}: RFC 3339; an empty message is the zero time
  kFieldsV1,   // metav1.FieldsV1 {Raw=1}: raw JSON bytes
};

struct MessageSpec;

struct FieldSpec {
  uint32_t number;
  std::string_view json_name;
  ValueKind kind;
  bool repeated = false;
  const MessageSpec& (*message)() = nullptr;  // for kMessage
  bool presence = false;                      // kInt: a Go pointer, so 0 is kept
};

struct MessageSpec {
  std::string_view name;
  std::vector<FieldSpec> fields;

  [[nodiscard]] const FieldSpec* Find(uint32_t number) const {
    for (const FieldSpec& f : fields) {
      if (f.number == number) {
        return &f;
      }
    }
    return nullptr;
  }
};

// The message of a top-level kind (`v1`, `ConfigMap`), or nullptr when not supported.
const MessageSpec* FindKind(std::string_view api_version, std::string_view kind);

}  // namespace gpuext::emulator::protobuf
