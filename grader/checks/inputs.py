"""The random inputs of checks, the same for everyone or per student for hidden checks, by the
variant of the check that runs (docs/checks.md, "Per-student hidden inputs"); the sandbox sees
the inputs, never the course seed or the variant."""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Iterator, Sequence

import torch

from grader.sandboxed import probe_kit as kit

# The seeds over which every convergence check's threshold was measured (the spread comment
# beside each check: "seeds 0–19"); a student's convergence runs use seeds of this set only.
MEASURED_SEEDS = tuple(range(20))

_variant = 0  # the variant of the check now running (0: the fixed inputs)


def variant_of(course_seed: str, student: str, check: str) -> int:
    """The variant of ``check`` (its id without parameters) for ``student`` under ``course_seed``:
    a number from 1 to 2⁵⁶, fixed by the three (sha256), never 0."""
    digest = hashlib.sha256("\0".join(("torchgrade-inputs", course_seed, student, check)).encode()).digest()
    return int.from_bytes(digest[:7], "big") + 1


def current() -> int:
    """The variant of the check now running (0 outside a per-student hidden check)."""
    return _variant


def _mix(*parts: object) -> int:
    """A 63-bit number fixed by ``parts`` (a torch seed)."""
    return int.from_bytes(hashlib.sha256(repr(parts).encode()).digest()[:8], "big") >> 1


def seed(k: int) -> int:
    """The check's seed number ``k``: ``k`` itself for variant 0, else one of this student's."""
    return k if _variant == 0 else _mix(_variant, "seed", k)


def gen(k: int) -> torch.Generator:
    """A CPU generator seeded with :func:`seed` (k): ``torch.Generator().manual_seed(k)`` for variant 0."""
    return torch.Generator().manual_seed(seed(k))


def seed_among(k: int, measured: Sequence[int] = MEASURED_SEEDS) -> int:
    """The seed a convergence run parametrized with ``k`` uses: ``k`` for variant 0, else the
    student's own choice among ``measured`` (distinct ``k`` of one check give distinct seeds),
    so the check's threshold stays inside the spread measured over that set."""
    if k not in measured:
        raise ValueError(f"seed {k} is not among the measured seeds {list(measured)}")
    if _variant == 0:
        return k
    return sorted(measured, key=lambda s: _mix(_variant, "among", s))[list(measured).index(k)]


def size(k: int, fixed: int, low: int, high: int) -> int:
    """A size for seed number ``k``: ``fixed`` (the suite's own) for variant 0, else one from
    ``low`` to ``high`` (inclusive: the range the exercise's docstring allows)."""
    if _variant == 0:
        return fixed
    return low + _mix(_variant, "size", k) % (high - low + 1)


# The CPU generator's seed for a check's unseeded draws (variant 0).
FIXED_GLOBAL_SEED = 0


@contextlib.contextmanager
def drawn_for(variant: int) -> Iterator[None]:
    """Run a check's body with ``variant``'s inputs, torch's global RNG seeded for the check and
    given back as it was afterwards: a check's unseeded draws are the same whichever checks,
    tasks or students a grading process ran before it (a regrade gives the same report). Variant
    0 seeds the CPU generator with :data:`FIXED_GLOBAL_SEED`; a student's variant seeds every
    generator with its own (its unseeded draws become the student's too)."""
    global _variant
    state = torch.get_rng_state()
    if variant == 0:
        torch.default_generator.manual_seed(FIXED_GLOBAL_SEED)
    else:
        _variant = variant
        kit.manual_seed(_mix(variant, "global"))
    try:
        yield
    finally:
        _variant = 0
        torch.set_rng_state(state)


@functools.cache
def torch_ops() -> frozenset[str]:
    """Every op torch registers, by its name alone (no namespace, no overload: "conv2d",
    "_cdist_forward"): what a docstring's kind of off-limits function ("every function that gives
    a norm or a distance", torch's convolutions) is derived from in a suite's ``OFF_LIMITS``."""
    return frozenset(name.split("::")[-1].split(".")[0] for name in torch._C._dispatch_get_all_op_names())
