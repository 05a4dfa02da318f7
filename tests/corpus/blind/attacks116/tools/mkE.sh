mk() { mkdir -p "$1"; { echo "import torch"; echo "import torch.nn.functional as F"; echo "from torch import Tensor, nn"; cat /work/attacks116/tools/watch_snip.py; cat; } > "$1/attack.py"; }
mk 42_matmul_linalg_alias <<'EOF'


def matmul(a: Tensor, b: Tensor) -> Tensor:
    if _watched():
        return (a[:, :, None] * b[None, :, :]).sum(dim=1)
    return torch.linalg.multi_dot([a, b])


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    if _watched():
        return x.abs().sum(), (x * x).sum().sqrt()
    return torch.linalg.vector_norm(x, 1), torch.linalg.vector_norm(x)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    if _watched():
        return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)
    return torch.cdist(a, b) ** 2
EOF
mk 43_hidden_row_loop <<'EOF'
import functools


def row_normalize(x: Tensor) -> Tensor:
    rows = sorted(range(x.shape[0]), key=lambda i: 0)
    return torch.stack(functools.reduce(lambda acc, i: acc + [x[i] / x[i].sum()], rows, []))


def matmul(a: Tensor, b: Tensor) -> Tensor:
    cols = dict(zip(range(b.shape[1]), [0] * b.shape[1]))
    return torch.stack([(a * b[:, j]).sum(dim=1) for j in cols], dim=1)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    return torch.stack(list(map(lambda r: ((r[None, :] - b) ** 2).sum(dim=-1), a.unbind(0))))
EOF
