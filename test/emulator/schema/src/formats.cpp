// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// String formats of kube-openapi's strfmt.Default registry.

#include "formats.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <arpa/inet.h>
#include <re2/re2.h>

namespace gpuext::emulator::schema::internal {
namespace {

using Checker = std::function<bool(std::string_view)>;

// A checker that fully matches `pattern` (compiled once; RE2 matching is thread-safe).
Checker FullMatch(const std::string& pattern) {
  auto regex = std::make_shared<const RE2>(pattern);
  return [regex](std::string_view value) {
    return RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *regex);
  };
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// Go's time.Parse("2006-01-02", value): four-digit year, valid month and day.
bool IsDate(std::string_view value) {
  static const RE2 kDate(R"((\d{4})-(\d{2})-(\d{2}))");
  int year = 0;
  int month = 0;
  int day = 0;
  if (!RE2::FullMatch(re2::StringPiece(value.data(), value.size()), kDate, &year, &month, &day)) {
    return false;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) {
    return false;
  }
  const int days = kDays[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0);
  return day <= days;
}

// strfmt.IsDateTime: a full date, 't' (any case), then time with a zone.
bool IsDateTime(std::string_view value) {
  static const RE2 kTime(
      R"(([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2})))");
  if (value.size() < 4) {
    return false;
  }
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const size_t t = lower.find('t');
  if (t == std::string::npos || !IsDate(std::string_view(lower).substr(0, t))) {
    return false;
  }
  std::string rest = lower.substr(t + 1);
  rest = rest.substr(0, rest.find('t'));
  std::string hour;
  std::string minute;
  std::string second;
  if (!RE2::FullMatch(rest, kTime, &hour, &minute, &second)) {
    return false;
  }
  return hour <= "23" && minute <= "59" && second <= "59";
}

bool IsIp(int family, std::string_view value) {
  unsigned char buffer[16];
  return inet_pton(family, std::string(value).c_str(), buffer) == 1;
}

bool IsCidr(std::string_view value) {
  const size_t slash = value.find('/');
  if (slash == std::string_view::npos) {
    return false;
  }
  const std::string_view address = value.substr(0, slash);
  const bool v6 = address.find(':') != std::string_view::npos;
  int prefix = -1;
  if (!RE2::FullMatch(re2::StringPiece(value.data() + slash + 1, value.size() - slash - 1),
                      R"(\d{1,3})", &prefix)) {
    return false;
  }
  return prefix <= (v6 ? 128 : 32) && (v6 ? IsIp(AF_INET6, address) : IsIp(AF_INET, address));
}

const std::map<std::string, Checker, std::less<>>& Checkers() {
  static const std::map<std::string, Checker, std::less<>> kCheckers = {
      {"date", IsDate},
      {"datetime", IsDateTime},
      {"byte",
       FullMatch(
           R"((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4}))")},
      {"uuid",
       FullMatch(R"((?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})")},
      {"uuid3",
       FullMatch(R"((?i)[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12})")},
      {"uuid4",
       FullMatch(R"((?i)[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12})")},
      {"uuid5",
       FullMatch(R"((?i)[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12})")},
      {"ipv4",
       FullMatch(R"((?:(?:25[0-5]|2[0-4]\d|[01]?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d?\d))")},
      {"ipv6", [](std::string_view v) { return IsIp(AF_INET6, v); }},
      {"cidr", IsCidr},
      {"mac",
       FullMatch(
           R"((?i)(?:[0-9a-f]{2}:){5,19}[0-9a-f]{2}|(?:[0-9a-f]{2}-){5,19}[0-9a-f]{2}|(?:[0-9a-f]{4}\.){2,9}[0-9a-f]{4})")},
      {"hexcolor", FullMatch(R"(#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}))")},
      {"rgbcolor", FullMatch(R"(rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\))")},
      {"ssn", FullMatch(R"(\d{3}[- ]?\d{2}[- ]?\d{4})")},
      {"bsonobjectid", FullMatch(R"([0-9a-fA-F]{24})")},
      {"isbn", FullMatch(R"((?:[0-9]{9}[0-9X])|(?:97[89][0-9]{10})|(?:[0-9-]{13,17}X?))")},
      {"isbn10", FullMatch(R"([0-9]{9}[0-9X]|[0-9-]{12}[0-9X])")},
      {"isbn13", FullMatch(R"(97[89][0-9]{10}|97[89][0-9-]{14})")},
      {"creditcard", FullMatch(R"([0-9][0-9 -]{11,22}[0-9])")},
      {"hostname", FullMatch(R"([^\s/@:]{1,255})")},
      {"email", FullMatch(R"((?:[^<>]*<)?[^@\s<>]+@[^@\s<>]+>?)")},
      {"uri", FullMatch(R"((?:[a-zA-Z][a-zA-Z0-9+.-]*:|/)\S*)")},
      {"duration", FullMatch(R"(\s*[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)\s*[a-zA-Zµ]+\s*)+)")},
      {"k8sshortname", FullMatch(R"([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)")},
      {"k8slongname",
       FullMatch(R"((?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)")},
  };
  return kCheckers;
}

}  // namespace

bool IsValidFormat(std::string_view format, std::string_view value) {
  std::string normalized(format);
  std::erase(normalized, '-');
  const auto it = Checkers().find(normalized);
  if (it == Checkers().end()) {
    return true;
  }
  if (normalized == "k8slongname" && value.size() > 253) {
    return false;
  }
  return it->second(value);
}

}  // namespace gpuext::emulator::schema::internal
