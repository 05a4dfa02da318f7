"""Held-out set of the cnn topic (grader/checks/held_out.py): SimpleCNN trained, as its
convergence check trains it, on every shipped digit, then scored on 600 digits the release never
held (held_out_cnn.pt: drawn by tests/grader/record_held_out.py with a seed nobody keeps)."""

from grader.checks.held_out import HeldOut, trained_on_digits

# suite_cnn.py's TRAIN_EPOCHS and rate
HELD_OUT = {
    "SimpleCNN": HeldOut(trained_on_digits("SimpleCNN", {"num_classes": 10, "in_channels": 1}, 12, 0.01))
}
