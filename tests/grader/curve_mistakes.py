"""The classic training mistakes, each as the reference solution with ONE edit: the corpus
``test_curves.py`` grades to hold that a failed convergence check names the curve's shape.

Each entry: (the edits to ``solutions/<topic>.py``, the shape named for each graded seed of the
topic's convergence check). The shapes were measured (``grade`` on each file), not chosen.

Where each classic mistake can occur, and what it does there:
- mlp: the learner writes ``train_epoch``, so every loop mistake is possible there: no
  ``zero_grad`` (gradients pile up: the loss climbs 1.5–2x), no ``step`` (flat), a maximised loss
  (climbs 10x in an epoch), inputs shuffled without their labels (flat), a learning rate set 100x
  (Adam lr 1.0: the loss jumps, then sits at chance level: flat on seed 0, diverged on seed 1).
  ``model.eval()`` never undone cannot fail a check here: MLP([64, 32, 10]) has no dropout or
  BatchNorm, so eval mode trains the same. An in-place ReLU after a Linear does not break autograd
  (``relu_`` and ``x[x < 0] = 0`` are tracked); done through ``.data`` it hides the ReLU from
  autograd, yet the MLP still reaches 97 %; a form that raises needs an op that saves its output
  (sigmoid, tanh) before it, which this MLP lacks; where it happens the check ends as ``error``
  with torch's message naming the in-place operation.
- cnn: the training loop is the probe's own (``grader.checks.probes.train_classifier``), so zero_grad,
  step, the loss's sign, the learning rate, shuffling and train/eval mode cannot go wrong in a
  submission. ``SimpleCNN`` can: a flatten that mixes samples across the batch (each sample's
  logits come from other samples' features: inputs out of step with labels, flat); a ReLU on the
  logits (slower than the reference). Measured but passing the check, so no failure to name: a
  ``.data`` in-place ReLU (94 %), a missing non-linearity (a linear model reaches 97–99 % on 8×8
  digits). Softmax probabilities fed to cross-entropy now fail it (79.3 % and 83.7 % on seeds 0
  and 1 against 85 %; "slower than the reference"), as "ReLU on the logits" does.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

MLP = {
    "no_zero_grad": ([("        optimizer.zero_grad()\n", "")], ("diverged", "diverged")),
    "no_step": ([("        optimizer.step()\n", "")], ("flat", "flat")),
    "maximised_loss": (
        [("loss = loss_fn(model(inputs), targets)", "loss = -loss_fn(model(inputs), targets)")],
        ("diverged", "diverged"),
    ),
    "inputs_shuffled_without_labels": (
        [
            (
                "inputs, targets = inputs.to(device), targets.to(device)\n",
                "inputs, targets = inputs.to(device), targets.to(device)\n"
                "        inputs = inputs[torch.randperm(len(inputs))]\n",
            )
        ],
        ("flat", "flat"),
    ),
    "lr_times_100": (
        [
            (
                "    model.train()\n    total, count",
                '    model.train()\n    optimizer.param_groups[0]["lr"] = 1.0\n    total, count',
            )
        ],
        ("flat", "diverged"),
    ),
}
CNN = {
    "flatten_mixes_the_batch": (
        [("self.features(x).flatten(1)", "self.features(x).reshape(32, -1).t()")],
        ("flat", "flat"),
    ),
    "relu_on_the_logits": (
        [
            (
                "return self.classifier(self.features(x).flatten(1))",
                "return torch.relu(self.classifier(self.features(x).flatten(1)))",
            )
        ],
        ("slower", "slower"),
    ),
}
MISTAKES = {"mlp": MLP, "cnn": CNN}


def source(topic: str, mistake: str) -> str:
    """The reference solution with the mistake's edits; each edit must apply exactly once."""
    text = (REPO / "solutions" / f"{topic}.py").read_text()
    for old, new in MISTAKES[topic][mistake][0]:
        assert text.count(old) == 1, f"{topic}/{mistake}: the reference changed near {old!r}"
        text = text.replace(old, new)
    return text
