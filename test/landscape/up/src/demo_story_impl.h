// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// DemoStory internals: the phase runner (demo_story.cpp) and the phases
// (demo_story_phases.cpp).

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpuext/kube/http_client.h"
#include "gpuext/landscape/demo_story.h"

namespace gpuext::landscape {

inline const kube::Resource kStoryShoots{"core.gardener.cloud", "v1beta1", "shoots", true};
inline const kube::Resource kStoryExtensions{"extensions.gardener.cloud", "v1alpha1", "extensions",
                                             true};
inline const kube::Resource kStoryContainerRuntimes{"extensions.gardener.cloud", "v1alpha1",
                                                    "containerruntimes", true};
inline const kube::Resource kStoryManagedResources{"resources.gardener.cloud", "v1alpha1",
                                                   "managedresources", true};
inline const kube::Resource kStoryNodes{"", "v1", "nodes", false};
inline const kube::Resource kStoryPods{"", "v1", "pods", true};
inline const kube::Resource kStoryJobs{"batch", "v1", "jobs", true};
inline const kube::Resource kStoryDaemonSets{"apps", "v1", "daemonsets", true};

// A phase's body: returns the detail line for the summary, throws to fail the phase.
using StoryStep = std::function<std::string()>;

struct DemoStory::Impl {
  Impl(StoryOptions o, std::ostream& out);

  StoryOptions options;
  std::ostream& out;
  std::unique_ptr<kube::HttpClient> garden;
  std::unique_ptr<kube::HttpClient> shoot;
  StoryReport report;
  nlohmann::json shoot_object;  // the Shoot as the garden holds it after admission

  // Runs `step` as phase `name`, timed; false when it threw.
  bool Phase(const std::string& name, const StoryStep& step);
  // Polls `check` every poll_interval until it returns a value; prints `progress` whenever it
  // changes. Throws Error(kTimeout) with the last progress after phase_timeout.
  std::string WaitUntil(
      const std::function<std::optional<std::string>(std::string& progress)>& check);
  void Say(const std::string& line) const;     // narration
  void Detail(const std::string& line) const;  // indented output
  [[nodiscard]] std::string Bold(const std::string& text) const;

  // Phases (demo_story_phases.cpp).
  std::string ApplyShoot();
  std::string WaitShootReconciled();
  std::string WaitManagedResources();
  std::string WaitFirstBuild();
  void CountBuilds();  // report.builds_per_key from the builder Jobs in the shoot
  std::string WaitDriversReady();
  std::string ScheduleGpuPod();
  std::string DisableGpu();
  void PrintSummary() const;
};

}  // namespace gpuext::landscape
