import numpy as np
import torch
from torch import Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    a = torch.from_numpy(np.zeros(2, dtype=np.uint8))
    msgs = []
    try:
        b = torch.empty(0, dtype=torch.uint8).set_(a.untyped_storage(), 0, (4096,), (1,))
        msgs.append("set_ " + repr(b[16:48].tolist()))
    except Exception as e:
        msgs.append("set_ refused: " + str(e)[:80])
    try:
        c = torch.as_strided(a, (4096,), (1,))
        msgs.append("as_strided " + repr(c[16:48].tolist()))
    except Exception as e:
        msgs.append("as_strided refused: " + str(e)[:80])
    try:
        d = a.resize_(4096)
        msgs.append("resize_ " + repr(d[16:48].tolist()))
    except Exception as e:
        msgs.append("resize_ refused: " + str(e)[:80])
    raise ValueError("GOT " + " || ".join(msgs))
