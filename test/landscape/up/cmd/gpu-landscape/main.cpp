// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// gpu-landscape: the local landscape of `make demo` (docs/landscape.md).
//
//   gpu-landscape up    --work-dir=.demo   # start everything, write .demo/ready, run until SIGTERM
//   gpu-landscape story --work-dir=.demo   # tell the story against a running landscape
//   gpu-landscape demo  --work-dir=DIR     # up + story + down in one process (make demo-once)
//
// Exit codes: 0 success, 1 a phase failed or the landscape did not start, 2 usage.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "gpuext/files.h"
#include "gpuext/flag_set.h"
#include "gpuext/kube/signals.h"
#include "gpuext/landscape/demo_story.h"
#include "gpuext/landscape/landscape.h"
#include "gpuext/logger.h"

namespace {

namespace fs = std::filesystem;
using gpuext::landscape::DemoStory;
using gpuext::landscape::Landscape;
using gpuext::landscape::LandscapeOptions;
using gpuext::landscape::StoryOptions;

struct LandscapeFlags {
  std::string work_dir = ".demo";
  std::string bin_dir;
  std::string source_dir = GPUEXT_SOURCE_DIR;
  std::string shared_dir;
  std::string headers_root;
  std::string kubectl;
  std::string shoot_file;
  bool skip_cleanup = false;
};

const char* const kLandscapeUsage =
    "usage: gpu-landscape up|story|demo [flags]\n"
    "  up     start the landscape (SIMULATED gardenlet, resource-manager, kubelets; real\n"
    "         extension, webhook, cache, node agent) and run until SIGTERM; writes\n"
    "         <work-dir>/ready once everything serves\n"
    "  story  run the demo story against a landscape started with `up`\n"
    "  demo   up + story + down in one process; exit 1 if a phase failed\n"
    "exit codes: 0 ok, 1 failed, 2 usage\n";

fs::path SelfDir() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : self.parent_path();
}

LandscapeOptions ToLandscapeOptions(const LandscapeFlags& f) {
  return {.work_dir = fs::absolute(f.work_dir),
          .bin_dir = f.bin_dir.empty() ? SelfDir() : fs::absolute(f.bin_dir),
          .source_dir = f.source_dir,
          .shared_dir =
              f.shared_dir.empty() ? fs::path(f.source_dir) / "../shared" : fs::path(f.shared_dir),
          .headers_root = f.headers_root};
}

StoryOptions ToStoryOptions(const LandscapeFlags& f) {
  return {.garden_kubeconfig = fs::absolute(f.work_dir) / "garden.kubeconfig",
          .shoot_kubeconfig = fs::absolute(f.work_dir) / "shoot.kubeconfig",
          .kubectl = f.kubectl.empty() ? fs::path(f.source_dir) / ".tools/bin/kubectl"
                                       : fs::path(f.kubectl),
          .shoot_file = f.shoot_file.empty() ? fs::path(f.source_dir) / "example/shoot.yaml"
                                             : fs::path(f.shoot_file),
          .colour = isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr,
          .skip_cleanup = f.skip_cleanup};
}

int Up(const LandscapeFlags& flags, std::stop_token stop) {
  Landscape landscape(ToLandscapeOptions(flags));
  landscape.Start();
  const fs::path ready = fs::absolute(flags.work_dir) / "ready";
  gpuext::WriteFileAtomically(ready, "up\n", 0644);
  std::cout << "landscape up; kubeconfigs: " << landscape.garden_kubeconfig().string() << " "
            << landscape.shoot_kubeconfig().string() << std::endl;
  while (!stop.stop_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  fs::remove(ready);
  landscape.Stop();
  return 0;
}

int Story(const LandscapeFlags& flags) {
  DemoStory story(ToStoryOptions(flags), std::cout);
  return story.Run().ok() ? 0 : 1;
}

int Demo(const LandscapeFlags& flags) {
  Landscape landscape(ToLandscapeOptions(flags));
  landscape.Start();
  const bool ok = DemoStory(ToStoryOptions(flags), std::cout).Run().ok();
  landscape.Stop();
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  gpuext::kube::ShutdownSignals signals;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cerr << kLandscapeUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  LandscapeFlags f;
  gpuext::FlagSet flags("gpu-landscape " + command);
  flags.String("work-dir", &f.work_dir, "kubeconfigs, logs, node host roots");
  flags.String("bin-dir", &f.bin_dir, "our binaries (default: this binary's directory)");
  flags.String("source-dir", &f.source_dir, "the repository (charts, example, testdata)");
  flags.String("shared-dir", &f.shared_dir, "upstream fixtures (default <source-dir>/../shared)");
  flags.String("headers-root", &f.headers_root,
               "root of /lib/modules and /usr/src for builds (default: a SIMULATED root with this "
               "machine's kernel and a newer one)");
  flags.String("kubectl", &f.kubectl, "kubectl (default <source-dir>/.tools/bin/kubectl)");
  flags.String("shoot-file", &f.shoot_file, "the Shoot to apply (default example/shoot.yaml)");
  flags.Bool("skip-cleanup", &f.skip_cleanup, "story: leave GPU enabled at the end");
  const std::vector<std::string> errors = flags.Parse(argc - 1, argv + 1);
  if (!errors.empty()) {
    for (const std::string& e : errors) {
      std::cerr << e << "\n";
    }
    std::cerr << flags.Usage();
    return 2;
  }
  try {
    if (command == "up") {
      return Up(f, signals.token());
    }
    if (command == "story") {
      return Story(f);
    }
    if (command == "demo") {
      return Demo(f);
    }
    std::cerr << "gpu-landscape: unknown command " << command << "\n" << kLandscapeUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gpu-landscape " << command << ": " << e.what() << "\n";
    return 1;
  }
}
