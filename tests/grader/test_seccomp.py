"""The workers' seccomp filters, per architecture they claim: built from libseccomp's numbers
and run through a small classic-BPF interpreter (this machine cannot load another
architecture's filter), then installed for real where the machine is one of them.

Seen failing on the main of 2026-11-24: io_uring_setup in a filtered child returned a ring
(the filters did not list io_uring), and no filter could be built for aarch64."""

from __future__ import annotations

import errno
import os
import struct
import subprocess
import sys

import pytest

from grader.sandboxed import seccomp

pytestmark = [
    pytest.mark.unit,
    pytest.mark.skipif(seccomp._libseccomp() is None, reason="libseccomp is not installed"),
]
ALLOW, KILL, ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
OWN, OTHER = 4242, 4243
CLONE_THREAD = 0x00010000


def run_filter(program: bytes, arch: int, nr: int, *args: int) -> int:
    """The filter's verdict for one call: classic BPF's loads, ``and``, jumps and returns (what
    libseccomp emits)."""
    data = struct.pack("iI", nr, arch) + struct.pack("Q", 0) + b"".join(struct.pack("Q", a) for a in args)
    data = data.ljust(64, b"\0")
    code = [struct.unpack("HBBI", program[i : i + 8]) for i in range(0, len(program), 8)]
    pc, acc = 0, 0
    while True:
        op, jt, jf, k = code[pc]
        if op == 0x20:
            acc = struct.unpack_from("I", data, k)[0]
        elif op == 0x06:
            return k
        elif op == 0x54:
            acc &= k
        else:
            taken = {0x15: acc == k, 0x25: acc > k, 0x35: acc >= k, 0x45: bool(acc & k)}[op]
            pc += jt if taken else jf
        pc += 1


def resolve(arch: str, name: str) -> int:
    library = seccomp._libseccomp()
    assert library is not None
    return library.seccomp_syscall_resolve_name_arch(seccomp.ARCHES[arch][0], name.encode())


@pytest.fixture(params=sorted(seccomp.ARCHES))
def arch(request):
    return request.param


def verdict(arch: str, program: bytes, name: str, *args: int) -> int:
    return run_filter(program, seccomp.ARCHES[arch][0], resolve(arch, name), *args)


def test_io_uring_is_refused_by_both_filters(arch):
    for program in (seccomp.nofork_program(arch), seccomp.worker_program(OWN, arch)):
        for name in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
            assert verdict(arch, program, name) == ERRNO | errno.ENOSYS, name


def test_new_processes_are_refused_threads_and_plain_calls_allowed(arch):
    program = seccomp.nofork_program(arch)
    assert verdict(arch, program, "clone", 0) == ERRNO | errno.EAGAIN
    assert verdict(arch, program, "clone", CLONE_THREAD) == ALLOW
    assert verdict(arch, program, "clone3") == ERRNO | errno.ENOSYS
    for name in ("fork", "vfork"):  # absent on aarch64: clone is the only way there
        if resolve(arch, name) >= 0:
            assert verdict(arch, program, name) == ERRNO | errno.EAGAIN
    for name in ("read", "getpid", "mmap", "futex"):
        assert verdict(arch, program, name) == ALLOW, name
    other = next(token for a, (token, _) in seccomp.ARCHES.items() if a != arch)
    assert run_filter(program, other, resolve(arch, "getpid")) == KILL  # another ABI: killed


def test_the_worker_filter_keeps_neighbours_out(arch):
    program = seccomp.worker_program(OWN, arch)
    assert verdict(arch, program, "kill", OWN, 9) == ALLOW
    assert verdict(arch, program, "kill", OTHER, 9) == ERRNO | errno.EPERM
    assert verdict(arch, program, "prlimit64", OTHER) == ERRNO | errno.EPERM
    assert verdict(arch, program, "prlimit64", 0) == ALLOW
    for name in ("ptrace", "pidfd_open", "keyctl", "unshare", "process_vm_readv", "tkill", "shmget"):
        assert verdict(arch, program, name) == ERRNO | errno.ENOSYS, name


F_LOCKS = {
    "F_GETLK": 5,
    "F_SETLK": 6,
    "F_SETLKW": 7,
    "F_OFD_GETLK": 36,
    "F_OFD_SETLK": 37,
    "F_OFD_SETLKW": 38,
}
F_OTHERS = {"F_SETOWN": 8, "F_SETSIG": 10, "F_SETOWN_EX": 15, "F_SETLEASE": 1024, "F_GETLEASE": 1025}


def test_the_worker_filter_is_an_allow_list(arch):
    """Default deny: locks, leases, notify, inotify/fanotify, mincore, the page-cache calls,
    sockets, processes and threads are refused; a worker's own calls pass."""
    program = seccomp.worker_program(OWN, arch)
    for command in [*F_LOCKS.values(), *F_OTHERS.values(), 1026]:
        assert verdict(arch, program, "fcntl", 3, command) == ERRNO | errno.EPERM, command
    for command in (0, 1, 2, 3, 4, 1030):  # dup, descriptor and status flags
        assert verdict(arch, program, "fcntl", 3, command) == ALLOW, command
    refused = ("flock", "inotify_init1", "fanotify_init", "mincore", "preadv2", "fadvise64", "readahead",
               "socket", "execve", "memfd_create", "userfaultfd", "bpf", "mq_open", "name_to_handle_at",
               "sysinfo", "statfs", "timer_create", "timerfd_create", "add_key", "keyctl")  # fmt: skip
    for name in refused:
        assert verdict(arch, program, name) == ERRNO | errno.ENOSYS, name
    assert verdict(arch, program, "clone", CLONE_THREAD) == ERRNO | errno.EAGAIN
    assert verdict(arch, program, "clone3") == ERRNO | errno.ENOSYS
    assert verdict(arch, program, "madvise", 0, 4096, 21) == ERRNO | errno.EPERM  # MADV_PAGEOUT
    assert verdict(arch, program, "madvise", 0, 4096, 4) == ALLOW  # MADV_DONTNEED: its own pages
    assert verdict(arch, program, "ioctl", 0, 0x5401) == ALLOW  # TCGETS: isatty
    assert verdict(arch, program, "ioctl", 0, 0x5412) == ERRNO | errno.ENOTTY  # TIOCSTI
    assert verdict(arch, program, "prctl", 15) == ALLOW  # PR_SET_NAME: its own thread's name
    assert verdict(arch, program, "prctl", 22) == ERRNO | errno.EPERM  # PR_SET_SECCOMP
    for name in ("read", "write", "openat", "mmap", "futex", "clock_nanosleep", "getrandom", "exit_group"):
        assert verdict(arch, program, name) == ALLOW, name
    gpu = seccomp.worker_program(OWN, arch, gpu=True)
    assert verdict(arch, gpu, "ioctl", 3, 0xC0104629) == ALLOW  # the device driver's


def test_the_numbers_are_the_architectures_own():
    # spot checks against the kernel's tables (arch/x86/entry/syscalls, include/uapi/asm-generic)
    assert seccomp.numbers("x86_64")["io_uring_setup"] == 425 and seccomp.numbers("x86_64")["fork"] == 57
    assert seccomp.numbers("aarch64")["clone"] == 220 and "fork" not in seccomp.numbers("aarch64")


CHILD = """
import ctypes, errno, os, sys
from grader.sandboxed import seccomp
if sys.argv[1] == "filtered":
    seccomp.install(seccomp.worker_program(os.getpid()))
libc = ctypes.CDLL(None, use_errno=True)
params = ctypes.create_string_buffer(120)
fd = libc.syscall(seccomp.numbers(seccomp.native_arch())["io_uring_setup"], 4, params)
print(fd if fd >= 0 else -ctypes.get_errno())
"""


@pytest.mark.skipif(not seccomp.supported(), reason="no filter for this architecture")
def test_io_uring_setup_is_refused_in_a_filtered_child():
    def child(mode: str) -> int:
        done = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return int(done.stdout)

    assert child("filtered") == -errno.ENOSYS
    unfiltered = child("plain")
    if unfiltered < 0:
        pytest.skip(f"this kernel refuses io_uring itself ({os.strerror(-unfiltered)})")
