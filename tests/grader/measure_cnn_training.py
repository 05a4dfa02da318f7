"""What the training checks of ``cnn`` and ``inception`` catch at each number of epochs:
``python tests/grader/measure_cnn_training.py [cnn|inception ...] [--write DIR]``.

``simple_cnn_learns_digits`` and ``googlenet_mini_learns_digits`` train the submission's network
on the 8×8 digits (``probes.train_classifier``: Adam, seeded shuffles) and ask a held-out accuracy
of at least the threshold. Correct code trains as the reference does, so what sizes the epochs is
the lowest accuracy of the reference and of the allowed variants (other code the docstrings admit,
the corpus's correct modules among them) and what the wrong networks below (written from the
docstrings, each the reference with one edit) fail. Each (network, seed 0–19) trains ONCE for
the check's epochs before its sizing, its held-out accuracy taken after every epoch: the first k
epochs of a run are the k-epoch run (checked against ``train_classifier``). Per epoch count: the
lowest accuracies and the (wrong network, seed) caught; fewer epochs must lose none that the
epochs before catch. ``--write DIR`` writes each wrong network as a topic file, to grade with the
CLI. Trusted code only: it runs in this process. Not a test: the figures behind the checks' epochs.
"""

from __future__ import annotations

import ast
import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "grader"))

from grader.checks import probes  # noqa: E402
from grader.checks.judging.data import held_out_split, load_digits  # noqa: E402
from grader.sandboxed import probe_kit as kit  # noqa: E402

SEEDS = range(20)
Edits = list[tuple[str, str]]

CNN_OUT = "return self.classifier(self.features(x).flatten(1))"
CNN_LAST = "self.classifier = nn.Linear(32, num_classes)"
WRONG_CNN: dict[str, Edits] = {
    "ReLU on the logits": [(CNN_OUT, "return F.relu(self.classifier(self.features(x).flatten(1)))")],
    "softmax on the logits": [(CNN_OUT, "return self.classifier(self.features(x).flatten(1)).softmax(1)")],
    "flatten mixes samples": [(CNN_OUT, "return self.classifier(self.features(x).reshape(32, -1).T)")],
    "features detached": [(CNN_OUT, "return self.classifier(self.features(x).detach().flatten(1))")],
    "features under no_grad": [
        (
            CNN_OUT,
            "with torch.no_grad():\n            h = self.features(x)\n        return self.classifier(h.flatten(1))",
        )
    ],
    "every parameter zero": [
        (CNN_LAST, CNN_LAST + "\n        for p in self.parameters():\n            nn.init.zeros_(p)")
    ],
    "every parameter N(0, 1)": [
        (CNN_LAST, CNN_LAST + "\n        for p in self.parameters():\n            nn.init.normal_(p)")
    ],
    "first conv frozen": [(CNN_LAST, CNN_LAST + "\n        self.features[0].requires_grad_(False)")],
    "linear reads the first stage": [
        (CNN_LAST, "self.classifier = nn.Linear(16, num_classes)"),
        (CNN_OUT, "return self.classifier(self.features[6](self.features[:3](x)).flatten(1))"),
    ],
    "second stage fed the input": [
        ("nn.Conv2d(16, 32, 3, padding=1)", "nn.Conv2d(in_channels, 32, 3, padding=1)"),
        (CNN_OUT, "return self.classifier(self.features[3:](x).flatten(1))"),
    ],
    "dropout always on (F.dropout)": [
        (CNN_OUT, "return self.classifier(F.dropout(self.features(x).flatten(1), 0.5))")
    ],
    "dropout's p read as keep": [("nn.AdaptiveAvgPool2d(1))", "nn.AdaptiveAvgPool2d(1), nn.Dropout(0.9))")],
    "1×1 kernels": [
        ("nn.Conv2d(in_channels, 16, 3, padding=1)", "nn.Conv2d(in_channels, 16, 1)"),
        ("nn.Conv2d(16, 32, 3, padding=1)", "nn.Conv2d(16, 32, 1)"),
    ],
    "no ReLU": [("nn.ReLU(), ", ""), ("nn.ReLU(), ", "")],
    "4×4 pooling": [("nn.MaxPool2d(2)", "nn.MaxPool2d(4)"), ("nn.MaxPool2d(2)", "nn.MaxPool2d(4)")],
    "no padding": [("3, padding=1)", "3)"), ("3, padding=1)", "3)")],
    # caught by the shape checks; at 10 classes the check trains the reference itself
    "num_classes ignored": [(CNN_LAST, "self.classifier = nn.Linear(32, 10)")],
    "convolutions in a plain list": [
        ("self.features = nn.Sequential(", "self.stages = ["),
        ("nn.AdaptiveAvgPool2d(1))", "nn.AdaptiveAvgPool2d(1)]"),
        (
            CNN_OUT,
            "for layer in self.stages:\n            x = layer(x)\n        return self.classifier(x.flatten(1))",
        ),
    ],
}
ALLOWED_CNN: dict[str, Edits] = {
    "log-softmax out": [(CNN_OUT, "return F.log_softmax(self.classifier(self.features(x).flatten(1)), 1)")],
    "BatchNorm after each conv": [
        ("padding=1), nn.ReLU()", "padding=1), nn.BatchNorm2d(16), nn.ReLU()"),
        ("padding=1), nn.ReLU()", "padding=1), nn.BatchNorm2d(32), nn.ReLU()"),
    ],
    "zero-initialised linear": [(CNN_LAST, CNN_LAST + "\n        nn.init.zeros_(self.classifier.weight)")],
    "5×5 kernels": [("3, padding=1)", "5, padding=2)"), ("3, padding=1)", "5, padding=2)")],
    "32 and 64 channels": [
        ("16, 3", "32, 3"),
        ("nn.Conv2d(16, 32", "nn.Conv2d(32, 64"),
        ("Linear(32,", "Linear(64,"),
    ],
    "8 and 16 channels (the docstring's floor)": [
        ("16, 3", "8, 3"),
        ("nn.Conv2d(16, 32", "nn.Conv2d(8, 16"),
        ("Linear(32,", "Linear(16,"),
    ],
    "8 and 16 channels, dropout 0.5 before the linear": [
        ("16, 3", "8, 3"),
        ("nn.Conv2d(16, 32", "nn.Conv2d(8, 16"),
        ("Linear(32,", "Linear(16,"),
        ("nn.AdaptiveAvgPool2d(1))", "nn.AdaptiveAvgPool2d(1), nn.Dropout(0.5))"),
    ],
    "dropout 0.5 before the linear": [
        ("nn.AdaptiveAvgPool2d(1))", "nn.AdaptiveAvgPool2d(1), nn.Dropout(0.5))")
    ],
    "linear built first": [
        (
            "        self.features = nn.Sequential(",
            "        self.classifier = nn.Linear(32, num_classes)\n        self.features = nn.Sequential(",
        ),
        ("        " + CNN_LAST + "\n", ""),
    ],
}

G_OUT = "return self.fc(self.features(x))"
G_LAST = "self.fc = nn.Linear(flat, num_classes)"
G_STAGE1 = "x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))"
G_STAGE2 = "x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))"
CAT = "torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)"
WRONG_INCEPTION: dict[str, Edits] = {
    "concat on dim 0": [(CAT, "torch.cat([b1x1, b5x5, b3x3, bpool], dim=0)")],
    "pool branch not pooled": [
        ("self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))", "self.branch_pool(x)")
    ],
    "pool branch max-pools": [("F.avg_pool2d(x, 3", "F.max_pool2d(x, 3")],
    "3×3 branch skips its second 3×3": [("self.branch3x3_3(self.branch3x3_2(", "self.branch3x3_2((")],
    "5×5 branch fed the 1×1 branch": [("self.branch5x5_2(self.branch5x5_1(x))", "self.branch5x5_2(b1x1)")],
    "ReLU inside InceptionA": [(f"return {CAT}", f"return F.relu({CAT})")],
    "no ReLU": [
        ("F.relu(F.max_pool2d(self.conv1(x), 2))", "F.max_pool2d(self.conv1(x), 2)"),
        ("F.relu(F.max_pool2d(self.conv2(x), 2))", "F.max_pool2d(self.conv2(x), 2)"),
    ],
    "ReLU on the logits": [(G_OUT, "return F.relu(self.fc(self.features(x)))")],
    "softmax on the logits": [(G_OUT, "return self.fc(self.features(x)).softmax(1)")],
    "InceptionA blocks in a plain list": [
        ("self.incep1 = InceptionA(10)", "self.inceps = [InceptionA(10), InceptionA(20)]"),
        ("        self.incep2 = InceptionA(20)\n", ""),
        ("self.incep1(", "self.inceps[0]("),
        ("self.incep2(", "self.inceps[1]("),
    ],
    "flatten mixes samples": [
        ("return x.flatten(1)", "return x.reshape(x.shape[1] * x.shape[2] * x.shape[3], -1).T")
    ],
    "detached after the first block": [(G_STAGE1, G_STAGE1[:-1] + ").detach()")],
    "features under no_grad": [
        (G_OUT, "with torch.no_grad():\n            h = self.features(x)\n        return self.fc(h)")
    ],
    "every parameter zero": [
        (G_LAST, G_LAST + "\n        for p in self.parameters():\n            nn.init.zeros_(p)")
    ],
    "every parameter N(0, 1)": [
        (G_LAST, G_LAST + "\n        for p in self.parameters():\n            nn.init.normal_(p)")
    ],
    "first conv frozen": [(G_LAST, G_LAST + "\n        self.conv1.requires_grad_(False)")],
    "dropout always on (F.dropout)": [(G_OUT, "return self.fc(F.dropout(self.features(x), 0.5))")],
    "dropout's p read as keep": [
        (G_OUT, "return self.fc(self.drop(self.features(x)))"),
        (G_LAST, G_LAST + "\n        self.drop = nn.Dropout(0.9)"),
    ],
    "second block skipped": [(f"        {G_STAGE2}\n", "")],
    "linear sized for 28×28": [(G_LAST, "self.fc = nn.Linear(1408, num_classes)")],
    # 8×8 → 4 → 2 → 2 → 1 survives two poolings, yet the suite's hint asks to pad the 5×5 convolutions;
    # passes every other check, and this one on seed 0
    "first conv unpadded": [("nn.Conv2d(in_channels, 10, 5, padding=2)", "nn.Conv2d(in_channels, 10, 5)")],
}
ALLOWED_INCEPTION: dict[str, Edits] = {
    "linear built first": [
        (
            "        self.conv1 = nn.Conv2d(",
            "        self.fc = nn.Linear(88 * (input_size // 4) ** 2, num_classes)\n        self.conv1 = nn.Conv2d(",
        ),
        ("        with torch.no_grad():\n", ""),
        (
            "            flat = self.features(torch.zeros(1, in_channels, input_size, input_size)).shape[1]\n",
            "",
        ),
        (f"        {G_LAST}\n", ""),
    ],
}


@dataclass(frozen=True)
class Check:
    """A training check as the suite runs it (``epochs``: its length, each run's measured epoch by epoch)."""

    name: str
    cls: str
    kwargs: dict[str, object]
    epochs: int
    lr: float
    threshold: float
    wrong: dict[str, Edits]
    allowed: dict[str, Edits]
    classes: tuple[str, ...]  # the classes a corpus module's network is made of


CHECKS = {
    "cnn": Check(
        "simple_cnn_learns_digits",
        "SimpleCNN",
        {"num_classes": 10, "in_channels": 1},
        12,  # suite_cnn.py's TRAIN_EPOCHS and THRESHOLD
        0.01,
        0.80,
        WRONG_CNN,
        ALLOWED_CNN,
        ("SimpleCNN",),
    ),
    "inception": Check(
        "googlenet_mini_learns_digits",
        "GoogLeNetMini",
        {"in_channels": 1, "num_classes": 10, "input_size": 8},
        4,
        0.003,
        0.65,
        WRONG_INCEPTION,
        ALLOWED_INCEPTION,
        ("InceptionA", "GoogLeNetMini"),
    ),
}


def edited(topic: str, edits: Edits) -> str:
    """The reference solution with ``edits``, each applied at its first occurrence."""
    text = (REPO / "solutions" / f"{topic}.py").read_text()
    for old, new in edits:
        assert old in text, f"{topic}: the reference changed near {old!r}"
        text = text.replace(old, new, 1)
    return text


def module(name: str, text: str) -> types.ModuleType:
    made = types.ModuleType(name)
    exec(compile(text, f"<{name}>", "exec"), made.__dict__)
    return made


def network_source(text: str, classes: tuple[str, ...]) -> str:
    """The source of ``classes`` in a module's ``text``: what its network is."""
    tree = ast.parse(text)
    found = {n.name: ast.get_source_segment(text, n) or "" for n in tree.body if isinstance(n, ast.ClassDef)}
    return "\n".join(found.get(c, "") for c in classes)


def networks(topic: str) -> dict[str, dict[str, types.ModuleType]]:
    """{"reference" | "allowed" | "wrong": {label: module}}; the corpus's correct modules join the
    allowed ones, one per network not met before (the classes' source)."""
    check = CHECKS[topic]
    texts = {label: edited(topic, e) for label, e in check.allowed.items()}
    seen = {network_source(t, check.classes) for t in [edited(topic, []), *texts.values()]}
    for path in sorted((REPO / "tests" / "corpus" / topic / "correct").glob("*.py")):
        text = path.read_text()
        if network_source(text, check.classes) not in seen:
            seen.add(network_source(text, check.classes))
            texts[f"corpus {path.stem}"] = text
    return {
        "reference": {"reference": module("reference", edited(topic, []))},
        "allowed": {label: module(label, text) for label, text in texts.items()},
        "wrong": {label: module(label, edited(topic, e)) for label, e in check.wrong.items()},
    }


def held_out(model: torch.nn.Module, x_test: torch.Tensor, y_test: torch.Tensor) -> float:
    """The check's accuracy of ``model`` now (0 for scores of the wrong shape); in eval mode, then
    back to training, the RNG left as it was (an ``F.dropout`` on in eval too would shift later draws)."""
    state = torch.get_rng_state()
    model.eval()
    with torch.no_grad():
        scores = model(x_test)
    model.train()
    torch.set_rng_state(state)
    if not isinstance(scores, torch.Tensor) or scores.shape != (len(y_test), 10):
        return 0.0
    return float((scores.argmax(1) == y_test).float().mean().item())


def accuracies(mod: types.ModuleType, check: Check, seed: int) -> list[float]:
    """Held-out accuracy after each of ``check.epochs`` epochs of ONE run, as
    ``probes.train_classifier`` trains (0 from the epoch where it raised on)."""
    x_train, y_train, x_test, y_test = held_out_split(load_digits, seed)
    got: list[float] = []
    try:
        kit.manual_seed(seed)
        model = getattr(mod, check.cls)(**check.kwargs)
        optimizer = torch.optim.Adam(model.parameters(), lr=check.lr)
        order = torch.Generator().manual_seed(seed)
        model.train()
        for _ in range(check.epochs):
            for batch in torch.randperm(len(x_train), generator=order).split(64):
                loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            got.append(held_out(model, x_test, y_test))
    except Exception:  # noqa: BLE001 - a network that raises fails the check
        pass
    return got + [0.0] * (check.epochs - len(got))


def same_as_the_probe(mod: types.ModuleType, check: Check, seed: int, epochs: int) -> bool:
    """Whether the run's accuracy after ``epochs`` is that of ``train_classifier`` run for ``epochs``."""
    x_train, y_train, x_test, y_test = held_out_split(load_digits, seed)
    scores, _ = probes.train_classifier(
        mod, check.cls, (), check.kwargs, x_train, y_train, x_test, seed, epochs, check.lr
    )
    probe = float((scores.argmax(1) == y_test).float().mean().item())
    return probe == accuracies(mod, check, seed)[epochs - 1]


Runs = dict[str, dict[str, dict[int, list[float]]]]  # kind → label → seed → accuracy per epoch


def measure(topic: str) -> Runs:
    check = CHECKS[topic]
    reference = module("reference", edited(topic, []))
    # one case each: the first epochs of a run, and a run whose dropout draws in eval mode too
    dropout = module("dropout", edited(topic, check.wrong["dropout always on (F.dropout)"]))
    for mod in (reference, dropout):
        assert same_as_the_probe(mod, check, 3, check.epochs - 1), f"{mod.__name__}: not the shorter run"
    runs: Runs = {}
    for kind, nets in networks(topic).items():
        runs[kind] = {}
        for label, mod in nets.items():
            runs[kind][label] = {seed: accuracies(mod, check, seed) for seed in SEEDS}
            lows = [min(acc[e] for acc in runs[kind][label].values()) for e in range(check.epochs)]
            print(
                f"  [{topic}] {kind} {label}: lowest by epoch {[round(a, 3) for a in lows]}", file=sys.stderr
            )
    return runs


def lowest(runs: Runs, kinds: tuple[str, ...], epochs: int) -> tuple[float, str]:
    """The lowest accuracy after ``epochs`` over ``kinds``' networks and every seed, and where."""
    return min(
        (acc[epochs - 1], f"{label}, seed {seed}")
        for kind in kinds
        for label, by_seed in runs[kind].items()
        for seed, acc in by_seed.items()
    )


def caught(runs: Runs, epochs: int, threshold: float) -> set[tuple[str, int]]:
    return {
        (label, seed)
        for label, by_seed in runs["wrong"].items()
        for seed, acc in by_seed.items()
        if acc[epochs - 1] < threshold
    }


def named(pairs: set[tuple[str, int]]) -> str:
    """``pairs`` as "network: seeds; ..."."""
    seeds: dict[str, list[int]] = {}
    for label, seed in sorted(pairs):
        seeds.setdefault(label, []).append(seed)
    return "; ".join(f"{label}: {found}" for label, found in seeds.items()) or "none"


def report(topic: str, runs: Runs) -> None:
    check = CHECKS[topic]
    today = caught(runs, check.epochs, check.threshold)
    margin = lowest(runs, ("reference", "allowed"), check.epochs)[0] - check.threshold
    print(
        f"{topic}: {check.name}, threshold {check.threshold}; {len(today)} (wrong, seed) caught "
        f"at {check.epochs} epochs, margin {margin:.3f} (the allowed networks' lowest over the threshold)"
    )
    for epochs in range(check.epochs, 0, -1):
        ref = lowest(runs, ("reference",), epochs)[0]
        low, where = lowest(runs, ("reference", "allowed"), epochs)
        print(f"  {epochs} epochs: reference's lowest {ref:.3f}, the allowed networks' {low:.3f} ({where})")
        # today's threshold, and the highest (by hundredths, not above today's) that keeps today's margin
        for t in sorted({check.threshold, min(check.threshold, int((low - margin) * 100 + 1e-9) / 100)}):
            got = caught(runs, epochs, t)
            print(
                f"    threshold {t:.2f}: margin {low - t:+.3f}; {len(got)} caught; "
                f"{len(today - got)} lost ({named(today - got)})"
            )
    print(f"  seeds caught per wrong network at {check.threshold}, {check.epochs} epochs down to 1:")
    for label, by_seed in runs["wrong"].items():
        counts = [
            sum(acc[e - 1] < check.threshold for acc in by_seed.values()) for e in range(check.epochs, 0, -1)
        ]
        print(f"    {label:<36}" + "".join(f"{c:>4}" for c in counts))


def write(directory: Path) -> None:
    """Each wrong network and allowed variant as ``DIR/<topic>/<kind>_<label>.py``, to grade with the CLI."""
    for topic, check in CHECKS.items():
        (directory / topic).mkdir(parents=True, exist_ok=True)
        for kind, table in (("wrong", check.wrong), ("allowed", check.allowed)):
            for label, edits in table.items():
                slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
                (directory / topic / f"{kind}_{slug}.py").write_text(edited(topic, edits))


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--write"]:
        write(Path(args[1]))
        return
    torch.set_num_threads(1)
    for topic in args or list(CHECKS):
        report(topic, measure(topic))


if __name__ == "__main__":
    main()
