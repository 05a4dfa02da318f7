from torch import Tensor

_REDUCERS = {
    "mean": lambda t: t.mean(),
    "sum": lambda t: t.sum(),
    "none": lambda t: t,
}


def reduce_by(t: Tensor, reduction: str) -> Tensor:
    try:
        return _REDUCERS[reduction](t)
    except KeyError:
        raise ValueError(f"reduction must be one of {sorted(_REDUCERS)}") from None
