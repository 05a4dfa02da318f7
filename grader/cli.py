"""The ``grade`` command: its root group, the process (:func:`run`), and the commands of
grader/commands/ put together (each a thin Click layer over its package). ``grade PATH`` is
``grade check PATH``; exit statuses: docs/architecture.md, "Contract for machines".
"""

from __future__ import annotations

import os
import sys

import click
from click.core import ParameterSource

from grader.base.i18n import commands_of
from grader.commands import author, batch, course, engine, learner
from grader.commands.common import DefaultGroup, Graded, Invocation, lang_before_help, lang_option, usage_exit


def run() -> None:
    """The ``grade`` command as a process (``python -m grader`` and the ``grade`` script). After
    a grading (check, batch) it flushes the streams and leaves with ``os._exit`` (why, and why
    nothing is lost: docs/engine.md, "A grading process leaves without tearing down"); the only
    exit handlers registered then, multiprocessing's and logging's, have nothing to do."""
    from grader.apps.held_interrupt import hold
    from grader.apps.leaving import flush_streams
    from grader.base import i18n

    hold()  # a Ctrl-C before the command runs is raised where it can be handled (main, watch)
    i18n.refresh()  # this process's environment (the warm engine's child: its client's)
    i18n.localise_click(main)
    invocation = Invocation(sys.argv[1:])
    try:
        main(args=invocation.argv, prog_name="grade", obj=invocation)
    except Graded as done:
        start_engine = invocation.start_engine
        flush_streams()
        if start_engine:
            start_engine()
        os._exit(done.code if isinstance(done.code, int) else 1)
    except SystemExit as leaving:
        if leaving.code == 2:  # a usage error (a typo) leaves no engine: one would make the next wait
            from grader.apps import daemon

            daemon.stop_early()
        elif invocation.start_engine:
            invocation.start_engine()
        raise


def engine_command(argv: list[str]) -> str:
    """The subcommand ``grade ARGV`` would run, as Click resolves it (its options parsed, nothing
    run: the warm engine's check of a request); "" where it asks for its own process
    (``--no-daemon``)."""
    try:
        ctx = main.context_class(main, info_name="grade", resilient_parsing=True, **main.context_settings)
        with ctx.scope(cleanup=False):
            # the group's own options parsed into ctx, the rest (the command, then its arguments)
            # returned whole by Command.parse_args: Group.parse_args keeps the command's name in a
            # private attribute of the context for its invoke
            rest = click.Command.parse_args(main, ctx, main.routed(ctx, list(argv)))
        name, command, rest = main.resolve_command(ctx, rest)
        if name is None or command is None:
            return ""
        parsed = command.make_context(name, list(rest), parent=ctx, resilient_parsing=True)
    except click.ClickException:
        return ""
    # typed --no-daemon only: the client read the variable in its own environment (launch.py)
    typed = parsed.get_parameter_source("no_daemon") is ParameterSource.COMMANDLINE
    return "" if parsed.params.get("no_daemon") and typed else name


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="torchgrade")
def main() -> None:
    """Grade PyTorch exercises: `grade exercises/` or `grade losses.py`."""
    from grader.apps.held_interrupt import release
    from grader.apps.host import host_problem
    from grader.base.topics import install_problem

    if click.get_current_context().invoked_subcommand != "watch":  # watch releases it in its try
        release()

    if host_problem():
        usage_exit(host_problem())
    if install_problem():
        usage_exit(install_problem())


for _command in (*batch.COMMANDS, *course.COMMANDS, *learner.COMMANDS, *engine.COMMANDS, *author.COMMANDS):
    main.add_command(_command)

# --lang on the group, as its help lists it, and on every command (hidden: the group's help says
# it once), so that `grade losses.py --lang zh_CN` is parsed where it stands
main.params.insert(1, lang_option(hidden=False))
for _command in commands_of(main)[1:]:
    _command.params.insert(0, lang_option(hidden=True))
for _command in commands_of(main):
    lang_before_help(_command)
