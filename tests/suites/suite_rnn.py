"""Hidden suite for exercises/rnn.py: RNN cells and layers, embeddings, hello → ohlol, GRU."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from grader.checks import (
    INDEX_FROM_ONE,
    N_,
    Keyed,
    Shaped,
    battery,
    check,
    describe,
    equals,
    expect,
    expect_close,
    expect_inputs_untouched,
    expect_learned,
    expect_module_on_second_device,
    expect_no_twin,
    expect_same_device,
    expect_tensor,
    families,
    gen,
    inputs,
    known,
    manual_seed,
    probes,
    strategies,
    with_curve,
)
from grader.sandboxed import probe_kit as kit  # the probes' `kit` in the worker

F64 = torch.float64
# What each exercise's docstring puts off limits: {a torch function or aten op the recorder sees:
# the functions that reach it, as the docstring names them} (tests/grader/test_off_limits.py)
# every recurrent layer's and cell's op: an LSTM or GRU cell with its gates pinned open and shut is an
# RNN cell (attacks a124's 39–41: rnn_cell 5.34/5.34, rnn_forward 7.33/7.33)
_RECURRENCES = families.recurrences("torch's other recurrent layers and cells")
OFF_LIMITS = {
    "rnn_cell": {
        **_RECURRENCES,
        "rnn_tanh_cell": "nn.RNNCell / torch.rnn_tanh_cell",
        "rnn_relu_cell": "nn.RNNCell",
        "rnn_tanh": "nn.RNN",
        "rnn_relu": "nn.RNN",
        "_VF.rnn_tanh": "nn.RNN",
    },
    "rnn_forward": {
        **_RECURRENCES,
        "rnn_tanh": "nn.RNN / torch.rnn_tanh",
        "_VF.rnn_tanh": "nn.RNN / torch.rnn_tanh",
        "rnn_relu": "nn.RNN / their functional forms",
        "rnn_tanh_cell": "nn.RNNCell / their functional forms",
        "rnn_relu_cell": "nn.RNNCell / their functional forms",
    },
    "embedding_lookup": {
        "embedding": "F.embedding / nn.Embedding",
        "embedding_bag": "F.embedding_bag / nn.EmbeddingBag",
        "_embedding_bag": "F.embedding_bag / nn.EmbeddingBag",
    },
    "gru_cell": {
        "gru_cell": "nn.GRUCell / torch.gru_cell",
        "_thnn_fused_gru_cell": "nn.GRUCell",
        "gru": "nn.GRU",
    },
}


FUSED = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")  # a cell's parameters, each its gates' rows stacked


def cell_weights(cell: torch.nn.Module) -> tuple:
    return tuple(getattr(cell, name).detach().clone() for name in FUSED)


def expect_cell_equals_torch(sub, name, torch_cell, seed, batch, input_size, hidden, hint):
    """``name`` against ``torch_cell(input_size, hidden)`` built under ``seed``, on x and h drawn with
    the next two seeds: the same values, without torch's own cell."""
    manual_seed(inputs.seed(seed))
    cell = torch_cell(input_size, hidden)
    x, h = (
        torch.randn(batch, input_size, generator=gen(seed + 1)),
        torch.randn(batch, hidden, generator=gen(seed + 2)),
    )
    out, ops = sub.run(probes.call_recorded, name, (x, h, *cell_weights(cell)), {})
    expect_close(
        out,
        cell(x, h).detach(),
        f"{name} on x ({batch}, {input_size}), h ({batch}, {hidden})",
        rtol=1e-5,
        atol=1e-5,
        hint=(*cell_mistakes(name, cell, x, h), hint),
    )
    expect_no_twin(ops, OFF_LIMITS[name], name)


def cell_mistakes(name: str, cell: torch.nn.Module, x: torch.Tensor, h: torch.Tensor) -> tuple[Keyed, ...]:
    """The hints of a cell's known mistakes, each where the values are what that mistake computes."""
    return (
        *(
            Keyed(text, equals(altered(cell, x, h, {bias: torch.zeros_like(getattr(cell, bias))})))
            for bias, text in FORGOTTEN_BIAS.items()
        ),
        *(
            Keyed(text, equals(altered(cell, x, h, {w: getattr(cell, w).T for w in weights})))
            for weights, text in UNTRANSPOSED.items()
            if all(getattr(cell, w).shape[0] == getattr(cell, w).shape[1] for w in weights)
        ),
        *(
            Keyed(text, equals(altered(cell, x, h, gate_negated(cell, gate))))
            for gate, text in SWAPPED_GATES.get(name, {}).items()
        ),
        *(
            known(
                NO_TANH, x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh, cell(x, h)
            )
            if name == "rnn_cell"
            else ()
        ),
        *(gru_mistakes(cell, x, h) if name == "gru_cell" else ()),
        *(
            (Keyed(GRU_GATE_ORDER, equals(altered(cell, x, h, gates_swapped(cell)))),)
            if name == "gru_cell"
            else ()
        ),
    )


GRU_BIAS_OUTSIDE = N_(
    "b_hn is added outside the reset gate: r multiplies (h·W_hnᵀ + b_hn), its bias included: "
    "n = tanh(x·W_inᵀ + b_in + r ⊙ (h·W_hnᵀ + b_hn))"
)
GRU_RESET_FIRST = N_(
    "r is applied to h before the product (the d2l form, (r ⊙ h)·W_hnᵀ): torch's cell applies it "
    "after, n = tanh(x·W_inᵀ + b_in + r ⊙ (h·W_hnᵀ + b_hn))"
)


def gru_mistakes(cell: torch.nn.Module, x: torch.Tensor, h: torch.Tensor) -> tuple[Keyed, ...]:
    """The GRU cell's known new-gate mistakes: b_hn added after the reset gate's product, and r
    applied to h before it (the d2l form), each keyed to the values it computes."""
    w_hn = cell.weight_hh.chunk(3)[2]
    forms = {
        GRU_BIAS_OUTSIDE: lambda i_n, r, g_n, b_n: i_n + r * g_n + b_n,
        GRU_RESET_FIRST: lambda i_n, r, g_n, b_n: i_n + (r * h) @ w_hn.T + b_n,
    }
    with torch.no_grad():
        i_r, i_z, i_n = (x @ cell.weight_ih.T + cell.bias_ih).chunk(3, 1)
        g_r, g_z, g_n = (h @ cell.weight_hh.T).chunk(3, 1)
        b_r, b_z, b_n = cell.bias_hh.chunk(3)
        r, z = torch.sigmoid(i_r + g_r + b_r), torch.sigmoid(i_z + g_z + b_z)
        right = cell(x, h)
        return tuple(
            keyed
            for text, new in forms.items()
            for keyed in known(text, (1 - z) * torch.tanh(new(i_n, r, g_n, b_n)) + z * h, right)
        )


NO_TANH = N_(
    "these values are the cell's pre-activation: tanh is never applied, h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)"
)


# a gate used as 1 − itself: σ(−a) = 1 − σ(a), so the cell with that gate's rows negated computes it
SWAPPED_GATES = {
    "gru_cell": {
        0: N_(
            "these values take r and 1 − r the other way round: n = tanh(x·W_inᵀ + b_in + r·(h·W_hnᵀ + b_hn))"
        ),
        1: N_(
            "these values take z and 1 − z the other way round: h' = (1 − z)·n + z·h, z weighing the old h"
        ),
    },
}


# the fused rows read in Keras's order (update, reset, new) where torch stores (reset, update, new)
GRU_GATE_ORDER = N_(
    "these values read the fused weights' first two blocks the other way round: torch stacks the "
    "gates as (reset, update, new), so r, z, n = (x·W_ihᵀ + b_ih).chunk(3, dim=1), r first (Keras "
    "stores z first)"
)


def gates_swapped(cell: torch.nn.Module) -> dict[str, torch.Tensor]:
    """``cell``'s fused parameters with the rows of its first two gates exchanged."""
    size, found = cell.hidden_size, {}
    for name in FUSED:
        value = getattr(cell, name).detach()
        found[name] = torch.cat([value[size : 2 * size], value[:size], value[2 * size :]])
    return found


def gate_negated(cell: torch.nn.Module, gate: int) -> dict[str, torch.Tensor]:
    """``cell``'s fused parameters with the rows of gate number ``gate`` negated."""
    size, found = cell.hidden_size, {}
    for name in FUSED:
        value = getattr(cell, name).detach().clone()
        value[gate * size : (gate + 1) * size] *= -1
        found[name] = value
    return found


# a cell's values without one of its biases: the hint that names it (a sibling hint would mislead)
FORGOTTEN_BIAS = {
    "bias_ih": N_("these values leave b_ih out: the cell adds both biases, b_ih and b_hh"),
    "bias_hh": N_("these values leave b_hh out: the cell adds both biases, b_ih and b_hh"),
}


# a square weight multiplied as it is stored runs, with other values: the hint that names it
UNTRANSPOSED = {
    ("weight_ih",): N_(
        "these values multiply x by W_ih as stored: the cell takes x·W_ihᵀ (W_ih is (hidden, input_size))"
    ),
    ("weight_hh",): N_(
        "these values multiply h by W_hh as stored: the cell takes h·W_hhᵀ (W_hh is (hidden, hidden))"
    ),
    ("weight_ih", "weight_hh"): N_(
        "these values multiply by W_ih and W_hh as stored: the cell takes x·W_ihᵀ and h·W_hhᵀ "
        "(each weight is (hidden, its input's size))"
    ),
}


def altered(
    cell: torch.nn.Module, x: torch.Tensor, h: torch.Tensor, values: dict[str, torch.Tensor]
) -> torch.Tensor:
    """``cell``'s output on (x, h) with its parameters named in ``values`` set to them (a bias
    zeroed, a square weight transposed: what a known mistake computes)."""
    other = copy.deepcopy(cell)
    with torch.no_grad():
        for name, value in values.items():
            getattr(other, name).copy_(value)
    return other(x, h).detach()


# a product that does not fit, in a cell given (hidden, input_size) weights: they are not transposed
NOT_TRANSPOSED = {
    "matmul-shapes": "x·W_ihᵀ and h·W_hhᵀ: transpose the weights (their shapes differ when input_size ≠ hidden)"
}


@check("shape", public=True, exercise="rnn_cell", errors=NOT_TRANSPOSED)
@pytest.mark.parametrize("batch, input_size, hidden", [(1, 4, 3), (5, 2, 6)])
def test_rnn_cell_equals_nn_rnncell(sub, batch, input_size, hidden):
    expect_cell_equals_torch(
        sub,
        "rnn_cell",
        torch.nn.RNNCell,
        1,
        batch,
        input_size,
        hidden,
        N_("h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)"),
    )


def rnn_case(num_layers, seq_len, batch, dtype=torch.float32):
    manual_seed(inputs.seed(4))
    rnn = torch.nn.RNN(3, 5, num_layers=num_layers).to(dtype)
    x = torch.randn(seq_len, batch, 3, generator=gen(5), dtype=dtype)
    h0 = torch.randn(num_layers, batch, 5, generator=gen(6), dtype=dtype)
    params = [tuple(t.detach().clone() for t in layer) for layer in rnn.all_weights]
    return rnn, x, h0, params


CARRY_HINT = (
    "the steps before this one were right: each step reads the hidden state the step before it "
    "left (h = the cell of x_t and the previous h), starting from h0; h0 is for step 0 alone"
)


def chained_starts(rnn: torch.nn.RNN, x: torch.Tensor, h0: torch.Tensor) -> torch.Tensor:
    """The output of ``rnn`` where layer l > 0 starts from layer l − 1's final h, not h0[l]."""
    out, start = x, h0[0]
    for layer in range(rnn.num_layers):
        one = torch.nn.RNN(out.shape[-1], rnn.hidden_size).to(x.dtype)
        one.load_state_dict(
            {k[:-1] + "0": v for k, v in rnn.state_dict().items() if k.endswith(f"_l{layer}")}
        )
        out, last = one(out, start[None])
        start = last[0]
    return out


def first_step_hints(rnn: torch.nn.RNN, x: torch.Tensor, h0: torch.Tensor) -> tuple:
    """Step 0's hints, each keyed to the values of its mistake: every layer starting from h0[0]
    or from the layer below's final h, the output holding the first layer's h."""
    first = torch.nn.RNN(rnn.input_size, rnn.hidden_size).to(x.dtype)
    first.load_state_dict({k: v for k, v in rnn.state_dict().items() if k.endswith("_l0")})
    with torch.no_grad():
        same_h0 = rnn(x, h0[:1].expand_as(h0).contiguous())[0][0]
        first_layer = first(x, h0[:1])[0][0]
        chained = chained_starts(rnn, x, h0)[0]
    return (
        Keyed(N_("each layer l starts from its own h0[l], not h0[0]"), equals(same_h0)),
        Keyed(
            N_(
                "each layer l starts from its own h0[l]: the final h of the layer below is that "
                "layer's entry of h_n, not the next layer's start"
            ),
            equals(chained),
        ),
        Keyed(
            N_("output holds the LAST layer's h at every step; layer l reads layer l − 1's outputs"),
            equals(first_layer),
        ),
    )


# a product that does not fit in rnn_forward (rnn_cell judged apart): a layer above the first
# given x, whose input_size features its W_ih (hidden × hidden) cannot take
LAYER_INPUT = {
    "matmul-shapes": (
        "layer l > 0 reads the outputs of layer l − 1 (hidden features at each step), not x "
        "(input_size features): only layer 0 reads x"
    )
}


@check("shape", public=True, exercise="rnn_forward", errors=LAYER_INPUT)
@pytest.mark.parametrize("num_layers, seq_len, batch", [(1, 5, 1), (2, 4, 3), (3, 1, 2)])
def test_rnn_forward_equals_nn_rnn(sub, num_layers, seq_len, batch):
    rnn, x, h0, params = rnn_case(num_layers, seq_len, batch)
    result, ops = sub.run(probes.call_recorded, "rnn_forward", (x, h0, params), {}, ("rnn_cell",))
    expect(
        isinstance(result, (list, tuple)) and len(result) == 2,
        "rnn_forward",
        "(output, h_n)",
        type(result).__name__,
    )
    output, h_n = rnn(x, h0)
    what = f"rnn_forward with {num_layers} layer(s), seq_len {seq_len}, batch {batch}"
    got_output = expect_tensor(result[0], f"{what}: output (seq_len, batch, hidden)", shape=output.shape)
    for t in range(
        seq_len
    ):  # step by step, in order: a reversed or shuffled time axis shows at its first step
        expect_close(
            got_output[t],
            output[t].detach(),
            f"{what}: output at step {t} (the last layer's h after reading steps 0..{t})",
            rtol=1e-5,
            atol=1e-5,
            # step t wrong, the steps before it right: the hidden state is not carried along
            hint=CARRY_HINT if t else first_step_hints(rnn, x, h0),
        )
    expect_close(
        result[1],
        h_n.detach(),
        f"{what}: h_n (num_layers, batch, hidden)",
        rtol=1e-5,
        atol=1e-5,
        hint=(
            Shaped(CAT_FINALS, lambda shape, s=tuple(h_n.shape): shape == (s[0] * s[1], s[2])),
            "h_n holds every layer's final h, stacked on dim 0",
        ),
    )
    expect_no_twin(ops, OFF_LIMITS["rnn_forward"], "rnn_forward")


# h_n of the layers' finals joined by torch.cat: (num_layers·batch, hidden), no layers' axis
CAT_FINALS = N_(
    "h_n came out (num_layers·batch, hidden): torch.cat joins the layers' final h along their "
    "batch axis and adds no axis; torch.stack(finals, dim=0) adds the layers' axis, (num_layers, "
    "batch, hidden)"
)


def probe_rnn_gradients(mod, x, h0, params, upstream):
    x = x.clone().requires_grad_(True)
    params = [tuple(t.clone().requires_grad_(True) for t in layer) for layer in params]
    output, h_n = mod.rnn_forward(x, h0, params)
    ((output * upstream).sum() + h_n.sum()).backward()
    return x.grad, [[t.grad for t in layer] for layer in params]


@check("gradient", public=True, exercise="rnn_forward")
def test_rnn_forward_gradients(sub):
    rnn, x, h0, params = rnn_case(2, 4, 2, F64)
    upstream = torch.randn(4, 2, 5, generator=gen(7), dtype=F64)
    grad_x, grad_params = sub.run(probe_rnn_gradients, x, h0, params, upstream)
    x_ref = x.clone().requires_grad_()
    output, h_n = rnn(x_ref, h0)
    ((output * upstream).sum() + h_n.sum()).backward()
    expect_close(
        grad_x,
        x_ref.grad,
        "gradient of rnn_forward w.r.t. x (2 layers, float64)",
        rtol=1e-7,
        atol=1e-10,
        hint="keep every step in the graph: build lists and torch.stack them, no in-place writes",
    )
    for layer, (got_layer, ref_layer) in enumerate(zip(grad_params, rnn.all_weights)):
        for name, got, ref in zip(("w_ih", "w_hh", "b_ih", "b_hh"), got_layer, ref_layer):
            expect_close(
                got,
                ref.grad,
                f"gradient w.r.t. layer {layer}'s {name} (float64)",
                rtol=1e-7,
                atol=1e-10,
                hint="the same weights are used at every step: their gradients add up over time",
            )


FLAT_ROWS = N_(
    "these are the rows of the flattened indices, (number of indices, dim): the indices were "
    "flattened and never shaped back; the result keeps idx's shape, weight[idx] (idx.shape + (dim,))"
)


# a product that does not fit in embedding_lookup: one-hot rows narrower than the weight's rows
# or an index of another shape than a lookup takes (index_select's 1-D one)
ONE_HOT_WIDTH = {
    "matmul-shapes": (
        "a one-hot row per index must be as wide as the weight has rows: F.one_hot(idx) is only "
        "max(idx) + 1 wide, F.one_hot(idx, num_classes=weight.shape[0]) is right; or take the "
        "rows themselves, weight[idx]"
    ),
    "IndexError": (
        "idx comes in any shape, 0-dim too: weight[idx] keeps idx's shape and adds the row's "
        "dimension; index_select takes a 1-D index only"
    ),
}


@check("shape", public=True, exercise="embedding_lookup", errors=ONE_HOT_WIDTH)
@pytest.mark.parametrize("idx_shape", [(5,), (2, 3), (1, 1)])
def test_embedding_lookup(sub, idx_shape):
    weight = torch.randn(6, 4, generator=gen(8))
    idx = torch.randint(0, 6, idx_shape, generator=gen(9))
    out, ops = sub.run(probes.call_recorded, "embedding_lookup", (weight, idx), {})
    expected = F.one_hot(idx, 6).float() @ weight
    expect_close(
        out,
        expected,
        f"embedding_lookup with indices of shape {idx_shape}",
        hint=(
            *known(FLAT_ROWS, weight[idx.reshape(-1)], expected),
            *known(INDEX_FROM_ONE, weight[idx - 1], expected),
            "row idx of the weight, for every index: the result has shape idx.shape + (dim,)",
        ),
    )
    expect_no_twin(ops, OFF_LIMITS["embedding_lookup"], "embedding_lookup")


@check("gradient", public=True, exercise="embedding_lookup")
def test_embedding_gradient_accumulates_repeats(sub):
    weight = torch.randn(5, 3, generator=gen(10), dtype=F64)
    idx = torch.tensor([[0, 2, 2], [4, 2, 0]])
    upstream = torch.randn(2, 3, 3, generator=gen(11), dtype=F64)
    _, (grad,) = sub.run(probes.gradients, "embedding_lookup", (weight, idx), {}, upstream, [0])
    leaf = weight.clone().requires_grad_()
    (F.embedding(idx, leaf) * upstream).sum().backward()
    expect_close(
        grad,
        leaf.grad,
        "gradient of embedding_lookup w.r.t. the weight (repeated indices), float64",
        rtol=1e-7,
        atol=1e-12,
        hint="each use of a row adds its upstream gradient to that row",
    )


@check("shape", public=True, exercise="encode_chars")
@pytest.mark.parametrize(
    "text, vocab, expected",
    [("hello", "ehlo", [1, 0, 2, 2, 3]), ("ohlol", ["e", "h", "l", "o"], [3, 1, 2, 3, 2]), ("a", "ba", [1])],
)
def test_encode_chars(sub, text, vocab, expected):
    out = sub.run(probes.call, "encode_chars", (text, vocab), {})
    expect_close(
        out,
        torch.tensor(expected),
        f"encode_chars({text!r}, {vocab!r})",
        rtol=0,
        atol=0,
        hint=(
            *known(
                SORTED_VOCAB, torch.tensor([sorted(vocab).index(c) for c in text]), torch.tensor(expected)
            ),
            "the position of each character in vocab as given (vocab.index(c)), as int64: torch.tensor "
            "of a list of ints is int64, where torch.Tensor(...) makes float32",
        ),
    )


# positions in the sorted vocabulary: the order it was given in is the one that counts
SORTED_VOCAB = N_(
    "these are positions in sorted(vocab): each character's index is its place in vocab as given "
    "(vocab.index(c)), whatever the order"
)


@check("shape", public=True, exercise="gru_cell", errors=NOT_TRANSPOSED)
@pytest.mark.parametrize("batch, input_size, hidden", [(1, 3, 2), (4, 5, 6)])
def test_gru_cell_equals_nn_grucell(sub, batch, input_size, hidden):
    expect_cell_equals_torch(
        sub,
        "gru_cell",
        torch.nn.GRUCell,
        12,
        batch,
        input_size,
        hidden,
        N_(
            "gate order in the fused weights: reset, update, new; r multiplies "
            "(h·W_hnᵀ + b_hn) including its bias; h' = (1 − z)·n + z·h"
        ),
    )


@check("gradient", exercise="gru_cell")
def test_gru_cell_gradients(sub):
    manual_seed(inputs.seed(15))
    cell = torch.nn.GRUCell(3, 4).double()
    x, h = torch.randn(2, 3, generator=gen(16), dtype=F64), torch.randn(2, 4, generator=gen(17), dtype=F64)
    upstream = torch.randn(2, 4, generator=gen(18), dtype=F64)
    _, grads = sub.run(probes.gradients, "gru_cell", (x, h, *cell_weights(cell)), {}, upstream, [0, 1, 2, 3])
    x_ref, h_ref = x.clone().requires_grad_(), h.clone().requires_grad_()
    (cell(x_ref, h_ref) * upstream).sum().backward()
    for name, got, ref in zip(
        ("x", "h", "w_ih", "w_hh"), grads, (x_ref.grad, h_ref.grad, cell.weight_ih.grad, cell.weight_hh.grad)
    ):
        expect_close(got, ref, f"gradient of gru_cell w.r.t. {name} (float64)", rtol=1e-7, atol=1e-10)


# -- HelloRNN ------------------------------------------------------------------------------


def probe_hello_shapes(mod, embed_dim, idx):
    kit.manual_seed(0)
    return tuple(mod.HelloRNN(4, 8, embed_dim=embed_dim)(idx).shape)


@check("shape", public=True, exercise="HelloRNN")
@pytest.mark.parametrize("embed_dim", [None, 6], ids=["one-hot", "embedding"])
@pytest.mark.parametrize("batch", [1, 3])
def test_hello_rnn_shapes(sub, embed_dim, batch):
    idx = torch.tensor([1, 0, 2, 2, 3])[:, None].repeat(1, batch)
    shape = sub.run(probe_hello_shapes, embed_dim, idx)
    expect(
        shape == (5, batch, 4),
        f"HelloRNN(4, 8, embed_dim={embed_dim}) on indices (5, {batch})",
        f"logits (5, {batch}, 4)",
        str(shape),
        "seq-first: (seq_len, batch) indices → (seq_len, batch, vocab_size)",
    )


def probe_hello_steps(mod, embed_dim, idx, changed):
    """HelloRNN(4, 8, embed_dim) built under seed 0: its logits on ``idx`` and on ``changed`` (the
    same indices but the last step), the classes of its submodules, and its nn.RNN / nn.Linear /
    nn.Embedding weights with what the judge needs to rebuild them."""
    kit.manual_seed(0)
    model = mod.HelloRNN(4, 8, embed_dim=embed_dim)
    with torch.no_grad():
        logits, logits_changed = model(idx), model(changed)
    found = {"rnn": [], "linear": [], "embedding": []}
    for m in model.modules():
        kind = {nn.RNN: "rnn", nn.Linear: "linear", nn.Embedding: "embedding"}.get(type(m))
        if kind == "rnn":
            found[kind].append(
                {
                    "state": m.state_dict(),
                    "nonlinearity": m.nonlinearity,
                    "bidirectional": m.bidirectional,
                }
            )
        elif kind is not None:
            found[kind].append({"state": m.state_dict()})
    others = sorted(
        {type(m).__name__ for m in model.modules() if type(m) not in (nn.RNN, nn.Linear, nn.Embedding)}
    )
    return {"logits": logits, "changed": logits_changed, "found": found, "others": others}


def hello_reference(found, embed_dim, idx, batch_first=False):
    """The logits the lecture's pipeline gives with the model's own weights (one-hot or embedding →
    nn.RNN → nn.Linear, seq-first whatever the RNN's own batch_first), or None when the model is not built from exactly those parts."""
    wanted = {"rnn": 1, "linear": 1, "embedding": 0 if embed_dim is None else 1}
    if not isinstance(found, dict) or any(len(found.get(k, [])) != n for k, n in wanted.items()):
        return None
    rnn_found = found["rnn"][0]
    if rnn_found["bidirectional"] is not False:  # caught by the order check
        return None
    state = rnn_found["state"]
    layers = sum(k.startswith("weight_ih_l") for k in state)
    hidden, input_size = state["weight_ih_l0"].shape
    rnn = nn.RNN(
        input_size,
        hidden,
        layers,
        nonlinearity=rnn_found["nonlinearity"],
        bias="bias_ih_l0" in state,
        batch_first=batch_first,  # the variant reading the seq-first input as batch-first
    )
    linear = nn.Linear(
        *reversed(found["linear"][0]["state"]["weight"].shape), bias="bias" in found["linear"][0]["state"]
    )
    try:
        rnn.load_state_dict(state)
        linear.load_state_dict(found["linear"][0]["state"])
        if embed_dim is None:
            x = F.one_hot(idx, 4).float()
        else:
            x = F.embedding(idx, found["embedding"][0]["state"]["weight"])
        with torch.no_grad():
            return linear(rnn(x)[0])
    except (RuntimeError, KeyError, ValueError):
        return None


READ_BATCH_FIRST = N_(
    "these are the logits of an RNN that reads the seq-first input (seq_len, batch) as batch-first "
    "(batch_first=True): it recurs over the batch axis and takes each time step as a sequence of its "
    "own; leave batch_first=False (the default) for (seq_len, batch) input"
)
HELLO_STEPS = torch.tensor([[1, 3], [0, 2], [2, 2], [2, 0], [3, 1]])  # (seq_len 5, batch 2)


# logits (num_layers = 1, batch, vocab): the linear layer given h_n, not every step's output
LAST_STATE_ONLY = N_(
    "these are logits for one step: the linear layer got h_n, the last hidden state (num_layers, "
    "batch, hidden); give it the RNN's output, every step's h: out, h_n = self.rnn(x); "
    "self.fc(out) is (seq_len, batch, vocab_size)"
)


@check("shape", public=True, exercise="HelloRNN")
@pytest.mark.parametrize("embed_dim", [None, 6], ids=["one-hot", "embedding"])
def test_hello_rnn_reads_the_sequence_in_order(sub, embed_dim):
    changed = HELLO_STEPS.clone()
    changed[-1] = (changed[-1] + 1) % 4
    got = sub.run(probe_hello_steps, embed_dim, HELLO_STEPS, changed)
    expect(isinstance(got, dict), "HelloRNN", "logits", describe(got))
    what = f"HelloRNN(4, 8, embed_dim={embed_dim}) on indices (5, 2)"
    last_only = tuple(getattr(got["logits"], "shape", ())) == (1, 2, 4)
    logits = expect_tensor(got["logits"], what, shape=(5, 2, 4), hint=LAST_STATE_ONLY if last_only else "")
    changed_logits = expect_tensor(got["changed"], f"{what}, the last step changed", shape=(5, 2, 4))
    for t in range(4):
        expect_close(
            changed_logits[t],
            logits[t],
            f"{what}: logits at step {t} when only step 4 (the last) changes",
            hint="an RNN reads the sequence in order: step t sees steps 0..t only "
            "(no reversed or shuffled time axis, no batch-first reading of seq-first input)",
        )
    reference = hello_reference(got.get("found"), embed_dim, HELLO_STEPS)
    batch_first = hello_reference(got.get("found"), embed_dim, HELLO_STEPS, batch_first=True)
    if reference is not None and got.get("others") == ["HelloRNN"]:
        for t in range(5):
            expect_close(
                logits[t],
                reference[t],
                f"{what}: logits at step {t} against one-hot/embedding → nn.RNN → nn.Linear "
                "with your model's own weights",
                rtol=1e-5,
                atol=1e-5,
                hint=(
                    *(
                        known(READ_BATCH_FIRST, batch_first[t], reference[t])
                        if batch_first is not None
                        else ()
                    ),
                    "feed the whole sequence seq-first to the RNN and the linear layer to every step's output",
                ),
            )


def probe_hello_embeddings(mod, idx):
    """HelloRNN(4, 8, embed_dim=6) built under seed 0, on ``idx``: the weight shape of each
    nn.Embedding it holds and how often its weight was applied."""
    kit.manual_seed(0)
    model = mod.HelloRNN(4, 8, embed_dim=6)
    found = [m for m in model.modules() if isinstance(m, nn.Embedding)]
    with torch.no_grad():  # called, or its weight passed by hand (F.embedding(idx, emb.weight))
        _, applied = kit.layers_applied(found, lambda: model(idx))
    return [(tuple(m.weight.shape), applied.count(k)) for k, m in enumerate(found)]


# "or through an nn.Embedding(vocab_size, embed_dim)" when embed_dim is given
@check("shape", public=True, exercise="HelloRNN")
def test_hello_rnn_embeds_when_asked(sub):
    got = sub.run(probe_hello_embeddings, HELLO_STEPS)
    expect(isinstance(got, list), "HelloRNN", "its embeddings", describe(got))
    expect(
        any(shape == (4, 6) and calls > 0 for shape, calls in got),
        "nn.Embedding layers of HelloRNN(4, 8, embed_dim=6) used on indices (5, 2) (weight shape, calls)",
        "an nn.Embedding(4, 6) that forward uses",
        str(got) if got else "none",
        "with embed_dim set, the indices enter through nn.Embedding(vocab_size, embed_dim) instead of one-hot",
    )


def probe_train_hello(mod, embed_dim, seed, steps):
    # the docstring's data, encoded here: HelloRNN does not call encode_chars, so is not judged by it
    x = torch.tensor([[1], [0], [2], [2], [3]])  # "hello" in "ehlo", (seq, batch 1)
    y = torch.tensor([3, 1, 2, 3, 2])  # "ohlol"
    kit.manual_seed(seed)
    model = mod.HelloRNN(4, 8, embed_dim=embed_dim)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    curve = {"loss": [], "metric": [], "every": "step"}  # before each step, then at the end
    for step in range(steps + 1):
        logits = model(x).reshape(-1, 4)
        loss = F.cross_entropy(logits, y)
        curve["loss"].append(float(loss.detach()))
        curve["metric"].append(float((logits.argmax(1) == y).float().mean()))
        if step == steps:
            break
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return "".join("ehlo"[i] for i in model(x).argmax(-1)[:, 0].tolist()), curve


# HelloRNN(4, 8), Adam lr 0.1 (reference code, seeds 0–19): "ohlol" is first predicted after 2–6
# steps (median 3) one-hot, 1–6 steps (median 3) with a 6-dim embedding; 20/20 seeds succeed.
# The check gives 60 steps.
@check("convergence", points=2, exercise="HelloRNN")
@pytest.mark.parametrize("embed_dim", [None, 6], ids=["one-hot", "embedding"])
def test_hello_rnn_learns_ohlol(sub, embed_dim):
    for seed in map(inputs.seed_among, (0, 1)):
        predicted, curve = with_curve(sub.run(probe_train_hello, embed_dim, seed, 60))
        expect_learned(
            predicted == "ohlol",
            f"HelloRNN(4, 8, embed_dim={embed_dim}) after 60 Adam steps (seed {seed}) on 'hello'",
            "'ohlol'",
            repr(predicted),
            curve,
            "logits (seq, batch, vocab) reshaped to (seq·batch, vocab) "
            "for cross-entropy; the RNN must see the whole sequence",
        )


# -- devices -------------------------------------------------------------------------------


def untouched_case(name):
    """(args, their names) for a call of ``name`` on fresh seeded inputs."""
    manual_seed(inputs.seed(21))
    if name == "rnn_forward":
        _, x, h0, params = rnn_case(2, 3, 2)
        return (x, h0, params), ["x", "h0", "params"]
    if name == "embedding_lookup":
        return (torch.randn(5, 3), torch.tensor([[0, 4], [4, 1]])), ["weight", "idx"]
    cell = torch.nn.GRUCell(3, 4) if name == "gru_cell" else torch.nn.RNNCell(3, 4)
    args = (torch.randn(2, 3), torch.randn(2, 4), *(w.detach() for w in cell_weights(cell)))
    return args, ["x", "h", "w_ih", "w_hh", "b_ih", "b_hh"]


@check("shape", public=True, exercise=lambda p: p["name"], clause="inputs")
@pytest.mark.parametrize("name", ["rnn_cell", "rnn_forward", "embedding_lookup", "gru_cell"])
def test_inputs_untouched(sub, name):
    args, names = untouched_case(name)
    result, after = sub.run(probes.inputs_after_call, name, args, {}, [])
    expect_inputs_untouched(result, after, args, names, [], f"{name}: the caller's inputs")


@check("device", public=True)
@pytest.mark.parametrize("name", ["rnn_cell", "rnn_forward", "embedding_lookup", "gru_cell"])
def test_stays_on_input_device(sub, name):
    if name == "rnn_cell":
        manual_seed(inputs.seed(20))
        cell = torch.nn.RNNCell(3, 4)
        x, h = torch.randn(2, 3), torch.randn(2, 4)
        args, expected = (x, h, *cell_weights(cell)), cell(x, h).detach()
    elif name == "rnn_forward":
        rnn, x, h0, params = rnn_case(2, 3, 2)
        args, expected = (x, h0, params), rnn(x, h0)[0].detach()
    elif name == "embedding_lookup":
        weight, idx = torch.randn(5, 3), torch.tensor([0, 4, 4])
        args, expected = (weight, idx), weight[idx]
    else:
        manual_seed(inputs.seed(19))
        cell = torch.nn.GRUCell(3, 4)
        x, h = torch.randn(2, 3), torch.randn(2, 4)
        args, expected = (x, h, *cell_weights(cell)), cell(x, h).detach()
    trace = sub.run(probes.on_second_device, name, args, {})
    real = trace.get("real") if isinstance(trace, dict) else trace
    expect_close(
        real[0] if name == "rnn_forward" and isinstance(real, (list, tuple)) else real,
        expected,
        f"{name} on CPU inputs (a device check credits correct code only)",
        rtol=1e-5,
        atol=1e-5,
    )
    what = f"{name} on tensors of a second device (standing in for a GPU)"
    value = expect_same_device(trace, what)
    expect_close(
        value[0] if name == "rnn_forward" and isinstance(value, (list, tuple)) else value,
        expected,
        what,
        rtol=1e-5,
        atol=1e-5,
    )


HELLO_INDICES = torch.tensor([[1], [0], [2], [2], [3]])  # "hello", one sequence (seq_len, batch)


@check("device", cuda=True, exercise="HelloRNN")
def test_hello_rnn_on_cuda(sub, device):
    on_device, on_cpu = sub.run(
        probes.module_on_device, "hello_on", "HelloRNN", (4, 8), {"embed_dim": None}, [HELLO_INDICES], device
    )
    expect_close(
        on_device,
        on_cpu,
        "HelloRNN on CUDA against the same weights on the CPU",
        rtol=1e-4,
        atol=1e-4,
        hint="create the one-hot input on the indices' device",
    )


@check("device", public=True, exercise="HelloRNN")
@pytest.mark.parametrize("embed_dim", [None, 6], ids=["one-hot", "embedding"])
def test_hello_rnn_stays_on_its_device(sub, embed_dim):
    (trace,) = sub.run(
        probes.modules_on_second_device,
        "hello_on_second",
        [("HelloRNN", (4, 8), {"embed_dim": embed_dim}, [HELLO_INDICES])],
    )
    expect_module_on_second_device(
        trace, f"HelloRNN(4, 8, embed_dim={embed_dim}) with model and indices on a second device"
    )


# -- edge inputs drawn by grader.checks.strategies ---------------------------------------------


@check("shape", public=True, exercise="encode_chars")  # int64 (len(text),): the empty text, a list vocab
@pytest.mark.parametrize("vocab", ["ehlo", ["e", "h", "l", "o"]], ids=["str", "list"])
@pytest.mark.parametrize("text", ["", "o", "lleh"])
def test_encode_chars_edges(sub, text, vocab):
    # the text, then texts of the strategies' lengths (one, two, a long one, drawn) over the vocab
    texts = [text]
    for n in strategies.lengths(123 + len(text)):
        texts.append(
            "".join(list(vocab)[i] for i in torch.randint(0, len(vocab), (n,), generator=gen(124)).tolist())
        )
    found = sub.run(probes.calls, "encode_chars", [(t, vocab) for t in texts], {})
    expect(isinstance(found, list) and len(found) == len(texts), "encode_chars", "a result", describe(found))
    for text, out in zip(texts, found):
        expected = torch.tensor([list(vocab).index(c) for c in text], dtype=torch.int64)
        expect_close(
            out,
            expected,
            f"encode_chars({text if len(text) < 20 else text[:20] + '…'!r}, {vocab!r}) ({len(text)} characters)",
            rtol=0,
            atol=0,
            hint="torch.tensor(positions, dtype=torch.int64): an empty list alone would give float32; "
            "list(vocab).index(c) works for a string and a list alike",
        )


@check(
    "shape", public=True, exercise="embedding_lookup", errors=ONE_HOT_WIDTH
)  # idx of any shape (0-dim too)
def test_embedding_lookup_any_shape(sub):
    g = gen(120)
    weight = torch.randn(9, 4, generator=g)
    shapes = strategies.any_shapes(120)
    indices = [torch.randint(0, 5, shape, generator=g) for shape in shapes]  # the last rows are never named
    answers = probes.each_call(sub, "embedding_lookup", [((weight, idx), {}) for idx in indices])
    for shape, idx, out in zip(shapes, indices, answers):
        expect_close(
            out,
            F.embedding(idx, weight),
            f"embedding_lookup with idx {shape} (indices below 5 of 9 rows)",
            rtol=1e-5,
            atol=1e-6,
            hint="weight[idx] keeps idx's shape and adds dim; F.one_hot needs num_classes=weight.shape[0]",
        )


def probe_hello_subset(mod, embed_dim, idx):
    kit.manual_seed(0)
    return tuple(mod.HelloRNN(4, 8, embed_dim=embed_dim)(idx).shape)


@check("shape", public=True, exercise="HelloRNN")  # inputs need not name every character of the vocab
@pytest.mark.parametrize("embed_dim", [None, 6], ids=["one-hot", "embedding"])
def test_hello_rnn_inputs_without_every_index(sub, embed_dim):
    for batch in strategies.batch_sizes(121):
        idx = torch.tensor([1, 0, 2, 2, 1])[:, None].repeat(1, batch)  # no "o" (index 3)
        shape = sub.run(probe_hello_subset, embed_dim, idx)
        expect(
            shape == (5, batch, 4),
            f"HelloRNN(4, 8, embed_dim={embed_dim}) on indices (5, {batch}) that never name index 3",
            f"logits (5, {batch}, 4)",
            str(shape),
            "one-hot encode with num_classes=vocab_size: F.one_hot infers the width from the largest index seen",
        )


CELLS = {"rnn_cell": nn.RNNCell, "gru_cell": nn.GRUCell}


# any batch, input ≠ hidden, long sequences: each exercise judged by itself (a third of a point each)
@check("shape", points=1 / 3, public=True, errors=NOT_TRANSPOSED)
@pytest.mark.parametrize("name", ["rnn_cell", "gru_cell", "rnn_forward"])
def test_recurrences_on_edge_sizes(sub, name):
    g = gen(122)
    for batch, (input_size, hidden, _) in zip(
        strategies.batch_sizes(122, count=4), strategies.matrix_sizes(122)
    ):
        x, h = torch.randn(batch, input_size, generator=g), torch.randn(batch, hidden, generator=g)
        cells = {cell: CELLS[cell](input_size, hidden) for cell in CELLS}  # one draw whichever is judged
        if name in cells:
            cell = cells[name]
            weights = (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
            out = sub.run(probes.call, name, (x, h, *(w.detach() for w in weights)), {})
            expect_close(
                out,
                cell(x, h).detach(),
                f"{name} with batch {batch}, input_size {input_size}, hidden {hidden}",
                rtol=1e-5,
                atol=1e-5,
                # values off: a known mistake's hint where they are its values, else none (a
                # product that does not fit raises, and NOT_TRANSPOSED says so)
                hint=cell_mistakes(name, cell, x, h),
            )
    if name == "rnn_forward":
        expect_long_sequence(sub, g)


def expect_long_sequence(sub, g) -> None:
    """rnn_forward over 300 steps, batch of one, against nn.RNN with two layers."""
    rnn = nn.RNN(3, 4, num_layers=2)
    x, h0 = (
        torch.randn(300, 1, 3, generator=g),
        torch.randn(2, 1, 4, generator=g),
    )  # a long sequence, batch of one
    params = [tuple(w.detach() for w in layer) for layer in rnn.all_weights]
    result = sub.run(probes.call, "rnn_forward", (x, h0, params), {})
    expect(
        isinstance(result, (list, tuple)) and len(result) == 2,
        "rnn_forward",
        "(output, h_n)",
        describe(result),
    )
    output, h_n = rnn(x, h0)
    expect_close(
        result[0], output.detach(), "rnn_forward over 300 steps, batch of one: output", rtol=1e-5, atol=1e-5
    )
    expect_close(
        result[1], h_n.detach(), "rnn_forward over 300 steps, batch of one: h_n", rtol=1e-5, atol=1e-5
    )


# every dimension of every exercise's input domain (grader/checks/domains.py), one probe call each
@check("shape", public=True)
@pytest.mark.parametrize("name", battery.exercises("rnn"))
def test_input_domain(sub, name):
    battery.run(sub, "rnn", name)
