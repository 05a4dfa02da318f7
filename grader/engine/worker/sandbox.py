"""How sandboxed processes are launched: bubblewrap when it works, plain rlimits otherwise.

The sandbox, declared in :mod:`grader.sandboxed.policy` (its binds, namespaces, limits and the
uid it drops to: docs/sandbox.md, "The sandbox and the threat model"), and its fallback without
bubblewrap, as root (uid 65534 with ``setpriv``, file permissions deciding what is read:
:func:`grader.gradescope.run.harden`; no network, pid or filesystem isolation, which
:func:`sandbox_status` says).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.base import defaults
from grader.base.i18n import N_
from grader.base.topics import REPO_ROOT
from grader.sandboxed import policy, seccomp

SANDBOX_SUBMISSION = policy.SUBMISSION
NOBODY = policy.NOBODY
DROP_TO_NOBODY = policy.DROP_TO_NOBODY
# A fresh worker without bwrap installs the no-fork filter itself before anything else runs.
NOFORK_WORKER = (
    "import runpy; from grader.sandboxed import seccomp; "
    "seccomp.install(seccomp.nofork_program()); "
    "runpy.run_module('grader.sandboxed.worker', run_name='__main__', alter_sys=True)"
)


@dataclass(frozen=True)
class Limits:
    """Per-worker resource limits (memory is RLIMIT_DATA: private writable memory)."""

    memory_mb: int = defaults.MEMORY_MB
    cpu_seconds: int = defaults.CPU_SECONDS
    file_size_mb: int = defaults.FILE_SIZE_MB
    threads: int = defaults.THREADS

    def as_args(self) -> list[str]:
        """The worker's options, one per declared limit (policy.LIMITS)."""
        args: list[str] = []
        for limit in policy.LIMITS:
            args += ["--" + limit.option.replace("_", "-"), str(getattr(self, limit.option))]
        return args


@dataclass
class Launch:
    """Everything ``subprocess.Popen`` needs to start one worker."""

    argv: list[str]
    env: dict[str, str]
    pass_fds: tuple[int, ...]
    submission_dir: str  # the staged submission as the worker sees it
    close_after_start: tuple[int, ...] = ()


def _parents(path: str, made: set[str]) -> list[str]:
    """``--perms 0755 --dir`` for every parent of ``path`` not made yet (bwrap would make them 0700)."""
    args: list[str] = []
    parts = Path(path).parts
    for depth in range(2, len(parts)):
        parent = str(Path(*parts[:depth]))
        if parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", parent]
    return args


def _python_prefixes() -> list[str]:
    prefixes = sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    kept: list[str] = []
    for prefix in prefixes:  # sorted: a nested prefix follows its parent
        if not any(prefix == k or prefix.startswith(k + os.sep) for k in kept):
            kept.append(prefix)
    return [prefix for prefix in kept if not prefix.startswith("/usr/")]


def _places(staged_dir: str | None) -> dict[str, list[str]]:
    """What the declaration's braces name on this machine (none: that mount is left out)."""
    datasets = REPO_ROOT / "datasets"
    return {
        "{python}": _python_prefixes(),
        "{grader}": [str(REPO_ROOT / "grader")],
        "{datasets}": [str(datasets)] if datasets.is_dir() else [],
        "{submission}": [staged_dir] if staged_dir else [],
        "/dev/nvidia*": [str(node) for node in sorted(Path("/dev").glob("nvidia*"))],
    }


def _mount_args(staged_dir: str | None, gpu: bool) -> list[str]:
    """bubblewrap's mount options for a sandbox, in the declaration's order (policy.MOUNTS)."""
    wanted = {"all", "gpu" if gpu else "", "zygote" if staged_dir is None else "fresh"}
    places, made = _places(staged_dir), {m.target for m in policy.MOUNTS}
    args: list[str] = []
    for mount in (m for m in policy.MOUNTS if m.who in wanted):
        for source in places.get(mount.source, [mount.source]):
            target = source if mount.target == mount.source else mount.target
            if mount.kind.endswith("bind"):
                args += _parents(target, made)
            args += ["--perms", mount.perms] if mount.perms else []
            args += ["--size", str(mount.size)] if mount.size else []
            args += [f"--{mount.kind}", *([source] if source else []), target]
    return args


def _bwrap_argv(staged_dir: str | None, gpu: bool, seccomp_fd: int | None) -> list[str]:
    """The declared sandbox (grader/sandboxed/policy.py) as bubblewrap's command line: a fresh
    worker's binds ``staged_dir``; the zygote's (``None``) binds no submission and is read-only
    everywhere, /tmp included: its children share it."""
    argv = ["bwrap", *_mount_args(staged_dir, gpu)]
    argv += [f"--unshare-{namespace}" for namespace in policy.NAMESPACES]
    argv += [f"--{flag}" for flag in policy.PROCESS]
    for name, value in [*policy.ENV, *_log_variable()]:
        argv += ["--setenv", name, value]
    argv += ["--chdir", policy.WORKDIR]
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    if os.geteuid() == 0:
        argv += DROP_TO_NOBODY
    else:
        argv[1:1] = ["--unshare-user"]
    return argv


def _log_variable() -> list[tuple[str, str]]:
    """The maintainers' seccomp logging switch, passed on to the workers where it is set."""
    value = os.environ.get(seccomp.LOG_VARIABLE)
    return [(seccomp.LOG_VARIABLE, value)] if value else []


def gpu_present() -> bool:
    """A guess that needs no torch import: does this machine show an NVIDIA device?"""
    return any(Path("/dev").glob("nvidia[0-9]*"))


@functools.lru_cache(maxsize=1)
def sandbox_status() -> tuple[bool, str]:
    """(bubblewrap usable, description); the description names the uid fallback where it applies."""
    usable, how = _bubblewrap_status()
    if usable or os.geteuid() != 0:
        return usable, how
    dropped, why_not = uid_fallback()
    if dropped:
        return False, f"uid {NOBODY}, no namespaces (bubblewrap unavailable: {how})"
    return False, f"{how}; workers run as root ({why_not})"


@functools.lru_cache(maxsize=1)
def uid_fallback() -> tuple[bool, str]:
    """(usable, why not): without bubblewrap, can root start workers as uid 65534?

    Tries it once per process: setpriv, then the worker's imports as that uid (the grader's
    folder and the Python installation must be readable by it)."""
    if _bubblewrap_status()[0] or os.geteuid() != 0 or sys.platform != "linux":
        return False, "only root without bubblewrap drops to another uid"
    if shutil.which("setpriv") is None:
        return False, "setpriv is missing"
    argv = [*DROP_TO_NOBODY, sys.executable, "-c", "import grader.sandboxed.worker"]
    try:
        done = subprocess.run(argv, env=_unsandboxed_env("/"), cwd="/", capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"setpriv could not start: {exc}"
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        return False, f"uid {NOBODY} cannot run the worker here: {reason[0]}"
    return True, ""


def _uid_drop() -> list[str]:
    """``setpriv`` to uid 65534 where the fallback applies, else nothing."""
    return list(DROP_TO_NOBODY) if uid_fallback()[0] else []


@functools.lru_cache(maxsize=1)
def _bubblewrap_status() -> tuple[bool, str]:
    """(usable, description) of bubblewrap. Tries the real command line once per process."""
    if os.environ.get("TORCHGRADE_NO_SANDBOX"):
        return False, N_("disabled by TORCHGRADE_NO_SANDBOX")
    if sys.platform != "linux":
        return False, f"bubblewrap needs Linux (this is {sys.platform})"
    if shutil.which("bwrap") is None:
        return False, N_("bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap")
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return False, N_("setpriv is missing, so a root worker could not drop privileges")
    probe_dir = str(REPO_ROOT / "grader")
    argv = _bwrap_argv(probe_dir, gpu=False, seccomp_fd=None) + [sys.executable, "-c", "pass"]
    try:
        done = subprocess.run(argv, env={"PATH": "/usr/bin:/bin"}, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap could not start: {exc}"
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        return False, f"bubblewrap failed here: {reason[0]}"
    return True, N_("bubblewrap + no-fork seccomp") if seccomp.supported() else "bubblewrap"


def _seccomp_pipe() -> int:
    read_end, write_end = os.pipe()
    os.write(write_end, seccomp.nofork_program())
    os.close(write_end)
    return read_end


WORKER = ("-m", "grader.sandboxed.worker")


def plan_launch(staged_dir: str, worker_args: list[str], results_fd: int, gpu: bool) -> Launch:
    """The command that starts a fresh worker (``python -m grader.sandboxed.worker``) for one staged submission."""
    usable, _ = sandbox_status()
    submission_dir = SANDBOX_SUBMISSION if usable else staged_dir
    given = ["--submission-dir", submission_dir, "--results-fd", str(results_fd), *worker_args]
    if usable:
        seccomp_fd = _seccomp_pipe() if seccomp.supported() else None
        extra = (seccomp_fd,) if seccomp_fd is not None else ()
        return Launch(
            argv=[*_bwrap_argv(staged_dir, gpu, seccomp_fd), sys.executable, *WORKER, *given],
            env={"PATH": "/usr/bin:/bin"},
            pass_fds=(results_fd, *extra),
            submission_dir=SANDBOX_SUBMISSION,
            close_after_start=extra,
        )
    drop = _uid_drop()
    entry = ["-c", NOFORK_WORKER] if drop and seccomp.supported() else WORKER
    return Launch(
        argv=[*drop, sys.executable, *entry, *given],
        env=_unsandboxed_env(staged_dir),
        pass_fds=(results_fd,),
        submission_dir=staged_dir,
    )


def _unsandboxed_env(home: str) -> dict[str, str]:
    """The declared environment (policy.ENV) with this machine's home and the checkout's path."""
    return {**dict(policy.ENV), "HOME": home, "PYTHONPATH": str(REPO_ROOT), **dict(_log_variable())}


def plan_zygote(control_fd: int, gpu: bool, without_sympy: bool = False) -> Launch:
    """The command that starts the zygote (:mod:`grader.sandboxed.zygote`), ``without_sympy``
    where no child will hand autograd a gradient (grader/engine/worker/sympy_need.py).

    Unlike a fresh worker's, its sandbox has no seccomp filter (it must fork); each child
    installs its own, stricter one before any submitted code runs.
    """
    command = [sys.executable, "-m", "grader.sandboxed.zygote", "--control-fd", str(control_fd)]
    command += ["--without-sympy"] if without_sympy else []
    command += ["--gpu"] if gpu else []
    # a machine with an NVIDIA GPU: autograd's first backward would count the GPUs (first_use.warm_up)
    command += ["--without-backward"] if gpu_present() else []
    usable, _ = sandbox_status()
    if usable:
        return Launch(
            argv=_bwrap_argv(None, gpu, None) + command,
            env={"PATH": "/usr/bin:/bin"},
            pass_fds=(control_fd,),
            submission_dir=SANDBOX_SUBMISSION,
        )
    return Launch(
        argv=[*_uid_drop(), *command],
        env=_unsandboxed_env("/nonexistent"),
        pass_fds=(control_fd,),
        submission_dir=SANDBOX_SUBMISSION,
    )
