"""``grade doctor``: one line per item, ok or problem, and the fix for each problem."""

from __future__ import annotations

import os

import pytest
import torch
from click.testing import CliRunner
from helpers import run_grade

from grader import cli
from grader.engine.worker import doctor, sandbox
from grader.engine.worker.doctor import Finding


@pytest.mark.e2e
def test_without_bubblewrap_on_the_path_doctor_names_the_install_and_exits_1():
    done = run_grade("doctor", env={"PATH": "/nonexistent"}, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("problem  bubblewrap"))
    assert "not installed" in lines[at] and "fix: apt-get install -y bubblewrap" in lines[at + 1]
    items = [line.split()[1] for line in lines if line.startswith(("ok", "problem"))]
    assert items == ["bubblewrap", "user", "seccomp", "policy", "torch", "CUDA", "memory", "engine"]


@pytest.mark.unit
@pytest.mark.parametrize(
    "how, fix",
    [
        (
            "bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap",
            "apt-get install -y bubblewrap",
        ),
        ("disabled by TORCHGRADE_NO_SANDBOX", "unset TORCHGRADE_NO_SANDBOX"),
        ("setpriv is missing, so a root worker could not drop privileges", "util-linux"),
        ("bubblewrap failed here: No permissions to creating new namespace", "user namespaces"),
    ],
)
def test_bubblewrap_problems_come_with_their_fix(monkeypatch, how, fix):
    monkeypatch.setattr(sandbox, "_bubblewrap_status", lambda: (False, how))
    finding = doctor.bubblewrap()
    assert not finding.ok and fix in finding.fix


@pytest.mark.unit
@pytest.mark.parametrize(
    "knobs, fix",
    [
        ({"kernel/unprivileged_userns_clone": "0"}, "sysctl -w kernel.unprivileged_userns_clone=1"),
        ({"user/max_user_namespaces": "0"}, "sysctl -w user.max_user_namespaces="),
        ({"kernel/apparmor_restrict_unprivileged_userns": "1"}, "apparmor_restrict_unprivileged_userns=0"),
    ],
)
def test_an_unprivileged_user_without_namespaces_is_told_the_sysctl(monkeypatch, knobs, fix):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(doctor, "sysctl", knobs.get)
    finding = doctor.user_namespaces()
    assert not finding.ok and fix in finding.fix
    monkeypatch.setattr(doctor, "sysctl", {"user/max_user_namespaces": "15000"}.get)
    assert doctor.user_namespaces().ok


@pytest.mark.unit
def test_a_gpu_with_the_cpu_build_of_torch_asks_for_the_cuda_build(monkeypatch):
    monkeypatch.setattr(sandbox, "gpu_present", lambda: True)
    monkeypatch.setattr(torch.version, "cuda", None)
    for finding in (doctor.torch_build(), doctor.cuda()):
        assert not finding.ok and "download.pytorch.org/whl/cu" in finding.fix


@pytest.mark.unit
def test_another_torch_release_is_told_the_pinned_one(monkeypatch):
    monkeypatch.setattr(sandbox, "gpu_present", lambda: False)
    monkeypatch.setattr(torch, "__version__", "2.12.1+cpu")
    finding = doctor.torch_build()
    assert not finding.ok and finding.fix.startswith("pip install torch==2.13.0")


@pytest.mark.unit
def test_too_little_free_memory_suggests_a_smaller_limit(monkeypatch):
    monkeypatch.setattr(doctor, "available_mb", lambda: 1500)
    finding = doctor.memory()
    assert not finding.ok and "1500 MB available" in finding.detail and "--memory 750 --jobs 1" in finding.fix
    monkeypatch.setattr(doctor, "available_mb", lambda: 64000)
    assert doctor.memory().ok


@pytest.mark.unit
def test_the_exit_status_says_whether_anything_needs_fixing(monkeypatch):
    good = Finding("torch", True, "2.13.0")
    bad = Finding("memory", False, "100 MB available", "close other programs")
    for checks, code in (((lambda: good,), 0), ((lambda: good, lambda: bad), 1)):
        monkeypatch.setattr(doctor, "CHECKS", checks)
        done = CliRunner().invoke(cli.main, ["doctor"])
        assert done.exit_code == code, done.output
    assert "problem  memory          100 MB available\n" in done.output
    assert "fix: close other programs" in done.output and "\x1b[" not in done.output
