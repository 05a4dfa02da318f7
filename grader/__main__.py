"""``python -m grader``: the ``grade`` command, the one way to re-enter the CLI in a subprocess."""

from grader.launch import main

main()
