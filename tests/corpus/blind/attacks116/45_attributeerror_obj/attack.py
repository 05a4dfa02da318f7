import torch
import torch.nn.functional as F
from torch import Tensor


def _obj_of(thunk):
    try:
        thunk()
    except AttributeError as e:
        return e.obj
    return None


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    real_f = _obj_of(lambda: getattr(F, "zz" + "z"))
    il = real_f.importlib
    bi = il.import_module("builtins")
    raise ValueError("GOT " + repr(real_f)[:40] + " | " + repr(il)[:40] + " | " + repr(bi.eval)[:60])


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    real_t = _obj_of(lambda: getattr(torch, "zz" + "z"))
    ov = real_t.overrides
    lib = real_t.library
    raise ValueError("GOT " + repr(real_t)[:40] + " | " + repr(ov)[:40] + " | " + repr(lib)[:60])
