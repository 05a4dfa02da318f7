"""Held-out set of the cnn topic (grader/checks/held_out.py): SimpleCNN trained, as its
convergence check trains it, on every shipped digit, then scored on 600 digits the release never
held (held_out_cnn.pt: drawn by tests/grader/record_held_out.py with a seed nobody keeps)."""

from grader.checks import load_digits, probes
from grader.checks.held_out import HeldOut

EPOCHS, LR, SEED = 12, 0.01, 0  # suite_cnn.py's TRAIN_EPOCHS and rate


def predict_simple_cnn(session, inputs):
    x, y = load_digits()
    kwargs = {"num_classes": 10, "in_channels": 1}
    images = inputs.float() / 16  # pixels 0-16 as load_digits scales them
    scores, _ = session.run(probes.train_classifier, "SimpleCNN", (), kwargs, x, y, images, SEED, EPOCHS, LR)
    return scores


HELD_OUT = {"SimpleCNN": HeldOut(predict_simple_cnn, metric="accuracy", order="desc")}
