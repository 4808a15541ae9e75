// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "server_files.h"

#include <algorithm>
#include <fstream>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/files.h"
#include "gpuext/yaml_json.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kSnapshotFile = "snapshot.json";

struct Manifest {
  fs::path file;
  size_t index = 0;
  json object;
};

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("cannot read {}", file.string()));
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<fs::path> ManifestFiles(const fs::path& path) {
  if (!fs::exists(path)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("--load {}: no such file or directory", path.string()));
  }
  std::vector<fs::path> files;
  if (fs::is_directory(path)) {
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  return files;
}

// Lists (kind: List / *List with items) are flattened as kubectl does.
void Collect(const fs::path& file, size_t index, const json& doc, std::vector<Manifest>& out) {
  if (doc.contains("items") && doc.value("kind", "").ends_with("List")) {
    for (const json& item : doc["items"]) {
      Collect(file, index, item, out);
    }
    return;
  }
  out.push_back({file, index, doc});
}

int Rank(const json& obj) {
  const std::string kind = obj.value("kind", "");
  if (kind == "CustomResourceDefinition") {
    return 0;
  }
  return kind == "Namespace" ? 1 : 2;
}

}  // namespace

void LoadObjects(ApiServer& api, const fs::path& path) {
  std::vector<Manifest> manifests;
  for (const fs::path& file : ManifestFiles(path)) {
    std::vector<json> docs;
    try {
      docs = ParseYamlDocuments(ReadAll(file));
    } catch (const std::exception&) {
      std::throw_with_nested(
          Error(ErrorCode::kInvalidArgument, fmt::format("--load {}", file.string())));
    }
    for (size_t i = 0; i < docs.size(); ++i) {
      Collect(file, i, docs[i], manifests);
    }
  }
  std::stable_sort(manifests.begin(), manifests.end(), [](const Manifest& a, const Manifest& b) {
    return Rank(a.object) < Rank(b.object);
  });
  for (const Manifest& m : manifests) {
    try {
      api.Load(m.object);
    } catch (const std::exception& e) {
      throw Error(
          ErrorCode::kInvalidArgument,
          fmt::format("--load {} (document {}, {} {}): {}", m.file.string(), m.index + 1,
                      m.object.value("kind", "?"),
                      m.object.value("metadata", json::object()).value("name", "?"), e.what()));
    }
  }
}

void LoadSnapshotIfPresent(ApiServer& api, const fs::path& data_dir) {
  const fs::path file = data_dir / kSnapshotFile;
  if (!fs::exists(file)) {
    return;
  }
  try {
    api.RestoreSnapshot(json::parse(ReadAll(file)));
  } catch (const std::exception&) {
    std::throw_with_nested(
        Error(ErrorCode::kInvalidArgument, fmt::format("cannot restore {}", file.string())));
  }
}

void SaveSnapshotTo(ApiServer& api, const fs::path& data_dir) {
  fs::create_directories(data_dir);
  WriteFileAtomically(data_dir / kSnapshotFile, api.store().Snapshot().dump(), 0600);
}

std::string RenderKubeconfig(const std::string& url, const std::string& ca_pem,
                             const TokenUser& user) {
  const json config = {
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"clusters",
       {{{"name", "kube-emulator"},
         {"cluster", {{"server", url}, {"certificate-authority-data", Base64Encode(ca_pem)}}}}}},
      {"users", {{{"name", user.user}, {"user", {{"token", user.token}}}}}},
      {"contexts",
       {{{"name", "kube-emulator"},
         {"context", {{"cluster", "kube-emulator"}, {"user", user.user}}}}}},
      {"current-context", "kube-emulator"},
      {"preferences", json::object()}};
  return ToYaml(config);
}

}  // namespace gpuext::emulator
