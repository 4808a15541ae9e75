// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// kubeconfig parsing and merging with kubectl's rules (clientcmd): named entries merge with the
// first file winning, relative paths resolve against the file that set them, and a config that
// cannot work is rejected with the file, context and field in the message.
#include "gpuext/kube/kubeconfig.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpuext/base64.h"
#include "gpuext/error.h"
#include "gpuext/yaml_json.h"

namespace gpuext::kube {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A named cluster/user/context and the file it came from (relative paths resolve against it).
struct Entry {
  json value;
  fs::path file;
};

struct MergedConfig {
  std::map<std::string, Entry> clusters;
  std::map<std::string, Entry> users;
  std::map<std::string, Entry> contexts;
  std::string current_context;
  std::string files;  // "a" or "a:b" for messages about the whole config
};

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw Error(ErrorCode::kConfigurationProblem, fmt::format("{}: {}", where, what));
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCode::kConfigurationProblem, fmt::format("cannot read {}", path.string()));
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

fs::path Resolve(const fs::path& file, const std::string& path) {
  const fs::path p(path);
  return p.is_absolute() ? p : file.parent_path() / p;
}

std::string StringAt(const json& obj, const char* key, const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return {};
  }
  if (!it->is_string()) {
    Fail(where, fmt::format("{}: must be a string", key));
  }
  return it->get<std::string>();
}

bool BoolAt(const json& obj, const char* key, const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return false;
  }
  if (!it->is_boolean()) {
    Fail(where, fmt::format("{}: must be true or false", key));
  }
  return it->get<bool>();
}

// Merges one document's named list (clusters/users/contexts) into `into`, first file wins.
void MergeNamed(const json& doc, const char* list, const fs::path& file,
                std::map<std::string, Entry>& into) {
  const std::string where = fmt::format("kubeconfig {}", file.string());
  const auto it = doc.find(list);
  if (it == doc.end() || it->is_null()) {
    return;
  }
  if (!it->is_array()) {
    Fail(where, fmt::format("{}: must be a list", list));
  }
  const std::string inner = std::string(list).substr(0, std::string(list).size() - 1);
  for (size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    if (!item.is_object()) {
      Fail(where, fmt::format("{}[{}]: must be an object", list, i));
    }
    const std::string name = StringAt(item, "name", fmt::format("{}: {}[{}]", where, list, i));
    if (name.empty()) {
      Fail(where, fmt::format("{}[{}].name: required", list, i));
    }
    json value = item.value(inner, json::object());
    if (value.is_null()) {
      value = json::object();  // "user:" with nothing under it: no credentials
    }
    if (!value.is_object()) {
      Fail(where, fmt::format("{} \"{}\": {}: must be an object", inner, name, inner));
    }
    into.try_emplace(name, Entry{std::move(value), file});
  }
}

void MergeDocument(const std::string& yaml, const fs::path& file, MergedConfig& merged) {
  const std::string where = fmt::format("kubeconfig {}", file.string());
  json doc;
  try {
    doc = ParseYaml(yaml);
  } catch (const Error& e) {
    Fail(where, e.what());
  }
  if (doc.is_null()) {
    return;  // an empty file contributes nothing, as with kubectl
  }
  if (!doc.is_object()) {
    Fail(where, "must be a YAML mapping (apiVersion: v1, kind: Config)");
  }
  MergeNamed(doc, "clusters", file, merged.clusters);
  MergeNamed(doc, "users", file, merged.users);
  MergeNamed(doc, "contexts", file, merged.contexts);
  if (merged.current_context.empty()) {
    merged.current_context = StringAt(doc, "current-context", where);
  }
  merged.files += merged.files.empty() ? file.string() : ":" + file.string();
}

// PEM from `<field>-data` (base64) or `<field>` (a file), never both.
std::string PemFrom(const json& obj, const std::string& field, const fs::path& file,
                    const std::string& where) {
  const std::string data_key = field + "-data";
  const std::string data = StringAt(obj, data_key.c_str(), where);
  const std::string path = StringAt(obj, field.c_str(), where);
  if (!data.empty() && !path.empty()) {
    Fail(where, fmt::format("{} and {}: only one may be set", data_key, field));
  }
  std::string pem;
  if (!data.empty()) {
    try {
      pem = Base64Decode(data);
    } catch (const Error& e) {
      Fail(where, fmt::format("{}: not valid base64 ({})", data_key, e.what()));
    }
    if (pem.find("-----BEGIN") == std::string::npos) {
      Fail(where, fmt::format("{}: not PEM data", data_key));
    }
  } else if (!path.empty()) {
    const fs::path resolved = Resolve(file, path);
    try {
      pem = ReadFile(resolved);
    } catch (const Error&) {
      Fail(where, fmt::format("{}: cannot read {}", field, resolved.string()));
    }
    if (pem.find("-----BEGIN") == std::string::npos) {
      Fail(where, fmt::format("{}: {} holds no PEM data", field, resolved.string()));
    }
  }
  return pem;
}

void ResolveCluster(const Entry& entry, const std::string& where, RestConfig& out) {
  const json& c = entry.value;
  out.server = StringAt(c, "server", where);
  if (out.server.empty()) {
    Fail(where, "server: required");
  }
  if (out.server.rfind("https://", 0) != 0 && out.server.rfind("http://", 0) != 0) {
    Fail(where, fmt::format("server: \"{}\" must start with https:// or http://", out.server));
  }
  while (out.server.size() > 1 && out.server.back() == '/') {
    out.server.pop_back();
  }
  out.ca_pem = PemFrom(c, "certificate-authority", entry.file, where);
  out.insecure_skip_tls_verify = BoolAt(c, "insecure-skip-tls-verify", where);
  if (out.insecure_skip_tls_verify && !out.ca_pem.empty()) {
    // client-go refuses this combination too: which one the user meant is unclear.
    Fail(where, "insecure-skip-tls-verify: not allowed together with a certificate authority");
  }
  out.tls_server_name = StringAt(c, "tls-server-name", where);
}

ExecConfig ParseExec(const json& e, const fs::path& file, const std::string& where) {
  const std::string exec_where = where + ": exec";
  if (!e.is_object()) {
    Fail(where, "exec: must be an object");
  }
  ExecConfig exec;
  exec.api_version = StringAt(e, "apiVersion", exec_where);
  if (exec.api_version != "client.authentication.k8s.io/v1" &&
      exec.api_version != "client.authentication.k8s.io/v1beta1") {
    Fail(exec_where, fmt::format("apiVersion: \"{}\" not supported (use "
                                 "client.authentication.k8s.io/v1 or v1beta1)",
                                 exec.api_version));
  }
  exec.command = StringAt(e, "command", exec_where);
  if (exec.command.empty()) {
    Fail(exec_where, "command: required");
  }
  // As client-go: a relative command with a path separator is relative to the kubeconfig.
  if (exec.command.find('/') != std::string::npos) {
    exec.command = Resolve(file, exec.command).string();
  }
  if (const auto args = e.find("args"); args != e.end() && !args->is_null()) {
    if (!args->is_array()) {
      Fail(exec_where, "args: must be a list of strings");
    }
    for (const auto& a : *args) {
      if (!a.is_string()) {
        Fail(exec_where, "args: must be a list of strings");
      }
      exec.args.push_back(a.get<std::string>());
    }
  }
  if (const auto env = e.find("env"); env != e.end() && !env->is_null()) {
    if (!env->is_array()) {
      Fail(exec_where, "env: must be a list of {name, value}");
    }
    for (size_t i = 0; i < env->size(); ++i) {
      const json& var = (*env)[i];
      const std::string var_where = fmt::format("{}: env[{}]", exec_where, i);
      if (!var.is_object()) {
        Fail(var_where, "must be an object with name and value");
      }
      const std::string name = StringAt(var, "name", var_where);
      if (name.empty()) {
        Fail(var_where, "name: required");
      }
      exec.env.emplace_back(name, StringAt(var, "value", var_where));
    }
  }
  exec.provide_cluster_info = BoolAt(e, "provideClusterInfo", exec_where);
  return exec;
}

void ResolveUser(const Entry& entry, const std::string& where, RestConfig& out) {
  const json& u = entry.value;
  for (const char* unsupported : {"auth-provider", "username", "password"}) {
    if (u.contains(unsupported) && !u[unsupported].is_null()) {
      Fail(where, fmt::format("{}: not supported (use a token, client certificate or exec "
                              "plugin)",
                              unsupported));
    }
  }
  out.client_cert_pem = PemFrom(u, "client-certificate", entry.file, where);
  out.client_key_pem = PemFrom(u, "client-key", entry.file, where);
  if (!out.client_cert_pem.empty() && out.client_key_pem.empty()) {
    Fail(where, "client-key: required with client-certificate");
  }
  if (out.client_cert_pem.empty() && !out.client_key_pem.empty()) {
    Fail(where, "client-certificate: required with client-key");
  }
  out.bearer_token = StringAt(u, "token", where);
  const std::string token_file = StringAt(u, "tokenFile", where);
  if (!token_file.empty()) {
    out.token_file = Resolve(entry.file, token_file);
    // The file wins over an inline token, as in client-go: it is the one that rotates.
    out.bearer_token.clear();
  }
  if (const auto exec = u.find("exec"); exec != u.end() && !exec->is_null()) {
    if (!out.bearer_token.empty() || !out.token_file.empty()) {
      Fail(where, "exec: not allowed together with token or tokenFile");
    }
    out.exec = ParseExec(*exec, entry.file, where);
  }
}

RestConfig ResolveContext(const MergedConfig& merged, const std::string& requested_context) {
  const std::string where = fmt::format("kubeconfig {}", merged.files);
  const std::string context =
      requested_context.empty() ? merged.current_context : requested_context;
  if (context.empty()) {
    Fail(where, "current-context: not set (and no context was given)");
  }
  const std::string context_where = fmt::format("{}: context \"{}\"", where, context);
  const auto ctx = merged.contexts.find(context);
  if (ctx == merged.contexts.end()) {
    Fail(context_where, "not found");
  }
  const std::string cluster_name = StringAt(ctx->second.value, "cluster", context_where);
  const std::string user_name = StringAt(ctx->second.value, "user", context_where);
  if (cluster_name.empty()) {
    Fail(context_where, "cluster: required");
  }
  RestConfig out;
  out.source = context_where;
  out.ns = StringAt(ctx->second.value, "namespace", context_where);
  if (out.ns.empty()) {
    out.ns = "default";
  }
  const auto cluster = merged.clusters.find(cluster_name);
  const std::string cluster_where = fmt::format("{}: cluster \"{}\"", context_where, cluster_name);
  if (cluster == merged.clusters.end()) {
    Fail(cluster_where, "not found");
  }
  ResolveCluster(cluster->second, cluster_where, out);
  if (!user_name.empty()) {
    const auto user = merged.users.find(user_name);
    const std::string user_where = fmt::format("{}: user \"{}\"", context_where, user_name);
    if (user == merged.users.end()) {
      Fail(user_where, "not found");
    }
    ResolveUser(user->second, user_where, out);
  }
  return out;
}

}  // namespace

RestConfig ParseKubeconfig(std::string_view yaml, const fs::path& file,
                           const std::string& context) {
  MergedConfig merged;
  MergeDocument(std::string(yaml), file, merged);
  if (merged.files.empty()) {
    merged.files = file.string();
  }
  return ResolveContext(merged, context);
}

RestConfig LoadKubeconfig(const std::vector<fs::path>& files, const std::string& context) {
  MergedConfig merged;
  std::string tried;
  for (const fs::path& file : files) {
    tried += tried.empty() ? file.string() : ":" + file.string();
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      continue;  // kubectl skips missing KUBECONFIG entries
    }
    std::string yaml;
    try {
      yaml = ReadFile(file);
    } catch (const Error&) {
      Fail(fmt::format("kubeconfig {}", file.string()), "cannot read the file");
    }
    MergeDocument(yaml, fs::absolute(file), merged);
  }
  if (merged.files.empty()) {
    Fail(fmt::format("kubeconfig {}", tried), "no such file");
  }
  return ResolveContext(merged, context);
}

RestConfig LoadConfig(const std::string& explicit_path, const std::string& context) {
  if (!explicit_path.empty()) {
    return LoadKubeconfig({fs::path(explicit_path)}, context);
  }
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
    std::vector<fs::path> files;
    std::string_view rest(env);
    while (!rest.empty()) {
      const size_t colon = rest.find(':');
      const std::string_view part = rest.substr(0, colon);
      if (!part.empty()) {
        files.emplace_back(part);
      }
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
    if (!files.empty()) {
      return LoadKubeconfig(files, context);
    }
  }
  if (InCluster()) {
    return InClusterConfig();
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    const fs::path path = fs::path(home) / ".kube" / "config";
    std::error_code ec;
    if (fs::exists(path, ec)) {
      return LoadKubeconfig({path}, context);
    }
  }
  throw Error(ErrorCode::kConfigurationProblem,
              "no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG, run in a pod, or "
              "create ~/.kube/config");
}

}  // namespace gpuext::kube
