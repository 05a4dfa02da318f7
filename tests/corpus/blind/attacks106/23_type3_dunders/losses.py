import copy

import torch


class D:
    def __del__(self):
        pass


def log_softmax(x, dim=-1):
    D()
    raise ValueError("PROBE class-body __del__ accepted")


class R:
    def __reduce_ex__(self, proto):
        return (print, ("reduced",))


def sigmoid(x):
    copy.copy(R())
    raise ValueError("PROBE class-body __reduce_ex__ accepted")


class Init:
    def __init_subclass__(cls, **kw):
        super().__init_subclass__()
        cls.seen = kw


def mse(y_hat, y, reduction="mean"):
    class Child(Init, flag=1):
        pass

    raise ValueError(f"PROBE __init_subclass__ ran: {Child.seen}")
