import json
from pathlib import Path

from build_real import R
from prove import EXERCISES

ROOT = Path(__file__).resolve().parent
results = json.loads((ROOT / "prove_results.json").read_text())
STYLE = {
    "01": "plain torch ops (out=, scatter_, nanmean, a@b.T expansion)",
    "02": "helper module tensor_helpers.py beside the file",
    "03": "type annotations, Final, in-place copy_/add_, eye indexing",
    "04": "match statement, numpy for the Python-float accuracy",
    "05": "functools.reduce/operator, Chinese comments",
    "06": "plain; iterative DFS Value with local-gradient tuples",
    "07": "FunctionCtx annotations; recursive micrograd Value with sys.setrecursionlimit",
    "08": "torch.func.grad, @torch.no_grad(), Kahn-algorithm Value",
    "09": "closures in Value, out.backward(ones_like), addcmul residual, Chinese comments",
    "10": "generators/itertools.product, log-space sigmoid exp(-softplus(-x)), __slots__ Value",
    "11": "plain; xlogy entropy/KL",
    "12": "helper package lossutils/ (reduce.py, stable.py)",
    "13": "one log-sum-exp helper; sigmoid via lse(0,x); take_along_dim; special.xlogy",
    "14": "Enum + match for reductions, frozen dataclass for huber",
    "15": "decorator for reductions, F.softplus/F.logsigmoid where allowed",
    "16": "lambda softplus, clamp(min=tiny) logs, __main__ training demo with torch.save",
    "17": "plain optimisers, divmod k-fold",
    "18": "dataclass options + asdict, torch-style Adam (lerp_, step_size/denom, tensor step)",
    "19": "generators/itertools.islice/pairwise/accumulate, einsum normal equations, walrus",
    "20": "numpy for scalar loops, np.array_split, gzip.open for the table",
    "21": "closures for update rules, typing aliases, __main__ demo with torch.save",
    "22": "plain; nn.Sequential MLP",
    "23": "tutorial MyReLU (clamp inside) used by relu and by MLP; ModuleList",
    "24": "setattr(self, f'fc{i}')/getattr(torch, name), copysign tanh, F.dropout in MLP",
    "25": "expm1 tanh, bernoulli masks, OrderedDict Sequential, inference_mode",
    "26": "刘二大人-style classes, __main__ digits training with gzip + torch.save",
    "27": "plain; unfold + einsum conv, AdaptiveAvgPool",
    "28": "sum over kernel offsets of strided slices, torch.maximum pooling, Python sum()",
    "29": "comprehensions + torch.stack, Tensor.unfold im2col, global max pooling",
    "30": "helper module windows.py, einsum over window views",
    "31": "d2l corr2d with new_zeros, matmul im2col, __main__ training with torch.save",
    "32": "lecture naming, linear size from input_size // 4",
    "33": "nn.Sequential branches, AvgPool2d module, global average pooling",
    "34": "nn.ModuleDict branches with fixed order, math.prod",
    "35": "functools.partial convs, dry run under no_grad, functools.reduce",
    "36": "刘二大人 naming with Chinese comments, dry run, __main__ demo with torch.save",
    "37": "plain; lecture Net-style SmallResNet with ResidualBlocks",
    "38": "Sequential main path, nn.Identity shortcut, dataclass stage plan, copy_ running stats",
    "39": "channels-last flatten batch_norm, lerp_ updates in a @torch.no_grad() helper, ConvBN composition",
    "40": "helper package blocks/ (conv3x3/conv1x1), torchvision-style BasicBlock with +=",
    "41": "properties, classmethod factory, rsqrt, __main__ demo with torch.save",
    "42": "plain; one_hot in HelloRNN",
    "43": "F.linear, precomputed input projection, index_select, eye one-hot",
    "44": "einsum cells, step-major multi-layer loop, numpy encode_chars",
    "45": "recursion over layers, addmm, one_hot @ weight embedding, lerp GRU",
    "46": "刘二大人 lecture 12, match statement, __main__ training with torch.save",
}
PARTIAL_STYLE = {
    "47": "partial: expand broadcasting matmul, pow(0.5) norms",
    "48": "partial: count_nonzero accuracy, per-column loop fill",
    "49": "partial: dataclass Value, FunctionCtx, reciprocal sigmoid",
    "50": "partial: torch.dot hand gradient, stacked design matrix, tolist numerical_grad",
    "51": "partial: softmax/log_softmax/CE, an import (F.one_hot) used by one exercise only",
    "52": "partial: clamp-form huber, sum/numel bce, F.softplus logits",
    "53": "partial: SGD/Adam with argument validation",
    "54": "partial: data utilities (split, float64 ema loop, 刘二大人 dataset)",
    "55": "partial: activations and dropout",
    "56": "partial: itertools.pairwise MLP with nn.Flatten, loops",
    "57": "partial: row-band corr2d, divmod output size",
    "58": "partial: F.unfold conv with in-place bias, unfold max-pool",
    "59": "partial: ModuleList branches, staticmethod chain",
    "60": "partial: nn.LazyLinear materialised by a dry run in __init__",
    "61": "partial: d2l-shaped batch_norm with .data in-place updates",
    "62": "partial: 刘二大人 residual Net with global pooling",
    "63": "partial: concatenated [x, h] RNN cell, torch.split GRU",
    "64": "partial: reshape embedding, as_tensor encode, reshape-through-Linear HelloRNN",
}
programs = []
for d in sorted(results):
    r = results[d]
    topic = r["topic"]
    num = d[:2]
    whole = len(r["changed"]) == len(EXERCISES[topic])
    entry = {"file": f"{d}/{topic}.py", "dir": d, "topic": topic, "whole": whole}
    if d in R:
        _t, _repl, _imp, src, keeps, why = R[d]
        entry.update(style="real code as found", source=src, exercises_changed=r["changed"],
                     keeps_docstring=keeps, why_not=why)
    else:
        entry.update(style=STYLE.get(num) or PARTIAL_STYLE[num], source="written", exercises_changed=r["changed"],
                     keeps_docstring=True, why_not="")
    entry["proven"] = r["proven"]
    helpers = sorted(str(p.relative_to(ROOT / d)) for p in (ROOT / d).rglob("*.py") if p.name != f"{topic}.py")
    if helpers:
        entry["helpers"] = helpers
    programs.append(entry)
(ROOT / "manifest.json").write_text(json.dumps({"programs": programs}, indent=1, ensure_ascii=False))
w = [p for p in programs if p["source"] == "written"]
rl = [p for p in programs if p["source"] != "written"]
print("written", len(w), "whole", sum(p["whole"] for p in w), "partial", sum(not p["whole"] for p in w),
      "real", len(rl), "real keeps", sum(p["keeps_docstring"] for p in rl))
print("written proven", sum(p["proven"] for p in w), "real proven", sum(p["proven"] for p in rl))
print([p["dir"] for p in rl if p["proven"] != p["keeps_docstring"]])
