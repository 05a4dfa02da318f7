"""What ``resnet``'s training check catches at a number of epochs: ``python
tests/grader/measure_resnet_training.py [EPOCHS [THRESHOLD]] [--runs FILE]`` (default: the suite's
``TRAIN_EPOCHS`` and ``TRAIN_THRESHOLD``; ``10 0.40`` gives the figures behind 9 epochs and 0.33;
FILE keeps the trained runs as JSON and is read back when it exists).

The check trains the submission's SmallResNet on the digits (``probes.train_classifier``, Adam lr
0.003, seed 0) and asks a held-out accuracy of at least the threshold. Correct code must pass on
every seed 0–19 with a margin no thinner than at EPOCHS, and fewer epochs must lose no (wrong net,
seed) that EPOCHS catches. Correct code: the reference, the variants below that the docstrings
allow and the corpus's correct files (among them the BatchNorm-free ResNets, the slowest). Wrong
code: the SmallResNets below, written from the docstrings, each the reference with one edit (or one
edit of its BatchNorm layers computed by the learner's own ``batch_norm``), and the corpus's
mistakes. Each (net, seed) trains ONCE for EPOCHS with the probe's own steps, its held-out accuracy
read after every epoch on a copy of the model (the RNG state kept), so that epoch k is the k-epoch
run (checked against the probe itself). Per length: correct code's lowest accuracy and the pairs
caught, at the threshold and at the one that keeps EPOCHS' margin. Trusted code only: it runs in
this process. Not a test: the figures behind the suite's ``TRAIN_EPOCHS``.
"""

from __future__ import annotations

import functools
import json
import sys
import types
from collections.abc import Callable, Sequence
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "suites"))
sys.path.insert(0, str(REPO / "tests" / "grader"))

import suite_resnet  # noqa: E402
from measure_cnn_training import Check, module  # noqa: E402
from measure_cnn_training import accuracies as epoch_accuracies  # noqa: E402

from grader.checks import probes  # noqa: E402
from grader.checks.judging.data import held_out_split, load_digits  # noqa: E402
from grader.checks.judging.judge import multiclass_accuracy  # noqa: E402

SEEDS = range(20)
Edits = Sequence[tuple[str, str]]
Runs = dict[str, list[list[float]]]  # label -> per seed: the value at each length

# nn.BatchNorm2d's layers computed by the learner's own batch_norm: correct, and the base of the
# BatchNorm mistakes that only training shows
HAND_BN: Edits = [
    ("nn.BatchNorm2d(", "MyBatchNorm2d("),
    (
        "class BasicBlock(nn.Module):",
        "class MyBatchNorm2d(nn.BatchNorm2d):\n    def forward(self, x: Tensor) -> Tensor:\n"
        "        return batch_norm(x, self.weight, self.bias, self.running_mean, self.running_var,\n"
        "                          self.training, self.momentum, self.eps)\n\n\nclass BasicBlock(nn.Module):",
    ),
]
RESNET_OUT = "return self.fc(self.blocks(self.stem(x)).mean(dim=(2, 3)))"
MAIN = "main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))"
SUM = "return F.relu(main + self.shortcut(x))"
STEM_BN = "nn.Conv2d(in_channels, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)"
FC = "self.fc = nn.Linear(32, num_classes)"
UPDATE = "running_mean.mul_(1 - momentum).add_(momentum * mean)"
ALLOWED: dict[str, tuple[str, Edits]] = {
    "BatchNorm2d through your batch_norm": ("solutions/resnet.py", HAND_BN),
    "Kaiming init": (
        "solutions/resnet.py",
        [
            (
                FC,
                FC + "\n        for m in self.modules():\n            if isinstance(m, nn.Conv2d):\n"
                "                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')",
            )
        ],
    ),
    "bare conv stem": (
        "solutions/resnet.py",
        [(STEM_BN + ", nn.ReLU())", STEM_BN.split(", nn.Batch")[0] + ")")],
    ),
    "no BatchNorm, bare stem, 2 ResidualBlocks": (
        "tests/corpus/resnet/correct/e42_from_docstrings.py",
        [("self.blocks(F.relu(self.stem(x)))", "self.blocks(self.stem(x))")],
    ),
}
WRONG: dict[str, tuple[str, Edits]] = {
    label: ("solutions/resnet.py", edits)
    for label, edits in {
        "skip missing": [(SUM, "return F.relu(main)")],
        "skip added after the ReLU": [(SUM, "return F.relu(main) + self.shortcut(x)")],
        "no final ReLU": [(SUM, "return main + self.shortcut(x)")],
        "stride on conv2, not conv1": [
            ("3, stride=stride, padding=1, bias=False)", "3, padding=1, bias=False)"),
            (
                "self.conv2 = nn.Conv2d(out_channels, out_channels, 3,",
                "self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=stride,",
            ),
        ],
        "shortcut without stride": [("1, stride=stride, bias=False)", "1, bias=False)")],
        "shortcut only when channels change": [("if stride != 1 or in_channels", "if in_channels")],
        "blocks in a plain list": [
            (
                "self.blocks = nn.Sequential(BasicBlock(16, 16), BasicBlock(16, 32, stride=2))",
                "self.blocks = [BasicBlock(16, 16), BasicBlock(16, 32, stride=2)]",
            ),
            (
                RESNET_OUT,
                "h = self.stem(x)\n        for block in self.blocks:\n            h = block(h)\n"
                "        return self.fc(h.mean(dim=(2, 3)))",
            ),
        ],
        "head in a plain list": [
            (FC, "self.head = [nn.Linear(32, num_classes)]"),
            ("self.fc(self.blocks", "self.head[0](self.blocks"),
        ],
        "main path detached": [(MAIN, MAIN + ".detach()")],
        "stem detached": [("self.stem(x))", "self.stem(x).detach())")],
        "conv weights zeroed": [
            (
                FC,
                FC + "\n        for m in self.modules():\n            if isinstance(m, nn.Conv2d):\n"
                "                nn.init.zeros_(m.weight)",
            )
        ],
        "max pooling": [(".mean(dim=(2, 3))", ".amax(dim=(2, 3))")],
        "sum pooling": [(".mean(dim=(2, 3))", ".sum(dim=(2, 3))")],
        "flatten, not pooling": [
            (FC, "self.fc = nn.Linear(32 * 16, num_classes)"),
            (".mean(dim=(2, 3)))", ".flatten(1))"),
        ],
        "no ReLU between the convolutions": [
            (MAIN, MAIN.replace("F.relu(self.bn1(self.conv1(x)))", "self.bn1(self.conv1(x))"))
        ],
        "no second BatchNorm": [(MAIN, "main = self.conv2(F.relu(self.bn1(self.conv1(x))))")],
        "softmax output": [(RESNET_OUT, RESNET_OUT.replace("return ", "return F.softmax(") + ", dim=1)")],
        "stem BatchNorm without running stats": [(STEM_BN, STEM_BN[:-1] + ", track_running_stats=False)")],
        "BatchNorm in eval with batch statistics": [
            *HAND_BN,
            ("self.training, self.momentum", "True, self.momentum"),
        ],
        "batch_norm never updates the running stats": [
            *HAND_BN,
            (UPDATE, "pass"),
            ("running_var.mul_", "# running_var.mul_"),
        ],
        "batch_norm's momentum reversed": [
            *HAND_BN,
            (UPDATE, "running_mean.mul_(momentum).add_((1 - momentum) * mean)"),
            (
                "running_var.mul_(1 - momentum).add_(momentum * var",
                "running_var.mul_(momentum).add_((1 - momentum) * var",
            ),
        ],
    }.items()
}


def source(base: str, edits: Edits) -> str:
    """``base`` (a path from the repository's root) with each edit applied wherever its text occurs."""
    text = (REPO / base).read_text()
    for old, new in edits:
        assert old in text, f"{base}: no {old!r}"
        text = text.replace(old, new)
    return text


def correct_sources(topic: str, allowed: dict[str, tuple[str, Edits]]) -> dict[str, str]:
    """The reference, every allowed variant and the corpus's correct files, each text once."""
    texts = {"reference": source(f"solutions/{topic}.py", [])}
    texts.update({label: source(*spec) for label, spec in allowed.items()})
    for path in sorted((REPO / "tests" / "corpus" / topic / "correct").glob("*.py")):
        texts[f"corpus {path.stem}"] = path.read_text()
    seen: set[str] = set()
    return {k: v for k, v in texts.items() if not (v in seen or seen.add(v))}


def wrong_sources(topic: str, wrong: dict[str, tuple[str, Edits]]) -> dict[str, str]:
    """The wrong code: ``wrong``'s edits, then the corpus's mistakes (their points must not move)."""
    texts = {label: source(*spec) for label, spec in wrong.items()}
    for path in sorted((REPO / "tests" / "corpus" / topic / "mistakes").glob("*.py")):
        texts[f"corpus {path.stem}"] = path.read_text()
    return texts


def accuracies(mod: types.ModuleType, seed: int, epochs: int) -> list[float]:
    """Held-out accuracy after each epoch of the check's training (0 from where it raised):
    ``measure_cnn_training``'s run, with the resnet check's network and learning rate."""
    check = Check(
        "small_resnet_learns_digits",
        "SmallResNet",
        {"in_channels": 1, "num_classes": 10},
        epochs,
        suite_resnet.TRAIN_LR,
        suite_resnet.TRAIN_THRESHOLD,
        {},
        {},
        (),
    )
    return epoch_accuracies(mod, check, seed)


def curves(texts: dict[str, str], run: Callable[[types.ModuleType, int], list[float]]) -> Runs:
    """{label: [per seed: ``run(module, seed)``]}: each length's value in one run."""
    found = {}
    for label, text in texts.items():
        try:
            mod = module(f"measured_{abs(hash(label))}", text)
        except Exception:  # its import fails: so does every check (an empty module fails each run)
            mod = types.ModuleType("empty")
        found[label] = [run(mod, seed) for seed in SEEDS]
        print(f"  trained {label}", file=sys.stderr, flush=True)
    return found


def report(
    correct: Runs, wrong: Runs, lengths: Sequence[int], threshold: float, strict: bool = False
) -> None:
    """Per length (index i: ``lengths[i]``): correct code's lowest value, the (wrong, seed) caught (a
    value under ``threshold``; at or under it where ``strict``) and those the longest length catches
    that this one loses; the same at the threshold that keeps today's margin (the longest length's
    lowest correct value minus ``threshold``); then each wrong net's count of caught seeds."""
    lowest = [min(run[i] for runs in correct.values() for run in runs) for i in range(len(lengths))]
    margin = lowest[-1] - threshold

    def caught(i: int, bar: float) -> dict[str, set[int]]:
        return {
            k: {s for s in SEEDS if runs[s][i] < bar or strict and runs[s][i] == bar}
            for k, runs in wrong.items()
        }

    today = caught(len(lengths) - 1, threshold)
    for i, length in enumerate(lengths):
        weakest = min(correct, key=lambda k: min(run[i] for run in correct[k]))
        kept = min(threshold, lowest[i] - margin)
        line = f"{length:>4}: reference's lowest {min(r[i] for r in correct['reference']):.3f}, "
        line += f"correct code's {lowest[i]:.3f} ({weakest}), margin {lowest[i] - threshold:+.3f}"
        for bar in dict.fromkeys((threshold, kept)):
            now = caught(i, bar)
            lost = {k: sorted(today[k] - v) for k, v in now.items() if today[k] - v}
            line += f"\n      at {bar:.3f}: {sum(map(len, now.values()))} (wrong, seed) caught, lost: {lost or 'none'}"
        print(line)
    print(f"  {'caught seeds per length':<46}" + "".join(f"{n:>4}" for n in lengths))
    for label in wrong:
        print(
            f"  {label:<46}" + "".join(f"{len(caught(i, threshold)[label]):>4}" for i in range(len(lengths)))
        )
    print("  correct code's lowest per length")
    for label, runs in correct.items():
        print(f"  {label:<46}" + "".join(f"{min(r[i] for r in runs):>6.3f}" for i in range(len(lengths))))


def measured(path: str | None, measure: Callable[[], dict[str, Runs]]) -> dict[str, Runs]:
    """``measure()``'s runs, kept in (and read back from) the JSON file ``path`` where one is given."""
    if path and Path(path).exists():
        return json.loads(Path(path).read_text())
    runs = measure()
    if path:
        Path(path).write_text(json.dumps(runs))
    return runs


def verify(mod: types.ModuleType, seed: int, epochs: int) -> None:
    """Epoch ``epochs`` of the measured run is the check's own probe run for ``epochs``."""
    x_train, y_train, x_test, y_test = held_out_split(load_digits, seed)
    kwargs = {"in_channels": 1, "num_classes": 10}
    lr = suite_resnet.TRAIN_LR
    scores, _ = probes.train_classifier(
        mod, "SmallResNet", (), kwargs, x_train, y_train, x_test, seed, epochs, lr
    )
    probe, got = multiclass_accuracy(scores, y_test, 10, "scores"), accuracies(mod, seed, epochs)[-1]
    assert probe == got, (probe, got)
    print(f"verified: epoch {epochs} of the measured run = the probe's {epochs}-epoch run ({probe:.3f})")


def main() -> None:
    torch.set_num_threads(1)
    args = sys.argv[1:]
    path = args.pop(args.index("--runs") + 1) if "--runs" in args else None
    numbers = [a for a in args if a != "--runs"]
    epochs = int(numbers[0]) if numbers else suite_resnet.TRAIN_EPOCHS
    threshold = float(numbers[1]) if len(numbers) > 1 else suite_resnet.TRAIN_THRESHOLD
    verify(module("measured_reference", source("solutions/resnet.py", [])), 3, suite_resnet.TRAIN_EPOCHS)
    run = functools.partial(accuracies, epochs=epochs)
    runs = measured(
        path,
        lambda: {
            "correct": curves(correct_sources("resnet", ALLOWED), run),
            "wrong": curves(wrong_sources("resnet", WRONG), run),
        },
    )
    print(f"threshold {threshold}; seeds {SEEDS.start}–{SEEDS.stop - 1}; epochs:")
    report(runs["correct"], runs["wrong"], range(1, epochs + 1), threshold)


if __name__ == "__main__":
    main()
