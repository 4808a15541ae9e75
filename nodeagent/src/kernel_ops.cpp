// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The /proc parsers shared by both backends, and RealKernelOps.
#include "gpuext/nodeagent/kernel_ops.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/files.h"

namespace gpuext::nodeagent {
namespace {

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < line.size()) {
    const size_t start = line.find_first_not_of(" \t\r", pos);
    if (start == std::string_view::npos) {
      break;
    }
    const size_t end = line.find_first_of(" \t\r", start);
    out.push_back(line.substr(start, end - start));
    pos = end == std::string_view::npos ? line.size() : end;
  }
  return out;
}

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return out;
}

std::string ReadOrEmpty(const std::filesystem::path& path) {
  return ReadFileIfExists(path).value_or("");
}

[[noreturn]] void ThrowErrno(const std::string& what, const std::filesystem::path& path) {
  throw Error(ErrorCode::kInternal, what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

std::vector<LoadedModule> ParseProcModules(std::string_view text) {
  std::vector<LoadedModule> out;
  for (std::string_view line : Lines(text)) {
    const std::vector<std::string_view> f = Fields(line);
    if (f.size() < 5) {
      continue;
    }
    const auto size = ParseNumber<uint64_t>(f[1]);
    const auto refs = ParseNumber<int>(f[2]);
    if (!size || !refs) {
      continue;
    }
    LoadedModule m{std::string(f[0]), *size, *refs, {}, std::string(f[4])};
    std::string_view users = f[3];
    while (!users.empty() && users != "-") {
      const size_t comma = users.find(',');
      if (!users.substr(0, comma).empty()) {
        m.used_by.emplace_back(users.substr(0, comma));
      }
      users = comma == std::string_view::npos ? std::string_view() : users.substr(comma + 1);
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::string FormatProcModules(const std::vector<LoadedModule>& modules) {
  std::ostringstream out;
  for (const LoadedModule& m : modules) {
    out << m.name << ' ' << m.size << ' ' << m.refcount << ' ';
    if (m.used_by.empty()) {
      out << '-';
    } else {
      for (const std::string& user : m.used_by) {
        out << user << ',';  // the kernel ends the list with a comma too
      }
    }
    out << ' ' << (m.state.empty() ? "Live" : m.state) << " 0x0000000000000000\n";
  }
  return out.str();
}

std::optional<unsigned> ParseCharDeviceMajor(std::string_view text, std::string_view name) {
  bool in_char_section = false;
  for (std::string_view line : Lines(text)) {
    if (line.find("devices:") != std::string_view::npos) {
      in_char_section = line.rfind("Character devices:", 0) == 0;
      continue;
    }
    const std::vector<std::string_view> f = Fields(line);
    if (in_char_section && f.size() == 2 && f[1] == name) {
      return ParseNumber<unsigned>(f[0]);
    }
  }
  return std::nullopt;
}

std::string KernelModuleName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == '-') {
      c = '_';
    }
  }
  return out;
}

std::string RealKernelOps::Release() {
  utsname u{};
  if (uname(&u) != 0) {
    ThrowErrno("uname", "");
  }
  return u.release;
}

std::string RealKernelOps::Machine() {
  utsname u{};
  if (uname(&u) != 0) {
    ThrowErrno("uname", "");
  }
  return u.machine;
}

std::vector<LoadedModule> RealKernelOps::LoadedModules() {
  return ParseProcModules(ReadOrEmpty(host_.ProcModules()));
}

void RealKernelOps::LoadModule(const std::filesystem::path& module_root, std::string_view name,
                               const std::vector<std::string>& params, std::stop_token stop) {
  Command command{.argv = {options_.modprobe}, .env = options_.env, .timeout = options_.timeout};
  if (!module_root.empty()) {
    command.argv.insert(command.argv.end(), {"-d", module_root.string()});
  }
  command.argv.emplace_back(name);
  command.argv.insert(command.argv.end(), params.begin(), params.end());
  RunChecked(runner_, command, std::move(stop));
}

void RealKernelOps::Unload(std::string_view name, std::stop_token stop) {
  RunChecked(runner_,
             {.argv = {options_.modprobe, "-r", std::string(name)},
              .env = options_.env,
              .timeout = options_.timeout},
             std::move(stop));
}

std::optional<unsigned> RealKernelOps::DeviceMajor(std::string_view name) {
  return ParseCharDeviceMajor(ReadOrEmpty(host_.ProcDevices()), name);
}

void RealKernelOps::Mknod(const std::filesystem::path& path, unsigned major, unsigned minor,
                          unsigned mode) {
  const dev_t want = makedev(major, minor);
  struct stat st {};
  // Read the current state first (§13.4): the right node stays, anything else is replaced.
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISCHR(st.st_mode) || st.st_rdev != want) {
      if (unlink(path.c_str()) != 0) {
        ThrowErrno("unlink", path);
      }
    }
  } else if (errno != ENOENT) {
    ThrowErrno("lstat", path);
  }
  std::filesystem::create_directories(path.parent_path());
  if (mknod(path.c_str(), S_IFCHR | (mode & 07777), want) != 0 && errno != EEXIST) {
    ThrowErrno("mknod", path);
  }
  if (chmod(path.c_str(), mode & 07777) != 0) {  // mknod's mode is filtered by the umask
    ThrowErrno("chmod", path);
  }
}

void RealKernelOps::WriteSysfs(const std::filesystem::path& path, std::string_view value) {
  // No O_CREAT: a missing attribute means the module or kernel lacks it, which is an error.
  const int fd = open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) {
    ThrowErrno("open", path);
  }
  const ssize_t n = write(fd, value.data(), value.size());
  const int write_errno = errno;
  close(fd);
  if (n < 0 || static_cast<size_t>(n) != value.size()) {
    errno = n < 0 ? write_errno : EIO;
    ThrowErrno("write", path);
  }
}

}  // namespace gpuext::nodeagent
