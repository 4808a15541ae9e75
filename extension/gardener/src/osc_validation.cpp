// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/gardener/osc_validation.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace gpuext::gardener {

using nlohmann::json;

namespace {

// Collects the errors of one OSC; each Check* reads one part of the spec or status.
class OscChecker {
 public:
  explicit OscChecker(const json& osc) : osc_(osc) {}

  FieldErrorList Run() {
    if (!osc_.is_object()) {
      errors_.push_back(FieldError::TypeInvalid("", osc_.type_name(), "must be an object"));
      return errors_;
    }
    const json* spec = Object(osc_, "spec", "spec");
    const json* status = Object(osc_, "status", "status");
    const json* files = spec ? Array(*spec, "files", "spec.files") : nullptr;
    const json* extension_files =
        status ? Array(*status, "extensionFiles", "status.extensionFiles") : nullptr;
    CollectPaths(files);
    CollectPaths(extension_files);

    std::string purpose;
    if (spec) {
      purpose = CheckPurpose(*spec);
      if (const json* cri = Object(*spec, "criConfig", "spec.criConfig")) {
        CheckCriConfig(*cri, purpose);
      }
      CheckUnits(Array(*spec, "units", "spec.units"), "spec.units");
      CheckFiles(files, "spec.files");
    } else {
      errors_.push_back(FieldError::Required("spec.purpose", "field is required"));
    }
    if (status) {
      CheckUnits(Array(*status, "extensionUnits", "status.extensionUnits"),
                 "status.extensionUnits");
      CheckFiles(extension_files, "status.extensionFiles");
    }
    CheckDuplicates({{files, "spec.files"}, {extension_files, "status.extensionFiles"}});
    return errors_;
  }

 private:
  // `parent[key]` when it is an object; nullptr when absent or null, with a TypeInvalid error
  // when it has another type.
  const json* Object(const json& parent, const char* key, const std::string& field) {
    return Typed(parent, key, field, json::value_t::object, "must be an object");
  }
  const json* Array(const json& parent, const char* key, const std::string& field) {
    return Typed(parent, key, field, json::value_t::array, "must be a list");
  }
  // A string member, "" when absent or null; TypeInvalid when it has another type.
  std::string String(const json& parent, const char* key, const std::string& field) {
    const json* value = Typed(parent, key, field, json::value_t::string, "must be a string");
    return value ? value->get<std::string>() : std::string();
  }
  const json* Typed(const json& parent, const char* key, const std::string& field,
                    json::value_t type, const char* detail) {
    if (!parent.is_object()) {
      return nullptr;
    }
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
      return nullptr;
    }
    if (it->type() != type) {
      errors_.push_back(FieldError::TypeInvalid(field, it->dump(), detail));
      return nullptr;
    }
    return &*it;
  }

  void CollectPaths(const json* files) {
    if (!files) {
      return;
    }
    for (const json& file : *files) {
      if (file.is_object()) {
        if (const auto path = file.find("path"); path != file.end() && path->is_string()) {
          file_paths_.insert(path->get<std::string>());
        }
      }
    }
  }

  std::string CheckPurpose(const json& spec) {
    const std::string purpose = String(spec, "purpose", "spec.purpose");
    if (purpose.empty()) {
      if (!spec.contains("purpose") || spec["purpose"].is_null() || spec["purpose"].is_string()) {
        errors_.push_back(FieldError::Required("spec.purpose", "field is required"));
      }
    } else if (purpose != "provision" && purpose != "reconcile") {
      errors_.push_back(
          FieldError::NotSupported("spec.purpose", purpose, {"provision", "reconcile"}));
    }
    return purpose;
  }

  void CheckCriConfig(const json& cri, const std::string& purpose) {
    const std::string driver = String(cri, "cgroupDriver", "spec.criConfig.cgroupDriver");
    if (cri.contains("cgroupDriver") && cri["cgroupDriver"].is_string() && driver != "cgroupfs" &&
        driver != "systemd") {
      errors_.push_back(
          FieldError::NotSupported("spec.criConfig.cgroupDriver", driver, {"cgroupfs", "systemd"}));
    }
    const std::string field = "spec.criConfig.containerd";
    const json* containerd = Object(cri, "containerd", field);
    if (!containerd) {
      return;
    }
    if (purpose == "provision") {
      errors_.push_back(FieldError::Forbidden(
          field,
          "containerd config is not allowed for OperatingSystemConfig with purpose 'provision'"));
      return;
    }
    if (String(*containerd, "sandboxImage", field + ".sandboxImage").empty()) {
      errors_.push_back(FieldError::Required(field + ".sandboxImage", "field is required"));
    }
    if (const json* plugins = Array(*containerd, "plugins", field + ".plugins")) {
      for (size_t i = 0; i < plugins->size(); ++i) {
        CheckPlugin((*plugins)[i], fmt::format("{}.plugins[{}]", field, i));
      }
    }
  }

  void CheckPlugin(const json& plugin, const std::string& field) {
    if (!plugin.is_object()) {
      errors_.push_back(FieldError::TypeInvalid(field, plugin.dump(), "must be an object"));
      return;
    }
    std::string op = "add";  // Gardener's default when op is unset
    if (plugin.contains("op") && !plugin["op"].is_null()) {
      op = String(plugin, "op", field + ".op");
      if (plugin["op"].is_string() && op != "add" && op != "remove") {
        errors_.push_back(FieldError::NotSupported(field + ".op", op, {"add", "remove"}));
      }
    }
    const json* path = Array(plugin, "path", field + ".path");
    if (!path || path->empty()) {
      if (!plugin.contains("path") || plugin["path"].is_null() || plugin["path"].is_array()) {
        errors_.push_back(FieldError::Required(field + ".path", "must provide a path"));
      }
    } else {
      for (size_t i = 0; i < path->size(); ++i) {
        if (!(*path)[i].is_string()) {
          errors_.push_back(FieldError::TypeInvalid(fmt::format("{}.path[{}]", field, i),
                                                    (*path)[i].dump(), "must be a string"));
        }
      }
    }
    const auto values = plugin.find("values");
    if (values == plugin.end() || values->is_null()) {
      return;
    }
    if (op == "remove") {
      errors_.push_back(FieldError::Forbidden(
          field + ".values", "values must not be specified when 'remove' operation is used"));
    } else if (!values->is_object()) {
      errors_.push_back(FieldError::Invalid(field + ".values", values->dump(),
                                            "provided values must be given in json format"));
    }
  }

  void CheckUnits(const json* units, const std::string& base) {
    if (!units) {
      return;
    }
    for (size_t i = 0; i < units->size(); ++i) {
      const json& unit = (*units)[i];
      const std::string field = fmt::format("{}[{}]", base, i);
      if (!unit.is_object()) {
        errors_.push_back(FieldError::TypeInvalid(field, unit.dump(), "must be an object"));
        continue;
      }
      if (String(unit, "name", field + ".name").empty()) {
        errors_.push_back(FieldError::Required(field + ".name", "field is required"));
      }
      if (const json* drop_ins = Array(unit, "dropIns", field + ".dropIns")) {
        for (size_t j = 0; j < drop_ins->size(); ++j) {
          const json& drop_in = (*drop_ins)[j];
          const std::string drop_field = fmt::format("{}.dropIns[{}]", field, j);
          if (!drop_in.is_object()) {
            errors_.push_back(
                FieldError::TypeInvalid(drop_field, drop_in.dump(), "must be an object"));
            continue;
          }
          if (String(drop_in, "name", drop_field + ".name").empty()) {
            errors_.push_back(FieldError::Required(drop_field + ".name", "field is required"));
          }
          if (String(drop_in, "content", drop_field + ".content").empty()) {
            errors_.push_back(FieldError::Required(drop_field + ".content", "field is required"));
          }
        }
      }
      if (const json* paths = Array(unit, "filePaths", field + ".filePaths")) {
        for (size_t j = 0; j < paths->size(); ++j) {
          const std::string path_field = fmt::format("{}.filePaths[{}]", field, j);
          const json& path = (*paths)[j];
          if (!path.is_string()) {
            errors_.push_back(FieldError::TypeInvalid(path_field, path.dump(), "must be a string"));
          } else if (!file_paths_.contains(path.get<std::string>())) {
            errors_.push_back(
                FieldError::Invalid(path_field, path.get<std::string>(),
                                    "'filePath' requires a matching 'path' in 'spec.files'"));
          }
        }
      }
    }
  }

  void CheckFiles(const json* files, const std::string& base) {
    if (!files) {
      return;
    }
    for (size_t i = 0; i < files->size(); ++i) {
      const json& file = (*files)[i];
      const std::string field = fmt::format("{}[{}]", base, i);
      if (!file.is_object()) {
        errors_.push_back(FieldError::TypeInvalid(field, file.dump(), "must be an object"));
        continue;
      }
      if (String(file, "path", field + ".path").empty()) {
        errors_.push_back(FieldError::Required(field + ".path", "field is required"));
      }
      CheckFileContent(file, field + ".content");
    }
  }

  void CheckFileContent(const json& file, const std::string& field) {
    const json* content = Object(file, "content", field);
    const json* secret = content ? Object(*content, "secretRef", field + ".secretRef") : nullptr;
    const json* inline_ = content ? Object(*content, "inline", field + ".inline") : nullptr;
    const json* image = content ? Object(*content, "imageRef", field + ".imageRef") : nullptr;
    const int sources = (secret ? 1 : 0) + (inline_ ? 1 : 0) + (image ? 1 : 0);
    if (sources == 0) {
      errors_.push_back(FieldError::Required(
          field, "either 'secretRef', 'inline' or 'imageRef' must be provided"));
      return;
    }
    if (sources > 1) {
      errors_.push_back(FieldError::Invalid(
          field, content->dump(),
          "either 'secretRef', 'inline' or 'imageRef' must be provided, not multiple at the same "
          "time"));
      return;
    }
    if (secret) {
      RequireString(*secret, "name", field + ".secretRef.name");
      RequireString(*secret, "dataKey", field + ".secretRef.dataKey");
    } else if (inline_) {
      const std::string encoding = String(*inline_, "encoding", field + ".inline.encoding");
      if (encoding != "" && encoding != "b64") {
        errors_.push_back(
            FieldError::NotSupported(field + ".inline.encoding", encoding, {"", "b64"}));
      }
      RequireString(*inline_, "data", field + ".inline.data");
    } else {
      RequireString(*image, "image", field + ".imageRef.image");
      RequireString(*image, "filePathInImage", field + ".imageRef.filePathInImage");
    }
  }

  void RequireString(const json& parent, const char* key, const std::string& field) {
    if (String(parent, key, field).empty()) {
      errors_.push_back(FieldError::Required(field, "field is required"));
    }
  }

  // One path may appear once across spec.files and status.extensionFiles; host-specific files
  // (distinct, non-empty hostName on every copy) are the exception.
  void CheckDuplicates(const std::vector<std::pair<const json*, std::string>>& lists) {
    std::map<std::string, std::set<std::string>> host_names_by_path;
    for (const auto& [files, base] : lists) {
      if (!files) {
        continue;
      }
      for (size_t i = 0; i < files->size(); ++i) {
        const json& file = (*files)[i];
        if (!file.is_object() || !file.contains("path") || !file["path"].is_string()) {
          continue;
        }
        const std::string path = file["path"].get<std::string>();
        if (path.empty()) {
          continue;
        }
        const auto host = file.find("hostName");
        const std::string host_name =
            host != file.end() && host->is_string() ? host->get<std::string>() : std::string();
        auto [it, inserted] = host_names_by_path.try_emplace(path);
        const bool duplicate = !inserted && (host_name.empty() || it->second.contains("") ||
                                             it->second.contains(host_name));
        if (duplicate) {
          errors_.push_back(FieldError::Duplicate(fmt::format("{}[{}].path", base, i), path));
        }
        it->second.insert(host_name);
      }
    }
  }

  const json& osc_;
  std::set<std::string> file_paths_;  // every files[].path, for units' filePaths
  FieldErrorList errors_;
};

}  // namespace

FieldErrorList ValidateOsc(const json& osc) { return OscChecker(osc).Run(); }

}  // namespace gpuext::gardener
