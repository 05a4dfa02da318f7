"""Seccomp filters for workers (x86_64, aarch64), compiled from the declaration
(:mod:`grader.sandboxed.policy`) by libseccomp's own rule API: :func:`nofork_program` for a
fresh worker's start, :func:`worker_program` installed just before the submission's first line
(docs/sandbox.md, "The seal as declared").

A rule becomes ``seccomp_rule_add_array`` calls: one per combination of the values its arguments
may take (the caller's pid written in: the filter is built after the fork), and, where a refused
argument has its own errno, one more whose comparison always holds (``>= 0``; libseccomp tests an
argument's ``==`` before its ``>=``) or, for a flag, the flag's absence. A call the architecture
lacks (``fork`` on aarch64) is left out; ``seccomp_export_bpf`` hands back the program, which
:func:`install` loads (the bytes the tests read are the bytes loaded). libseccomp
(``libseccomp.so.2``) is loaded with ctypes; without it the filters are not :func:`supported`.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import itertools
import os
import platform
import re
import sys

from grader.sandboxed import policy

# The architectures the filters claim: their AUDIT_ARCH_* token (libseccomp's SCMP_ARCH_* too)
# and whether the x32 ABI shares it (x86_64: its calls, numbered from 0x40000000, are killed).
ARCHES = {"x86_64": (0xC000003E, True), "aarch64": (0xC00000B7, False)}
LOG_VARIABLE = "TORCHGRADE_SECCOMP_LOG"
_ALLOW, _LOG, _KILL_PROCESS, _ERRNO = 0x7FFF0000, 0x7FFC0000, 0x80000000, 0x00050000
_ACT_BADARCH = 2  # SCMP_FLTATR_ACT_BADARCH
_EQ, _GE, _MASKED_EQ = 4, 5, 7  # enum scmp_compare


class _Compare(ctypes.Structure):  # struct scmp_arg_cmp
    _fields_ = [
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    ]


_SIGNATURES = {  # name: (argtypes, restype)
    "seccomp_init": ([ctypes.c_uint32], ctypes.c_void_p),
    "seccomp_release": ([ctypes.c_void_p], None),
    "seccomp_arch_native": ([], ctypes.c_uint32),
    "seccomp_arch_add": ([ctypes.c_void_p, ctypes.c_uint32], ctypes.c_int),
    "seccomp_arch_remove": ([ctypes.c_void_p, ctypes.c_uint32], ctypes.c_int),
    "seccomp_attr_set": ([ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32], ctypes.c_int),
    "seccomp_syscall_priority": ([ctypes.c_void_p, ctypes.c_int, ctypes.c_uint8], ctypes.c_int),
    "seccomp_rule_add_array": (
        [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(_Compare)],
        ctypes.c_int,
    ),
    "seccomp_export_bpf": ([ctypes.c_void_p, ctypes.c_int], ctypes.c_int),
    "seccomp_syscall_resolve_name": ([ctypes.c_char_p], ctypes.c_int),
    "seccomp_syscall_resolve_name_arch": ([ctypes.c_uint32, ctypes.c_char_p], ctypes.c_int),
    "seccomp_syscall_resolve_num_arch": ([ctypes.c_uint32, ctypes.c_int], ctypes.c_char_p),
}


@functools.cache
def _libseccomp() -> ctypes.CDLL | None:
    try:
        library = ctypes.CDLL("libseccomp.so.2")
    except OSError:
        return None
    for name, (argtypes, restype) in _SIGNATURES.items():
        function = getattr(library, name)
        function.argtypes, function.restype = argtypes, restype
    return library


def _library() -> ctypes.CDLL:
    library = _libseccomp()
    if library is None:
        raise OSError("libseccomp (libseccomp.so.2) is not installed")
    return library


@functools.cache
def numbers(arch: str) -> dict[str, int]:
    """The filters' calls by name on ``arch``, numbered by libseccomp; a call the architecture
    does not have is absent."""
    resolve = _library().seccomp_syscall_resolve_name_arch
    names = {name for filter_ in policy.FILTERS for name in policy.calls(filter_)}
    found = {name: resolve(ARCHES[arch][0], name.encode()) for name in sorted(names)}
    return {name: nr for name, nr in found.items() if nr >= 0}  # negative: a pseudo-call, absent


def unknown_calls() -> list[str]:
    """The declaration's calls libseccomp cannot name on any architecture (a misspelling)."""
    resolve = _library().seccomp_syscall_resolve_name
    names = {name for filter_ in policy.FILTERS for name in policy.calls(filter_)}
    return sorted(name for name in names if resolve(name.encode()) == -1)  # __NR_SCMP_ERROR


def native_arch() -> str | None:
    """The running machine's architecture when the filters claim it."""
    machine = platform.machine()
    return machine if machine in ARCHES else None


def supported() -> bool:
    """Whether the filters can be built here: a claimed architecture, and libseccomp (loaded
    now, with the C library's handle, so that a process that forks children has them ready)."""
    if native_arch() is None or _libseccomp() is None:
        return False
    _libc()
    return True


def logging() -> bool:
    """Whether a call the allow-list lacks is let through and logged (a maintainer's mode)."""
    return bool(os.environ.get(LOG_VARIABLE))


def _action(verdict: str) -> int:
    return _ALLOW if verdict == policy.ALLOW else _ERRNO | getattr(errno, verdict)


def _comparisons(rule: policy.Rule, own_pid: int) -> list[list[_Compare]]:
    """One list of comparisons per allowed combination of the rule's argument values, then the
    catch-alls that give the other values ``rule.otherwise``."""

    def one(arg: policy.Arg, value: int) -> _Compare:
        value = own_pid if value == policy.PID else value
        return (
            _Compare(arg.index, _MASKED_EQ, value, value) if arg.bit else _Compare(arg.index, _EQ, value, 0)
        )

    choices = [[one(arg, v) for v in dict.fromkeys(arg.values)] for arg in rule.args]
    return [list(combination) for combination in itertools.product(*choices)]


def _otherwise(rule: policy.Rule, own_pid: int) -> list[list[_Compare]]:
    """Comparisons that hold where the rule's do not: at each argument, under each allowed
    value of those before it, the argument's flag absent or any value (``>= 0``)."""
    found = []
    for depth, arg in enumerate(rule.args):
        last = (
            _Compare(arg.index, _MASKED_EQ, arg.values[0], 0) if arg.bit else _Compare(arg.index, _GE, 0, 0)
        )
        prefixes = _comparisons(policy.Rule(rule.calls, rule.verdict, "", rule.args[:depth]), own_pid)
        found += [[*prefix, last] for prefix in prefixes]
    return found


def _add(library: ctypes.CDLL, context: int, action: int, name: str, compares: list[_Compare]) -> None:
    number = library.seccomp_syscall_resolve_name(name.encode())
    array = (_Compare * max(1, len(compares)))(*compares)
    done = library.seccomp_rule_add_array(context, action, number, len(compares), array)
    if done < 0 and done != -errno.EACCES:  # EACCES: the filter's default already says so
        raise OSError(-done, f"libseccomp refused the rule for {name}: {os.strerror(-done)}")


def _add_rule(library: ctypes.CDLL, context: int, rule: policy.Rule, own_pid: int, gpu: bool) -> None:
    for name in rule.calls:
        if gpu and rule.gpu:
            _add(library, context, _action(rule.gpu), name, [])
            continue
        for compares in _comparisons(rule, own_pid) if rule.args else [[]]:
            _add(library, context, _action(rule.verdict), name, compares)
        for compares in _otherwise(rule, own_pid) if rule.otherwise else []:
            _add(library, context, _action(rule.otherwise), name, compares)


def compile_filter(filter_: policy.Filter, arch: str, own_pid: int = 0, gpu: bool = False) -> bytes:
    """``filter_`` as a classic BPF program for ``arch`` (``own_pid``: the caller's pid)."""
    library = _library()
    default = _LOG if logging() and filter_.default != policy.ALLOW else _action(filter_.default)
    context = library.seccomp_init(default)
    if not context:
        raise OSError("libseccomp could not start a filter")
    try:
        native = library.seccomp_arch_native()
        if ARCHES[arch][0] != native:
            library.seccomp_arch_add(context, ARCHES[arch][0])
            library.seccomp_arch_remove(context, native)
        library.seccomp_attr_set(context, _ACT_BADARCH, _KILL_PROCESS)
        for rule in filter_.rules:
            _add_rule(library, context, rule, own_pid, gpu)
        for rank, name in enumerate(policy.calls(filter_)[:255]):  # the most frequent first
            library.seccomp_syscall_priority(
                context, library.seccomp_syscall_resolve_name(name.encode()), 255 - rank
            )
        return _export(library, context)
    finally:
        library.seccomp_release(context)


def _export(library: ctypes.CDLL, context: int) -> bytes:
    read_end, write_end = os.pipe()  # a program is at most 4096 instructions: 32 KiB, one pipe's fill
    try:
        done = library.seccomp_export_bpf(context, write_end)
        if done < 0:
            raise OSError(-done, "libseccomp could not export the filter")
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        return pipe.read()


def nofork_program(arch: str | None = None) -> bytes:
    """Threads yes, new processes no, no io_uring: for ``bwrap --seccomp`` around a fresh
    worker while Python and torch start (the worker seals itself before the submission runs)."""
    return compile_filter(policy.NOFORK, arch or _native())


def worker_program(own_pid: int, arch: str | None = None, gpu: bool = False) -> bytes:
    """The allow-list a worker installs before its submission runs: what the worker needs, and
    nothing two workers could both name. ``gpu``: any ``ioctl`` (the device driver's). Kept: a
    zygote compiles its children's once (each is pid 1 of a namespace of its own), by all it reads."""
    return _compiled(policy.WORKER, arch or _native(), own_pid, gpu, logging())


@functools.lru_cache(maxsize=8)
def _compiled(filter_: policy.Filter, arch: str, own_pid: int, gpu: bool, _logging: bool) -> bytes:
    return compile_filter(filter_, arch, own_pid, gpu)


def _native() -> str:
    arch = native_arch()
    if arch is None:
        raise OSError(f"no seccomp filter for {platform.machine()}")
    return arch


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def install(program: bytes) -> None:
    """Apply ``program`` to the calling thread (and its future threads) for good."""
    libc = _libc()
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.addressof(buffer))
    pr_set_no_new_privs, pr_set_seccomp, seccomp_mode_filter = 38, 22, 2
    zero = ctypes.c_ulong(0)
    if libc.prctl(pr_set_no_new_privs, ctypes.c_ulong(1), zero, zero, zero) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(pr_set_seccomp, ctypes.c_ulong(seccomp_mode_filter), ctypes.byref(fprog), zero, zero) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


_LOGGED = re.compile(r"type=1326\b.*?\barch=([0-9a-f]+) syscall=(\d+)\b.*?\bcode=0x7ffc0000")


def logged_calls(log: str) -> list[str]:
    """The calls the kernel's log (``dmesg``, ``journalctl -k``, audit.log) says a filter in
    logging mode let through, by name, each once."""
    library = _library()
    tokens = {token: arch for arch, (token, _) in ARCHES.items()}
    found: dict[str, None] = {}
    for token, number in _LOGGED.findall(log):
        arch = tokens.get(int(token, 16))
        name = library.seccomp_syscall_resolve_num_arch(ARCHES[arch][0], int(number)) if arch else None
        found[name.decode() if name else f"{token}:{number}"] = None
    return list(found)


if __name__ == "__main__":
    print("\n".join(logged_calls(sys.stdin.read())))
