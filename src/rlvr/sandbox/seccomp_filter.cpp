#include "rlvr/sandbox/seccomp_filter.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <seccomp.h>

#include "rlvr/util/error.h"

namespace rlvr::sandbox {

namespace {

// Calls a test program never needs: tracing and reading other processes,
// changing the file system tree, loading kernel code or filters, the kernel
// keyring, performance counters, clocks, swap, reboot, io_uring (which
// bypasses this filter) and the new mount API.
const char* const kRefused[] = {
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_getfd",
    "umount2",
    "pivot_root",
    "chroot",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "bpf",
    "keyctl",
    "add_key",
    "request_key",
    "perf_event_open",
    "userfaultfd",
    "fanotify_init",
    "reboot",
    "swapon",
    "swapoff",
    "syslog",
    "acct",
    "quotactl",
    "lookup_dcookie",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "open_by_handle_at",
    "name_to_handle_at",
    "iopl",
    "ioperm",
    "vhangup",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "personality",
    "uselib",
    "nfsservctl",
    "get_kernel_syms",
    "query_module",
    "create_module",
};

void check(int rc, const char* what) {
  if (rc < 0) throw Error(std::string("seccomp filter: ") + what + ": " + std::strerror(-rc));
}

}  // namespace

std::string build_filter(FilterProfile profile) {
  std::unique_ptr<void, void (*)(scmp_filter_ctx)> ctx(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
  if (!ctx) throw Error("seccomp filter: seccomp_init failed");
  const uint32_t refuse = SCMP_ACT_ERRNO(EPERM);
  for (const char* name : kRefused) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;  // not a call on this architecture
    check(seccomp_rule_add(ctx.get(), refuse, nr, 0), name);
  }
  if (profile == FilterProfile::Program) {
    check(seccomp_rule_add(ctx.get(), refuse, SCMP_SYS(mount), 0), "mount");
    check(seccomp_rule_add(ctx.get(), refuse, SCMP_SYS(unshare), 0), "unshare");
    check(seccomp_rule_add(ctx.get(), refuse, SCMP_SYS(setns), 0), "setns");
  } else {
    // The server returns to its own PID namespace after each fork; no other kind.
    check(seccomp_rule_add(ctx.get(), refuse, SCMP_SYS(setns), 1, SCMP_A1(SCMP_CMP_NE, CLONE_NEWPID)), "setns");
  }
  // Sockets: only AF_UNIX. Even with a private network namespace, this keeps
  // netlink and raw packet sockets out of reach.
  check(seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                         SCMP_A0(SCMP_CMP_NE, AF_UNIX)),
        "socket");
  check(seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socketpair), 1,
                         SCMP_A0(SCMP_CMP_NE, AF_UNIX)),
        "socketpair");
  // New namespaces through clone: refused (fork and threads stay allowed).
  // clone3 passes its flags in memory a filter cannot read, so it answers
  // ENOSYS and the C library falls back to clone.
  const uint64_t namespace_flags[] = {0x10000000 /*NEWUSER*/,
                                      0x20000000 /*NEWPID*/,
                                      0x00020000 /*NEWNS*/,
                                      0x40000000 /*NEWNET*/,
                                      0x08000000 /*NEWIPC*/,
                                      0x04000000 /*NEWUTS*/,
                                      0x02000000 /*NEWCGROUP*/};
  for (uint64_t flag : namespace_flags)
    check(seccomp_rule_add(ctx.get(), refuse, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)),
          "clone");
  check(seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0), "clone3");
  // TIOCSTI pushes characters into a terminal's input.
  check(seccomp_rule_add(ctx.get(), refuse, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, 0x5412)),
        "ioctl");

  int fd = memfd_create("rlvr-seccomp", MFD_CLOEXEC);
  if (fd < 0) throw Error(std::string("seccomp filter: memfd_create: ") + std::strerror(errno));
  int rc = seccomp_export_bpf(ctx.get(), fd);
  if (rc < 0) {
    close(fd);
    check(rc, "export");
  }
  off_t size = lseek(fd, 0, SEEK_END);
  std::string bytes(static_cast<size_t>(size), '\0');
  ssize_t got = pread(fd, bytes.data(), bytes.size(), 0);
  close(fd);
  if (got != size || size % 8 != 0) throw Error("seccomp filter: could not read the exported program");
  return bytes;
}

}  // namespace rlvr::sandbox
