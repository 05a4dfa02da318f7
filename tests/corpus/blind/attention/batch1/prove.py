"""Prove each blind attention mistake wrong against the pack's solution, in plain torch.

For every module in this folder: show the targeted exercise wrong (a value/shape/dtype/exception
difference on an input the docstring allows, or a stated clause broken), and check that the exercises
it did not target still agree with the reference (so each file carries one mistake).
Usage: python prove.py   → one line per file, exit 1 if a mistake is not shown.
"""
from __future__ import annotations

import ast
import importlib.util
import json
import math
import sys
from pathlib import Path

import torch

HERE = Path(__file__).parent
SOL = Path("/work/main/tests/packs/attention/solutions/attention.py")


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


R = load(SOL, "attn_ref")


def differs(a, b) -> bool:
    if isinstance(a, tuple):
        return any(differs(x, y) for x, y in zip(a, b)) or len(a) != len(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return True
    return not torch.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=False)


def g(seed):
    return torch.Generator().manual_seed(seed)


def rnd(*shape, seed=0):
    return torch.randn(*shape, generator=g(seed))


class NotShown(Exception):
    pass


def outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001
        return ("raised", f"{type(e).__name__}: {str(e)[:80]}")


def value_diff(mine, ref, *args, what=""):
    a, b = outcome(lambda: mine(*args)), outcome(lambda: ref(*args))
    if b[0] != "ok":
        raise NotShown(f"reference raised on {what}: {b[1]}")
    if a[0] != "ok":
        return f"{what}: raises {a[1]}; reference returns a result"
    if differs(a[1], b[1]):
        return f"{what}: result differs from the reference"
    raise NotShown(f"{what}: equal")


# ---------------------------------------------------------------- the demonstrations
def sdpa_args_random(seed=0, shape=(2, 3, 4), dv=None, S=None):
    B, L, d = shape
    S = S or L
    return rnd(B, L, d, seed=seed), rnd(B, S, d, seed=seed + 1), rnd(B, S, dv or d, seed=seed + 2)


def demo_causal_ignores_device(M):
    t = M.causal_mask(4, "meta")
    if t.device.type != "meta":
        return f"causal_mask(4, 'meta') is on {t.device}, the docstring says on `device`"
    raise NotShown("device kept")


def demo_causal_values(M, n=3):
    return value_diff(M.causal_mask, R.causal_mask, n, what=f"causal_mask({n})")


def demo_causal_strict(M):
    return value_diff(M.causal_mask, R.causal_mask, 1, what="causal_mask(1)")


def demo_causal_float(M):
    t = M.causal_mask(3)
    if t.dtype != torch.bool:
        return f"dtype {t.dtype}, the docstring says a bool tensor"
    raise NotShown("bool")


def demo_static_call(M, path, needle):
    src = path.read_text()
    if needle in src:
        equal = not differs(M.causal_mask(5), R.causal_mask(5))
        return f"calls {needle} (off limits); values equal: {equal}"
    raise NotShown("no call")


def demo_sdpa_random(M, **kw):
    q, k, v = sdpa_args_random(**kw)
    return value_diff(M.scaled_dot_product_attention, R.scaled_dot_product_attention, q, k, v,
                      what=f"random q {tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)}")


def demo_sdpa_causal(M):
    q, k, v = sdpa_args_random(shape=(2, 3, 4))
    return value_diff(M.scaled_dot_product_attention, R.scaled_dot_product_attention, q, k, v, R.causal_mask(3),
                      what="random (2, 3, 4) with causal_mask(3)")


def demo_sdpa_after_softmax(M):
    q = torch.tensor([[100.0]])
    k = torch.tensor([[-100.0], [100.0]])
    v = torch.tensor([[1.0], [2.0]])
    mask = torch.tensor([[True, False]])
    return value_diff(M.scaled_dot_product_attention, R.scaled_dot_product_attention, q, k, v, mask,
                      what="q=[[100]], k=[[-100],[100]], mask=[[T, F]]")


def demo_sdpa_neg_1e4(M):
    q = torch.tensor([[100.0]])
    k = torch.tensor([[-100.0], [-100.0]])
    v = torch.tensor([[1.0], [2.0]])
    mask = torch.tensor([[True, False]])
    out = M.scaled_dot_product_attention(q, k, v, mask)[1]
    if out[0, 1] != 0:
        return f"q=[[100]], k=[[-100],[-100]], mask=[[T, F]]: masked weight {out[0, 1].item()}, the docstring says exactly 0"
    raise NotShown("masked weight 0")


def demo_sdpa_unstable(M):
    q = torch.tensor([[100.0]])
    k = torch.tensor([[100.0], [-100.0]])
    v = torch.tensor([[1.0], [2.0]])
    w = M.scaled_dot_product_attention(q, k, v)[1]
    if not torch.isfinite(w).all():
        return f"q=[[100]], k=[[100],[-100]]: weights {w.tolist()} not finite (docstring: keep the softmax finite to ±100)"
    raise NotShown("finite")


def demo_sdpa_loop(M):
    # values agree; the number of torch ops grows with L (vectorised clause)
    from torch.utils._python_dispatch import TorchDispatchMode

    class Count(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.n = 0

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            self.n += 1
            return func(*args, **(kwargs or {}))

    counts = []
    for L in (4, 16):
        q, k, v = sdpa_args_random(shape=(2, L, 4))
        with Count() as c:
            M.scaled_dot_product_attention(q, k, v, R.causal_mask(L))
        counts.append(c.n)
    with Count() as c4:
        R.scaled_dot_product_attention(*sdpa_args_random(shape=(2, 4, 4)), R.causal_mask(4))
    with Count() as c16:
        R.scaled_dot_product_attention(*sdpa_args_random(shape=(2, 16, 4)), R.causal_mask(16))
    q, k, v = sdpa_args_random(shape=(2, 5, 4))
    equal = not differs(M.scaled_dot_product_attention(q, k, v, R.causal_mask(5)),
                        R.scaled_dot_product_attention(q, k, v, R.causal_mask(5)))
    if counts[1] > counts[0]:
        return (f"ops at L=4: {counts[0]}, at L=16: {counts[1]} (reference {c4.n} and {c16.n}): a loop over the data "
                f"(docstring: 'Vectorised: no Python loops'); values equal: {equal}")
    raise NotShown("op count flat")


def demo_sdpa_in_place(M):
    q, k, v = sdpa_args_random()
    before = q.clone()
    M.scaled_dot_product_attention(q, k, v)
    if not torch.equal(q, before):
        return "the caller's q is changed (docstring: 'Inputs are left unchanged')"
    raise NotShown("q unchanged")


def demo_sdpa_unbatched(M):
    q, k, v = rnd(3, 4, seed=1), rnd(5, 4, seed=2), rnd(5, 2, seed=3)
    first = value_diff(M.scaled_dot_product_attention, R.scaled_dot_product_attention, q, k, v,
                       what="unbatched q (3, 4), k (5, 4), v (5, 2)")
    q4, k4, v4 = rnd(2, 2, 3, 4, seed=4), rnd(2, 2, 3, 4, seed=5), rnd(2, 2, 3, 4, seed=6)
    second = outcome(lambda: value_diff(M.scaled_dot_product_attention, R.scaled_dot_product_attention, q4, k4, v4,
                                        what="4-D (2, 2, 3, 4)"))
    return first + "; " + (second[1] if second[0] == "ok" else "4-D equal")


def demo_sdpa_meta(M):
    q, k, v = (t.to("meta") for t in sdpa_args_random())
    mask = R.causal_mask(3, "meta")
    res = outcome(lambda: M.scaled_dot_product_attention(q, k, v, mask))
    ref = outcome(lambda: R.scaled_dot_product_attention(q, k, v, mask))
    if ref[0] != "ok":
        raise NotShown(f"reference fails on meta: {ref[1]}")
    if res[0] != "ok":
        return f"inputs on the meta stand-in device: {res[1]} (reference runs; docstring: results keep the input's device)"
    if res[1][0].device.type != "meta":
        return "result not on the input's device"
    raise NotShown("device kept")


def demo_sdpa_batch_mask(M):
    q, k, v = sdpa_args_random(shape=(3, 4, 5))
    mask = torch.rand(3, 4, 4, generator=g(9)) > 0.5
    mask[..., 0] = True
    return value_diff(M.scaled_dot_product_attention, R.scaled_dot_product_attention, q, k, v, mask,
                      what="per-batch mask (3, 4, 4) with q (3, 4, 5)")


def demo_sdpa_dropout(M):
    torch.manual_seed(0)
    return demo_sdpa_random(M)


def mha_pair(M, E=8, H=2, mask=False):
    torch.manual_seed(0)
    a = M.MultiHeadAttention(E, H)
    torch.manual_seed(0)
    b = R.MultiHeadAttention(E, H)
    x = rnd(2, 5, E, seed=3)
    m = R.causal_mask(5) if mask else None
    return a, b, x, m


def demo_mha_seeded(M, mask=False):
    a, b, x, m = mha_pair(M, mask=mask)
    res = outcome(lambda: a(x, m))
    if res[0] != "ok":
        return f"seeded MultiHeadAttention(8, 2) on x (2, 5, 8): raises {res[1]}"
    if differs(res[1], b(x, m)):
        return f"seeded MultiHeadAttention(8, 2) on x (2, 5, 8){' with causal_mask(5)' if mask else ''}: output differs from the reference built under the same seed"
    raise NotShown("equal")


def demo_mha_same_weights(M, mask=False):
    """Copy the reference's weights in by name (q/k/v/out_proj): a difference is the forward's alone."""
    a, b, x, m = mha_pair(M, mask=mask)
    sd = b.state_dict()
    missing = a.load_state_dict(sd, strict=False)
    out_a, out_b = a(x, m), b(x, m)
    if differs(out_a, out_b):
        return f"with the reference's own weights loaded, forward on x (2, 5, 8){' with causal_mask(5)' if mask else ''} differs" + \
            (f" (keys not loaded: {missing.missing_keys})" if missing.missing_keys else "")
    raise NotShown("equal with the same weights")


def demo_mha_raises(M):
    res = outcome(lambda: M.MultiHeadAttention(10, 3))
    if res[0] == "ok":
        return "MultiHeadAttention(10, 3) does not raise (docstring: raises ValueError unless num_heads divides embed_dim)"
    if not res[1].startswith("ValueError"):
        return f"MultiHeadAttention(10, 3) raises {res[1]}, not ValueError"
    raise NotShown("ValueError")


def demo_mha_structure(M):
    torch.manual_seed(0)
    a = M.MultiHeadAttention(8, 2)
    names = [n for n, _ in a.named_children()]
    shapes = {n: tuple(c.weight.shape) for n, c in a.named_children() if hasattr(c, "weight")}
    biases = {n: c.bias is not None for n, c in a.named_children() if hasattr(c, "bias")}
    want = ["q_proj", "k_proj", "v_proj", "out_proj"]
    if names != want or any(s != (8, 8) for s in shapes.values()) or not all(biases.values()):
        seeded = demo_mha_seeded(M)
        return f"children {names}, weights {shapes}, bias {biases}; the docstring asks {want}, each nn.Linear(8, 8); {seeded}"
    raise NotShown("structure right")


def demo_mha_order(M):
    torch.manual_seed(0)
    a = M.MultiHeadAttention(8, 2)
    torch.manual_seed(0)
    b = R.MultiHeadAttention(8, 2)
    names = [n for n, _ in a.named_children()]
    if names != ["q_proj", "k_proj", "v_proj", "out_proj"] or not torch.equal(a.q_proj.weight, b.q_proj.weight):
        return f"creation order {names}: under torch.manual_seed(0) its q_proj weight differs from the reference's; {demo_mha_seeded(M)}"
    raise NotShown("same order")


DEMOS = {
    "causal_ignores_device": demo_causal_ignores_device,
    "causal_triu": demo_causal_values,
    "causal_strict": demo_causal_strict,
    "causal_float": demo_causal_float,
    "causal_twin": lambda M: demo_static_call(M, HERE / "causal_twin.py", "generate_square_subsequent_mask"),
    "sdpa_loop_rows": demo_sdpa_loop,
    "sdpa_mask_after_softmax": demo_sdpa_after_softmax,
    "sdpa_neg_1e4": demo_sdpa_neg_1e4,
    "sdpa_no_scale": demo_sdpa_random,
    "sdpa_scale_dv": lambda M: demo_sdpa_random(M, dv=7, S=5),
    "sdpa_scale_d": demo_sdpa_random,
    "sdpa_softmax_dim": demo_sdpa_random,
    "sdpa_transpose_1_2": demo_sdpa_unbatched,
    "sdpa_scales_q_in_place": demo_sdpa_in_place,
    "sdpa_mask_not_inverted": demo_sdpa_causal,
    "sdpa_own_softmax_unstable": demo_sdpa_unstable,
    "sdpa_mask_multiplies_scores": demo_sdpa_causal,
    "sdpa_returns_swapped": lambda M: demo_sdpa_random(M, dv=5),
    "sdpa_dropout_weights": demo_sdpa_dropout,
    "sdpa_additive_bool_mask": demo_sdpa_causal,
    "sdpa_neg_inf_on_cpu": demo_sdpa_meta,
    "sdpa_mask_batch_unsqueeze": demo_sdpa_batch_mask,
    "mha_projection_order": demo_mha_order,
    "mha_out_proj_first": demo_mha_order,
    "mha_assert_not_valueerror": demo_mha_raises,
    "mha_no_check": demo_mha_raises,
    "mha_heads_reshape_no_transpose": demo_mha_same_weights,
    "mha_heads_interleaved": demo_mha_same_weights,
    "mha_join_without_transpose": demo_mha_same_weights,
    "mha_forgets_out_proj": demo_mha_same_weights,
    "mha_ignores_mask": lambda M: demo_mha_same_weights(M, mask=True),
    "mha_scale_by_embed_dim": demo_mha_same_weights,
    "mha_fused_qkv": demo_mha_structure,
    "mha_no_bias": demo_mha_structure,
    "mha_loop_batch": demo_mha_same_weights,
}


def untouched_agree(M, targeted: str) -> list[str]:
    """The exercises the file did not target still agree with the reference."""
    bad = []
    if targeted != "causal_mask":
        for n in (1, 4):
            if differs(M.causal_mask(n), R.causal_mask(n)):
                bad.append("causal_mask")
    if targeted != "scaled_dot_product_attention":
        q, k, v = sdpa_args_random(shape=(2, 4, 4))
        if differs(M.scaled_dot_product_attention(q, k, v, R.causal_mask(4)),
                   R.scaled_dot_product_attention(q, k, v, R.causal_mask(4))):
            bad.append("scaled_dot_product_attention")
    if targeted == "causal_mask":      # MultiHeadAttention calls the module's own sdpa: inherits an sdpa mistake
        a, b, x, m = mha_pair(M, mask=True)
        if differs(a(x, m), b(x, m)):
            bad.append("MultiHeadAttention")
    return bad


def main() -> int:
    manifest = json.loads((HERE / "manifest.json").read_text())
    failures = 0
    for entry in manifest["mistakes"]:
        name = entry["file"][:-3]
        M = load(HERE / entry["file"], f"attn_{name}")
        try:
            evidence = DEMOS[name](M)
            collateral = untouched_agree(M, entry["exercise"])
            note = f" [ALSO DIFFERS: {collateral}]" if collateral else ""
            print(f"SHOWN  {name}: {evidence}{note}")
        except NotShown as e:
            failures += 1
            print(f"NOT SHOWN {name}: {e}")
    print(f"{len(manifest['mistakes']) - failures}/{len(manifest['mistakes'])} shown")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
