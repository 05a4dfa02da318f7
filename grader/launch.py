"""The ``grade`` process's first step (the ``grade`` script, ``python -m grader``): the arguments go
as typed to the learner's warm engine, before Click and the commands are imported (most of a warm
answer's time was the client's own imports), which decides by Click whether it runs them; where
none answers or it declines, :func:`grader.cli.run` parses and runs the command here."""

from __future__ import annotations

import os
import sys


def main() -> None:
    from grader.apps import first_sign

    first_sign.show(sys.argv[1:])  # the imports below take seconds on a loaded machine: never silent
    from grader.apps.held_interrupt import hold

    hold()  # a Ctrl-C before a command runs: raised where it can be handled (cli.run, watch)
    if any(arg == "--course" or arg.startswith("--course=") for arg in sys.argv[1:]):
        from grader.base.packs import course_packs  # its packs, before the manifest is read

        course_packs(sys.argv[1:])
    from grader.apps import daemon

    if not daemon.declined(os.environ) and daemon.supported():
        status = daemon.ask_engine(sys.argv[1:])
        if status is not None:
            _leave(status)
        daemon.start_early(sys.argv[1:])
    from grader.cli import run

    run()


def _leave(status: int) -> None:
    """Exit with the engine's ``status`` without the interpreter's shutdown (a tenth of a warm
    answer's time): this process wrote nothing but what it flushes here, and started nothing."""
    from grader.apps import first_sign
    from grader.apps.leaving import flush_streams

    first_sign.stop()
    flush_streams()
    os._exit(status)
