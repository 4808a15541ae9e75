// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Table-driven conversion of a Kubernetes protobuf body to JSON: the `k8s\0` magic, the
// runtime.Unknown envelope, then the object's message through its field table.
#include <chrono>

#include <fmt/format.h>

#include "api_status.h"
#include "gpuext/base64.h"
#include "gpuext/time_format.h"
#include "protobuf.h"
#include "protobuf_types.h"
#include "protobuf_wire.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;
using protobuf::Field;
using protobuf::FieldSpec;
using protobuf::MessageSpec;
using protobuf::ValueKind;
using protobuf::WireReader;
using protobuf::WireType;

constexpr std::string_view kMagic("k8s\0", 4);

ApiStatus MalformedMessage(const std::string& why) {
  return BadRequest(
      fmt::format("the body of the request could not be decoded as protobuf: {}", why));
}

void ExpectWireType(const Field& f, WireType want, const MessageSpec& msg, const FieldSpec& spec) {
  if (f.wire_type != want) {
    throw MalformedMessage(fmt::format("{}.{} (field {}) has wire type {}", msg.name,
                                       spec.json_name, f.number, static_cast<int>(f.wire_type)));
  }
}

// The JSON of a protobuf string: Go's JSON encoder replaces invalid UTF-8 the same way.
json Text(std::string_view bytes) {
  return json::parse(json(std::string(bytes)).dump(-1, ' ', false, json::error_handler_t::replace));
}

json DecodeMessage(std::string_view bytes, const MessageSpec& msg);

// map<string, V> entries are messages {key = 1, value = 2}.
std::pair<std::string, std::string_view> DecodeMapEntry(std::string_view bytes) {
  std::string key;
  std::string_view value;
  WireReader r(bytes);
  while (!r.Done()) {
    const Field f = r.Next();
    if (f.wire_type != WireType::kLengthDelimited) {
      throw MalformedMessage("map entry with a non-string key or value");
    }
    if (f.number == 1) {
      key = std::string(f.bytes);
    } else if (f.number == 2) {
      value = f.bytes;
    }
  }
  return {key, value};
}

std::string DecodeTime(std::string_view bytes) {
  int64_t seconds = 0;
  WireReader r(bytes);
  while (!r.Done()) {
    const Field f = r.Next();
    if (f.number == 1 && f.wire_type == WireType::kVarint) {
      seconds = static_cast<int64_t>(f.varint);
    }
  }
  return FormatRfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(seconds)));
}

json DecodeFieldsV1(std::string_view bytes) {
  WireReader r(bytes);
  while (!r.Done()) {
    const Field f = r.Next();
    if (f.number == 1 && f.wire_type == WireType::kLengthDelimited) {
      try {
        return json::parse(f.bytes);
      } catch (const json::exception& e) {
        throw MalformedMessage(fmt::format("fieldsV1 is not JSON: {}", e.what()));
      }
    }
  }
  return json::object();
}

// Sets or appends one decoded value; `value` null means "omit" (Go's omitempty).
void Put(json& out, const FieldSpec& spec, json value) {
  if (spec.repeated) {
    json& list = out[std::string(spec.json_name)];
    if (list.is_null()) {
      list = json::array();
    }
    list.push_back(std::move(value));
  } else if (!value.is_null()) {
    out[std::string(spec.json_name)] = std::move(value);
  }
}

void DecodeField(json& out, const Field& f, const MessageSpec& msg, const FieldSpec& spec) {
  switch (spec.kind) {
    case ValueKind::kString:
      ExpectWireType(f, WireType::kLengthDelimited, msg, spec);
      Put(out, spec, f.bytes.empty() && !spec.repeated ? json() : Text(f.bytes));
      break;
    case ValueKind::kBytes:
      ExpectWireType(f, WireType::kLengthDelimited, msg, spec);
      Put(out, spec, Base64Encode(f.bytes));
      break;
    case ValueKind::kInt:
      ExpectWireType(f, WireType::kVarint, msg, spec);
      Put(out, spec,
          f.varint == 0 && !spec.presence ? json() : json(static_cast<int64_t>(f.varint)));
      break;
    case ValueKind::kBool:
      ExpectWireType(f, WireType::kVarint, msg, spec);
      Put(out, spec, f.varint != 0);
      break;
    case ValueKind::kMessage:
      ExpectWireType(f, WireType::kLengthDelimited, msg, spec);
      Put(out, spec, DecodeMessage(f.bytes, spec.message()));
      break;
    case ValueKind::kStringMap:
    case ValueKind::kBytesMap: {
      ExpectWireType(f, WireType::kLengthDelimited, msg, spec);
      auto [key, value] = DecodeMapEntry(f.bytes);
      out[std::string(spec.json_name)][key] =
          spec.kind == ValueKind::kStringMap ? Text(value) : json(Base64Encode(value));
      break;
    }
    case ValueKind::kTime:
      ExpectWireType(f, WireType::kLengthDelimited, msg, spec);
      Put(out, spec, f.bytes.empty() ? json() : json(DecodeTime(f.bytes)));
      break;
    case ValueKind::kFieldsV1:
      ExpectWireType(f, WireType::kLengthDelimited, msg, spec);
      Put(out, spec, DecodeFieldsV1(f.bytes));
      break;
  }
}

json DecodeMessage(std::string_view bytes, const MessageSpec& msg) {
  json out = json::object();
  WireReader r(bytes);
  while (!r.Done()) {
    const Field f = r.Next();
    const FieldSpec* spec = msg.Find(f.number);
    if (spec == nullptr) {
      // Dropping it would store less than the client sent.
      throw UnsupportedMediaType(fmt::format(
          "field {} of {} is not supported in protobuf by kube-emulator; send the object as "
          "application/json",
          f.number, msg.name));
    }
    DecodeField(out, f, msg, *spec);
  }
  return out;
}

}  // namespace

bool IsProtobufContentType(std::string_view content_type) {
  return content_type.find("application/vnd.kubernetes.protobuf") != std::string_view::npos;
}

json DecodeProtobufObject(std::string_view body) {
  if (body.substr(0, kMagic.size()) != kMagic) {
    throw MalformedMessage("the body does not start with the k8s protobuf magic");
  }
  // runtime.Unknown {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3,
  // contentType = 4}.
  std::string api_version;
  std::string kind;
  std::string content_encoding;
  std::string_view raw;
  WireReader envelope(body.substr(kMagic.size()));
  while (!envelope.Done()) {
    const Field f = envelope.Next();
    if (f.wire_type != WireType::kLengthDelimited) {
      continue;
    }
    if (f.number == 1) {
      WireReader type_meta(f.bytes);
      while (!type_meta.Done()) {
        const Field t = type_meta.Next();
        if (t.number == 1 && t.wire_type == WireType::kLengthDelimited) {
          api_version = std::string(t.bytes);
        } else if (t.number == 2 && t.wire_type == WireType::kLengthDelimited) {
          kind = std::string(t.bytes);
        }
      }
    } else if (f.number == 2) {
      raw = f.bytes;
    } else if (f.number == 3) {
      content_encoding = std::string(f.bytes);
    }
  }
  if (!content_encoding.empty()) {
    throw UnsupportedMediaType(
        fmt::format("protobuf content encoding {:?} is not supported", content_encoding));
  }
  const MessageSpec* spec = protobuf::FindKind(api_version, kind);
  if (spec == nullptr) {
    throw UnsupportedMediaType(
        fmt::format("kube-emulator decodes protobuf only for v1 Namespace, ConfigMap, Secret and "
                    "ServiceAccount, not {} {}; send the object as application/json",
                    api_version, kind));
  }
  json obj = DecodeMessage(raw, *spec);
  json out = {{"apiVersion", api_version}, {"kind", kind}};
  out.update(obj);
  return out;
}

}  // namespace gpuext::emulator
