// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "render.h"
#include "traversal.h"
#include "validators.h"

namespace gpuext::emulator::schema::internal {
namespace {

using nlohmann::json;

// apimachinery's IsDNS1035Label messages.
std::vector<std::string> Dns1035LabelErrors(const std::string& value) {
  static const RE2 kLabel("[a-z]([-a-z0-9]*[a-z0-9])?");
  std::vector<std::string> errors;
  if (value.size() > 63) {
    errors.push_back("must be no more than 63 characters");
  }
  if (!RE2::FullMatch(value, kLabel)) {
    errors.push_back(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
        "an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
        "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
  }
  return errors;
}

// The text of a TypeMeta field, or nullptr after reporting that it is not a non-empty string.
const std::string* NonEmptyString(const json& value, const std::string& path, FieldErrorList& out) {
  if (!value.is_string()) {
    out.push_back(FieldError::Invalid(path, ValueText(value), "must be a string"));
    return nullptr;
  }
  if (value.get_ref<const std::string&>().empty()) {
    out.push_back(FieldError::Invalid(path, "", "must not be empty"));
    return nullptr;
  }
  return &value.get_ref<const std::string&>();
}

void CheckApiVersion(const json& value, const std::string& path, FieldErrorList& out) {
  const std::string* text = NonEmptyString(value, path, out);
  if (text != nullptr && *text != "/" && std::count(text->begin(), text->end(), '/') > 1) {
    out.push_back(FieldError::Invalid(path, *text, "unexpected GroupVersion string: " + *text));
  }
}

void CheckKind(const json& value, const std::string& path, FieldErrorList& out) {
  const std::string* text = NonEmptyString(value, path, out);
  if (text == nullptr) {
    return;
  }
  std::string lower = *text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::vector<std::string> errors = Dns1035LabelErrors(lower);
  if (!errors.empty()) {
    std::string joined;
    for (const std::string& error : errors) {
      joined += (joined.empty() ? "" : ",") + error;
    }
    out.push_back(FieldError::Invalid(
        path, *text, "may have mixed case, but should otherwise match: " + joined));
  }
}

void CheckEmbedded(const json& object, const std::string& path, FieldErrorList& out) {
  for (const char* field : {"apiVersion", "kind"}) {
    if (!object.contains(field)) {
      out.push_back(FieldError::Required(ChildPath(path, field)));
    }
  }
  if (const auto it = object.find("apiVersion"); it != object.end()) {
    CheckApiVersion(*it, ChildPath(path, "apiVersion"), out);
  }
  if (const auto it = object.find("kind"); it != object.end()) {
    CheckKind(*it, ChildPath(path, "kind"), out);
  }
  if (const auto it = object.find("metadata"); it != object.end() && !it->is_object()) {
    out.push_back(
        FieldError::Invalid(ChildPath(path, "metadata"), ValueText(*it), "must be an object"));
  }
}

void Walk(const Node& node, const json& value, const std::string& path, bool root,
          FieldErrorList& out) {
  if (!root && node.embedded_resource && value.is_object()) {
    CheckEmbedded(value, path, out);
  }
  ForEachChild(node, value, path, root, [&](const ChildRef& child) {
    Walk(child.schema, child.value, child.path, false, out);
  });
}

}  // namespace

FieldErrorList ValidateEmbeddedResources(const Node& root, const json& object) {
  FieldErrorList errors;
  Walk(root, object, "", true, errors);
  return errors;
}

}  // namespace gpuext::emulator::schema::internal
