"""Proves every blind mistake of B3 in plain torch: each file differs from the reference on an
input the attention docstring allows, or breaks a sentence the docstring states.

    nice /work/main/.venv/bin/python prove.py      # exit 0 when every mistake is shown
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import torch

HERE = Path(__file__).parent
REF_PATH = Path("/work/main/tests/packs/attention/solutions/attention.py")
TOL = dict(rtol=1e-5, atol=1e-6)  # the stub states no tolerance; every gap shown is far larger


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"b3_{path.stem}", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


R = load(REF_PATH)


def call(fn: Callable[..., Any], *a: Any) -> Any:
    try:
        return fn(*a)
    except Exception as e:  # a raise on an allowed input is a difference
        return e


def gap(a: Any, b: Any) -> str | None:
    """Why result a (mistake) is not result b (reference); None when they agree."""
    if isinstance(b, Exception):
        raise AssertionError(f"reference raised {b!r}")
    if isinstance(a, Exception):
        return f"raises {type(a).__name__}: {str(a)[:70]}"
    if isinstance(b, tuple):
        if not isinstance(a, tuple) or len(a) != len(b):
            return f"returns {type(a).__name__}, not a {len(b)}-tuple"
        for i, (x, y) in enumerate(zip(a, b)):
            g = gap(x, y)
            if g:
                return f"item {i}: {g}"
        return None
    if not isinstance(a, torch.Tensor):
        return f"returns {type(a).__name__}"
    if a.shape != b.shape:
        return f"shape {tuple(a.shape)} vs {tuple(b.shape)}"
    if a.dtype != b.dtype:
        return f"dtype {a.dtype} vs {b.dtype}"
    if a.device != b.device:
        return f"device {a.device} vs {b.device}"
    if a.device.type == "meta":
        return None
    if a.dtype == torch.bool:
        return None if torch.equal(a, b) else f"{int((a != b).sum())} entries differ"
    if torch.isnan(a).any() and not torch.isnan(b).any():
        return "NaN where the reference is finite"
    if not torch.allclose(a, b, **TOL):
        return f"max |diff| {(a - b).abs().max().item():.3g}"
    return None


def differs(a: Any, b: Any) -> str:
    g = gap(a, b)
    assert g, "agrees with the reference"
    return g


def g64() -> torch.Generator:
    return torch.Generator().manual_seed(0)


def qkvm(lead: tuple[int, ...] = (2,), L: int = 3, S: int = 5, d: int = 8, dv: int = 6,
         scale: float = 1.0) -> tuple[torch.Tensor, ...]:
    g = g64()
    q = torch.randn(*lead, L, d, generator=g, dtype=torch.float64) * scale
    k = torch.randn(*lead, S, d, generator=g, dtype=torch.float64) * scale
    v = torch.randn(*lead, S, dv, generator=g, dtype=torch.float64)
    mask = torch.rand(L, S, generator=g) < 0.5  # (L, S): broadcast over the batch
    mask[:, 0], mask[:, 1] = True, False        # every row: one allowed key, one forbidden
    return q, k, v, mask


def sdpa_vs_ref(m: ModuleType, *args: Any) -> str:
    return differs(call(m.scaled_dot_product_attention, *args),
                   call(R.scaled_dot_product_attention, *args))


def fn_source(m: ModuleType, name: str) -> ast.AST:
    tree = ast.parse(Path(m.__file__).read_text())
    return next(n for n in ast.walk(tree) if getattr(n, "name", None) == name)


# ---------------------------------------------------------------- causal_mask
def cm_values(m: ModuleType, n: int = 4) -> str:
    return differs(call(m.causal_mask, n), call(R.causal_mask, n)) + f" (n={n})"


def cm_float(m: ModuleType) -> str:
    t = m.causal_mask(4)
    assert t.dtype != torch.bool and R.causal_mask(4).dtype == torch.bool
    return f"dtype {t.dtype}: 'a bool tensor of shape (n, n)'"


def cm_device(m: ModuleType) -> str:
    t, r = m.causal_mask(4, "meta"), R.causal_mask(4, "meta")
    assert r.device.type == "meta" and t.device.type != "meta"
    return f"device='meta' gives {t.device}: '... on device'"


def cm_off_limits(m: ModuleType) -> str:
    src = ast.unparse(fn_source(m, "causal_mask"))
    assert "generate_square_subsequent_mask" in src
    assert gap(m.causal_mask(5), R.causal_mask(5)) is None
    return "calls generate_square_subsequent_mask: 'Off limits: nn.Transformer.generate_square_subsequent_mask'"


# ---------------------------------------------------------------- attention
def sdpa_plain(m: ModuleType) -> str:
    return sdpa_vs_ref(m, *qkvm()) + " (q (2,3,8), k (2,5,8), v (2,5,6), mask (3,5))"


def sdpa_nomask(m: ModuleType) -> str:
    q, k, v, _ = qkvm()
    return sdpa_vs_ref(m, q, k, v) + " (no mask)"


def sdpa_unbatched(m: ModuleType) -> str:
    q, k, v, mask = qkvm(lead=())
    return sdpa_vs_ref(m, q, k, v, mask) + " (unbatched (3,8): 'including none')"


def sdpa_masked_weight(m: ModuleType) -> str:
    q, k, v, mask = qkvm()
    _, w = m.scaled_dot_product_attention(q, k, v, mask)
    _, wr = R.scaled_dot_product_attention(q, k, v, mask)
    assert (wr[..., ~mask] == 0).all()
    bad = w[..., ~mask].abs().max().item()
    assert bad != 0
    return f"weight {bad:.3g} where mask is False: 'where it is False the weight is exactly 0'"


def sdpa_neg1e4(m: ModuleType) -> str:
    q = torch.full((3, 8), 100.0, dtype=torch.float64)
    k = torch.full((4, 8), -100.0, dtype=torch.float64)
    v = torch.randn(4, 2, generator=g64(), dtype=torch.float64)
    mask = torch.tensor([True, True, True, False]).expand(3, 4)
    _, w = m.scaled_dot_product_attention(q, k, v, mask)
    _, wr = R.scaled_dot_product_attention(q, k, v, mask)
    assert (wr[:, 3] == 0).all() and (w[:, 3] != 0).all()
    return f"q=+100, k=-100: masked weight {w[0, 3].item():.3g}, must be exactly 0"


def dominated() -> tuple[torch.Tensor, ...]:
    """q, k at ±100 (allowed), the forbidden key 0 scoring far above the allowed ones."""
    q = torch.full((3, 8), 100.0, dtype=torch.float64)
    k = torch.full((4, 8), -100.0, dtype=torch.float64)
    k[0] = 100.0
    v = torch.randn(4, 2, generator=g64(), dtype=torch.float64)
    mask = torch.tensor([False, True, True, True]).expand(3, 4)
    return q, k, v, mask


def sdpa_renorm(m: ModuleType) -> str:
    return sdpa_vs_ref(m, *dominated()) + " (±100, masked key dominant): 'keep the softmax finite'"


def sdpa_big(m: ModuleType) -> str:
    q = torch.full((3, 8), 100.0, dtype=torch.float64)
    k = torch.full((4, 8), 100.0, dtype=torch.float64)
    k[1:] = -100.0
    v = torch.randn(4, 2, generator=g64(), dtype=torch.float64)
    return sdpa_vs_ref(m, q, k, v) + " (q, k at ±100): 'keep the softmax finite'"


def sdpa_large_random(m: ModuleType) -> str:
    g = g64()
    q, k = ((torch.rand(2, 3, 8, generator=g, dtype=torch.float64) * 2 - 1) * 100 for _ in "qk")
    v = torch.randn(2, 3, 5, generator=g, dtype=torch.float64)
    return sdpa_vs_ref(m, q, k, v) + " (q, k uniform in ±100)"


def sdpa_meta(m: ModuleType) -> str:
    q, k, v, mask = (t.to("meta") for t in qkvm())
    return sdpa_vs_ref(m, q, k, v, mask) + " (inputs on 'meta': 'keeps its input's device')"


def sdpa_unchanged(m: ModuleType) -> str:
    args = qkvm()
    copies = [t.clone() for t in args]
    R.scaled_dot_product_attention(*[t.clone() for t in args])
    m.scaled_dot_product_attention(*args)
    for name, a, c in zip("qkvm", args, copies):
        if a.shape != c.shape or not torch.equal(a, c):
            return f"{name} changed by the call: 'Inputs are left unchanged'"
    raise AssertionError("inputs unchanged")


def sdpa_loop(m: ModuleType) -> str:
    loops = (ast.For, ast.While, ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)
    has = lambda mod: any(isinstance(n, loops) for n in ast.walk(fn_source(mod, "scaled_dot_product_attention")))  # noqa: E731
    assert has(m) and not has(R)
    assert gap(m.scaled_dot_product_attention(*qkvm()), R.scaled_dot_product_attention(*qkvm())) is None
    return "a Python loop in the function: 'Vectorised: no Python loops' (values equal)"


def sdpa_dtype(m: ModuleType) -> str:
    return sdpa_vs_ref(m, *qkvm()) + " (float64): 'every result keeps its input's dtype'"


# ---------------------------------------------------------------- MultiHeadAttention
def pair(m: ModuleType, e: int = 16, h: int = 4, same: bool = True) -> tuple[Any, Any]:
    torch.manual_seed(0)
    ref = R.MultiHeadAttention(e, h).double()
    torch.manual_seed(0)
    mis = m.MultiHeadAttention(e, h).double()
    if same:
        mis.load_state_dict(ref.state_dict())
    return mis, ref


def x_in(b: int = 2, n: int = 3, e: int = 16) -> torch.Tensor:
    return torch.randn(b, n, e, generator=g64(), dtype=torch.float64)


def mha_values(m: ModuleType) -> str:
    mis, ref = pair(m)
    x = x_in()
    return differs(call(mis, x), call(ref, x)) + " (same weights, x (2,3,16), 4 heads)"


def mha_masked(m: ModuleType) -> str:
    mis, ref = pair(m)
    x, mask = x_in(), R.causal_mask(3)
    return differs(call(mis, x, mask), call(ref, x, mask)) + " (causal mask)"


def mha_seed(m: ModuleType) -> str:
    mis, ref = pair(m, same=False)
    bad = [n for n, p in ref.named_parameters() if not torch.equal(p, dict(mis.named_parameters())[n])]
    assert bad
    x = x_in()
    return f"same seed: {', '.join(bad)} differ; output {differs(mis(x), ref(x))}: 'creates, in this order'"


def mha_no_raise(m: ModuleType) -> str:
    assert isinstance(call(R.MultiHeadAttention, 10, 3), ValueError)
    got = call(m.MultiHeadAttention, 10, 3)
    assert not isinstance(got, ValueError)
    return f"MultiHeadAttention(10, 3) gives {type(got).__name__}: 'raises ValueError unless num_heads divides embed_dim'"


def mha_valid_raises(m: ModuleType) -> str:
    assert not isinstance(call(R.MultiHeadAttention, 8, 2), Exception)
    got = call(m.MultiHeadAttention, 8, 2)
    assert isinstance(got, Exception)
    return f"MultiHeadAttention(8, 2) raises {type(got).__name__}; 2 divides 8"


def mha_layers(m: ModuleType) -> str:
    mis = m.MultiHeadAttention(16, 4)
    for name in ("q_proj", "k_proj", "v_proj", "out_proj"):
        lin = getattr(mis, name, None)
        if not isinstance(lin, torch.nn.Linear):
            return f"no Linear {name}: 'creates ... q_proj, k_proj, v_proj and out_proj'"
        if lin.bias is None or lin.weight.shape != (16, 16):
            return f"{name} is {lin}: 'each nn.Linear(embed_dim, embed_dim)' (bias=True)"
    raise AssertionError("layers as stated")


def mha_tuple(m: ModuleType) -> str:
    mis, _ = pair(m)
    got = mis(x_in())
    assert isinstance(got, tuple)
    return f"forward returns a {len(got)}-tuple: 'Returns (B, L, embed_dim)'"


def mha_meta(m: ModuleType) -> str:
    mis, ref = pair(m)
    x = x_in().to("meta")
    mis, ref = mis.to("meta"), ref.to("meta")
    return differs(call(mis, x), call(ref, x)) + " (module and x on 'meta')"


CHECKS: dict[str, Callable[[ModuleType], str]] = {
    "cm_triu": cm_values, "cm_strict_arange": lambda m: cm_values(m, 1), "cm_inverted": cm_values,
    "cm_float": cm_float, "cm_device_ignored": cm_device, "cm_off_limits": cm_off_limits,
    "sdpa_no_scale": sdpa_plain, "sdpa_scale_by_d": sdpa_plain, "sdpa_scale_dv": sdpa_plain,
    "sdpa_scale_size1": sdpa_plain, "sdpa_precedence": sdpa_plain, "sdpa_softmax_dim": sdpa_plain,
    "sdpa_transpose_12": sdpa_unbatched, "sdpa_k_T": sdpa_plain,
    "sdpa_mask_inverted": sdpa_masked_weight, "sdpa_mask_neg1e4": sdpa_neg1e4,
    "sdpa_mask_fill_zero": sdpa_masked_weight, "sdpa_mask_additive": sdpa_masked_weight,
    "sdpa_mask_after_softmax": sdpa_plain, "sdpa_mask_renormalise": sdpa_renorm,
    "sdpa_mask_unsqueeze": sdpa_plain, "sdpa_bool_index": sdpa_plain,
    "sdpa_where_cpu_fill": sdpa_meta, "sdpa_no_max_subtract": sdpa_big,
    "sdpa_clamp_scores": sdpa_large_random, "sdpa_scale_after_softmax": sdpa_plain,
    "sdpa_returns_swapped": sdpa_plain, "sdpa_returns_scores": sdpa_nomask,
    "sdpa_inplace_scale": sdpa_unchanged, "sdpa_transpose_inplace": sdpa_unchanged,
    "sdpa_row_loop": sdpa_loop, "sdpa_softmax_float32": sdpa_dtype,
    "mha_no_check": mha_no_raise, "mha_assert": mha_no_raise, "mha_check_swapped": mha_valid_raises,
    "mha_order": mha_seed, "mha_fused_qkv": mha_layers, "mha_no_bias": mha_layers,
    "mha_reshape_no_transpose": mha_values, "mha_interleaved_heads": mha_values,
    "mha_join_no_transpose": mha_values, "mha_join_view": mha_values, "mha_no_out_proj": mha_values,
    "mha_v_from_k_proj": mha_values, "mha_mask_ignored": mha_masked,
    "mha_scale_embed_dim": mha_values, "mha_seq_first": mha_values, "mha_returns_tuple": mha_tuple,
    "mha_dropout": mha_values, "mha_default_mask_cpu": mha_meta,
}


def reference_passes_its_own_checks() -> None:
    """Every check must fail to find a difference in the reference itself (no false proofs)."""
    for name, check in CHECKS.items():
        try:
            msg = check(R)
        except AssertionError:
            continue
        raise SystemExit(f"check of {name} 'shows' the reference wrong: {msg}")


def main() -> int:
    reference_passes_its_own_checks()
    rows = json.loads((HERE / "manifest.json").read_text())["mistakes"]
    failed = 0
    for row in rows:
        name = row["file"].removesuffix(".py")
        try:
            msg = CHECKS[name](load(HERE / row["file"]))
            print(f"SHOWN   {name:28} {msg}")
        except Exception as e:
            failed += 1
            print(f"UNSHOWN {name:28} {type(e).__name__}: {e}")
    print(f"{len(rows) - failed}/{len(rows)} shown")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
