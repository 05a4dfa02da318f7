"""What ``mlp``'s two training checks catch at a number of epochs and steps: ``python
tests/grader/measure_mlp_training.py [EPOCHS [STEPS]] [--runs FILE]`` (default: the suite's
``DIGITS_EPOCHS`` and ``DIABETES_STEPS``; ``8 300`` gives the figures behind 150 steps; FILE as in
measure_resnet_training.py).

``mlp_learns_digits`` trains MLP([64, 32, 10]) with the submission's own ``train_epoch`` (Adam lr
0.01, batches of 64) and asks a held-out accuracy of at least ``DIGITS_THRESHOLD``;
``diabetes_net_beats_the_majority_class`` trains DiabetesNet(7) with full-batch Adam (lr 0.05) and
asks more than the majority class's share. Both draw their seeds among 0–19 (``inputs.seed_among``).
As in measure_resnet_training.py: correct code (the reference, other inits, the corpus's correct
files) and wrong code (MLPs, train_epoch loops and DiabetesNets written from the docstrings, each
the reference with one edit; the corpus's mistakes) train ONCE per seed, the held-out accuracy read
after every epoch (the margin over the majority class every EVERY steps) on a copy of the model,
the RNG state kept; the runs' last points are checked against the probes' own source at the
suite's lengths. Trusted code only. Not a test.
"""

from __future__ import annotations

import copy
import functools
import inspect
import sys
import types
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "suites"))
sys.path.insert(0, str(REPO / "tests" / "grader"))

import suite_mlp  # noqa: E402
from measure_resnet_training import (  # noqa: E402
    Edits,
    correct_sources,
    curves,
    measured,
    module,
    report,
    source,
    wrong_sources,
)

from grader.checks.judging.data import held_out_split, load_diabetes, load_digits  # noqa: E402
from grader.checks.judging.judge import CheckFailed, binary_accuracy, multiclass_accuracy  # noqa: E402
from grader.sandboxed import probe_kit as kit  # noqa: E402

EVERY = 25  # DiabetesNet's accuracy is read every EVERY steps
REF = "solutions/mlp.py"
LINEAR = "layers.append(nn.Linear(n_in, n_out))"
ACT = "layers.append(ACTIVATIONS[activation]())"
MLP_OUT = "return self.layers(x.flatten(1))"
DIAB = "nn.Linear(in_features, 6), nn.Sigmoid(), nn.Linear(6, 4), nn.Sigmoid(),"
DIAB_END = "nn.Linear(4, 1), nn.Sigmoid())\n"
LOOP_END = "        count += len(inputs)\n    return total / count"
ALLOWED: dict[str, tuple[str, Edits]] = {
    "MLP with your xavier_uniform_": (
        REF,
        [(LINEAR, LINEAR + "\n            xavier_uniform_(layers[-1].weight)")],
    ),
    "MLP with Kaiming init, zero biases": (
        REF,
        [
            (
                LINEAR,
                LINEAR + "\n            nn.init.kaiming_normal_(layers[-1].weight, nonlinearity='relu')"
                "\n            nn.init.zeros_(layers[-1].bias)",
            )
        ],
    ),
    "DiabetesNet with your xavier_uniform_": (
        REF,
        [
            (
                DIAB_END,
                DIAB_END + "        for m in self.layers[::2]:\n            xavier_uniform_(m.weight)\n",
            )
        ],
    ),
}
WRONG_MLP: dict[str, Edits] = {
    "layers in a plain list": [
        ("self.layers = nn.Sequential(*layers)", "self.layers = layers"),
        (
            MLP_OUT,
            "x = x.flatten(1)\n        for layer in self.layers:\n            x = layer(x)\n        return x",
        ),
    ],
    "hidden layers in a plain list": [
        ("self.layers = nn.Sequential(*layers)", "self.hidden, self.out = layers[:-1], layers[-1]"),
        (
            MLP_OUT,
            "x = x.flatten(1)\n        for layer in self.hidden:\n            x = layer(x)\n        return self.out(x)",
        ),
    ],
    "no activation": [(ACT, "pass")],
    "activation after the output layer too": [
        (
            "            if i < len(sizes) - 2:\n                " + ACT,
            "            " + ACT + "\n            if i < len(sizes) - 2:",
        )
    ],
    "softmax output": [(MLP_OUT, "return torch.softmax(self.layers(x.flatten(1)), dim=1)")],
    "weights zeroed": [(LINEAR, LINEAR + "\n            nn.init.zeros_(layers[-1].weight)")],
    "activation ignored: always sigmoid": [(ACT, "layers.append(nn.Sigmoid())")],
    "dropout keeps with probability p": [("nn.Dropout(dropout)", "nn.Dropout(1 - dropout)")],
}
WRONG_TRAIN_EPOCH: dict[str, Edits] = {
    "no zero_grad": [("        optimizer.zero_grad()\n", "")],
    "no step": [("        optimizer.step()\n", "")],
    "zero_grad between backward and step": [
        ("optimizer.zero_grad()\n        loss.backward()", "loss.backward()\n        optimizer.zero_grad()")
    ],
    "step before backward": [
        ("loss.backward()\n        optimizer.step()", "optimizer.step()\n        loss.backward()")
    ],
    "one step per epoch": [
        ("        optimizer.step()\n", ""),
        ("    return total / count", "    optimizer.step()\n    return total / count"),
    ],
    "returns after the first batch": [(LOOP_END, LOOP_END.replace("\n    return", "\n        return"))],
    "inputs shuffled without labels": [
        ("inputs, targets = inputs.to", "inputs, targets = inputs[torch.randperm(len(inputs))].to")
    ],
    "eval mode, not train": [("    model.train()\n", "    model.eval()\n")],
    "unweighted mean of the batch losses": [
        (
            "total += loss.item() * len(inputs)\n        count += len(inputs)",
            "total += loss.item()\n        count += 1",
        )
    ],
    "its own SGD optimizer": [
        (
            "    model.train()\n",
            "    model.train()\n    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n",
        )
    ],
    "learning rate halved every epoch": [
        ("    model.train()\n", "    model.train()\n    optimizer.param_groups[0]['lr'] *= 0.5\n")
    ],
}
WRONG_DIABETES: dict[str, Edits] = {
    "sigmoid only at the end": [(DIAB, "nn.Linear(in_features, 6), nn.Linear(6, 4),")],
    "tanh in the hidden layers": [(DIAB, DIAB.replace("nn.Sigmoid()", "nn.Tanh()"))],
    "sigmoid twice at the end": [(DIAB_END, "nn.Linear(4, 1), nn.Sigmoid(), nn.Sigmoid())\n")],
    "hidden features detached": [
        ("        return self.layers(x)\n", "        return self.layers[4:](self.layers[:4](x).detach())\n")
    ],
    "DiabetesNet weights zeroed": [
        (DIAB_END, DIAB_END + "        for m in self.layers[::2]:\n            nn.init.zeros_(m.weight)\n")
    ],
    "no final sigmoid": [(DIAB_END, "nn.Linear(4, 1))\n")],
}
WRONG = {
    label: (REF, edits)
    for table in (WRONG_MLP, WRONG_TRAIN_EPOCH, WRONG_DIABETES)
    for label, edits in table.items()
}


def untouched(run: Callable[..., float]) -> Callable[..., float]:
    """``run`` with the global RNG's state put back after it (an evaluation must not shift training)."""

    @functools.wraps(run)
    def kept(*args: torch.Tensor | torch.nn.Module) -> float:
        state = torch.get_rng_state()
        try:
            return run(*args)
        finally:
            torch.set_rng_state(state)

    return kept


@untouched
def digits_accuracy(model: torch.nn.Module, x_test: torch.Tensor, y_test: torch.Tensor) -> float:
    twin = copy.deepcopy(model).eval()
    with torch.no_grad():
        scores = twin(x_test)
    try:
        return multiclass_accuracy(scores, y_test, 10, "held-out digit scores")
    except CheckFailed:
        return 0.0


def digits(mod: types.ModuleType, seed: int, epochs: int) -> list[float]:
    """The digits check's held-out accuracy after each epoch (0 from where it raised)."""
    x_train, y_train, x_test, y_test = held_out_split(load_digits, seed)
    found: list[float] = []
    try:
        kit.manual_seed(seed)
        model = mod.MLP([64, 32, 10])
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
        data = torch.utils.data.TensorDataset(x_train, y_train)
        order = torch.Generator().manual_seed(seed)
        loader = torch.utils.data.DataLoader(data, batch_size=64, shuffle=True, generator=order)
        for epoch in range(epochs + 1):
            if epoch:
                mod.train_epoch(model, loader, F.cross_entropy, optimizer, "cpu")
            with torch.no_grad():
                model(x_train)  # the probe's curve point: the same forward, should it draw from the RNG
            if epoch:
                found.append(digits_accuracy(model, x_test, y_test))
    except Exception:  # the check ends as an error: caught
        pass
    return found + [0.0] * (epochs - len(found))


@untouched
def diabetes_margin(model: torch.nn.Module, x_test: torch.Tensor, y_test: torch.Tensor) -> float:
    """Held-out accuracy minus the majority class's share (the check asks > 0)."""
    with torch.no_grad():
        probabilities = copy.deepcopy(model)(x_test)
    try:
        accuracy, majority = binary_accuracy(probabilities, y_test, 0.5, "held-out probabilities")
    except CheckFailed:
        return -1.0
    return accuracy - majority


def diabetes(mod: types.ModuleType, seed: int, steps: int) -> list[float]:
    """The diabetes check's margin after every EVERY steps (-1 from where it raised)."""
    x_train, y_train, x_test, y_test = held_out_split(load_diabetes, seed)
    found: list[float] = []
    try:
        kit.manual_seed(seed)
        model = mod.DiabetesNet(x_train.shape[1])
        optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
        for step in range(1, steps + 1):
            loss = F.binary_cross_entropy(model(x_train), y_train)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if step % EVERY == 0:
                found.append(diabetes_margin(model, x_test, y_test))
    except Exception:  # the check ends as an error: caught
        pass
    return found + [-1.0] * (steps // EVERY - len(found))


def verify(epochs: int, steps: int) -> None:
    """The measured runs' last points are the checks' own probes (their source, as a worker runs it)."""
    mod, seed = module("measured_reference", source(REF, [])), 3
    for probe, length, split, run in (
        ("probe_train_digits", epochs, load_digits, digits),
        ("probe_train_diabetes", steps, load_diabetes, diabetes),
    ):
        namespace = {"torch": torch, "nn": torch.nn, "F": F, "kit": kit}
        exec(inspect.getsource(getattr(suite_mlp, probe)), namespace)  # trusted: the suite's own probe
        x_train, y_train, x_test, y_test = held_out_split(split, seed)
        out, _ = namespace[probe](mod, x_train, y_train, x_test, seed, length)
        if split is load_digits:
            got = multiclass_accuracy(out, y_test, 10, "scores")
        else:
            accuracy, majority = binary_accuracy(out, y_test, 0.5, "probabilities")
            got = accuracy - majority
        assert got == run(mod, seed, length)[-1], (probe, got)
        print(f"verified: the measured run's last point = {probe} on seed {seed} ({got:.3f})")


def main() -> None:
    torch.set_num_threads(1)
    args = sys.argv[1:]
    path = args.pop(args.index("--runs") + 1) if "--runs" in args else None
    lengths = [int(a) for a in args if a != "--runs"]
    epochs = lengths[0] if lengths else suite_mlp.DIGITS_EPOCHS
    steps = lengths[1] if len(lengths) > 1 else suite_mlp.DIABETES_STEPS
    verify(suite_mlp.DIGITS_EPOCHS, suite_mlp.DIABETES_STEPS)
    texts = correct_sources("mlp", ALLOWED)
    wrong = wrong_sources("mlp", WRONG)
    on_digits = functools.partial(digits, epochs=epochs)
    on_diabetes = functools.partial(diabetes, steps=steps)
    runs = measured(
        path,
        lambda: {
            "digits": {"correct": curves(texts, on_digits), "wrong": curves(wrong, on_digits)},
            "diabetes": {"correct": curves(texts, on_diabetes), "wrong": curves(wrong, on_diabetes)},
        },
    )
    print(f"mlp_learns_digits: threshold {suite_mlp.DIGITS_THRESHOLD}; epochs:")
    report(**runs["digits"], lengths=range(1, epochs + 1), threshold=suite_mlp.DIGITS_THRESHOLD)
    print("diabetes_net_beats_the_majority_class: accuracy − the majority class's share, > 0; steps:")
    report(**runs["diabetes"], lengths=range(EVERY, steps + 1, EVERY), threshold=0.0, strict=True)


if __name__ == "__main__":
    main()
