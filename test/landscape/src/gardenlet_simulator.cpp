// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/landscape/gardenlet_simulator.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "gardenlet_objects.h"
#include "gpuext/time_format.h"

namespace gpuext::landscape {

using nlohmann::json;

namespace {

const kube::Resource kNamespaces{"", "v1", "namespaces", /*namespaced=*/false};
const kube::Resource kClusters{"extensions.gardener.cloud", "v1alpha1", "clusters",
                               /*namespaced=*/false};
const kube::Resource kExtensions{"extensions.gardener.cloud", "v1alpha1", "extensions"};
const kube::Resource kContainerRuntimes{"extensions.gardener.cloud", "v1alpha1",
                                        "containerruntimes"};

const json& Field(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) {
    return kNull;
  }
  const auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

// Creates `desired`, or replaces the stored object's spec, labels and annotations by it
// (gardenlet's create-or-patch rewrites the whole spec; status stays the controller's).
void Upsert(kube::Client& client, const kube::Resource& resource, const json& desired) {
  const std::string ns = desired["metadata"].value("namespace", "");
  const std::string name = desired["metadata"]["name"];
  auto stored = client.Get(resource, {ns, name});
  if (!stored) {
    client.Create(resource, desired);
    return;
  }
  json updated = *stored;
  for (const char* key : {"labels", "annotations"}) {
    if (desired["metadata"].contains(key)) {
      for (const auto& [k, v] : desired["metadata"][key].items()) {
        updated["metadata"][key][k] = v;
      }
    }
  }
  if (desired.contains("spec")) {
    updated["spec"] = desired["spec"];
  }
  client.Update(resource, updated);
}

}  // namespace

Readiness CheckExtensionObject(const json& obj) {
  const json& meta = Field(obj, "metadata");
  const json& status = Field(obj, "status");
  const json& last_error = Field(status, "lastError");
  if (!last_error.is_null()) {
    Readiness r{.severe = true,
                .reason = "error during reconciliation: " +
                          Field(last_error, "description").get<std::string>()};
    for (const json& code :
         Field(last_error, "codes").is_array() ? last_error["codes"] : json::array()) {
      r.codes.push_back(code.get<std::string>());
    }
    return r;
  }
  const int64_t generation =
      Field(meta, "generation").is_number() ? meta["generation"].get<int64_t>() : 0;
  const int64_t observed = Field(status, "observedGeneration").is_number()
                               ? status["observedGeneration"].get<int64_t>()
                               : 0;
  if (observed != generation) {
    return {.reason = "observed generation outdated (" + std::to_string(observed) + "/" +
                      std::to_string(generation) + ")"};
  }
  const json& annotations = Field(meta, "annotations");
  if (const json& op = Field(annotations, "gardener.cloud/operation"); !op.is_null()) {
    return {.reason = "gardener operation \"" + op.get<std::string>() +
                      "\" is not yet picked up by controller"};
  }
  const json& last_op = Field(status, "lastOperation");
  if (last_op.is_null()) {
    return {.reason = "extension did not record a last operation yet"};
  }
  const std::string state = Field(last_op, "state").is_string() ? last_op["state"] : "";
  if (state != "Succeeded") {
    return {.reason = "extension state is not succeeded but " + state};
  }
  if (const json& stamp = Field(annotations, "gardener.cloud/timestamp"); stamp.is_string()) {
    const auto requested = ParseRfc3339(stamp.get<std::string>());
    const auto updated = Field(last_op, "lastUpdateTime").is_string()
                             ? ParseRfc3339(last_op["lastUpdateTime"].get<std::string>())
                             : std::nullopt;
    if (!requested) {
      return {.reason = "cannot parse gardener.cloud/timestamp annotation"};
    }
    const auto requested_s = std::chrono::floor<std::chrono::seconds>(*requested);
    if (!updated || requested_s > *updated) {
      return {.reason = "extension is not reconciled yet - reconciliation requested at " +
                        FormatRfc3339(requested_s) + ", last update time is: " +
                        (updated ? FormatRfc3339(*updated) : std::string("<none>"))};
    }
  }
  return {.ready = true};
}

std::string TechnicalId(const json& shoot) {
  const json& id = Field(Field(shoot, "status"), "technicalID");
  if (id.is_string() && !id.get<std::string>().empty()) {
    return id;
  }
  std::string project = Field(shoot, "metadata").value("namespace", "");
  if (project.rfind("garden-", 0) == 0) {
    project = project.substr(7);
  }
  return "shoot--" + project + "--" + Field(shoot, "metadata").value("name", "");
}

GardenletSimulator::GardenletSimulator(kube::Client& seed, GardenletSimulatorOptions options)
    : seed_(seed),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : RealClock::Instance()) {}

DeployedObjects GardenletSimulator::Deploy(const json& shoot, const json& cloud_profile) {
  return DeployWith(shoot, cloud_profile, "reconcile");
}

DeployedObjects GardenletSimulator::DeployWith(const json& shoot, const json& cloud_profile,
                                               const std::string& operation) {
  const internal::DesiredObjects desired =
      internal::DesiredFor(shoot, cloud_profile,
                           {.technical_id = TechnicalId(shoot),
                            .seed_name = options_.seed_name,
                            .pause_image = options_.pause_image,
                            .timestamp = FormatRfc3339Micro(clock_.Now()),
                            .operation = operation});
  DeployedObjects out{.ns = TechnicalId(shoot)};
  Upsert(seed_, kNamespaces, desired.ns);
  Upsert(seed_, kClusters, desired.cluster);
  for (const json& ext : desired.extensions) {
    Upsert(seed_, kExtensions, ext);
    out.extensions.push_back(ext["metadata"]["name"]);
  }
  for (const json& cr : desired.container_runtimes) {
    Upsert(seed_, kContainerRuntimes, cr);
    out.container_runtimes.push_back(cr["metadata"]["name"]);
  }
  for (const json& osc : desired.oscs) {
    Upsert(seed_, kOperatingSystemConfigs, osc);
    out.oscs.push_back(osc["metadata"]["name"]);
  }
  // Stale objects (an extension or runtime removed from the shoot) are deleted, confirmed.
  for (const auto& [resource, keep] : {std::pair{&kExtensions, &out.extensions},
                                       std::pair{&kContainerRuntimes, &out.container_runtimes}}) {
    for (const std::string& name : NamesIn(*resource, out.ns)) {
      if (std::find(keep->begin(), keep->end(), name) == keep->end()) {
        seed_.Patch(
            *resource, {out.ns, name}, kube::PatchType::kMerge,
            {{"metadata", {{"annotations", {{"confirmation.gardener.cloud/deletion", "true"}}}}}});
        seed_.Delete(*resource, {out.ns, name});
      }
    }
  }
  return out;
}

bool GardenletSimulator::WaitUntilReady(const DeployedObjects& objects, std::stop_token stop) {
  for (const std::string& name : objects.extensions) {
    if (!WaitFor(kExtensions, "Extension", objects.ns, name, stop)) {
      return false;
    }
  }
  for (const std::string& name : objects.container_runtimes) {
    if (!WaitFor(kContainerRuntimes, "ContainerRuntime", objects.ns, name, stop)) {
      return false;
    }
  }
  return true;
}

bool GardenletSimulator::WaitFor(const kube::Resource& resource, const std::string& kind,
                                 const std::string& ns, const std::string& name,
                                 std::stop_token stop) {
  const auto start = clock_.SteadyNow();
  // When the current run of severe errors began; `severe` says whether one is running. (A plain
  // pair instead of std::optional: GCC 12 at -O1 reports optional<time_point> as maybe
  // uninitialized here.)
  bool severe = false;
  std::chrono::steady_clock::time_point severe_since{};
  const std::string what =
      "Error while waiting for " + kind + " " + ns + "/" + name + " to become ready: ";
  while (true) {
    const auto obj = seed_.Get(resource, {ns, name});
    const Readiness r = obj ? CheckExtensionObject(*obj)
                            : Readiness{.reason = kind + " " + ns + "/" + name + " not found"};
    if (r.ready) {
      return true;
    }
    const auto now = clock_.SteadyNow();
    if (r.severe) {
      if (!severe) {
        severe = true;
        severe_since = now;
      }
      if (now - severe_since >= options_.severe_threshold) {
        throw GardenletError(ErrorCode::kInternal, what + r.reason, r.codes);
      }
    } else {
      severe = false;
    }
    if (now - start >= options_.timeout) {
      throw GardenletError(
          ErrorCode::kTimeout,
          what + "retry failed with context deadline exceeded, last error: " + r.reason, r.codes);
    }
    if (!clock_.SleepFor(options_.poll_interval, stop)) {
      return false;
    }
  }
}

bool GardenletSimulator::WaitGone(const kube::Resource& resource, const std::string& kind,
                                  const std::string& ns, const std::string& name,
                                  std::stop_token stop) {
  const auto start = clock_.SteadyNow();
  while (auto obj = seed_.Get(resource, {ns, name})) {
    if (clock_.SteadyNow() - start >= options_.timeout) {
      const Readiness r = CheckExtensionObject(*obj);
      throw GardenletError(ErrorCode::kTimeout,
                           "Error while waiting for " + kind + " " + ns + "/" + name +
                               " to be deleted: retry failed with context deadline exceeded, " +
                               "last error: " + (r.reason.empty() ? "still present" : r.reason),
                           r.codes);
    }
    if (!clock_.SleepFor(options_.poll_interval, stop)) {
      return false;
    }
  }
  return true;
}

bool GardenletSimulator::Reconcile(const json& shoot, const json& cloud_profile,
                                   std::stop_token stop) {
  return WaitUntilReady(Deploy(shoot, cloud_profile), stop);
}

void GardenletSimulator::Annotate(const kube::Resource& resource, const std::string& ns,
                                  const std::string& name, const std::string& operation) {
  seed_.Patch(resource, {ns, name}, kube::PatchType::kMerge,
              {{"metadata",
                {{"annotations",
                  {{"gardener.cloud/operation", operation},
                   {"gardener.cloud/timestamp", FormatRfc3339Micro(clock_.Now())}}}}}});
}

std::vector<std::string> GardenletSimulator::NamesIn(const kube::Resource& resource,
                                                     const std::string& ns) {
  std::vector<std::string> names;
  // The list is kept in a variable: a range-for over a temporary's member dangles (C++20).
  const json list = seed_.List(resource, {.ns = ns});
  for (const json& item : list["items"]) {
    names.push_back(item["metadata"]["name"]);
  }
  return names;
}

bool GardenletSimulator::Delete(const json& shoot, std::stop_token stop) {
  const std::string ns = TechnicalId(shoot);
  for (const std::string& name : NamesIn(kOperatingSystemConfigs, ns)) {
    seed_.Delete(kOperatingSystemConfigs, {ns, name});
  }
  for (const auto& [resource, kind] :
       {std::pair{&kExtensions, "Extension"}, std::pair{&kContainerRuntimes, "ContainerRuntime"}}) {
    const auto names = NamesIn(*resource, ns);
    for (const std::string& name : names) {
      // gardener-resource-manager refuses deletion of extension objects without it.
      seed_.Patch(*resource, {ns, name}, kube::PatchType::kMerge,
                  {{"metadata",
                    {{"annotations",
                      {{"confirmation.gardener.cloud/deletion", "true"},
                       {"gardener.cloud/timestamp", FormatRfc3339Micro(clock_.Now())}}}}}});
      seed_.Delete(*resource, {ns, name});
    }
    for (const std::string& name : names) {
      if (!WaitGone(*resource, kind, ns, name, stop)) {
        return false;
      }
    }
  }
  seed_.Delete(kClusters, {"", ns});
  seed_.Delete(kNamespaces, {"", ns});
  return true;
}

bool GardenletSimulator::Migrate(const json& shoot, std::stop_token stop) {
  const std::string ns = TechnicalId(shoot);
  DeployedObjects objects{.ns = ns,
                          .extensions = NamesIn(kExtensions, ns),
                          .container_runtimes = NamesIn(kContainerRuntimes, ns)};
  for (const std::string& name : objects.extensions) {
    Annotate(kExtensions, ns, name, "migrate");
  }
  for (const std::string& name : objects.container_runtimes) {
    Annotate(kContainerRuntimes, ns, name, "migrate");
  }
  if (!WaitUntilReady(objects, stop)) {
    return false;
  }
  for (const auto& [resource, names] :
       {std::pair{&kExtensions, &objects.extensions},
        std::pair{&kContainerRuntimes, &objects.container_runtimes}}) {
    for (const std::string& name : *names) {
      seed_.Delete(*resource, {ns, name});
    }
  }
  return true;
}

bool GardenletSimulator::Restore(const json& shoot, const json& cloud_profile,
                                 std::stop_token stop) {
  // gardenlet first writes the objects with wait-for-state, copies status.state over, then
  // asks for the restore.
  const DeployedObjects objects = DeployWith(shoot, cloud_profile, "wait-for-state");
  for (const std::string& name : objects.extensions) {
    Annotate(kExtensions, objects.ns, name, "restore");
  }
  for (const std::string& name : objects.container_runtimes) {
    Annotate(kContainerRuntimes, objects.ns, name, "restore");
  }
  return WaitUntilReady(objects, stop);
}

}  // namespace gpuext::landscape
