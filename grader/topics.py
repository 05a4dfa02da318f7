"""The curriculum's topics: one manifest (name, teaching order, files, exercises, cost) that
everything else reads. Adding a topic: docs/contributing.md, "Adding a topic".

A topic's exercises are listed here, not parsed from ``exercises/<topic>.py``: that file is the
learner's own in a checkout or a release (edited in place), so it may not parse, be empty or carry
an editor's BOM; every command looks an exercise up in this trusted list instead
(tests/grader/test_topics.py holds it equal to the handed-out stub's public definitions)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.checkout import REPO_ROOT, suites_dir


@dataclass(frozen=True)
class Topic:
    """One topic: its stub ``exercises/<name>.py`` (whose public functions and classes are its
    exercises, listed in ``exercises``), its reference ``solutions/<name>.py`` and its suite
    ``suite_<name>.py``."""

    name: str
    # The reference solution's seconds in one warm grading process: `grade PATH` hands topics
    # to the grading processes longest first, so that a run's tail is a short topic (the order
    # is what counts, not the figure: docs/benchmark.md, "Behind the code").
    seconds: float
    exercises: tuple[str, ...] = ()  # the stub's public functions and classes, in file order

    @property
    def stub(self) -> Path:
        return REPO_ROOT / "exercises" / f"{self.name}.py"

    @property
    def solution(self) -> Path:
        return REPO_ROOT / "solutions" / f"{self.name}.py"

    @property
    def suite(self) -> Path:
        return suite_path(self.name)


MANIFEST: tuple[Topic, ...] = (  # in teaching order
    Topic(
        "tensors",
        seconds=0.55,
        exercises=(
            "add_into",
            "row_normalize",
            "pairwise_sq_dists",
            "one_hot",
            "accuracy",
            "flatten_batch",
            "fill_nan_with_column_mean",
            "matmul",
            "norms",
        ),
    ),
    Topic(
        "autograd",
        seconds=0.26,
        exercises=(
            "linear_grad",
            "quadratic_grads",
            "grad_of_vector_fn",
            "detach_grad",
            "Sigmoid",
            "numerical_grad",
            "Value",
        ),
    ),
    Topic(
        "losses",
        seconds=0.35,
        exercises=(
            "mse",
            "l1",
            "huber",
            "sigmoid",
            "bce",
            "bce_with_logits",
            "softmax",
            "log_softmax",
            "cross_entropy",
            "entropy",
            "kl_div",
        ),
    ),
    Topic(
        "optim",
        seconds=0.52,
        exercises=(
            "closed_form_linear_regression",
            "gd_fit",
            "sgd_fit",
            "minibatch_indices",
            "SGD",
            "Adam",
            "ema",
            "DiabetesDataset",
            "k_fold_indices",
        ),
    ),
    Topic(
        "mlp",
        seconds=0.70,
        exercises=(
            "relu",
            "tanh",
            "hard_sigmoid_from_relus",
            "dropout",
            "xavier_uniform_",
            "LogisticRegression",
            "DiabetesNet",
            "MLP",
            "train_epoch",
            "evaluate",
        ),
    ),
    Topic("cnn", seconds=1.03, exercises=("corr2d", "conv2d", "conv_output_size", "max_pool2d", "SimpleCNN")),
    Topic("inception", seconds=1.18, exercises=("InceptionA", "conv_mults", "GoogLeNetMini")),
    Topic("resnet", seconds=1.70, exercises=("ResidualBlock", "batch_norm", "BasicBlock", "SmallResNet")),
    Topic(
        "rnn",
        seconds=0.38,
        exercises=("rnn_cell", "rnn_forward", "embedding_lookup", "encode_chars", "HelloRNN", "gru_cell"),
    ),
)
TOPICS: tuple[str, ...] = tuple(topic.name for topic in MANIFEST)
# The topics whose probes never hand autograd a gradient (``y.backward(g)``): a run of only
# these starts a zygote without sympy (grader/engine/sympy_need.py) unless a submission may.
# tests/grader/test_sympy_need.py holds it: these suites' probes match no GIVEN_GRADIENT.
SYMPY_FREE: frozenset[str] = frozenset(TOPICS) - {"autograd"}
LONGEST_FIRST: tuple[str, ...] = tuple(t.name for t in sorted(MANIFEST, key=lambda t: -t.seconds))


def single_file_topic(stem: str, topics: tuple[str, ...]) -> str | None:
    """The topic a class's single file answers: ``losses``, ``alice_losses`` -> losses; otherwise
    the one ``--topic`` given."""
    for candidate in (stem, stem.rsplit("_", 1)[-1]):
        if candidate in TOPICS:
            return candidate
    return topics[0] if len(topics) == 1 else None


def exercises(topic: str) -> tuple[str, ...]:
    """The exercises of a topic, in its stub's order, from the manifest (none for an unknown topic)."""
    return next((t.exercises for t in MANIFEST if t.name == topic), ())


# A student release's suites folder holds this file (grader/apps/release.py writes it; the engine
# and the Gradescope autograder read it): its public suites' hidden checks, per exercise and kind.
RELEASE_MARKER = "RELEASE.json"


def original_stub_file(topic: str) -> Path:
    """Where a student release keeps ``topic``'s stub as handed out (its learner edits
    ``exercises/`` in place, and a release has no git): what ``grade reset`` puts back."""
    return suites_dir() / "originals" / f"{topic}.py"


def install_problem() -> str:
    """Why this installation cannot grade, or "" when it can.

    torchgrade runs from a checkout of its repository (or a student release), where
    ``exercises/``, ``tests/suites/`` and ``datasets/`` sit beside ``grader/``; a wheel
    (``pip install .``) carries the grader package only, and says so instead of half working.
    """
    if suites_dir().is_dir() and (REPO_ROOT / "exercises").is_dir():
        return ""
    return (
        f"no exercises/ or tests/suites/ beside {REPO_ROOT / 'grader'}: torchgrade runs from a checkout "
        "of its repository; clone it and run `pip install -e .` there (a wheel holds the grader only)"
    )


def suite_path(topic: str) -> Path:
    return suites_dir() / f"suite_{topic}.py"


def available_topics() -> list[str]:
    """Topics that have a suite, in teaching order."""
    return [t for t in TOPICS if suite_path(t).is_file()]


def unknown_topic(topics: Iterable[str]) -> str:
    """The message for the first name that is not a topic; empty when all are."""
    unknown = [t for t in topics if t not in TOPICS]
    return f"unknown topic {unknown[0]!r}; topics: {', '.join(TOPICS)}" if unknown else ""
