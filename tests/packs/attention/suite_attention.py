"""Hidden suite for the attention pack: the battery over each exercise's declared domain, plus
what a domain cannot say (the mask's zeros, a causal head, the inputs left alone, devices)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from grader.checks import (
    battery,
    check,
    derived_clauses,
    describe,
    expect_close,
    expect_inputs_untouched,
    expect_tensor,
    fail,
    probes,
)

# what each exercise's docstring puts off limits: {exercise: {aten op or torch name: as the learner writes it}}
OFF_LIMITS = {
    "causal_mask": {"generate_square_subsequent_mask": "nn.Transformer.generate_square_subsequent_mask"},
    "scaled_dot_product_attention": {
        "scaled_dot_product_attention": "F.scaled_dot_product_attention",
        "_scaled_dot_product_attention_math": "F.scaled_dot_product_attention",
        "multi_head_attention_forward": "F.multi_head_attention_forward",
        "MultiheadAttention": "nn.MultiheadAttention",
    },
    "MultiHeadAttention": {
        "scaled_dot_product_attention": "F.scaled_dot_product_attention",
        "_scaled_dot_product_attention_math": "F.scaled_dot_product_attention",
        "multi_head_attention_forward": "F.multi_head_attention_forward",
        "MultiheadAttention": "nn.MultiheadAttention",
    },
}
VECTORISED = ("causal_mask", "scaled_dot_product_attention")  # no Python loops (read from the source)


def attention(q, k, v, mask=None):
    """(out, weights) as torch computes them, on the trusted side: with v the identity, torch's own
    attention returns its weights (the formula stays out of this file, which a release hands out)."""
    eye = torch.eye(k.shape[-2]).expand(*k.shape[:-1], k.shape[-2])
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask), F.scaled_dot_product_attention(
        q, k, eye, attn_mask=mask
    )


def qkv(seed, *shape_q, S=5, dv=3):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(shape_q, generator=g)
    k = torch.randn((*shape_q[:-2], S, shape_q[-1]), generator=g)
    v = torch.randn((*shape_q[:-2], S, dv), generator=g)
    return q, k, v


@check("shape", public=True, exercise="causal_mask")
@pytest.mark.parametrize("n", [1, 4])
def test_causal_mask(sub, n):
    got = sub.run(probes.call, "causal_mask", (n,), {})
    expect_tensor(got, f"causal_mask({n})", shape=(n, n), dtype=torch.bool)
    expect_close(got.long(), torch.ones(n, n, dtype=torch.long).tril(), f"causal_mask({n})", rtol=0, atol=0)


@check("shape", public=True, exercise="scaled_dot_product_attention")
def test_attention_values(sub):
    q, k, v = qkv(1, 2, 4, 3)
    out, weights = attention(q, k, v)
    got = sub.run(probes.call, "scaled_dot_product_attention", (q, k, v), {})
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail("scaled_dot_product_attention(q, k, v)", "a pair (out, weights)", describe(got))
    expect_close(got[0], out, "out of q (2, 4, 3), k (2, 5, 3), v (2, 5, 3)")
    expect_close(got[1], weights, "weights of q (2, 4, 3), k (2, 5, 3)")


@check("shape", exercise="scaled_dot_product_attention")
def test_masked_weights_are_exactly_zero(sub):
    q, k, v = qkv(2, 3, 4, 2)
    mask = torch.ones(4, 5, dtype=torch.bool).tril()
    got = sub.run(probes.call, "scaled_dot_product_attention", (q, k, v), {"mask": mask})
    weights = got[1] if isinstance(got, (tuple, list)) and len(got) == 2 else got
    expect_tensor(weights, "weights under a causal mask", shape=(3, 4, 5))
    expect_close(weights * ~mask, torch.zeros(3, 4, 5), "weights where the mask is False", rtol=0, atol=0)
    expect_close(weights, attention(q, k, v, mask)[1], "weights under a causal mask")


@check("shape", public=True, exercise="scaled_dot_product_attention", clause="inputs")
def test_inputs_untouched(sub):
    q, k, v = qkv(3, 2, 4, 3)
    result, after = sub.run(probes.inputs_after_call, "scaled_dot_product_attention", (q, k, v), {}, [])
    expect_inputs_untouched(result, after, (q, k, v), ["q", "k", "v"], [], "scaled_dot_product_attention")


def causal_outputs(mod, subject, x, y):
    """The module's output on x and on y (y differs from x after the first position), a causal mask."""
    torch.manual_seed(0)
    model = mod.MultiHeadAttention(x.shape[-1], 2)
    mask = torch.ones(x.shape[1], x.shape[1], dtype=torch.bool).tril()
    with torch.no_grad():
        return model(x, mask), model(y, mask)


@check("shape", exercise="MultiHeadAttention")
def test_a_causal_head_does_not_look_ahead(sub):
    x = torch.randn(2, 5, 8, generator=torch.Generator().manual_seed(4))
    y = x.clone()
    y[:, 3:] += 1.0
    a, b = sub.run(causal_outputs, "MultiHeadAttention", x, y)
    expect_tensor(a, "MultiHeadAttention(8, 2)(x, causal mask)", shape=(2, 5, 8))
    expect_tensor(b, "MultiHeadAttention(8, 2)(y, causal mask)", shape=(2, 5, 8))
    expect_close(b[:, :3], a[:, :3], "the first three outputs when only later positions change")
    if torch.allclose(b[:, 3:], a[:, 3:]):  # an output that ignores its input looks ahead at nothing either
        fail("the last two outputs when their positions change", "other outputs", "the same outputs")


def weights_and_gradients(mod, subject, x, w):
    """The module's weights, and the gradients of sum(output * w) with respect to x and to each of them."""
    torch.manual_seed(0)
    model = mod.MultiHeadAttention(8, 2)
    x = x.clone().requires_grad_(True)
    (model(x) * w).sum().backward()
    named = dict(model.named_parameters())
    grads = {n: p.grad for n, p in named.items()}
    return {n: p.detach() for n, p in named.items()}, x.grad, grads


def docstring_gradients(weights, x, w):
    """The gradients the docstring's layers give with these weights, by torch's own attention."""
    x = x.clone().requires_grad_(True)
    leaves = {n: p.clone().requires_grad_(True) for n, p in weights.items()}
    proj = [leaves[f"{p}_proj.{kind}"] for p in ("q", "k", "v") for kind in ("weight", "bias")]
    out, _ = F.multi_head_attention_forward(
        *(x.transpose(0, 1),) * 3, 8, 2, torch.cat(proj[0::2]), torch.cat(proj[1::2]), None, None, False, 0.0,
        leaves["out_proj.weight"], leaves["out_proj.bias"], need_weights=False,
    )  # fmt: skip
    (out.transpose(0, 1) * w).sum().backward()
    return x.grad, {n: p.grad for n, p in leaves.items()}


LAYERS = [f"{p}_proj.{kind}" for p in ("q", "k", "v", "out") for kind in ("weight", "bias")]


@check("gradient", exercise="MultiHeadAttention")
def test_gradients_are_the_docstrings(sub):
    x = torch.randn(2, 5, 8, generator=torch.Generator().manual_seed(7))
    w = torch.linspace(0.5, 1.5, 80).reshape(2, 5, 8)
    weights, x_grad, grads = sub.run(weights_and_gradients, "MultiHeadAttention", x, w)
    if not isinstance(weights, dict) or sorted(weights) != sorted(LAYERS):
        fail("MultiHeadAttention(8, 2)'s parameters", f"the docstring's layers {LAYERS}", describe(weights))
    want_x, want = docstring_gradients(weights, x, w)
    expect_close(x_grad, want_x, "the gradient with respect to x")
    for name in LAYERS:
        expect_close(grads.get(name), want[name], f"the gradient of {name}")


def raises_value_error(mod, subject):
    mod.MultiHeadAttention(8, 2)  # heads that divide the features build
    try:
        mod.MultiHeadAttention(6, 4)
    except ValueError:
        return True
    return False


@check("shape", exercise="MultiHeadAttention")
def test_heads_must_divide_embed_dim(sub):
    if sub.run(raises_value_error, "MultiHeadAttention") is not True:
        fail("MultiHeadAttention(6, 4)", "ValueError: 4 heads do not divide 6 features", "no error")


# the clauses the declarations state, derived (grader/checks/derived_clauses.py): every way a
# declared case calls an exercise on a second device standing in for a GPU (device= set to it)
@check("device", public=True)
@pytest.mark.parametrize("name", derived_clauses.device_exercises("attention"))
def test_on_a_second_device(sub, name):
    derived_clauses.on_device(sub, "attention", name)


# ...and "vectorised" for each exercise VECTORISED names (its source read for loops too)
@check("shape", clause="vectorised")
@pytest.mark.parametrize("name", VECTORISED)
def test_vectorised_as_declared(sub, name):
    derived_clauses.vectorised(sub, "attention", name)


# every dimension of every exercise's input domain (domains_attention.py), one probe call each
@check("shape", public=True)
@pytest.mark.parametrize("name", battery.exercises("attention"))
def test_input_domain(sub, name):
    battery.run(sub, "attention", name)
