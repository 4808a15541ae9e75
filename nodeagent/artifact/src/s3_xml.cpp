// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/nodeagent/artifact/s3_xml.h"

#include <charconv>
#include <cstdint>

namespace gpuext::nodeagent::artifact {

namespace {

// Position just after "<tag" when it is followed by '>', '/', or whitespace (so <Key> does not
// match <KeyCount>); npos when there is no such opening tag at or after `from`.
std::size_t S3XmlFindOpen(std::string_view xml, std::string_view tag, std::size_t from) {
  const std::string open = "<" + std::string(tag);
  while (true) {
    const auto at = xml.find(open, from);
    if (at == std::string_view::npos) {
      return at;
    }
    const auto after = at + open.size();
    if (after < xml.size()) {
      const char c = xml[after];
      if (c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        return after;
      }
    }
    from = after;
  }
}

void S3AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one entity body ("amp", "#38", "#x26"); false when it is none we know.
bool S3DecodeEntity(std::string_view name, std::string& out) {
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
  for (const auto& [entity, c] : kNamed) {
    if (name == entity) {
      out.push_back(c);
      return true;
    }
  }
  if (name.size() < 2 || name[0] != '#') {
    return false;
  }
  const bool hex = name[1] == 'x' || name[1] == 'X';
  const std::string_view digits = name.substr(hex ? 2 : 1);
  std::uint32_t cp = 0;
  const auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
      cp > 0x10FFFF) {
    return false;
  }
  S3AppendUtf8(out, cp);
  return true;
}

}  // namespace

std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string close = "</" + std::string(tag) + ">";
  std::size_t pos = 0;
  while (true) {
    const auto after = S3XmlFindOpen(xml, tag, pos);
    if (after == std::string_view::npos) {
      return out;
    }
    const auto gt = xml.find('>', after);
    if (gt == std::string_view::npos) {
      return out;  // truncated document
    }
    if (xml[gt - 1] == '/') {
      out.emplace_back();  // <tag/>
      pos = gt + 1;
      continue;
    }
    const auto end = xml.find(close, gt + 1);
    if (end == std::string_view::npos) {
      return out;
    }
    out.push_back(xml.substr(gt + 1, end - gt - 1));
    pos = end + close.size();
  }
}

std::optional<std::string> XmlChildText(std::string_view xml, std::string_view tag) {
  const auto found = XmlElements(xml, tag);
  if (found.empty()) {
    return std::nullopt;
  }
  return XmlUnescape(found.front());
}

std::string XmlUnescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&') {
      const auto semi = text.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10 &&
          S3DecodeEntity(text.substr(i + 1, semi - i - 1), out)) {
        i = semi;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace gpuext::nodeagent::artifact
