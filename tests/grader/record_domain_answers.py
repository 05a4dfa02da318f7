"""Record what the references (references.py) answer on every case of every exercise's input
domain into grader/checks/domain_answers.pt, which the battery judges against.

    python tests/grader/record_domain_answers.py          # write it
    python tests/grader/record_domain_answers.py --check  # exit 1 where it is stale

Run it after changing a domain's cases or a reference; test_domain_answers.py holds it current.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[2]))

import references  # noqa: E402

from grader.checks import battery, domain_answers, domain_cases  # noqa: E402


def computed() -> dict[str, list[Any]]:
    """{topic.name: the references' result per case}, computed here ({topic.name|i: ...} for
    each variant the docstring allows), with one intra-op thread as a worker computes
    (grader/sandboxed/worker.py): a convolution's float32 sums depend on the thread count."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _computed()
    finally:
        torch.set_num_threads(threads)


def _computed() -> dict[str, list[Any]]:
    found = {}
    for topic, name in sorted(domain_cases.REGISTRY):
        domain = domain_cases.REGISTRY[(topic, name)]
        cases = battery.plain_cases(domain, domain.cases())
        key = domain_answers.key(topic, name)
        found[key] = battery.walker(cases)(getattr(references, topic), name, cases)
        structure = [j for j, case in enumerate(cases) if case["fill"]]  # what a variant changes
        for i, variant in enumerate(references.VARIANTS.get((topic, name), []), start=1):
            answered = battery.walker(cases)(variant, name, [cases[j] for j in structure])
            found[f"{key}|{i}"] = [
                dict(zip(structure, answered)).get(j, found[key][j]) for j in range(len(cases))
            ]
    return found


def differences(a: Any, b: Any, where: str = "") -> list[str]:
    """Where ``a`` and ``b`` differ beyond the rounding another CPU's kernels may give (float32:
    rtol 1e-5, the judges' own float32 rtol; float64: 1e-9; a Python float, often from float32:
    1e-6): stale, not rounded. A stale answer (a changed case or reference) differs by far more."""
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        same = a.dtype == b.dtype and a.shape == b.shape
        if same and a.is_floating_point():
            rtol, atol = (1e-9, 1e-15) if a.dtype == torch.float64 else (1e-5, 1e-8)
            same = torch.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
        elif same:
            same = torch.equal(a, b)
        return [] if same else [where or "."]
    if isinstance(a, float) and isinstance(b, float):
        close = a == b or (a != a and b != b) or abs(a - b) <= 1e-6 * max(abs(a), abs(b)) + 1e-12
        return [] if close else [where or "."]
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{where}[{i}]")]
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [d for k in a for d in differences(a[k], b[k], f"{where}[{k!r}]")]
    return [] if type(a) is type(b) and a == b else [where or "."]


def main(argv: list[str]) -> int:
    found = computed()
    if "--check" in argv:
        stored = torch.load(domain_answers.STORE, weights_only=True)
        stale = differences(found, stored)
        print("\n".join(stale[:20]) or "current")
        return 1 if stale else 0
    torch.save(found, domain_answers.STORE)
    print(f"{len(found)} exercises' answers written to {domain_answers.STORE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
