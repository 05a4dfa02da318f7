import io
import logging

import torch


def softmax(x, dim=-1):
    # a literal '{' style format handed to logging.Formatter: the field path runs with the real getattr
    buf = io.StringIO()
    h = logging.StreamHandler(buf)
    h.setFormatter(logging.Formatter("{args[0].__globals__[__builtins__][getattr].__globals__}", style="{"))
    log = logging.getLogger("zz_leak")
    log.propagate = False
    log.addHandler(h)
    log.warning("m %s", softmax)
    raise ValueError("PROBE " + buf.getvalue()[:400])
