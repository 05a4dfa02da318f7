"""Local-derivative rules for the scalar Value graph, registered at import time."""

from __future__ import annotations

import math
from typing import Callable, Dict, Tuple

# name -> (forward on floats, local derivatives given inputs and output)
Forward = Callable[..., float]
Locals = Callable[..., Tuple[float, ...]]
RULES: Dict[str, Tuple[Forward, Locals]] = {}


def rule(name: str, forward: Forward, local: Locals) -> None:
    RULES[name] = (forward, local)


rule("add", lambda a, b: a + b, lambda a, b, out: (1.0, 1.0))
rule("mul", lambda a, b: a * b, lambda a, b, out: (b, a))
rule("neg", lambda a: -a, lambda a, out: (-1.0,))
rule("exp", math.exp, lambda a, out: (out,))
rule("tanh", math.tanh, lambda a, out: (1.0 - out * out,))
rule("relu", lambda a: a if a > 0 else 0.0, lambda a, out: (1.0 if a > 0 else 0.0,))
