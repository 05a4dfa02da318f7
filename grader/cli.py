"""The ``grade`` command: a thin Click layer over :mod:`grader.runner`.

``grade PATH`` grades one submission (the default command, ``grade check PATH`` in full).
Exit status: 0 full score, 1 graded but not full, 2 unusable input (DESIGN.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader import report as render
from grader.runner import DEFAULT_TIMEOUT, SuiteCrash, UsageProblem, grade


class DefaultGroup(click.Group):
    """A group whose first argument, when not a subcommand, goes to ``check``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


def _usage_exit(message: str) -> None:
    click.echo(f"grade: {message}", err=True)
    sys.exit(2)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="torchgrade")
def main() -> None:
    """Grade PyTorch exercises: `grade exercises/` or `grade losses.py`."""


@main.command("check")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--topic", "topics", multiple=True, help="grade only this topic (repeatable)")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
              help="seconds each probe of submitted code may run")
@click.option("--memory", "memory_mb", type=click.IntRange(min=512), default=4096, show_default=True,
              help="memory limit per worker, MB")
def check_command(path: Path, topics: tuple[str, ...], fmt: str, device: str, timeout: float,
                  memory_mb: int) -> None:
    """Grade PATH: a folder shaped like exercises/, or one topic's .py file."""
    try:
        result = grade(path, topics, device=device, timeout=timeout, memory_mb=memory_mb)
    except UsageProblem as exc:
        _usage_exit(str(exc))
    except SuiteCrash as exc:
        click.echo(f"grade: internal error in a suite: {exc}", err=True)
        sys.exit(3)
    click.echo(render.to_json(result) if fmt == "json" else render.to_table(result, str(path)))
    sys.exit(result.exit_code)
