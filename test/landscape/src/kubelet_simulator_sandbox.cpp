// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The SIMULATED container runtime of KubeletSimulator: a Pod template's volumes become
// directories, its mounts a path table, its command and env a local argv and environment.
#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "gpuext/base64.h"
#include "gpuext/files.h"
#include "gpuext/sha256.h"
#include "kubelet_simulator_internal.h"

namespace gpuext::landscape::kubelet_internal {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string SandboxString(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Writes `content` at `path` (parents created), replacing it.
void SandboxWrite(const fs::path& path, const std::string& content, int mode) {
  fs::create_directories(path.parent_path());
  WriteFileAtomically(path, content, mode);
}

}  // namespace

void MountTable::Add(std::string container_path, fs::path local) {
  while (container_path.size() > 1 && container_path.back() == '/') {
    container_path.pop_back();
  }
  mounts_.emplace_back(std::move(container_path), std::move(local));
  std::stable_sort(mounts_.begin(), mounts_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

std::optional<fs::path> MountTable::Map(std::string_view path) const {
  for (const auto& [prefix, local] : mounts_) {
    if (path == prefix) {
      return local;
    }
    if (path.size() > prefix.size() && path.starts_with(prefix) &&
        (prefix == "/" || path[prefix.size()] == '/')) {
      return local / std::string(path.substr(prefix == "/" ? 1 : prefix.size() + 1));
    }
  }
  return std::nullopt;
}

std::string MountTable::MapArg(const std::string& arg) const {
  if (arg.starts_with("/")) {
    const auto local = Map(arg);
    return local ? local->string() : arg;
  }
  if (arg.starts_with("--")) {
    const auto eq = arg.find('=');
    if (eq != std::string::npos && eq + 1 < arg.size() && arg[eq + 1] == '/') {
      const auto local = Map(std::string_view(arg).substr(eq + 1));
      return local ? arg.substr(0, eq + 1) + local->string() : arg;
    }
  }
  return arg;
}

PodSandbox::PodSandbox(kube::Client& shoot, fs::path pod_dir, fs::path host_root, PodIdentity who,
                       const std::map<std::string, std::string>& tokens)
    : shoot_(shoot),
      pod_dir_(std::move(pod_dir)),
      host_root_(std::move(host_root)),
      who_(std::move(who)),
      tokens_(tokens) {}

void PodSandbox::WriteKeyed(const fs::path& dir, const json& data, bool base64, const json& items) {
  const auto value = [&](const std::string& key) {
    const std::string raw = data.value(key, std::string());
    return base64 ? Base64Decode(raw) : raw;
  };
  if (items.is_array() && !items.empty()) {
    for (const json& item : items) {
      const std::string key = SandboxString(item, "key");
      if (data.contains(key)) {
        SandboxWrite(dir / SandboxString(item, "path"), value(key), 0644);
      }
    }
    return;
  }
  for (const auto& [key, unused] : data.items()) {
    SandboxWrite(dir / key, value(key), 0644);
  }
}

void PodSandbox::ConfigMapVolume(const fs::path& dir, const json& source) {
  const std::string name = SandboxString(source, "name");
  const auto cm = shoot_.Get(kKsConfigMaps, {who_.ns, name});
  if (!cm) {
    if (source.value("optional", false)) {
      return;
    }
    throw PodNotReady(fmt::format("ConfigMap {}/{} not found", who_.ns, name));
  }
  const json data = cm->value("data", json::object());
  WriteKeyed(dir, data, false, source.value("items", json::array()));
  const json binary = cm->value("binaryData", json::object());
  WriteKeyed(dir, binary, true, source.value("items", json::array()));
}

void PodSandbox::SecretVolume(const fs::path& dir, const json& source) {
  std::string name = SandboxString(source, "secretName");
  if (name.empty()) {
    name = SandboxString(source, "name");  // a projected secret source
  }
  const auto secret = shoot_.Get(kKsSecrets, {who_.ns, name});
  if (!secret) {
    if (source.value("optional", false)) {
      return;
    }
    throw PodNotReady(fmt::format("Secret {}/{} not found", who_.ns, name));
  }
  WriteKeyed(dir, secret->value("data", json::object()), true,
             source.value("items", json::array()));
}

void PodSandbox::ProjectedVolume(const fs::path& dir, const json& source) {
  const json sources = source.value("sources", json::array());
  for (const json& s : sources) {
    if (s.contains("serviceAccountToken")) {
      // SIMULATED TokenRequest: the token the shoot emulator was started with for this
      // ServiceAccount (it has no TokenRequest API); none configured leaves the file out.
      const auto it = tokens_.find(who_.ns + "/" + who_.service_account);
      if (it != tokens_.end()) {
        SandboxWrite(dir / SandboxString(s["serviceAccountToken"], "path"), it->second + "\n",
                     0640);
      }
    } else if (s.contains("configMap")) {
      const json cm = s["configMap"];
      if (shoot_.Get(kKsConfigMaps, {who_.ns, SandboxString(cm, "name")})) {
        ConfigMapVolume(dir, cm);  // kube-root-ca.crt does not exist in the emulator
      }
    } else if (s.contains("secret")) {
      SecretVolume(dir, s["secret"]);
    } else if (s.contains("downwardAPI")) {
      const json items = s["downwardAPI"].value("items", json::array());
      for (const json& item : items) {
        const std::string field =
            item.value("fieldRef", json::object()).value("fieldPath", std::string());
        SandboxWrite(dir / SandboxString(item, "path"), FieldRef(field), 0644);
      }
    }
  }
}

void PodSandbox::PrepareVolumes(const json& pod_spec, const std::vector<std::string>& claim_names) {
  volumes_.clear();
  empty_dirs_.clear();
  const fs::path root = pod_dir_ / "volumes";
  const json volumes = pod_spec.value("volumes", json::array());
  for (const json& v : volumes) {
    const std::string name = SandboxString(v, "name");
    const fs::path dir = root / name;
    if (v.contains("hostPath")) {
      const std::string path = SandboxString(v["hostPath"], "path");
      const fs::path local = host_root_ / fs::path(path).relative_path();
      const std::string type = SandboxString(v["hostPath"], "type");
      if (type == "DirectoryOrCreate" || type == "Directory") {
        fs::create_directories(local);
      }
      volumes_[name] = local;
      continue;
    }
    if (v.contains("emptyDir")) {
      // A fresh pod gets a fresh emptyDir.
      fs::remove_all(dir);
      fs::create_directories(dir);
      empty_dirs_.insert(name);
    } else if (v.contains("persistentVolumeClaim")) {
      fs::create_directories(pod_dir_ / "claims" / name);
      volumes_[name] = pod_dir_ / "claims" / name;
      continue;
    } else {
      fs::remove_all(dir);
      fs::create_directories(dir);
      if (v.contains("configMap")) {
        ConfigMapVolume(dir, v["configMap"]);
      } else if (v.contains("secret")) {
        SecretVolume(dir, v["secret"]);
      } else if (v.contains("projected")) {
        ProjectedVolume(dir, v["projected"]);
      }
    }
    volumes_[name] = dir;
  }
  for (const std::string& claim : claim_names) {
    // StatefulSet volumeClaimTemplates: the data outlives the pod.
    fs::create_directories(pod_dir_ / "claims" / claim);
    volumes_[claim] = pod_dir_ / "claims" / claim;
  }
}

MountTable PodSandbox::Mounts(const json& container) const {
  MountTable table;
  const json mounts = container.value("volumeMounts", json::array());
  for (const json& m : mounts) {
    const auto it = volumes_.find(SandboxString(m, "name"));
    if (it == volumes_.end()) {
      continue;
    }
    fs::path local = it->second;
    if (const std::string sub = SandboxString(m, "subPath"); !sub.empty()) {
      local /= sub;
    }
    table.Add(SandboxString(m, "mountPath"), local);
  }
  return table;
}

std::vector<std::string> PodSandbox::Argv(const json& container, const MountTable& mounts,
                                          const fs::path& bin_dir) const {
  std::vector<std::string> argv;
  for (const char* key : {"command", "args"}) {
    const json list = container.value(key, json::array());
    for (const json& a : list) {
      argv.push_back(a.get<std::string>());
    }
  }
  if (argv.empty()) {
    return argv;
  }
  // The program: from a mounted volume when it lies in one (the builder's bundle emptyDir),
  // otherwise the image's binary of that name, which is ours in bin_dir.
  const auto mapped = argv[0].starts_with("/") ? mounts.Map(argv[0]) : std::nullopt;
  argv[0] = mapped && fs::exists(*mapped) ? mapped->string()
                                          : (bin_dir / fs::path(argv[0]).filename()).string();
  for (std::size_t i = 1; i < argv.size(); ++i) {
    argv[i] = mounts.MapArg(argv[i]);
  }
  return argv;
}

std::string PodSandbox::FieldRef(const std::string& path) const {
  if (path == "spec.nodeName") {
    return who_.node;
  }
  if (path == "metadata.name") {
    return who_.name;
  }
  if (path == "metadata.namespace") {
    return who_.ns;
  }
  if (path == "spec.serviceAccountName") {
    return who_.service_account;
  }
  return "";
}

std::vector<std::string> PodSandbox::Env(const json& container, const MountTable& mounts) const {
  std::vector<std::string> env;
  const json list = container.value("env", json::array());
  for (const json& e : list) {
    std::string value = SandboxString(e, "value");
    if (e.contains("valueFrom") && e["valueFrom"].contains("fieldRef")) {
      value = FieldRef(SandboxString(e["valueFrom"]["fieldRef"], "fieldPath"));
    }
    env.push_back(SandboxString(e, "name") + "=" + mounts.MapArg(value));
  }
  return env;
}

std::string PodSandbox::VolumeDigest() const {
  std::string all;
  for (const auto& [name, dir] : volumes_) {
    if (empty_dirs_.contains(name) || !dir.string().starts_with((pod_dir_ / "volumes").string()) ||
        !fs::is_directory(dir)) {
      continue;  // emptyDirs, claims and host paths change while the pod runs
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file()) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      all += f.string() + "\n" + ReadFileIfExists(f).value_or("") + "\n";
    }
  }
  return Sha256Hex(all);
}

std::string ContainerProgram(const json& container) {
  const json command = container.value("command", json::array());
  const json args = container.value("args", json::array());
  const json& first = !command.empty() ? command : args;
  if (first.empty() || !first[0].is_string()) {
    return "";
  }
  return fs::path(first[0].get<std::string>()).filename().string();
}

std::string ContainerSubcommand(const json& container) {
  std::vector<std::string> argv;
  for (const char* key : {"command", "args"}) {
    const json list = container.value(key, json::array());
    for (const json& a : list) {
      argv.push_back(a.is_string() ? a.get<std::string>() : "");
    }
  }
  return argv.size() > 1 ? argv[1] : "";
}

namespace {

bool SandboxExpressionMatches(const json& labels, const json& expr) {
  const std::string key = SandboxString(expr, "key");
  const std::string op = SandboxString(expr, "operator");
  const bool has = labels.contains(key);
  const std::string value = has && labels[key].is_string() ? labels[key].get<std::string>() : "";
  const json values = expr.value("values", json::array());
  const bool listed = std::find(values.begin(), values.end(), json(value)) != values.end();
  if (op == "In") {
    return has && listed;
  }
  if (op == "NotIn") {
    return !has || !listed;
  }
  if (op == "Exists") {
    return has;
  }
  if (op == "DoesNotExist") {
    return !has;
  }
  return false;  // Gt/Lt are not used by our charts
}

}  // namespace

bool NodeMatchesPodSpec(const json& node, const json& pod_spec) {
  const json labels = node.value("metadata", json::object()).value("labels", json::object());
  const json selector = pod_spec.value("nodeSelector", json::object());
  for (const auto& [k, v] : selector.items()) {
    if (!labels.contains(k) || labels[k] != v) {
      return false;
    }
  }
  const json terms = pod_spec.value(
      "/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms"_json_pointer,
      json::array());
  if (terms.empty()) {
    return true;
  }
  // Terms are ORed, the expressions of one term ANDed.
  return std::any_of(terms.begin(), terms.end(), [&](const json& term) {
    const json exprs = term.value("matchExpressions", json::array());
    return std::all_of(exprs.begin(), exprs.end(),
                       [&](const json& e) { return SandboxExpressionMatches(labels, e); });
  });
}

}  // namespace gpuext::landscape::kubelet_internal
