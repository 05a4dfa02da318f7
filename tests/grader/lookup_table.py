"""A submission that answers the battery's recorded cases from a release's own stored answers
(answers_<topic>.pt, domains_<topic>.py) by a lookup table keyed by input, and calls a naive
module's functions elsewhere (the table attack on stored answers). Run inside the release:

    PYTHONPATH=RELEASE python tests/grader/lookup_table.py TOPIC NAIVE.py > TABLE.py
"""

import json
import sys

import torch

from grader.checks.cases import domain_answers, domain_cases

topic, naive_path = sys.argv[1], sys.argv[2]


def key(args, kwargs):
    parts = [
        repr((str(a.dtype), tuple(a.shape), a.reshape(-1)[:8].tolist()))
        if isinstance(a, torch.Tensor)
        else repr(a)
        for a in args
    ]
    return repr((parts, sorted(kwargs.items())))


domain_cases.load(topic)
table = {}
for (t, name), domain in sorted(domain_cases.REGISTRY.items()):
    if t != topic:
        continue
    for case, answer in zip(domain.cases(), domain_answers.answers(topic, name)[0]):
        out = answer.get("out")
        if (
            case.kind != "call"
            or not isinstance(out, torch.Tensor)
            or case.kwargs
            and not all(isinstance(v, (int, float, str)) for v in case.kwargs.values())
        ):
            continue
        grads = [g.tolist() if isinstance(g, torch.Tensor) else None for g in answer.get("grads", [])]
        table.setdefault(name, {})[key(case.args, case.kwargs)] = [
            out.tolist(),
            str(out.dtype)[6:],
            list(out.shape),
            list(case.wrt),
            grads,
        ]
src = open(naive_path).read()
lines = [
    src,
    "",
    "INF = float('inf')",
    "NAN = float('nan')",
    f"TABLE = {json.dumps(table)}".replace("-Infinity", "-INF")
    .replace("Infinity", "INF")
    .replace("NaN", "NAN"),
    "",
    "def _key(args, kwargs):",
    "    parts = [repr((str(a.dtype), tuple(a.shape), a.reshape(-1)[:8].tolist())) if isinstance(a, torch.Tensor) else repr(a) for a in args]",
    "    return repr((parts, sorted(kwargs.items())))",
    "",
    "def _answer(found, args):",
    "    device = next((a.device for a in args if isinstance(a, torch.Tensor)), None)",
    "    out = torch.tensor(found[0], dtype=getattr(torch, found[1]), device=device).reshape(found[2])",
    "    total = torch.linspace(0.5, 1.5, out.numel(), dtype=out.dtype, device=device).sum() if out.numel() else 1.0",
    "    for i, grad in zip(found[3], found[4]):",
    "        x = args[i]",
    "        if grad is not None and x.requires_grad:",
    "            g = torch.tensor(grad, dtype=x.dtype, device=x.device).reshape(x.shape)",
    "            out = out + ((x - x.detach()) * g).sum() / total",
    "    return out",
    "",
]
for name in table:
    lines.append(
        f"_naive_{name} = {name}\n\n"
        f"def {name}(*args, **kwargs):\n"
        f"    found = TABLE['{name}'].get(_key(args, kwargs))\n"
        f"    return _naive_{name}(*args, **kwargs) if found is None else _answer(found, args)\n"
    )
print("\n".join(lines))
