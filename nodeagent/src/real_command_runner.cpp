// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// RealCommandRunner: posix_spawn into a new process group, poll(2) over the two output pipes, a
// pidfd for the child's exit and an eventfd for stop requests, so one thread waits for all four
// without busy loops or signal handlers.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gpuext/error.h"
#include "gpuext/nodeagent/command_runner.h"

namespace gpuext::nodeagent {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

constexpr std::string_view kDefaultPath = "/usr/sbin:/usr/bin:/sbin:/bin";

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  [[nodiscard]] int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
  }

 private:
  int fd_ = -1;
};

struct PipePair {
  Fd read;
  Fd write;
};

[[noreturn]] void ThrowErrno(const std::string& what, int err) {
  throw Error(ErrorCode::kInternal, what + ": " + std::strerror(err));
}

void MakePipe(PipePair& pipe) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    ThrowErrno("pipe2", errno);
  }
  // Only our end is non-blocking; the child's end stays blocking as programs expect.
  fcntl(fds[1], F_SETFL, 0);
  pipe.read = Fd(fds[0]);
  pipe.write = Fd(fds[1]);
}

// The program to execute: argv[0] as given when it has a '/', else the first executable match
// in the PATH of the command's own environment (not the agent's).
std::string ResolveProgram(const Command& command) {
  const std::string& name = command.argv.front();
  if (name.find('/') != std::string::npos) {
    return name;
  }
  std::string_view path = kDefaultPath;
  for (const std::string& kv : command.env) {
    if (kv.rfind("PATH=", 0) == 0) {
      path = std::string_view(kv).substr(5);
    }
  }
  const std::string searched(path);
  while (true) {
    const size_t colon = path.find(':');
    const std::string_view dir = path.substr(0, colon);
    if (!dir.empty()) {
      const std::string candidate = std::string(dir) + "/" + name;
      if (access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
    if (colon == std::string_view::npos) {
      break;
    }
    path.remove_prefix(colon + 1);
  }
  throw Error(ErrorCode::kNotFound, "cannot start " + name + ": not found in PATH " + searched);
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

// posix_spawn's attribute and file-action objects with their destroy calls.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

pid_t Spawn(const Command& command, const PipePair& out, const PipePair& err) {
  const std::string program = ResolveProgram(command);
  SpawnSetup setup;
  // A new process group, so a timeout can kill everything the command started; default signal
  // dispositions and an empty mask, whatever the agent's threads have blocked or ignored.
  sigset_t empty;
  sigset_t all;
  sigemptyset(&empty);
  sigfillset(&all);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setsigmask(&setup.attr, &empty);
  posix_spawnattr_setsigdefault(&setup.attr, &all);
  posix_spawnattr_setflags(&setup.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, out.write.get(), 1);
  posix_spawn_file_actions_adddup2(&setup.actions, err.write.get(), 2);
  if (!command.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&setup.actions, command.working_dir.c_str());
  }
  std::vector<std::string> argv = command.argv;
  std::vector<std::string> env = command.env;
  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_env = CStrings(env);
  pid_t pid = -1;
  const int rc =
      posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attr, c_argv.data(), c_env.data());
  if (rc != 0) {
    std::string what = "cannot start " + program;
    if (!command.working_dir.empty()) {
      what += " in " + command.working_dir.string();
    }
    throw Error(rc == ENOENT ? ErrorCode::kNotFound : ErrorCode::kInternal,
                what + ": " + std::strerror(rc));
  }
  return pid;
}

// Keeps the last `limit` bytes of a stream. Trims only when the buffer holds twice the limit, so
// appending stays amortised O(1).
class TailBuffer {
 public:
  TailBuffer(std::string& text, bool& truncated, size_t limit)
      : text_(text), truncated_(truncated), limit_(limit) {}
  void Append(const char* data, size_t size) {
    text_.append(data, size);
    if (text_.size() > 2 * limit_) {
      Trim();
    }
  }
  void Trim() {
    if (text_.size() > limit_) {
      text_.erase(0, text_.size() - limit_);
      truncated_ = true;
    }
  }

 private:
  std::string& text_;
  bool& truncated_;
  size_t limit_;
};

// Reads what is available; returns false at end of file (or on a read error).
bool Drain(int fd, TailBuffer& sink) {
  char buf[16384];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
      sink.Append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return n < 0 && errno == EAGAIN;
  }
}

int PollTimeoutMs(SteadyTime now, std::optional<SteadyTime> next) {
  if (!next) {
    return -1;
  }
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
}

// One running child and the loop that waits for it.
class Supervisor {
 public:
  Supervisor(pid_t pid, const Command& command, const RealCommandRunner::Options& options,
             std::stop_token stop, CommandResult& result)
      : pid_(pid),
        options_(options),
        stop_(std::move(stop)),
        result_(result),
        stdout_(result.stdout_text, result.stdout_truncated, options.output_limit),
        stderr_(result.stderr_text, result.stderr_truncated, options.output_limit),
        deadline_(std::chrono::steady_clock::now() + command.timeout) {}

  void Wait(Fd& out, Fd& err) {
    Fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid_, 0)));
    Fd wake(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    std::stop_callback on_stop(stop_, [&wake] {
      const uint64_t one = 1;
      [[maybe_unused]] const ssize_t n = write(wake.get(), &one, sizeof(one));
    });
    bool out_open = true;
    bool err_open = true;
    while (!exited_ || out_open || err_open) {
      const SteadyTime now = std::chrono::steady_clock::now();
      if (exited_ && now >= drain_deadline_) {
        break;  // something escaped the process group and holds the pipes: stop reading
      }
      if (!exited_) {
        Escalate(now);
      }
      pollfd fds[4] = {{out_open ? out.get() : -1, POLLIN, 0},
                       {err_open ? err.get() : -1, POLLIN, 0},
                       {exited_ ? -1 : pidfd.get(), POLLIN, 0},
                       {wake.get(), POLLIN, 0}};
      // Without a pidfd (kernels before 5.3) the exit is noticed by polling waitpid.
      int timeout = PollTimeoutMs(now, NextEvent());
      if (pidfd.get() < 0 && !exited_) {
        timeout = timeout < 0 ? 50 : std::min(timeout, 50);
      }
      if (poll(fds, 4, timeout) < 0 && errno != EINTR) {
        ThrowErrno("poll", errno);
      }
      if (out_open && fds[0].revents != 0) {
        out_open = Drain(out.get(), stdout_);
      }
      if (err_open && fds[1].revents != 0) {
        err_open = Drain(err.get(), stderr_);
      }
      if (fds[3].revents != 0) {
        uint64_t count = 0;  // consumed so poll does not report it again; stop_ is the truth
        [[maybe_unused]] const ssize_t n = read(wake.get(), &count, sizeof(count));
      }
      if (!exited_ && (pidfd.get() < 0 || fds[2].revents != 0)) {
        Reap(pidfd.get() >= 0);
      }
    }
    stdout_.Trim();
    stderr_.Trim();
  }

  // The child must not outlive a Run that throws.
  void KillAndReap() {
    if (!exited_) {
      kill(-pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      exited_ = true;
    }
  }

 private:
  // Timeout or stop: SIGTERM to the group, SIGKILL after the grace period.
  void Escalate(SteadyTime now) {
    if (!term_at_ && (now >= deadline_ || stop_.stop_requested())) {
      result_.timed_out = now >= deadline_ && !stop_.stop_requested();
      result_.cancelled = !result_.timed_out;
      kill(-pid_, SIGTERM);
      term_at_ = now;
    }
    if (term_at_ && !killed_ && now >= *term_at_ + options_.kill_grace) {
      kill(-pid_, SIGKILL);
      killed_ = true;
    }
  }

  std::optional<SteadyTime> NextEvent() const {
    if (exited_) {
      return drain_deadline_;
    }
    if (!term_at_) {
      return deadline_;
    }
    if (!killed_) {
      return *term_at_ + options_.kill_grace;
    }
    return std::nullopt;
  }

  void Reap(bool known_exited) {
    siginfo_t info{};
    // WNOWAIT leaves the child a zombie, so its pid (and process group id) cannot be reused
    // while we kill what is left of its group.
    const int flags = WEXITED | WNOWAIT | (known_exited ? 0 : WNOHANG);
    if (waitid(P_PID, static_cast<id_t>(pid_), &info, flags) != 0 || info.si_pid == 0) {
      return;
    }
    kill(-pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    if (WIFSIGNALED(status)) {
      result_.exit_code = -1;
      result_.term_signal = WTERMSIG(status);
    } else {
      result_.exit_code = WEXITSTATUS(status);
    }
    drain_deadline_ = std::chrono::steady_clock::now() + options_.kill_grace;
  }

  pid_t pid_;
  const RealCommandRunner::Options& options_;
  std::stop_token stop_;
  CommandResult& result_;
  TailBuffer stdout_;
  TailBuffer stderr_;
  SteadyTime deadline_;
  std::optional<SteadyTime> term_at_;
  bool killed_ = false;
  bool exited_ = false;
  SteadyTime drain_deadline_;
};

}  // namespace

CommandResult RealCommandRunner::Run(const Command& command, std::stop_token stop) {
  if (command.argv.empty() || command.argv.front().empty()) {
    throw Error(ErrorCode::kInvalidArgument, "command has no program (empty argv)");
  }
  PipePair out;
  PipePair err;
  MakePipe(out);
  MakePipe(err);
  const pid_t pid = Spawn(command, out, err);
  out.write.Reset();
  err.write.Reset();
  CommandResult result;
  Supervisor supervisor(pid, command, options_, std::move(stop), result);
  try {
    supervisor.Wait(out.read, err.read);
  } catch (...) {
    supervisor.KillAndReap();
    throw;
  }
  return result;
}

}  // namespace gpuext::nodeagent
