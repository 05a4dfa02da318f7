"""What a submission reaches once past the seal's held modules. The planted code of the sandbox's
own tests (the zygote, locks, channels, limits, the watchdog) and the benchmark's stubborn stall
model code that got there, to hold the layers beneath; ``object.__getattribute__`` is that bypass
(the static check, which those runs skip, refuses it)."""

from __future__ import annotations

import re

# one line, so that the planted code's lines keep their numbers (the tests read them in messages)
_UNHELD = (
    '_Unheld = type("_Unheld", (), {"__init__": lambda s, m: object.__setattr__(s, "module", m), '
    '"__getattr__": lambda s, n: object.__getattribute__(object.__getattribute__(s, "module"), n)})'
)
IMPORT = re.compile(r"^(\s*)import ([\w., ]+)$")


def unheld(source: str) -> str:
    """``source`` with every module its ``import a, b as c`` lines bind (torch aside) read past the
    held modules, on the import's own line; its first line, blank, defines the reader."""
    first, _, rest = source.partition("\n")
    assert not first.strip(), "planted code starts on its second line: the first holds the reader"
    return "\n".join([_UNHELD, *map(_rebound, rest.splitlines())]) + "\n"


def _rebound(line: str) -> str:
    found = IMPORT.match(line)
    bound = [n.split(" as ")[-1].strip().split(".")[0] for n in found.group(2).split(",")] if found else []
    names = [n for n in bound if n != "torch"]
    return f"{line}; {', '.join(names)}, = map(_Unheld, ({', '.join(names)},))" if names else line
