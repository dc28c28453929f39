#include "rlvr/sandbox/jail.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "rlvr/util/error.h"

namespace rlvr::sandbox {

namespace {

// Everything the child does is prepared here, in the parent: after clone()
// from a multi-threaded process the child may only make system calls (no
// allocation, no locks), until execve.
struct Step {
  enum Kind { Mount, Remount, Mkdir, Symlink, WriteFile, Touch } kind;
  const char* what;  // named in the error message
  std::string source, target, fstype, data, text;
  unsigned long flags = 0;
  bool optional = false;  // failure is tolerated (a private /proc, where the kernel refuses it)
};

constexpr const char* kRoot = "/tmp";

Step make_step(Step::Kind kind, const char* what, std::string source, std::string target, std::string fstype = "",
               std::string data = "", std::string text = "", unsigned long flags = 0) {
  Step s{kind,  what, std::move(source), std::move(target), std::move(fstype), std::move(data), std::move(text),
         flags, false};
  return s;
}  // the new root is staged on /tmp, private to the jail

unsigned long mount_flags_of(const char* path) {
  // A bind mount inside a user namespace must keep the locked flags of its
  // source, or the read-only remount is refused.
  struct statvfs st {};
  unsigned long flags = 0;
  if (statvfs(path, &st) != 0) return flags;
  if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

void add_readonly_bind(std::vector<Step>& steps, const std::string& host, bool is_file) {
  std::string target = std::string(kRoot) + host;
  steps.push_back({is_file ? Step::Touch : Step::Mkdir, "create mount point", "", target, "", "", "", 0});
  steps.push_back(make_step(Step::Mount, "bind", host, target, "", "", "", MS_BIND | MS_REC));
  steps.push_back(make_step(Step::Remount, "read-only remount", "", target, "", "", "",
                            MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | mount_flags_of(host.c_str())));
}

std::vector<Step> plan(const Limits& limits) {
  namespace fs = std::filesystem;
  std::vector<Step> steps;
  steps.push_back(make_step(Step::Mount, "make mounts private", "", "/", "", "", "", MS_REC | MS_PRIVATE));
  steps.push_back(make_step(Step::Mount, "root tmpfs", "tmpfs", kRoot, "tmpfs", "size=4m,mode=0755", "",
                            MS_NOSUID | MS_NODEV));
  // The interpreter and its libraries: /usr and whatever /lib* are here.
  for (const char* dir : {"/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin"}) {
    std::error_code ec;
    auto status = fs::symlink_status(dir, ec);
    if (ec || !fs::exists(status)) continue;
    if (fs::is_symlink(status)) {
      steps.push_back(
          make_step(Step::Symlink, "symlink", fs::read_symlink(dir, ec).string(), std::string(kRoot) + dir));
    } else if (fs::is_directory(status)) {
      add_readonly_bind(steps, dir, false);
    }
  }
  // /etc: a user and host name of its own, and the loader's cache.
  steps.push_back(make_step(Step::Mkdir, "mkdir /etc", "", std::string(kRoot) + "/etc"));
  steps.push_back(make_step(Step::WriteFile, "write /etc/passwd", "", std::string(kRoot) + "/etc/passwd", "", "",
                            "sandbox:x:0:0:sandbox:/tmp:/usr/sbin/nologin\n"));
  steps.push_back(make_step(Step::WriteFile, "write /etc/group", "", std::string(kRoot) + "/etc/group", "", "",
                            "sandbox:x:0:\n"));
  steps.push_back(make_step(Step::WriteFile, "write /etc/hosts", "", std::string(kRoot) + "/etc/hosts", "", "",
                            "127.0.0.1 localhost sandbox\n::1 localhost\n"));
  if (fs::exists("/etc/ld.so.cache")) add_readonly_bind(steps, "/etc/ld.so.cache", true);
  // /dev: a tmpfs with the harmless devices bound in.
  steps.push_back(make_step(Step::Mkdir, "mkdir /dev", "", std::string(kRoot) + "/dev"));
  steps.push_back(make_step(Step::Mount, "dev tmpfs", "tmpfs", std::string(kRoot) + "/dev", "tmpfs",
                            "size=64k,mode=0755", "", MS_NOSUID | MS_NOEXEC));
  for (const char* dev : {"null", "zero", "full", "random", "urandom"}) {
    std::string host = std::string("/dev/") + dev, target = std::string(kRoot) + host;
    steps.push_back(make_step(Step::Touch, "create device node", "", target));
    steps.push_back(make_step(Step::Mount, "bind device", host, target, "", "", "", MS_BIND));
  }
  const std::pair<const char*, const char*> links[] = {{"fd", "/proc/self/fd"},
                                                       {"stdin", "/proc/self/fd/0"},
                                                       {"stdout", "/proc/self/fd/1"},
                                                       {"stderr", "/proc/self/fd/2"},
                                                       {"shm", "/tmp"}};
  for (auto [name, to] : links)
    steps.push_back(make_step(Step::Symlink, "symlink in /dev", to, std::string(kRoot) + "/dev/" + name));
  steps.push_back(make_step(Step::Remount, "read-only /dev", "", std::string(kRoot) + "/dev", "", "", "",
                            MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC));
  // The working directory.
  steps.push_back(make_step(Step::Mkdir, "mkdir /tmp", "", std::string(kRoot) + "/tmp"));
  steps.push_back(make_step(Step::Mount, "work tmpfs", "tmpfs", std::string(kRoot) + "/tmp", "tmpfs",
                            "size=" + std::to_string(limits.work_dir_bytes) + ",mode=1777", "",
                            MS_NOSUID | MS_NODEV));
  // A /proc that shows only this PID namespace.
  steps.push_back(make_step(Step::Mkdir, "mkdir /proc", "", std::string(kRoot) + "/proc"));
  Step proc = make_step(Step::Mount, "proc", "proc", std::string(kRoot) + "/proc", "proc", "", "",
                        MS_NOSUID | MS_NODEV | MS_NOEXEC);
  proc.optional = true;
  steps.push_back(proc);
  return steps;
}

// --- the child: system calls only ---

[[noreturn]] void fail(int report_fd, const char* what, int error) {
  // "<errno> <what>": the parent turns it into a message.
  char buf[160];
  int n = 0;
  int e = error;
  char digits[12];
  int d = 0;
  do {
    digits[d++] = static_cast<char>('0' + e % 10);
    e /= 10;
  } while (e && d < 11);
  while (d) buf[n++] = digits[--d];
  buf[n++] = ' ';
  for (const char* p = what; *p && n < static_cast<int>(sizeof buf) - 1; ++p) buf[n++] = *p;
  ssize_t ignored = write(report_fd, buf, static_cast<size_t>(n));
  (void)ignored;
  _exit(127);
}

bool write_all(int fd, const char* data, size_t size) {
  while (size) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

struct Prepared {
  std::vector<Step> steps;
  std::vector<char*> argv, env;
  std::vector<std::pair<int, int>> fds;
  struct rlimit as, cpu, fsize, nofile, nproc, core;
  sock_fprog filter;
  bool drop_capabilities;
  int sync_fd, report_fd;
};

void apply_rlimits(const Prepared& p) {
  setrlimit(RLIMIT_AS, &p.as);
  setrlimit(RLIMIT_CPU, &p.cpu);
  setrlimit(RLIMIT_FSIZE, &p.fsize);
  setrlimit(RLIMIT_NOFILE, &p.nofile);
  setrlimit(RLIMIT_NPROC, &p.nproc);
  setrlimit(RLIMIT_CORE, &p.core);
}

// Moves the wanted fds into place, closes every other one.
void arrange_fds(Prepared& p) {
  // The report pipe must not be overwritten by a dup2 below.
  int moved = fcntl(p.report_fd, F_DUPFD_CLOEXEC, 200);
  if (moved < 0) fail(p.report_fd, "move report fd", errno);
  p.report_fd = moved;
  int high[16];
  size_t count = p.fds.size() < 16 ? p.fds.size() : 16;
  for (size_t i = 0; i < count; ++i) {
    high[i] = fcntl(p.fds[i].first, F_DUPFD, 100);
    if (high[i] < 0) fail(p.report_fd, "duplicate fd", errno);
  }
  for (size_t i = 0; i < count; ++i)
    if (dup2(high[i], p.fds[i].second) < 0) fail(p.report_fd, "dup2", errno);
  int keep = 0;
  for (size_t i = 0; i < count; ++i) keep = p.fds[i].second > keep ? p.fds[i].second : keep;
  // Everything above the kept fds closes at execve; the report pipe stays
  // open until then, so a failing execve can still be reported.
  syscall(SYS_close_range, keep + 1, ~0U, CLOSE_RANGE_CLOEXEC);
}

void drop_capabilities(const Prepared& p) {
  // No capability survives execve, not even for uid 0 in the namespace.
  const unsigned long securebits = 0x2f;  // NOROOT, NOROOT_LOCKED, NO_SETUID_FIXUP(+LOCKED)
  if (prctl(PR_SET_SECUREBITS, securebits, 0, 0, 0) != 0) fail(p.report_fd, "securebits", errno);
  for (int cap = 0; cap <= 63; ++cap) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capset, &header, data) != 0) fail(p.report_fd, "capset", errno);
}

void bring_up_loopback(const Prepared& p) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) fail(p.report_fd, "loopback socket", errno);
  struct ifreq request {};
  memcpy(request.ifr_name, "lo", 3);
  if (ioctl(s, SIOCGIFFLAGS, &request) != 0) fail(p.report_fd, "loopback flags", errno);
  request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
  if (ioctl(s, SIOCSIFFLAGS, &request) != 0) fail(p.report_fd, "loopback up", errno);
  close(s);
}

[[noreturn]] void child(Prepared& p) {
  // Wait until the parent has written the uid/gid maps (EOF: it died).
  char go = 0;
  while (read(p.sync_fd, &go, 1) < 0 && errno == EINTR) {
  }
  if (go != 'g') _exit(127);
  // Become the mapped uid/gid 0. Raw calls: the C library's setresuid would
  // try to signal the parent's other threads.
  if (syscall(SYS_setresgid, 0, 0, 0) != 0) fail(p.report_fd, "setresgid", errno);
  if (syscall(SYS_setresuid, 0, 0, 0) != 0) fail(p.report_fd, "setresuid", errno);
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);  // after the uid change, which clears it
  // A session and process group of its own: kill(0, sig) reaches process
  // groups across PID namespaces, so it must not share ours.
  if (setsid() < 0) fail(p.report_fd, "setsid", errno);
  for (const Step& s : p.steps) {
    int rc = 0;
    switch (s.kind) {
      case Step::Mount:
      case Step::Remount:
        rc = mount(s.source.empty() ? nullptr : s.source.c_str(), s.target.c_str(),
                   s.fstype.empty() ? nullptr : s.fstype.c_str(), s.flags,
                   s.data.empty() ? nullptr : s.data.c_str());
        break;
      case Step::Mkdir: rc = mkdir(s.target.c_str(), 0755); break;
      case Step::Symlink: rc = symlink(s.source.c_str(), s.target.c_str()); break;
      case Step::Touch:
      case Step::WriteFile: {
        int fd = open(s.target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        rc = fd < 0 ? -1 : 0;
        if (fd >= 0) {
          if (!write_all(fd, s.text.data(), s.text.size())) rc = -1;
          close(fd);
        }
        break;
      }
    }
    if (rc != 0 && !s.optional) fail(p.report_fd, s.what, errno);
  }
  // Enter the new root; the old one is detached and gone.
  if (chdir(kRoot) != 0) fail(p.report_fd, "chdir new root", errno);
  if (syscall(SYS_pivot_root, ".", ".") != 0) fail(p.report_fd, "pivot_root", errno);
  if (umount2(".", MNT_DETACH) != 0) fail(p.report_fd, "detach old root", errno);
  if (chdir("/") != 0) fail(p.report_fd, "chdir /", errno);
  if (mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0)
    fail(p.report_fd, "read-only root", errno);
  if (chdir("/tmp") != 0) fail(p.report_fd, "chdir /tmp", errno);
  if (sethostname("sandbox", 7) != 0) fail(p.report_fd, "sethostname", errno);
  bring_up_loopback(p);
  arrange_fds(p);  // before RLIMIT_NOFILE, which would refuse the high fds it uses
  apply_rlimits(p);
  if (p.drop_capabilities) drop_capabilities(p);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(p.report_fd, "no_new_privs", errno);
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p.filter, 0, 0) != 0) fail(p.report_fd, "seccomp", errno);
  execve(p.argv[0], p.argv.data(), p.env.data());
  fail(p.report_fd, "execve", errno);
}

rlimit limit_of(uint64_t value) { return rlimit{static_cast<rlim_t>(value), static_cast<rlim_t>(value)}; }

Prepared prepare(const JailSpec& spec, std::vector<std::string>& storage) {
  Prepared p{};
  for (const auto& a : spec.argv) p.argv.push_back(const_cast<char*>(a.c_str()));
  p.argv.push_back(nullptr);
  for (const auto& e : spec.env) p.env.push_back(const_cast<char*>(e.c_str()));
  p.env.push_back(nullptr);
  p.fds = spec.fds;
  const Limits& l = spec.limits;
  p.as = limit_of(l.memory_bytes);
  uint64_t cpu = static_cast<uint64_t>(std::ceil(l.cpu_seconds));
  p.cpu = rlimit{static_cast<rlim_t>(cpu), static_cast<rlim_t>(cpu + 1)};  // SIGXCPU first, SIGKILL a second later
  p.fsize = limit_of(l.file_bytes);
  p.nofile = limit_of(static_cast<uint64_t>(l.open_files));
  p.nproc = limit_of(static_cast<uint64_t>(l.processes));
  p.core = limit_of(0);
  p.filter.len = static_cast<unsigned short>(spec.filter.size() / sizeof(sock_filter));
  storage.push_back(spec.filter);
  p.filter.filter = reinterpret_cast<sock_filter*>(storage.back().data());
  p.drop_capabilities = spec.drop_capabilities;
  return p;
}

bool write_proc_file(pid_t pid, const char* name, const std::string& text) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

std::string userns_help() {
  return "user namespaces are not available to this user here: check `sysctl kernel.unprivileged_userns_clone` "
         "(Debian: 1), `sysctl user.max_user_namespaces` (> 0) and, inside a container, whether its seccomp or "
         "AppArmor profile allows unshare(CLONE_NEWUSER). docs/SANDBOX.md explains how to run without them; "
         "--unsafe-no-sandbox runs programs without isolation and records it in the output";
}

}  // namespace

void make_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("sandbox: pipe: ") + std::strerror(errno));
}

pid_t spawn_jailed(const JailSpec& spec) {
  if (spec.filter.empty()) throw Error("sandbox: no seccomp filter");
  std::vector<std::string> storage;
  storage.reserve(1);
  Prepared p = prepare(spec, storage);
  p.steps = plan(spec.limits);
  int sync[2], report[2];
  make_pipe(sync);
  make_pipe(report);
  p.sync_fd = sync[0];
  p.report_fd = report[1];
  const unsigned long flags =
      CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
  // Outside uid: the caller's own; root maps to nobody instead, because the
  // kernel never applies RLIMIT_NPROC to the host's root user.
  uid_t outer_uid = geteuid();
  gid_t outer_gid = getegid();
  if (outer_uid == 0) outer_uid = outer_gid = 65534;
  long pid = syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, 0);
  if (pid == 0) child(p);
  int clone_error = errno;
  close(sync[0]);
  close(report[1]);
  if (pid < 0) {
    close(sync[1]);
    close(report[0]);
    if (clone_error == EPERM || clone_error == EINVAL || clone_error == ENOSPC || clone_error == EUSERS)
      throw Error(std::string("sandbox: cannot create namespaces (") + std::strerror(clone_error) +
                  "): " + userns_help());
    throw Error(std::string("sandbox: clone: ") + std::strerror(clone_error));
  }
  bool mapped = write_proc_file(static_cast<pid_t>(pid), "setgroups", "deny") &&
                write_proc_file(static_cast<pid_t>(pid), "uid_map", "0 " + std::to_string(outer_uid) + " 1\n") &&
                write_proc_file(static_cast<pid_t>(pid), "gid_map", "0 " + std::to_string(outer_gid) + " 1\n");
  int map_error = errno;
  if (mapped) {
    ssize_t n = write(sync[1], "g", 1);
    (void)n;
  }
  close(sync[1]);
  std::string message;
  char buf[256];
  for (ssize_t n; (n = read(report[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    message.append(buf, static_cast<size_t>(n));
  }
  close(report[0]);
  if (!mapped || !message.empty()) {
    kill(static_cast<pid_t>(pid), SIGKILL);
    waitpid(static_cast<pid_t>(pid), nullptr, 0);
    if (!mapped)
      throw Error(std::string("sandbox: cannot write the uid/gid map (") + std::strerror(map_error) +
                  "): " + userns_help());
    size_t space = message.find(' ');
    int error = std::atoi(message.substr(0, space).c_str());
    throw Error("sandbox: setting up the jail failed at '" + message.substr(space + 1) +
                "': " + std::strerror(error));
  }
  return static_cast<pid_t>(pid);
}

pid_t spawn_unjailed(const JailSpec& spec) {
  std::vector<std::string> storage;
  storage.reserve(1);
  Prepared p = prepare(spec, storage);
  int report[2];
  make_pipe(report);
  p.report_fd = report[1];
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    arrange_fds(p);
    apply_rlimits(p);
    execve(p.argv[0], p.argv.data(), p.env.data());
    fail(p.report_fd, "execve", errno);
  }
  close(report[1]);
  if (pid < 0) {
    close(report[0]);
    throw Error(std::string("sandbox: fork: ") + std::strerror(errno));
  }
  std::string message;
  char buf[256];
  for (ssize_t n; (n = read(report[0], buf, sizeof buf)) > 0;) message.append(buf, static_cast<size_t>(n));
  close(report[0]);
  if (!message.empty()) {
    waitpid(pid, nullptr, 0);
    throw Error("sandbox: starting the interpreter failed: " + message);
  }
  return pid;
}

}  // namespace rlvr::sandbox
