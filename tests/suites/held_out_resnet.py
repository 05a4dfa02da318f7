"""Held-out set of the resnet topic (grader/checks/held_out.py): SmallResNet trained, as its
convergence check trains it, on every shipped digit, then scored on 600 digits the release never
held (held_out_resnet.pt: drawn by tests/grader/record_held_out.py with a seed nobody keeps)."""

from grader.checks.held_out import HeldOut, trained_on_digits

# suite_resnet.py's TRAIN_EPOCHS and TRAIN_LR
HELD_OUT = {
    "SmallResNet": HeldOut(trained_on_digits("SmallResNet", {"in_channels": 1, "num_classes": 10}, 9, 0.003))
}
