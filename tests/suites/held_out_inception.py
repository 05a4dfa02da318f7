"""Held-out set of the inception topic (grader/checks/held_out.py): GoogLeNetMini trained, as its
convergence check trains it, on every shipped digit, then scored on 600 digits the release never
held (held_out_inception.pt: drawn by tests/grader/record_held_out.py with a seed nobody keeps)."""

from grader.checks.held_out import HeldOut, trained_on_digits

KWARGS = {"in_channels": 1, "num_classes": 10, "input_size": 8}
HELD_OUT = {"GoogLeNetMini": HeldOut(trained_on_digits("GoogLeNetMini", KWARGS, 4, 0.003))}  # the suite's
