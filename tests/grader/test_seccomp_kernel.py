"""The filters asked of the kernel itself, as bubblewrap's try-syscall asks it: each call made for
real inside a filter, with a bad descriptor, a null pointer or flags the kernel rejects, so that
an allowed call reaches the kernel (which answers EBADF, EINVAL, ESRCH...) and a refused one
never does (the filter's errno). The same calls in an unfiltered child get the kernel's own
answers: without the filter nothing refuses them (the defence seen missing).

Also the maintainers' logging mode (``TORCHGRADE_SECCOMP_LOG``): a call the allow-list lacks is
let through (and logged), and the kernel's log lines are named back."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import pytest

from grader.sandboxed import seccomp

pytestmark = pytest.mark.skipif(not seccomp.supported(), reason="no seccomp filter for this machine")
CLONE_SIGHAND, CLONE_THREAD = 0x00000800, 0x00010000
CHILD = """
import ctypes, json, os, sys
from grader.sandboxed import seccomp
library, libc = seccomp._libseccomp(), ctypes.CDLL(None, use_errno=True)
cases = json.loads(sys.argv[2])
if sys.argv[1] == "worker":
    seccomp.install(seccomp.worker_program(os.getpid()))
elif sys.argv[1] == "nofork":
    seccomp.install(seccomp.nofork_program())
answers = {}
for case, (name, *args) in cases.items():
    args = [os.getpid() if a == "self" else a for a in args]
    ctypes.set_errno(0)
    done = libc.syscall(library.seccomp_syscall_resolve_name(name.encode()), *map(ctypes.c_long, args))
    answers[case] = done if done >= 0 else -ctypes.get_errno()
print(json.dumps(answers))
"""
FAR_PID = 0x3FFFFFF0  # no such process
# case: (call, arguments), then what the kernel answers, then what the worker's filter answers
WORKER_CASES = {
    "read, a bad descriptor": (("read", -1, 0, 0), errno.EBADF, errno.EBADF),
    "flock (not listed)": (("flock", -1, 1), errno.EBADF, errno.ENOSYS),
    "fcntl F_GETFD": (("fcntl", -1, 1), errno.EBADF, errno.EBADF),
    "fcntl F_SETLK": (("fcntl", -1, 6, 0), errno.EBADF, errno.EPERM),
    "ioctl TCGETS": (("ioctl", -1, 0x5401, 0), errno.EBADF, errno.EBADF),
    "ioctl TIOCSTI": (("ioctl", -1, 0x5412, 0), errno.EBADF, errno.ENOTTY),
    "kill, another pid": (("kill", FAR_PID, 0), errno.ESRCH, errno.EPERM),
    "prlimit64, another pid": (("prlimit64", FAR_PID, 0, 0, 0), errno.ESRCH, errno.EPERM),
    "madvise PAGEOUT": (("madvise", 1, 4096, 21), errno.EINVAL, errno.EPERM),
    "madvise DONTNEED": (("madvise", 1, 4096, 4), errno.EINVAL, errno.EINVAL),
    "io_uring_setup": (("io_uring_setup", 0, 0), None, errno.ENOSYS),
    "clone, a thread": (("clone", CLONE_THREAD, 0, 0, 0, 0), errno.EINVAL, errno.EAGAIN),
}
NOFORK_CASES = {
    "clone, a thread": (("clone", CLONE_THREAD, 0, 0, 0, 0), errno.EINVAL, errno.EINVAL),
    "clone, a process": (("clone", CLONE_SIGHAND, 0, 0, 0, 0), errno.EINVAL, errno.EAGAIN),
    "io_uring_setup": (("io_uring_setup", 0, 0), None, errno.ENOSYS),
    "flock": (("flock", -1, 1), errno.EBADF, errno.EBADF),
}


def child(mode: str, cases: dict, env: dict[str, str] | None = None) -> dict[str, int]:
    calls = json.dumps({case: call for case, (call, *_) in cases.items()})
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, calls],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    return {case: -answer for case, answer in json.loads(done.stdout).items()}


@pytest.mark.engine  # engine: the tests that start Pythons (the unit tier's CPU budget)
@pytest.mark.parametrize("mode, cases", [("worker", WORKER_CASES), ("nofork", NOFORK_CASES)])
def test_the_kernel_answers_allowed_calls_and_the_filter_refused_ones(mode, cases):
    bare, filtered = child("none", cases), child(mode, cases)
    for case, (_, kernel, verdict) in cases.items():
        if kernel is not None:  # io_uring: whatever this kernel allows
            assert bare[case] == kernel, (case, os.strerror(bare[case]))
        assert filtered[case] == verdict, (case, os.strerror(filtered[case]))


@pytest.mark.engine
def test_the_logging_mode_lets_an_unlisted_call_through():
    cases = {case: WORKER_CASES[case] for case in ("flock (not listed)", "fcntl F_SETLK")}
    found = child("worker", cases, {seccomp.LOG_VARIABLE: "1"})
    assert found == {"flock (not listed)": errno.EBADF, "fcntl F_SETLK": errno.EPERM}  # refusals stay


@pytest.mark.unit
def test_the_kernels_log_is_named_back():
    log = (
        "[1.5] audit: type=1326 audit(1.5:7): auid=4294967295 uid=65534 gid=65534 ses=4294967295 "
        'subj=unconfined pid=12 comm="python" exe="/usr/bin/python3.11" sig=0 arch=c000003e '
        "syscall=73 compat=0 ip=0x7f code=0x7ffc0000\n"
        "[1.6] audit: type=1326 audit(1.6:8): pid=12 arch=c00000b7 syscall=32 compat=0 ip=0x1 code=0x7ffc0000\n"
        "[1.7] audit: type=1326 audit(1.7:9): pid=12 arch=c000003e syscall=73 compat=0 ip=0x7f code=0x50026\n"
    )
    assert seccomp.logged_calls(log) == ["flock"]  # x86_64's 73 and aarch64's 32; a refusal is not
