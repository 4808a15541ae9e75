// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Columns of the built-in kinds, following kube-apiserver's printers for the kinds kubectl
// users look at most; every other kind gets NAME + AGE.
#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "table_columns.h"

namespace gpuext::emulator {
namespace {

using nlohmann::json;

const char* const kNameDescription =
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of an appropriate name "
    "automatically.";
const char* const kAgeDescription =
    "CreationTimestamp is a timestamp representing the server time when this object was "
    "created.";
const char* const kNone = "<none>";

// obj[a][b]... or null.
json At(const json& obj, std::initializer_list<const char*> path) {
  const json* cur = &obj;
  for (const char* key : path) {
    if (!cur->is_object() || !cur->contains(key)) {
      return nullptr;
    }
    cur = &(*cur)[key];
  }
  return *cur;
}

std::string StrAt(const json& obj, std::initializer_list<const char*> path,
                  const std::string& fallback = "") {
  const json v = At(obj, path);
  return v.is_string() && !v.get<std::string>().empty() ? v.get<std::string>() : fallback;
}

int64_t IntAt(const json& obj, std::initializer_list<const char*> path, int64_t fallback = 0) {
  const json v = At(obj, path);
  return v.is_number_integer() ? v.get<int64_t>() : fallback;
}

size_t SizeAt(const json& obj, std::initializer_list<const char*> path) {
  const json v = At(obj, path);
  return v.is_object() || v.is_array() ? v.size() : 0;
}

std::string Join(const std::vector<std::string>& parts, const std::string& fallback = kNone) {
  if (parts.empty()) {
    return fallback;
  }
  std::string out;
  for (const std::string& p : parts) {
    out += (out.empty() ? "" : ",") + p;
  }
  return out;
}

// "k=v,k2=v2" of a string map (sorted, as Go prints labels.Set).
std::string MapText(const json& m) {
  std::vector<std::string> parts;
  if (m.is_object()) {
    for (const auto& [k, v] : m.items()) {
      parts.push_back(k + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
    }
  }
  std::sort(parts.begin(), parts.end());
  return Join(parts);
}

std::vector<std::string> ContainerField(const json& pod_spec, const char* field) {
  std::vector<std::string> out;
  for (const json& c : pod_spec.value("containers", json::array())) {
    out.push_back(c.value(field, ""));
  }
  return out;
}

// The columns every printer starts and (before the wide ones) ends with.
struct Builder {
  std::vector<json> columns = {};  // between NAME and AGE
  std::vector<json> wide = {};     // after AGE, priority 1
  std::function<std::vector<json>(const json& obj)> middle = {};
  std::function<std::vector<json>(const json& obj)> wide_cells = {};
};

TableColumns Build(Builder b) {
  TableColumns out;
  out.definitions.push_back(Column("Name", "string", kNameDescription, 0, "name"));
  for (json& c : b.columns) {
    out.definitions.push_back(std::move(c));
  }
  out.definitions.push_back(Column("Age", "string", kAgeDescription));
  for (json& c : b.wide) {
    out.definitions.push_back(std::move(c));
  }
  out.cells = [middle = b.middle, wide = b.wide_cells](const json& obj, Clock::time_point now) {
    json row = json::array({obj["metadata"].value("name", "")});
    if (middle) {
      for (json& c : middle(obj)) {
        row.push_back(std::move(c));
      }
    }
    row.push_back(HumanAge(At(obj, {"metadata", "creationTimestamp"}), now));
    if (wide) {
      for (json& c : wide(obj)) {
        row.push_back(std::move(c));
      }
    }
    return row;
  };
  return out;
}

std::string PodStatus(const json& pod) {
  std::string reason = StrAt(pod, {"status", "phase"}, "Pending");
  reason = StrAt(pod, {"status", "reason"}, reason);
  for (const json& cs : At(pod, {"status", "containerStatuses"}).is_array()
                            ? At(pod, {"status", "containerStatuses"})
                            : json::array()) {
    if (const std::string w = StrAt(cs, {"state", "waiting", "reason"}); !w.empty()) {
      reason = w;
    } else if (const std::string t = StrAt(cs, {"state", "terminated", "reason"}); !t.empty()) {
      reason = t;
    }
  }
  if (!StrAt(pod, {"metadata", "deletionTimestamp"}).empty()) {
    reason = "Terminating";
  }
  return reason;
}

TableColumns Pods() {
  return Build({.columns = {Column("Ready", "string",
                                   "The aggregate readiness state of this pod "
                                   "for accepting traffic."),
                            Column("Status", "string",
                                   "The aggregate status of the containers "
                                   "in this pod."),
                            Column("Restarts", "string",
                                   "The number of times the containers in "
                                   "this pod have been restarted.")},
                .wide = {Column("IP", "string", "IP address allocated to the pod.", 1),
                         Column("Node", "string", "Name of the node this pod runs on.", 1),
                         Column("Nominated Node", "string", "Name of the nominated node.", 1),
                         Column("Readiness Gates", "string", "Pod readiness gates.", 1)},
                .middle =
                    [](const json& pod) {
                      const json statuses = At(pod, {"status", "containerStatuses"});
                      int ready = 0;
                      int64_t restarts = 0;
                      if (statuses.is_array()) {
                        for (const json& cs : statuses) {
                          ready += cs.value("ready", false) ? 1 : 0;
                          restarts += cs.value("restartCount", 0);
                        }
                      }
                      const size_t total = SizeAt(pod, {"spec", "containers"});
                      return std::vector<json>{fmt::format("{}/{}", ready, total), PodStatus(pod),
                                               std::to_string(restarts)};
                    },
                .wide_cells =
                    [](const json& pod) {
                      return std::vector<json>{StrAt(pod, {"status", "podIP"}, kNone),
                                               StrAt(pod, {"spec", "nodeName"}, kNone),
                                               StrAt(pod, {"status", "nominatedNodeName"}, kNone),
                                               kNone};
                    }});
}

std::string NodeStatus(const json& node) {
  std::string status = "Unknown";
  const json conditions = At(node, {"status", "conditions"});
  if (conditions.is_array()) {
    for (const json& c : conditions) {
      if (c.value("type", "") == "Ready") {
        status = c.value("status", "") == "True" ? "Ready" : "NotReady";
      }
    }
  }
  if (At(node, {"spec", "unschedulable"}) == json(true)) {
    status += ",SchedulingDisabled";
  }
  return status;
}

std::string NodeRoles(const json& node) {
  std::vector<std::string> roles;
  const json labels = At(node, {"metadata", "labels"});
  if (labels.is_object()) {
    static constexpr std::string_view kPrefix = "node-role.kubernetes.io/";
    for (const auto& [k, v] : labels.items()) {
      if (k.starts_with(kPrefix) && k.size() > kPrefix.size()) {
        roles.push_back(k.substr(kPrefix.size()));
      } else if (k == "kubernetes.io/role" && v.is_string() && !v.get<std::string>().empty()) {
        roles.push_back(v.get<std::string>());
      }
    }
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return Join(roles);
}

std::string NodeAddress(const json& node, const std::string& type) {
  const json addresses = At(node, {"status", "addresses"});
  if (addresses.is_array()) {
    for (const json& a : addresses) {
      if (a.value("type", "") == type) {
        return a.value("address", kNone);
      }
    }
  }
  return kNone;
}

TableColumns Nodes() {
  // kube-apiserver prints NAME STATUS ROLES AGE VERSION: AGE sits before VERSION.
  TableColumns out;
  out.definitions = {
      Column("Name", "string", kNameDescription, 0, "name"),
      Column("Status", "string", "The status of the node"),
      Column("Roles", "string", "The roles of the node"),
      Column("Age", "string", kAgeDescription),
      Column("Version", "string", "Kubelet Version reported by the node."),
      Column("Internal-IP", "string", "List of internal IPs in the node.", 1),
      Column("External-IP", "string", "List of external IPs in the node.", 1),
      Column("OS-Image", "string", "OS image reported by the node.", 1),
      Column("Kernel-Version", "string", "Kernel version reported by the node.", 1),
      Column("Container-Runtime", "string", "Container runtime version reported by the node.", 1),
  };
  out.cells = [](const json& node, Clock::time_point now) {
    return json::array(
        {node["metadata"].value("name", ""), NodeStatus(node), NodeRoles(node),
         HumanAge(At(node, {"metadata", "creationTimestamp"}), now),
         StrAt(node, {"status", "nodeInfo", "kubeletVersion"}), NodeAddress(node, "InternalIP"),
         NodeAddress(node, "ExternalIP"),
         StrAt(node, {"status", "nodeInfo", "osImage"}, "<unknown>"),
         StrAt(node, {"status", "nodeInfo", "kernelVersion"}, "<unknown>"),
         StrAt(node, {"status", "nodeInfo", "containerRuntimeVersion"}, "<unknown>")});
  };
  return out;
}

std::vector<json> WorkloadWide(const json& obj) {
  const json spec = At(obj, {"spec", "template", "spec"});
  return {Join(ContainerField(spec.is_object() ? spec : json::object(), "name")),
          Join(ContainerField(spec.is_object() ? spec : json::object(), "image")),
          MapText(At(obj, {"spec", "selector", "matchLabels"}))};
}

std::vector<json> WorkloadWideColumns() {
  return {Column("Containers", "string", "Names of each container in the template.", 1),
          Column("Images", "string", "Images referenced by each container in the template.", 1),
          Column("Selector", "string", "Label selector for pods.", 1)};
}

TableColumns Deployments() {
  return Build({.columns = {Column("Ready", "string", "Number of the pod with ready state"),
                            Column("Up-to-date", "integer",
                                   "Total number of non-terminated pods "
                                   "targeted by this deployment that have the "
                                   "desired template spec."),
                            Column("Available", "integer",
                                   "Total number of available pods (ready for at "
                                   "least minReadySeconds) targeted by this "
                                   "deployment.")},
                .wide = WorkloadWideColumns(),
                .middle =
                    [](const json& d) {
                      return std::vector<json>{
                          fmt::format("{}/{}", IntAt(d, {"status", "readyReplicas"}),
                                      IntAt(d, {"spec", "replicas"}, 1)),
                          IntAt(d, {"status", "updatedReplicas"}),
                          IntAt(d, {"status", "availableReplicas"})};
                    },
                .wide_cells = WorkloadWide});
}

TableColumns StatefulSets() {
  return Build({.columns = {Column("Ready", "string", "Number of the pod with ready state")},
                .wide = {WorkloadWideColumns()[0], WorkloadWideColumns()[1]},
                .middle =
                    [](const json& s) {
                      return std::vector<json>{fmt::format("{}/{}",
                                                           IntAt(s, {"status", "readyReplicas"}),
                                                           IntAt(s, {"spec", "replicas"}, 1))};
                    },
                .wide_cells =
                    [](const json& s) {
                      std::vector<json> w = WorkloadWide(s);
                      w.pop_back();
                      return w;
                    }});
}

TableColumns DaemonSets() {
  return Build(
      {.columns = {Column("Desired", "integer",
                          "The total number of nodes that should be "
                          "running the daemon pod."),
                   Column("Current", "integer", "The number of nodes running the daemon pod."),
                   Column("Ready", "integer", "The number of nodes with a ready daemon pod."),
                   Column("Up-to-date", "integer",
                          "The number of nodes running the updated "
                          "daemon pod."),
                   Column("Available", "integer",
                          "The number of nodes with an available daemon "
                          "pod."),
                   Column("Node Selector", "string", "The node selector of the daemon pods.")},
       .wide = WorkloadWideColumns(),
       .middle =
           [](const json& d) {
             return std::vector<json>{IntAt(d, {"status", "desiredNumberScheduled"}),
                                      IntAt(d, {"status", "currentNumberScheduled"}),
                                      IntAt(d, {"status", "numberReady"}),
                                      IntAt(d, {"status", "updatedNumberScheduled"}),
                                      IntAt(d, {"status", "numberAvailable"}),
                                      MapText(At(d, {"spec", "template", "spec", "nodeSelector"}))};
           },
       .wide_cells = WorkloadWide});
}

TableColumns CustomResourceDefinitions() {
  // apiextensions-apiserver has no printer for CRDs: upstream's default NAME + CREATED AT.
  TableColumns out;
  out.definitions = {Column("Name", "string", kNameDescription, 0, "name"),
                     Column("Created At", "date", kAgeDescription)};
  out.cells = [](const json& obj, Clock::time_point) {
    return json::array(
        {obj["metadata"].value("name", ""), At(obj, {"metadata", "creationTimestamp"})});
  };
  return out;
}

using Simple = std::function<std::vector<json>(const json&)>;

TableColumns WithColumns(std::vector<json> columns, Simple cells) {
  return Build({.columns = std::move(columns), .middle = std::move(cells)});
}

}  // namespace

TableColumns BuiltinColumns(const ResourceType& type) {
  const std::string key = type.group + "/" + type.kind;
  if (key == "/Pod") {
    return Pods();
  }
  if (key == "/Node") {
    return Nodes();
  }
  if (key == "apps/Deployment") {
    return Deployments();
  }
  if (key == "apps/StatefulSet") {
    return StatefulSets();
  }
  if (key == "apps/DaemonSet") {
    return DaemonSets();
  }
  if (key == "apiextensions.k8s.io/CustomResourceDefinition") {
    return CustomResourceDefinitions();
  }
  if (key == "/Namespace") {
    return WithColumns({Column("Status", "string", "The status of the namespace")},
                       [](const json& o) {
                         return std::vector<json>{StrAt(o, {"status", "phase"})};
                       });
  }
  if (key == "/ConfigMap") {
    return WithColumns({Column("Data", "integer", "Number of data in configmap")},
                       [](const json& o) {
                         return std::vector<json>{SizeAt(o, {"data"}) + SizeAt(o, {"binaryData"})};
                       });
  }
  if (key == "/Secret") {
    return WithColumns({Column("Type", "string", "The type of the secret"),
                        Column("Data", "integer", "Number of data in secret")},
                       [](const json& o) {
                         return std::vector<json>{StrAt(o, {"type"}), SizeAt(o, {"data"})};
                       });
  }
  if (key == "/ServiceAccount") {
    return WithColumns({Column("Secrets", "integer", "Number of secrets")},
                       [](const json& o) { return std::vector<json>{SizeAt(o, {"secrets"})}; });
  }
  if (key == "coordination.k8s.io/Lease") {
    return WithColumns({Column("Holder", "string", "The holder of the lease")}, [](const json& o) {
      return std::vector<json>{StrAt(o, {"spec", "holderIdentity"})};
    });
  }
  return Build({});
}

}  // namespace gpuext::emulator
