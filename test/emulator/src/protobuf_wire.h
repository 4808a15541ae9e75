// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The protobuf wire format (varints, tags, length-delimited fields), read-only. Throws
// ApiStatus 400 on truncated or malformed input: the bytes come from a client.

#include <cstdint>
#include <string_view>

namespace gpuext::emulator::protobuf {

enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

struct Field {
  uint32_t number = 0;
  WireType wire_type = WireType::kVarint;
  uint64_t varint = 0;     // kVarint, kFixed64, kFixed32
  std::string_view bytes;  // kLengthDelimited
};

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  [[nodiscard]] bool Done() const { return pos_ >= data_.size(); }
  // The next field; call only when !Done().
  Field Next();

 private:
  uint64_t ReadVarint();
  std::string_view ReadBytes(uint64_t n);

  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace gpuext::emulator::protobuf
