"""``grade doctor``: why the sandbox, the engine or CUDA is off on this machine, and the fix; each
finding from the fact's one home, as docs/architecture.md's ``grade doctor`` says, and the seal's
declaration (:mod:`grader.sandboxed.policy`: the paths it binds, the calls it names, the kernel's
seccomp actions)."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from grader.base import defaults
from grader.base.i18n import N_, _, columns
from grader.engine.worker import sandbox, workers
from grader.sandboxed import policy, seccomp

TORCH_PIN = "2.13"  # the minor release pyproject.toml pins torch to
CPU_TORCH = f"pip install torch=={TORCH_PIN}.0"
CUDA_TORCH = f"pip install torch=={TORCH_PIN}.0 --index-url https://download.pytorch.org/whl/cuXXX"
CUDA_NOTE = N_("(the CUDA version your driver supports: https://pytorch.org/get-started/locally/)")
# sysctl knobs that stop an unprivileged user from creating the namespaces bubblewrap needs,
# with the value that does, and the fix
USERNS_KNOBS = (
    ("kernel/unprivileged_userns_clone", "0", "sysctl -w kernel.unprivileged_userns_clone=1"),
    ("user/max_user_namespaces", "0", "sysctl -w user.max_user_namespaces=15000"),
    (
        "kernel/apparmor_restrict_unprivileged_userns",
        "1",
        N_(
            "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 "
            "(or an AppArmor profile that allows userns for /usr/bin/bwrap)"
        ),
    ),
)


@dataclass(frozen=True)
class Finding:
    item: str
    ok: bool
    detail: str
    fix: str = ""  # what to run or change; empty when ok or when nothing here can fix it


def sysctl(name: str) -> str | None:
    """``/proc/sys/<name>``, or None where this kernel has no such knob."""
    try:
        return Path("/proc/sys", name).read_text().strip()
    except OSError:
        return None


# What sandbox.py says of bubblewrap, where it quotes the machine or the tool: (its start, in words)
HOW = (
    ("bubblewrap failed here: ", N_("bubblewrap failed here: %(said)s")),
    ("bubblewrap could not start: ", N_("bubblewrap could not start: %(said)s")),
    ("bubblewrap needs Linux (this is ", N_("bubblewrap needs Linux (this is %(said)s")),
)


def _how(how: str) -> str:
    """sandbox.py's account of bubblewrap in the learner's language, what it quotes as it is."""
    for start, words in HOW:
        if how.startswith(start):
            return _(words) % {"said": how.removeprefix(start)}
    return _(how)


# What bubblewrap's account says, and its fix; any other account's fix is the namespaces' line
BUBBLEWRAP_FIXES = (
    ("not installed", N_("apt-get install -y bubblewrap (Debian/Ubuntu)")),
    ("setpriv", N_("apt-get install -y util-linux (it provides setpriv)")),
    ("TORCHGRADE_NO_SANDBOX", "unset TORCHGRADE_NO_SANDBOX"),
    (
        "needs Linux",
        N_(
            "grade on Linux for the sandbox: on Windows in WSL 2 (it is Linux: install bubblewrap "
            "there), on macOS in a Linux VM or container"
        ),
    ),
)


def bubblewrap() -> Finding:
    usable, found = sandbox._bubblewrap_status()
    how = _how(found)
    if usable:
        return Finding("bubblewrap", True, how)
    fix = next(
        (fix for said, fix in BUBBLEWRAP_FIXES if said in found),
        N_("see the user namespaces line; inside a container, allow namespaces"),
    )
    return Finding("bubblewrap", False, N_("not installed") if "not installed" in found else how, fix)


NO_SANDBOX = N_(
    "running without the sandbox: your code is limited in time and memory but not isolated; "
    "fine for your own code, not for grading others'"
)


def no_sandbox_note(uid_dropped: bool, remote_reason: str | None = None) -> str:
    """The report's one plain sentence when submitted code ran unsandboxed, with why and the
    fix (``remote_reason``: why another machine had none; its fix is that machine's)."""
    if remote_reason is not None:
        return _(NO_SANDBOX) + _(" (on the grading machine: %(reason)s)") % {"reason": remote_reason}
    finding = bubblewrap()
    as_whom = _(" (it ran as an unprivileged uid)") if uid_dropped else ""
    why = {"item": finding.item, "detail": _(finding.detail), "fix": _(finding.fix)}
    return _(NO_SANDBOX) + as_whom + _(". Why: %(item)s: %(detail)s. Fix: %(fix)s; then `grade doctor`") % why


def user_namespaces() -> Finding:
    if os.geteuid() == 0:
        return Finding(
            N_("user namespaces"), True, N_("not needed: running as root, bubblewrap uses its own")
        )
    for knob, blocking, fix in USERNS_KNOBS:
        if sysctl(knob) == blocking:
            return Finding(
                item=N_("user namespaces"), ok=False, detail=f"{knob.replace('/', '.')} = {blocking}", fix=fix
            )
    return Finding(N_("user namespaces"), True, N_("allowed for unprivileged users"))


def seccomp_architecture() -> Finding:
    machine = platform.machine()
    if seccomp.supported():
        return Finding(
            "seccomp", True, _("%(machine)s: the no-fork and isolation filters apply") % {"machine": machine}
        )
    if seccomp.native_arch() is not None:
        return Finding(
            "seccomp",
            False,
            _(
                "%(machine)s: libseccomp (libseccomp.so.2), which numbers the filters' calls, is missing, "
                "so only the uid drop and RLIMIT_NPROC limit processes here"
            )
            % {"machine": machine},
            fix="apt-get install libseccomp2",
        )
    return Finding(
        "seccomp",
        True,
        _(
            "%(machine)s: the filters are written for %(arches)s, so only the uid drop "
            "and RLIMIT_NPROC limit processes here (grade on one of those for the full seal)"
        )
        % {"machine": machine, "arches": " and ".join(seccomp.ARCHES)},
    )


SECCOMP_ACTIONS = Path("/proc/sys/kernel/seccomp/actions_avail")


def policy_problems() -> list[str]:
    """What on this machine disagrees with the seal's declaration (grader/sandboxed/policy.py):
    a bound path missing, a declared call libseccomp cannot name, a verdict the kernel lacks."""
    problems = [
        _("%(path)s is missing") % {"path": mount.source}
        for mount in policy.MOUNTS
        if mount.kind.endswith("bind") and mount.who != "gpu" and mount.source.startswith("/")
        if not Path(mount.source).exists()
    ]
    if not seccomp.supported():
        return problems  # the seccomp line says why
    if unknown := seccomp.unknown_calls():
        problems.append(_("libseccomp cannot name %(calls)s") % {"calls": ", ".join(unknown)})
    wanted = {"allow", "errno", "kill_process"} | ({"log"} if seccomp.logging() else set())
    available = set(SECCOMP_ACTIONS.read_text().split()) if SECCOMP_ACTIONS.exists() else wanted
    if missing := sorted(wanted - available):
        problems.append(
            _("the kernel lacks the seccomp actions %(actions)s") % {"actions": ", ".join(missing)}
        )
    return problems


def seal_policy() -> Finding:
    """The machine against the seal's declaration; the maintainers' logging mode is a problem."""
    if problems := policy_problems():
        fix = N_("fix the machine, or grader/sandboxed/policy.py where it names what no machine has")
        return Finding(N_("policy"), False, "; ".join(problems), fix=fix)
    if seccomp.logging():
        return Finding(
            N_("policy"),
            False,
            N_("TORCHGRADE_SECCOMP_LOG is set: calls the allow-list lacks are let through and logged"),
            fix=N_(
                "dmesg | python -m grader.sandboxed.seccomp names them; then unset TORCHGRADE_SECCOMP_LOG"
            ),
        )
    calls = sum(len(policy.calls(filter_)) for filter_ in policy.FILTERS)
    return Finding(
        N_("policy"),
        True,
        _("as declared: %(calls)d calls in %(filters)d filters, %(mounts)d mounts, %(names)d namespaces")
        % {
            "calls": calls,
            "filters": len(policy.FILTERS),
            "mounts": len(policy.MOUNTS),
            "names": len(policy.NAMESPACES),
        },
    )


def torch_build() -> Finding:
    try:
        import torch
    except ImportError:
        return Finding(item="torch", ok=False, detail=N_("not installed"), fix=CPU_TORCH + " (CPU)")
    build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "CPU"
    detail = _("%(version)s (%(build)s build)") % {"version": torch.__version__, "build": build}
    if not torch.__version__.startswith(TORCH_PIN + "."):
        return Finding(
            item="torch",
            ok=False,
            detail=_("%(torch)s; the suites are calibrated on %(pin)s") % {"torch": detail, "pin": TORCH_PIN},
            fix=CPU_TORCH + " (CPU)",
        )
    if sandbox.gpu_present() and not torch.version.cuda:
        return Finding(
            item="torch",
            ok=False,
            detail=_("%(torch)s, but this machine has an NVIDIA GPU") % {"torch": detail},
            fix=f"{CUDA_TORCH} {_(CUDA_NOTE)}",
        )
    return Finding("torch", True, detail)


def cuda() -> Finding:
    if not sandbox.gpu_present():
        return Finding("CUDA", True, N_("no NVIDIA GPU: CUDA checks are skipped and do not count"))
    try:
        import torch
    except ImportError:
        return Finding(
            item="CUDA", ok=False, detail=N_("a GPU, but no torch"), fix=f"{CUDA_TORCH} {_(CUDA_NOTE)}"
        )
    if not torch.cuda.is_available():
        fix = (
            f"{CUDA_TORCH} {_(CUDA_NOTE)}"
            if not torch.version.cuda
            else N_("install or update the NVIDIA driver (nvidia-smi must work)")
        )
        return Finding(item="CUDA", ok=False, detail=N_("a GPU, but torch cannot use it"), fix=fix)
    return Finding("CUDA", True, _("%(gpu)s: CUDA checks run") % {"gpu": torch.cuda.get_device_name(0)})


def available_mb() -> int | None:
    """MemAvailable from /proc/meminfo, in MB; None where there is none."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def memory() -> Finding:
    free = available_mb()
    if free is None:
        return Finding(N_("memory"), True, N_("unknown here (no /proc/meminfo)"))
    detail = _("%(free)d MB available; a worker may use up to %(limit)d MB") % {
        "free": free,
        "limit": defaults.MEMORY_MB,
    }
    if free < defaults.MEMORY_MB:
        return Finding(
            item=N_("memory"),
            ok=False,
            detail=detail,
            fix=_("close other programs, or grade with --memory %(mb)d --jobs 1")
            % {"mb": max(512, free // 2)},
        )
    return Finding(N_("memory"), True, detail)


def engine() -> Finding:
    """Starts this process's zygote: the real test of the sandbox, as grading would run it."""
    server = workers.fork_server(gpu=False)
    if server is None:
        problem = workers.engine_problem()
        detail = _("%(problem)s: each worker starts a fresh Python (~2 s each)") % {
            "problem": problem or _("the zygote could not start")
        }
        if workers.NO_SEQPACKET in problem:  # nothing here to fix: this system has none
            return Finding(N_("engine"), True, detail)
        fix = (
            "unset TORCHGRADE_FRESH_WORKERS"
            if os.environ.get("TORCHGRADE_FRESH_WORKERS")
            else N_(
                "fix the lines above; if they are all ok, this is a torchgrade bug: report it with this output"
            )
        )
        return Finding(item=N_("engine"), ok=False, detail=detail, fix=fix)
    server.stop()
    return Finding(
        N_("engine"), True, _("the zygote starts (sandbox: %(how)s)") % {"how": sandbox.sandbox_status()[1]}
    )


CHECKS: tuple[Callable[[], Finding], ...] = (
    bubblewrap,
    user_namespaces,
    seccomp_architecture,
    seal_policy,
    torch_build,
    cuda,
    memory,
    engine,
)


def label(check: Callable[[], Finding]) -> str:
    """What a check looks at, for the line shown while it runs (``torch build``)."""
    return check.__name__.replace("_", " ")


def render(findings: list[Finding], colour: bool = False) -> str:
    """One line per finding (``ok`` or ``problem``), and under a problem its fix."""
    lines = []
    for finding in findings:
        word = _("ok") if finding.ok else _("problem")
        mark = word + " " * max(0, 7 - columns(word))
        if colour:
            mark = click.style(mark, fg="green" if finding.ok else "red", bold=not finding.ok)
        item = _(finding.item)
        lines.append(f"{mark}  {item}{' ' * max(1, 16 - columns(item))}{_(finding.detail)}")
        if finding.fix:
            lines.append(f"{'':<9}{'':<16}" + _("fix: ") + _(finding.fix))
    return "\n".join(lines)
