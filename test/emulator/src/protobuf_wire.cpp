// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "protobuf_wire.h"

#include <fmt/format.h>

#include "api_status.h"

namespace gpuext::emulator::protobuf {
namespace {

ApiStatus Malformed(const std::string& why) {
  return BadRequest(
      fmt::format("the body of the request could not be decoded as protobuf: {}", why));
}

}  // namespace

uint64_t WireReader::ReadVarint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) {
      throw Malformed("truncated varint");
    }
    const auto byte = static_cast<uint8_t>(data_[pos_++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      return value;
    }
  }
  throw Malformed("varint longer than 10 bytes");
}

std::string_view WireReader::ReadBytes(uint64_t n) {
  if (n > data_.size() - pos_) {
    throw Malformed("length-delimited field runs past the end");
  }
  const std::string_view out = data_.substr(pos_, n);
  pos_ += n;
  return out;
}

Field WireReader::Next() {
  const uint64_t tag = ReadVarint();
  Field f;
  f.number = static_cast<uint32_t>(tag >> 3);
  if (f.number == 0 || tag >> 3 > 0x1fffffff) {
    throw Malformed("invalid field number");
  }
  f.wire_type = static_cast<WireType>(tag & 7);
  switch (f.wire_type) {
    case WireType::kVarint:
      f.varint = ReadVarint();
      break;
    case WireType::kFixed64: {
      const std::string_view b = ReadBytes(8);
      for (int i = 7; i >= 0; --i) {
        f.varint = (f.varint << 8) | static_cast<uint8_t>(b[i]);
      }
      break;
    }
    case WireType::kFixed32: {
      const std::string_view b = ReadBytes(4);
      for (int i = 3; i >= 0; --i) {
        f.varint = (f.varint << 8) | static_cast<uint8_t>(b[i]);
      }
      break;
    }
    case WireType::kLengthDelimited:
      f.bytes = ReadBytes(ReadVarint());
      break;
    default:
      // Groups are proto1 leftovers no Kubernetes type uses.
      throw Malformed(fmt::format("unsupported wire type {}", static_cast<int>(tag & 7)));
  }
  return f;
}

}  // namespace gpuext::emulator::protobuf
