"""``grade engine status`` and ``grade engine stop``: the user's warm engines (grader/apps/engines.py),
and the check() engines of their notebooks' kernels, seen and stopped."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.base.i18n import _, ngettext

if TYPE_CHECKING:
    from grader.apps import engines


@click.group("engine")
def engine_group() -> None:
    """The warm engine that answers `grade FILE`, `grade next` and `grade watch`: see it, stop it."""


@engine_group.command("status")
def engine_status_command() -> None:
    """List your engines: this checkout's current one, stale ones, what each holds in memory."""
    import os

    from grader.apps import engines
    from grader.apps.daemon import engine_env, identity

    found, warming = engines.engines(dict(os.environ))
    key = identity(engine_env(dict(os.environ)))
    for engine in found:
        click.echo(_engine_line(engine, key))
    for lock in warming:
        click.echo(_("starting: %(lock)s") % {"lock": lock})
    for lock in engines.leftover_locks(dict(os.environ)):
        click.echo(_("left behind: %(path)s (`grade engine stop` removes it)") % {"path": lock})
    checking = engines.check_engines(dict(os.environ))
    for said in checking:
        click.echo(_check_engine_line(said))
    if not (found or warming or checking):
        click.echo(_("no engine runs: the next `grade FILE` on a terminal starts one"))


def _check_engine_line(said: dict) -> str:
    """A notebook's check() engine, one per kernel: it grades that notebook's check() only."""
    return _(
        "process %(pid)s, up %(age)s, %(mb)d MB: the check() engine of a notebook's kernel (process "
        "%(kernel)s); it ends with the kernel"
    ) % {
        "pid": said.get("pid"),
        "age": _age(said),
        "mb": int(said.get("rss", 0)) // 2**20,
        "kernel": said.get("kernel"),
    }


def _age(said: dict) -> str:
    minutes = max(0, int((time.time() - float(said.get("started", time.time()))) // 60))
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _engine_line(engine: engines.Engine, key: str) -> str:
    if not engine.alive:
        return _("left behind: %(path)s (`grade engine stop` removes it)") % {"path": engine.socket}
    hello = engine.hello
    if not engine.here():
        state = _("another checkout: %(checkout)s") % {"checkout": hello.get("checkout")}
    elif hello.get("identity") == key:
        state = _("this checkout's engine")
    else:
        state = _("stale: the grader, the suites, torch or the settings changed since it started")
    return _("process %(pid)s, up %(age)s, %(mb)d MB: %(state)s") % {
        "pid": hello.get("pid"),
        "age": _age(hello),
        "mb": int(hello.get("rss", 0)) // 2**20,
        "state": state,
    }


@engine_group.command("stop")
@click.option("--all", "every", is_flag=True, help="stop the engines of every checkout, not only this one's")
def engine_stop_command(every: bool) -> None:
    """Stop this checkout's engines (and remove what a killed one left: its socket, its lock).
    The next `grade FILE` grades in its own process and starts a fresh engine."""
    import os

    from grader.apps import engines

    env = dict(os.environ)
    found, warming = engines.engines(env)
    failed = _stop_served(found, every) + _stop_starting(warming, every)
    left = engines.leftover_locks(env)
    for lock in left:
        lock.unlink(missing_ok=True)
        click.echo(_("removed %(path)s, left by an engine that was killed") % {"path": lock})
    if not (found or warming or left):
        click.echo(_("no engine runs: nothing to stop"))
    sys.exit(1 if failed else 0)


def _stop_served(found: list[engines.Engine], every: bool) -> int:
    """Stop the serving engines (this checkout's, or ``every`` one), saying what was done to each,
    another checkout's left running included; how many did not stop."""
    from grader.apps import engines

    failed = 0
    for engine in found:
        pid = engine.hello.get("pid")
        if engine.alive and not (every or engine.here()):
            click.echo(
                _("left running: process %(pid)s of another checkout, %(checkout)s (`--all` stops it)")
                % {"pid": pid, "checkout": engine.hello.get("checkout")}
            )
        elif not engines.stop(engine):
            failed += 1
            click.echo(_("process %(pid)s did not stop") % {"pid": pid}, err=True)
        elif engine.alive:
            click.echo(_("stopped process %(pid)s") % {"pid": pid})
        else:
            click.echo(_("removed %(path)s, left by an engine that was killed") % {"path": engine.socket})
    return failed


def _stop_starting(warming: list[Path], every: bool) -> int:
    """Stop the engines still warming up (this checkout's, or ``every`` one); how many did not."""
    from grader.apps import engines

    failed = 0
    for lock in warming:
        pid = engines.starter(lock).get("pid", "?")
        if not (every or engines.starting_here(lock)):
            click.echo(
                _("left starting: process %(pid)s of another checkout (`--all` stops it)") % {"pid": pid}
            )
        elif engines.stop_starting(lock):
            click.echo(_("stopped process %(pid)s while it was starting") % {"pid": pid})
        else:
            failed += 1
            click.echo(
                _("an engine is still starting: run `grade engine stop` again in a few seconds"), err=True
            )
    return failed


COMMANDS = (engine_group,)
