"""Record what the references (references.py) answer on every case of every built-in exercise's
input domain into each topic's tests/suites/answers_<topic>.pt, which the battery judges against
(a course pack's topic: `grade author record TOPIC`, from its reference solution).

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

from grader.authoring.record import differences  # noqa: E402
from grader.base.topics import MANIFEST  # noqa: E402
from grader.checks import battery  # noqa: E402
from grader.checks.cases import domain_answers, domain_cases  # noqa: E402

BUILT_IN = [t for t in MANIFEST if t.pack.built_in]


def stored_all() -> dict[str, list[Any]]:
    """Every built-in topic's stored answers, in one dict."""
    found: dict[str, list[Any]] = {}
    for topic in BUILT_IN:
        found |= torch.load(topic.answers, weights_only=True)
    return found


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
    for topic in BUILT_IN:
        domain_cases.load(topic.name)
    built_in = {t.name for t in BUILT_IN}
    for topic, name in sorted(k for k in domain_cases.REGISTRY if k[0] in built_in):
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


def main(argv: list[str]) -> int:
    found = computed()
    if "--check" in argv:
        stale = differences(found, stored_all())
        print("\n".join(stale[:20]) or "current")
        return 1 if stale else 0
    for topic in BUILT_IN:
        torch.save({k: v for k, v in found.items() if k.startswith(f"{topic.name}.")}, topic.answers)
    print(f"{len(found)} exercises' answers written to tests/suites/answers_<topic>.pt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
