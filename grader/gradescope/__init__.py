"""torchgrade as a Gradescope autograder: the instructor's zip and the container's run, which
share only ``config``; its modules: docs/architecture.md; the zip and the container:
docs/instructors.md, "Gradescope"."""
