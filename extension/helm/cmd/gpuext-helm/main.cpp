// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// gpuext-helm template <chart-dir|chart.tgz> [--name N] [--namespace NS] [-f values.yaml]...
//     [--set k=v]... [--set-string k=v]... [--set-file k=path]... [--set-json k=json]...
//     [--kube-version V] [--api-versions G/V]... [--include-crds]
// Prints the same stream as `helm template`; exit 1 with "Error: ..." on failure.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "gpuext/error.h"
#include "gpuext/helm/go_codec.h"
#include "gpuext/helm/renderer.h"
#include "gpuext/helm/values.h"

namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw gpuext::Error(gpuext::ErrorCode::kNotFound,
                        "open " + path + ": no such file or directory");
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int Run(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "template") {
    throw gpuext::Error(gpuext::ErrorCode::kInvalidArgument,
                        "usage: gpuext-helm template <chart-dir> [flags]");
  }
  gpuext::helm::ReleaseOptions options;
  std::vector<std::string> positional;
  std::vector<json> files;
  // Helm applies them in this order whatever the order on the command line.
  std::vector<std::string> set_json;
  std::vector<std::string> sets;
  std::vector<std::string> set_strings;
  std::vector<std::string> set_files;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= args.size()) {
        throw gpuext::Error(gpuext::ErrorCode::kInvalidArgument, "flag needs an argument: " + a);
      }
      return args[++i];
    };
    if (a == "--name") {
      options.name = next();
    } else if (a == "--namespace" || a == "-n") {
      options.ns = next();
    } else if (a == "-f" || a == "--values") {
      const std::string path = next();
      try {
        files.push_back(gpuext::helm::UnmarshalYaml(ReadFile(path)));
      } catch (const gpuext::Error& e) {
        throw gpuext::Error(e.code(), "failed to parse " + path + ": " + e.what());
      }
    } else if (a == "--set") {
      sets.push_back(next());
    } else if (a == "--set-string") {
      set_strings.push_back(next());
    } else if (a == "--set-file") {
      set_files.push_back(next());
    } else if (a == "--set-json") {
      set_json.push_back(next());
    } else if (a == "--kube-version") {
      options.kube_version = next();
    } else if (a == "--api-versions" || a == "-a") {
      options.api_versions.push_back(next());
    } else if (a == "--include-crds") {
      options.include_crds = true;
    } else {
      positional.push_back(a);
    }
  }
  // Like helm: `template [NAME] CHART`.
  if (positional.size() == 2) {
    options.name = positional[0];
    positional.erase(positional.begin());
  }
  if (positional.size() != 1) {
    throw gpuext::Error(gpuext::ErrorCode::kInvalidArgument, "expected one chart directory");
  }
  json values = gpuext::helm::MergeValueFiles(files);
  for (const std::string& s : set_json) {
    gpuext::helm::ApplySetJson(&values, s);
  }
  for (const std::string& s : sets) {
    gpuext::helm::ApplySet(&values, s);
  }
  for (const std::string& s : set_strings) {
    gpuext::helm::ApplySetString(&values, s);
  }
  for (const std::string& s : set_files) {
    try {
      gpuext::helm::ApplySetFile(&values, s, ReadFile);
    } catch (const gpuext::Error& e) {
      throw gpuext::Error(e.code(), std::string("failed parsing --set-file data: ") + e.what());
    }
  }
  const std::string& chart = positional[0];
  const auto fs = chart.ends_with(".tgz") || chart.ends_with(".tar.gz")
                      ? gpuext::helm::ChartFS::FromArchive(ReadFile(chart))
                      : gpuext::helm::ChartFS::FromDirectory(chart);
  std::cout << gpuext::helm::FormatManifests(gpuext::helm::Render(fs, values, options));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Boundary: print the whole error chain once, as helm does ("Error: ...").
  try {
    return Run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "Error: " << gpuext::DescribeException(e) << "\n";
    return 1;
  }
}
