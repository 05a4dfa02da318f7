"""Held-out sets of the mlp topic (grader/checks/held_out.py): DiabetesNet(7) trained, as its
convergence check trains it, on every shipped row of the diabetes table, then scored on 200 rows
the release never held; MLP([64, 32, 10]) trained on every shipped digit (Adam, the suite's 8
epochs and rate), then scored on 600 digits the release never held (held_out_mlp.pt: drawn by
tests/grader/record_held_out.py with a seed nobody keeps)."""

import torch
import torch.nn.functional as F

from grader.checks import load_diabetes
from grader.checks.held_out import HeldOut, trained_on_digits
from grader.sandboxed import probe_kit as kit  # the probes' `kit` in the worker

STEPS, LR, SEED = 150, 0.05, 0  # suite_mlp.py's DIABETES_STEPS and rate


def probe_held_out_diabetes(mod, x_train, y_train, x_test, seed, steps, lr):
    kit.manual_seed(seed)
    model = mod.DiabetesNet(x_train.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = F.binary_cross_entropy(model(x_train), y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        return model(x_test)


def predict_diabetes_net(session, inputs):
    x, y = load_diabetes()
    return session.run(probe_held_out_diabetes, x, y, inputs, SEED, STEPS, LR)


HELD_OUT = {
    "DiabetesNet": HeldOut(predict_diabetes_net, metric="accuracy", order="desc"),
    "MLP": HeldOut(trained_on_digits("MLP", {"sizes": [64, 32, 10]}, 8, 0.01)),
}
