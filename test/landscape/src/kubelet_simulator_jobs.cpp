// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// KubeletSimulator's Jobs: each new Job's pod runs on a thread of its own, its init containers
// and then its containers one after the other as local processes of our real binaries (the
// builder Job: `gpu-node-agent copy-bundle`, then `gpu-node-agent build`), and the outcome is
// written to the Job's status the way the Job controller does.
#include <condition_variable>
#include <csignal>
#include <mutex>

#include <fmt/format.h>

#include "gpuext/time_format.h"
#include "kubelet_simulator_internal.h"

namespace gpuext::landscape {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace kubelet_internal;

namespace {

constexpr const char* kKsKeyAnnotation = "cache.gpu.extensions.gardener.cloud/key";
// Where the agent image carries the bundle the builder's init container copies (§14.5).
constexpr const char* kKsImageBundle = "/opt/gpuext/bundle";

std::string KsJobMeta(const json& obj, const char* key) {
  return obj.value("metadata", json::object()).value(key, std::string());
}

// Sleeps up to `d`; false when stop was requested.
bool KsJobSleep(std::stop_token stop, std::chrono::milliseconds d) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

// Whether the Job (this uid) still exists: the cache server deletes a stale build's Job.
bool KsJobExists(kube::Client& shoot, const json& job) {
  const auto live = shoot.Get(kKsJobs, {KsJobMeta(job, "namespace"), KsJobMeta(job, "name")});
  return live && KsJobMeta(*live, "uid") == KsJobMeta(job, "uid");
}

bool KsIsOurContainer(const json& c) { return ContainerProgram(c) == kKsNodeAgent; }

json KsJobCondition(const char* type, const std::string& reason, const std::string& message) {
  const std::string now = FormatRfc3339(std::chrono::system_clock::now());
  return {{"type", type},       {"status", "True"},     {"reason", reason},
          {"message", message}, {"lastProbeTime", now}, {"lastTransitionTime", now}};
}

}  // namespace

void KubeletSimulator::Impl::SyncJobs() {
  // Finished threads first, so their uids count as done.
  for (auto it = jobs.begin(); it != jobs.end();) {
    if (it->second->done.load()) {
      finished_jobs.insert(it->first);
      it = jobs.erase(it);  // joins a thread that has ended
    } else {
      ++it;
    }
  }
  const json list = shoot.List(kKsJobs, {});
  for (const json& job : list["items"]) {
    const std::string uid = KsJobMeta(job, "uid");
    if (uid.empty() || jobs.contains(uid) || finished_jobs.contains(uid)) {
      continue;
    }
    const json status = job.value("status", json::object());
    if (status.value("succeeded", 0) > 0 || status.value("failed", 0) > 0) {
      finished_jobs.insert(uid);  // finished before this simulator saw it
      continue;
    }
    const json spec = job.value("/spec/template/spec"_json_pointer, json::object());
    bool ours = true;
    for (const char* key : {"initContainers", "containers"}) {
      const json list_of = spec.value(key, json::array());
      for (const json& c : list_of) {
        ours = ours && KsIsOurContainer(c);
      }
    }
    if (!ours) {
      // Not our program: nothing local can run it. SIMULATED as succeeded at once.
      shoot.Patch(
          kKsJobs, {KsJobMeta(job, "namespace"), KsJobMeta(job, "name")}, kube::PatchType::kMerge,
          {{"status",
            {{"succeeded", 1},
             {"active", 0},
             {"conditions",
              {KsJobCondition("Complete", "Simulated", "SIMULATED: not our binary, not run")}}}}},
          kube::Subresource::kStatus);
      finished_jobs.insert(uid);
      continue;
    }
    auto run = std::make_unique<JobRun>();
    run->uid = uid;
    JobRun* raw = run.get();
    const std::vector<std::string> routes = connect_to;
    run->thread = std::jthread([this, raw, job, routes](std::stop_token stop) {
      // Boundary: a Job thread (an escaping exception would terminate the process).
      try {
        RunJob(job, routes, stop);
      } catch (const std::exception& e) {
        log.Error(e, "SIMULATED Job run failed", {{"job", KsJobMeta(job, "name")}});
      }
      raw->done = true;
    });
    CountStat([](Stats& s) { ++s.jobs_started; });
    jobs[uid] = std::move(run);
  }
}

int KubeletSimulator::Impl::RunJobContainer(const json& job, PodSandbox& sandbox,
                                            const json& container,
                                            const std::vector<std::string>& routes,
                                            std::stop_token stop,
                                            std::chrono::steady_clock::time_point deadline) {
  MountTable mounts = sandbox.Mounts(container);
  // The agent image's bundle: this machine's binaries (a link, so copy-bundle copies a link).
  const fs::path bundle = options.work_dir / "image" / "bundle";
  {
    // Jobs run on their own threads: the first one creates the link, the others find it.
    static std::mutex bundle_mu;
    std::lock_guard lock(bundle_mu);
    if (!fs::is_symlink(bundle / "bin" / kKsNodeAgent)) {
      fs::create_directories(bundle / "bin");
      fs::create_symlink(fs::absolute(options.bin_dir / kKsNodeAgent),
                         bundle / "bin" / kKsNodeAgent);
    }
  }
  mounts.Add(kKsImageBundle, bundle);
  std::vector<std::string> argv = sandbox.Argv(container, mounts, options.bin_dir);
  const std::vector<std::string> env = sandbox.Env(container, mounts);
  for (const std::string& e : env) {
    // TMPDIR/HOME name directories in an emptyDir that a fresh volume does not have yet.
    if (e.starts_with("TMPDIR=")) {
      fs::create_directories(e.substr(7));
    }
  }
  if (ContainerSubcommand(container) == "build") {
    argv.push_back("--headers-root=" + options.headers_root.string());
    for (const std::string& r : routes) {
      argv.push_back("--connect-to=" + r);
    }
  }
  const std::string cname = container.value("name", std::string("container"));
  const fs::path log_file = sandbox.pod_dir() / (cname + ".log");
  log.Info("Running SIMULATED Job container as a local process of the real binary",
           {{"job", KsJobMeta(job, "name")}, {"container", cname}, {"log", log_file.string()}});
  testing::BackgroundProcess process(argv, env, log_file);
  int polls = 0;
  while (process.Running()) {
    if (!KsJobSleep(stop, std::chrono::milliseconds(200)) ||
        std::chrono::steady_clock::now() > deadline ||
        (++polls % 10 == 0 && !KsJobExists(shoot, job))) {
      process.Stop(SIGTERM, std::chrono::seconds(5));
      return -1;
    }
  }
  return process.Stop(0, std::chrono::milliseconds(0));
}

void KubeletSimulator::Impl::RunJob(const json& job, const std::vector<std::string>& routes,
                                    std::stop_token stop) {
  const std::string ns = KsJobMeta(job, "namespace");
  const std::string name = KsJobMeta(job, "name");
  const std::string uid = KsJobMeta(job, "uid");
  const json spec = job.value("/spec/template/spec"_json_pointer, json::object());
  const json job_spec = job.value("spec", json::object());
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::seconds(job_spec.value("activeDeadlineSeconds", std::int64_t{3600}));
  const fs::path pod_dir = options.work_dir / "jobs" / ns / (name + "-" + uid.substr(0, 8));
  PodSandbox sandbox(shoot, pod_dir, pod_dir / "host",
                     {.ns = ns,
                      .name = name + "-" + uid.substr(0, 5),
                      .node = "",
                      .service_account = spec.value("serviceAccountName", "default")},
                     options.service_account_tokens);
  // kubelet's ContainerCreating: the upload token Secret follows the Job by a moment.
  for (;;) {
    try {
      sandbox.PrepareVolumes(spec, {});
      break;
    } catch (const PodNotReady& e) {
      if (!KsJobSleep(stop, std::chrono::milliseconds(200)) ||
          std::chrono::steady_clock::now() > deadline || !KsJobExists(shoot, job)) {
        log.Info("SIMULATED Job pod never got its volumes", {{"job", name}, {"reason", e.what()}});
        return;
      }
    }
  }
  const json containers = spec.value("containers", json::array());
  const bool build = !containers.empty() && ContainerSubcommand(containers[0]) == "build";
  const std::string key =
      job.value("/metadata/annotations"_json_pointer, json::object()).value(kKsKeyAnnotation, name);
  const kube::ObjectKey job_key{ns, name};
  shoot.Patch(kKsJobs, job_key, kube::PatchType::kMerge,
              {{"status",
                {{"active", 1},
                 {"ready", 1},
                 {"startTime", FormatRfc3339(std::chrono::system_clock::now())}}}},
              kube::Subresource::kStatus);
  if (build) {
    CountStat([&](Stats& s) {
      ++s.builds_started;
      ++s.builds_per_key[key];
    });
  }
  int exit_code = 0;
  std::string failed_container;
  for (const char* list_key : {"initContainers", "containers"}) {
    const json list = spec.value(list_key, json::array());
    for (const json& c : list) {
      if (exit_code == 0) {
        exit_code = RunJobContainer(job, sandbox, c, routes, stop, deadline);
        failed_container = c.value("name", std::string());
      }
    }
  }
  if (stop.stop_requested() || !KsJobExists(shoot, job)) {
    log.Info("SIMULATED Job abandoned", {{"job", name}});
    return;
  }
  const bool timed_out = exit_code == -1 && std::chrono::steady_clock::now() > deadline;
  json status = {{"active", 0},
                 {"ready", 0},
                 {"completionTime", FormatRfc3339(std::chrono::system_clock::now())}};
  if (exit_code == 0) {
    status["succeeded"] = 1;
    status["conditions"] = {KsJobCondition("SuccessCriteriaMet", "CompletionsReached",
                                           "Reached expected number of succeeded pods"),
                            KsJobCondition("Complete", "CompletionsReached",
                                           "Reached expected number of succeeded pods")};
  } else {
    const std::string reason = timed_out ? "DeadlineExceeded" : "BackoffLimitExceeded";
    const std::string message =
        timed_out ? "Job was active longer than specified deadline"
                  : fmt::format(
                        "Job has reached the specified backoff limit (container {} "
                        "exited {})",
                        failed_container, exit_code);
    status["failed"] = 1;
    status["conditions"] = {KsJobCondition("FailureTarget", reason, message),
                            KsJobCondition("Failed", reason, message)};
  }
  shoot.Patch(kKsJobs, job_key, kube::PatchType::kMerge, {{"status", status}},
              kube::Subresource::kStatus);
  log.Info("SIMULATED Job finished", {{"job", name}, {"key", key}, {"exitCode", exit_code}});
  if (build) {
    CountStat([&](Stats& s) { ++(exit_code == 0 ? s.builds_succeeded : s.builds_failed); });
  }
}

}  // namespace gpuext::landscape
