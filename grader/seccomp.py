"""A seccomp filter that allows threads and refuses new processes (x86_64).

Root is not bound by RLIMIT_NPROC, so fork bombs are stopped here instead: ``fork`` and
``vfork`` fail with EAGAIN, ``clone3`` with ENOSYS (glibc then falls back to ``clone``),
and ``clone`` is allowed only with ``CLONE_THREAD``. Torch's own threads keep working.
bubblewrap installs the program just before it starts the worker (``--seccomp FD``).
"""

from __future__ import annotations

import errno
import platform
import struct

_LOAD_WORD, _JUMP_EQ, _JUMP_GE, _JUMP_SET, _RETURN = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _KILL, _ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
_AUDIT_ARCH_X86_64 = 0xC000003E
_X32_BIT = 0x40000000
_SYS_CLONE, _SYS_FORK, _SYS_VFORK, _SYS_CLONE3 = 56, 57, 58, 435
_CLONE_THREAD = 0x00010000
# Offsets into struct seccomp_data: nr at 0, arch at 4, args[0] (low word) at 16.
_NR, _ARCH, _ARG0 = 0, 4, 16


def _stmt(code: int, k: int) -> bytes:
    return struct.pack("HBBI", code, 0, 0, k)


def _jump(code: int, k: int, if_true: int, if_false: int) -> bytes:
    return struct.pack("HBBI", code, if_true, if_false, k)


def supported() -> bool:
    return platform.machine() == "x86_64"


def nofork_program() -> bytes:
    """The classic-BPF program (15 instructions) for ``bwrap --seccomp``."""
    return b"".join([
        _stmt(_LOAD_WORD, _ARCH),
        _jump(_JUMP_EQ, _AUDIT_ARCH_X86_64, 1, 0),
        _stmt(_RETURN, _KILL),
        _stmt(_LOAD_WORD, _NR),
        _jump(_JUMP_GE, _X32_BIT, 7, 0),            # x32 ABI numbers -> EAGAIN
        _jump(_JUMP_EQ, _SYS_FORK, 6, 0),           # -> EAGAIN
        _jump(_JUMP_EQ, _SYS_VFORK, 5, 0),          # -> EAGAIN
        _jump(_JUMP_EQ, _SYS_CLONE3, 6, 0),         # -> ENOSYS
        _jump(_JUMP_EQ, _SYS_CLONE, 1, 0),
        _stmt(_RETURN, _ALLOW),
        _stmt(_LOAD_WORD, _ARG0),
        _jump(_JUMP_SET, _CLONE_THREAD, 1, 0),
        _stmt(_RETURN, _ERRNO | errno.EAGAIN),
        _stmt(_RETURN, _ALLOW),
        _stmt(_RETURN, _ERRNO | errno.ENOSYS),
    ])
