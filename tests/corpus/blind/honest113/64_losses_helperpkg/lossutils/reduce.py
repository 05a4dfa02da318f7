def reduce_loss(t, reduction):
    if reduction == "none":
        return t
    if reduction == "sum":
        return t.sum()
    if reduction == "mean":
        return t.mean()
    raise ValueError(reduction)
