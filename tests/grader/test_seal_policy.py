"""The seal's one declaration (grader/sandboxed/policy.py) is what enforces and describes it: a
rule added there reaches the seccomp filter, bubblewrap's command line, ``grade doctor`` and
docs/sandbox.md's tables, and the docs' tables are the declaration's (the hand-written table once
said ``setitimer`` was not listed while the filter allowed it)."""

from __future__ import annotations

import dataclasses
import errno

import pytest
from test_seccomp import ALLOW, ERRNO, OWN, verdict

from grader import keys_docs
from grader.authoring import seal_docs
from grader.engine.worker import doctor, sandbox
from grader.sandboxed import policy, seccomp

pytestmark = pytest.mark.unit
ARCH = seccomp.native_arch() or "x86_64"


def test_the_docs_tables_are_the_declarations():
    page = keys_docs.DOCS / "sandbox.md"
    assert keys_docs.pages()[page] == page.read_text(encoding="utf-8"), (
        "docs/sandbox.md's seal tables are stale: run python -m grader.keys_docs"
    )
    assert seal_docs.table() in page.read_text(encoding="utf-8")
    assert "| `setitimer`, `getitimer`, `alarm` | allowed |" in seal_docs.table()


def _declare(monkeypatch, rule: policy.Rule) -> None:
    worker = dataclasses.replace(policy.WORKER, rules=(*policy.WORKER.rules, rule))
    monkeypatch.setattr(policy, "WORKER", worker)
    monkeypatch.setattr(policy, "FILTERS", (policy.NOFORK, worker))


@pytest.mark.skipif(seccomp._libseccomp() is None, reason="libseccomp is not installed")
def test_a_call_added_to_the_declaration_reaches_the_filter_doctor_and_the_docs(monkeypatch):
    calls = sum(len(policy.calls(f)) for f in policy.FILTERS)
    assert verdict(ARCH, seccomp.worker_program(OWN, ARCH), "sysinfo") == ERRNO | errno.ENOSYS
    assert "`sysinfo`" not in seal_docs.table()
    _declare(
        monkeypatch, policy.Rule(("sysinfo",), policy.ALLOW, "a test's", (policy.Arg(0, (0,)),), "EPERM")
    )
    program = seccomp.worker_program(OWN, ARCH)
    assert verdict(ARCH, program, "sysinfo", 0) == ALLOW
    assert verdict(ARCH, program, "sysinfo", 8) == ERRNO | errno.EPERM
    assert "| `sysinfo` | allowed | arg 0 ∈ {0} | EPERM | a test's |" in seal_docs.table()
    if seccomp.supported():
        finding = doctor.seal_policy()
        assert finding.ok and f"{calls + 1} calls" in finding.detail, finding
        _declare(monkeypatch, policy.Rule(("sysinfoo",), policy.ALLOW, "a misspelling"))
        finding = doctor.seal_policy()
        assert not finding.ok and "sysinfoo" in finding.detail, finding


def test_a_mount_added_to_the_declaration_reaches_the_argv_doctor_and_the_docs(monkeypatch):
    mount = policy.Mount("ro-bind", "/opt/extra", "/nonexistent-extra", why="a test's")
    assert "/opt/extra" not in sandbox._bwrap_argv("/tmp", gpu=False, seccomp_fd=None)
    monkeypatch.setattr(policy, "MOUNTS", (*policy.MOUNTS, mount))
    argv = sandbox._bwrap_argv("/tmp", gpu=False, seccomp_fd=None)
    at = argv.index("/opt/extra")
    assert argv[at - 2 : at + 1] == ["--ro-bind", "/nonexistent-extra", "/opt/extra"]
    assert "| `--ro-bind` | `/nonexistent-extra` | `/opt/extra` | all | a test's |" in seal_docs.table()
    finding = doctor.seal_policy()
    assert not finding.ok and "/nonexistent-extra is missing" in finding.detail, finding


def test_doctor_reports_the_logging_mode_as_a_problem(monkeypatch):
    monkeypatch.setenv(seccomp.LOG_VARIABLE, "1")
    finding = doctor.seal_policy()
    assert not finding.ok and "python -m grader.sandboxed.seccomp" in finding.fix, finding
    assert (seccomp.LOG_VARIABLE, "1") in sandbox._unsandboxed_env("/").items()
    argv = sandbox._bwrap_argv(None, gpu=False, seccomp_fd=None)
    at = argv.index(seccomp.LOG_VARIABLE)
    assert argv[at - 1 : at + 2] == ["--setenv", seccomp.LOG_VARIABLE, "1"]
