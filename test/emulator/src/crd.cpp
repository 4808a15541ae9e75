// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "crd.h"

#include <fmt/format.h>

#include "gpuext/error.h"
#include "object_meta.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

std::vector<std::string> Strings(const json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const json& s : j) {
      if (s.is_string()) {
        out.push_back(s.get<std::string>());
      }
    }
  }
  return out;
}

std::string Str(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void ValidateVersions(const json& versions, FieldErrorList& errs) {
  if (!versions.is_array() || versions.empty()) {
    errs.push_back(FieldError::Invalid("spec.versions", "null",
                                       "must have exactly one version marked as storage version"));
    return;
  }
  int storage = 0;
  bool served = false;
  for (size_t i = 0; i < versions.size(); ++i) {
    const json& v = versions[i];
    const std::string path = fmt::format("spec.versions[{}]", i);
    if (Str(v, "name").empty()) {
      errs.push_back(FieldError::Required(path + ".name"));
    }
    storage += v.value("storage", false) ? 1 : 0;
    served = served || v.value("served", false);
    const json::json_pointer schema("/schema/openAPIV3Schema");
    if (!v.contains(schema)) {
      errs.push_back(
          FieldError::Required(path + ".schema.openAPIV3Schema", "schemas are required"));
      continue;
    }
    try {
      (void)schema::StructuralSchema::FromOpenApiV3(v.at(schema));
    } catch (const std::exception& e) {
      errs.push_back(FieldError::Invalid(path + ".schema.openAPIV3Schema", "", e.what()));
    }
  }
  if (storage != 1) {
    errs.push_back(FieldError::Invalid("spec.versions", fmt::format("{}", storage),
                                       "must have exactly one version marked as storage version"));
  }
  if (!served) {
    errs.push_back(
        FieldError::Invalid("spec.versions", "", "must have at least one served version"));
  }
}

}  // namespace

FieldErrorList ValidateCrd(const json& crd) {
  FieldErrorList errs;
  const json spec = crd.value("spec", json::object());
  const std::string group = Str(spec, "group");
  const json names = spec.value("names", json::object());
  const std::string plural = Str(names, "plural");
  if (group.empty()) {
    errs.push_back(FieldError::Required("spec.group"));
  }
  if (plural.empty()) {
    errs.push_back(FieldError::Required("spec.names.plural"));
  }
  if (Str(names, "kind").empty()) {
    errs.push_back(FieldError::Required("spec.names.kind"));
  }
  if (!plural.empty() && !group.empty() && Meta(crd, "name") != plural + "." + group) {
    errs.push_back(FieldError::Invalid("metadata.name", Meta(crd, "name"),
                                       fmt::format("must be spec.names.plural+\".\"+spec.group")));
  }
  const std::string scope = Str(spec, "scope");
  if (scope != "Namespaced" && scope != "Cluster") {
    errs.push_back(FieldError::NotSupported("spec.scope", scope, {"Cluster", "Namespaced"}));
  }
  ValidateVersions(spec.value("versions", json()), errs);
  return errs;
}

std::vector<ResourceTypePtr> TypesFromCrd(const json& crd) {
  const json& spec = crd.at("spec");
  const json& names = spec.at("names");
  std::vector<ResourceTypePtr> out;
  for (const json& v : spec.at("versions")) {
    if (!v.value("served", false)) {
      continue;
    }
    auto t = std::make_shared<ResourceType>();
    t->group = Str(spec, "group");
    t->version = Str(v, "name");
    t->resource = Str(names, "plural");
    t->kind = Str(names, "kind");
    t->list_kind = Str(names, "listKind").empty() ? t->kind + "List" : Str(names, "listKind");
    t->singular = Str(names, "singular").empty() ? Str(names, "kind") : Str(names, "singular");
    for (char& c : t->singular) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    t->short_names = Strings(names.value("shortNames", json()));
    t->categories = Strings(names.value("categories", json()));
    t->verbs = {"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"};
    t->namespaced = Str(spec, "scope") == "Namespaced";
    const json sub = v.value("subresources", json::object());
    t->status_subresource = sub.contains("status");
    if (sub.contains("scale")) {
      t->scale_subresource = true;
      t->spec_replicas_path = Str(sub["scale"], "specReplicasPath");
      t->status_replicas_path = Str(sub["scale"], "statusReplicasPath");
      t->label_selector_path = Str(sub["scale"], "labelSelectorPath");
    }
    t->has_generation = true;
    t->allow_unconditional_update = false;
    t->crd = true;
    t->schema = schema::StructuralSchema::FromOpenApiV3(v.at("schema").at("openAPIV3Schema"));
    t->printer_columns = v.value("additionalPrinterColumns", json::array());
    for (const json& f : v.value("selectableFields", json::array())) {
      std::string path = Str(f, "jsonPath");
      t->selectable_fields.push_back(path.starts_with('.') ? path.substr(1) : path);
    }
    const bool storage = v.value("storage", false);
    out.insert(storage ? out.begin() : out.end(), std::move(t));
  }
  return out;
}

json EstablishedStatus(const json& crd, const std::string& now) {
  const json& spec = crd.at("spec");
  json accepted = spec.at("names");
  if (!accepted.contains("singular")) {
    std::string singular = Str(accepted, "kind");
    for (char& c : singular) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    accepted["singular"] = singular;
  }
  if (!accepted.contains("listKind")) {
    accepted["listKind"] = Str(accepted, "kind") + "List";
  }
  json stored = json::array();
  for (const json& v : spec.at("versions")) {
    if (v.value("storage", false)) {
      stored.push_back(v.at("name"));
    }
  }
  const auto condition = [&](const char* type, const char* reason, const char* message) {
    return json{{"type", type},
                {"status", "True"},
                {"lastTransitionTime", now},
                {"reason", reason},
                {"message", message}};
  };
  return {
      {"acceptedNames", accepted},
      {"storedVersions", stored},
      {"conditions",
       {condition("NamesAccepted", "NoConflicts", "no conflicts found"),
        condition("Established", "InitialNamesAccepted", "the initial names have been accepted")}}};
}

}  // namespace gpuext::emulator
