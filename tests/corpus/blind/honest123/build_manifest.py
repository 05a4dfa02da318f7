"""Writes manifest.json from the table below and the PASS/FAIL lines of prove_output.txt."""

from __future__ import annotations

import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ALL = {
    "tensors": ["add_into", "row_normalize", "pairwise_sq_dists", "one_hot", "accuracy", "flatten_batch",
                "fill_nan_with_column_mean", "matmul", "norms"],
    "autograd": ["linear_grad", "quadratic_grads", "grad_of_vector_fn", "detach_grad", "Sigmoid", "numerical_grad", "Value"],
    "losses": ["mse", "l1", "huber", "sigmoid", "bce", "bce_with_logits", "softmax", "log_softmax", "cross_entropy",
               "entropy", "kl_div"],
    "optim": ["closed_form_linear_regression", "gd_fit", "sgd_fit", "minibatch_indices", "SGD", "Adam", "ema",
              "DiabetesDataset", "k_fold_indices"],
    "mlp": ["relu", "tanh", "hard_sigmoid_from_relus", "dropout", "xavier_uniform_", "LogisticRegression", "DiabetesNet",
            "MLP", "train_epoch", "evaluate"],
    "cnn": ["corr2d", "conv2d", "conv_output_size", "max_pool2d", "SimpleCNN"],
    "inception": ["InceptionA", "conv_mults", "GoogLeNetMini"],
    "resnet": ["ResidualBlock", "batch_norm", "BasicBlock", "SmallResNet"],
    "rnn": ["rnn_cell", "rnn_forward", "embedding_lookup", "encode_chars", "HelloRNN", "gru_cell"],
}
IMPORT_TIME = "import-time work: "

# dir: (topic, exercises or None for all, style, source, keeps_docstring, why_not, helpers)
W = "written"
PROGRAMS = {
    "01_tensors_plain": ("tensors", None, "plain ops (out=, scatter_, where)", W, True, "", []),
    "02_tensors_tables": ("tensors", None, IMPORT_TIME + "identity table, class-index row, lru_cache warmed at import, "
                          "import-time assert comparing the broadcast product with the element-wise definition; "
                          "typing.Final constants", W, True, "", []),
    "03_tensors_helperpkg": ("tensors", None, IMPORT_TIME + "helper PACKAGE tensorkit whose __init__ builds an index grid and "
                             "a decorator-registered kernel table; expansion form of the distances clamped at 0", W, True, "",
                             ["tensorkit/__init__.py", "tensorkit/kernels.py"]),
    "04_tensors_closures_partial": ("tensors", ["add_into", "row_normalize", "one_hot", "norms"],
                                    IMPORT_TIME + "closures built at module level (factories), partial", W, True, "", []),
    "05_autograd_function_registry": ("autograd", None, IMPORT_TIME + "decorator-registered table of Value's unary rules with "
                                      "asserts at import; custom Function with ctx annotated "
                                      "\"torch.autograd.function.FunctionCtx\" and once_differentiable; iterative DFS "
                                      "topological order", W, True, "", []),
    "06_autograd_torchfunc_main": ("autograd", None, IMPORT_TIME + "seeded torch.Generator and dtype table at import; torch.func.grad "
                                   "for the autograd parts; Kahn's algorithm (deque) for Value; __slots__; "
                                   "if __name__ == '__main__' demo (training loop, prints, torch.save)", W, True, "", []),
    "07_autograd_chinese_dataclass": ("autograd", None, IMPORT_TIME + "class-level ClassVar rule table; Value as a dataclass "
                                      "(eq=False, __post_init__); Chinese comments, docstrings and identifiers", W, True, "", []),
    "08_autograd_partial": ("autograd", ["linear_grad", "quadratic_grads", "numerical_grad"],
                            "einsum dot, generator expression, itertools.product over indices; partial", W, True, "", []),
    "09_losses_lse_registry": ("losses", None, IMPORT_TIME + "decorator-registered reduction table and per-dtype log-floor tensors "
                               "built at import; LogSumExp written out; sigmoid as exp(-softplus(-x)); xlogy", W, True, "", []),
    "10_losses_size_switch": ("losses", None, IMPORT_TIME + "import-time assert comparing two softmax formulas; size switch "
                              "(direct exp-normalise up to 64 along dim, a two-stage chunked max beyond, both vectorised); "
                              "huber via min(|d|, delta)", W, True, "", []),
    "11_losses_helpermod": ("losses", None, IMPORT_TIME + "helper MODULE stable_ops building per-dtype constants and running a "
                            "self-test at import; einsum for soft targets; one-hot via scatter", W, True, "",
                            ["stable_ops.py"]),
    "12_losses_partial": ("losses", ["mse", "l1", "huber", "softmax"], IMPORT_TIME + "reduction dict at module level; partial",
                          W, True, "", []),
    "13_optim_dataclass_defaults": ("optim", None, IMPORT_TIME + "default arguments computed at definition (betas, eps), index dtype "
                                    "read from torch at import; frozen dataclass of SGD hyper-parameters; lerp_ in Adam",
                                    W, True, "", []),
    "14_optim_functools_cache": ("optim", None, IMPORT_TIME + "functools.lru_cache'd bias corrections warmed at import for the "
                                 "first 100 steps; functools.reduce, itertools.accumulate/pairwise, filter, generator "
                                 "expressions; einsum normal equations", W, True, "", []),
    "15_optim_chinese_main": ("optim", None, "Chinese comments/identifiers (Greek β too); if __name__ == '__main__' demo "
                              "(logistic regression trained with the module's SGD, prints, torch.save)", W, True, "", []),
    "16_optim_partial": ("optim", ["closed_form_linear_regression", "minibatch_indices", "ema", "k_fold_indices"],
                         "size switch in ema (one lower-triangular matrix product up to 2048 values, a loop beyond); "
                         "torch.split; partial", W, True, "", []),
    "17_mlp_plain": ("mlp", None, "plain ops; own activations used inside the modules (no torch activation anywhere)",
                     W, True, "", []),
    "18_mlp_module_templates": ("mlp", None, IMPORT_TIME + "module-level nn.Module activation templates deep-copied into models; "
                                "import-time assert of tanh against its exponential definition; copysign", W, True, "", []),
    "19_mlp_helperpkg": ("mlp", None, IMPORT_TIME + "helper PACKAGE mlpkit (decorator registry of activations checked at "
                         "import, the training loop in mlpkit/training.py); expm1 tanh", W, True, "",
                         ["mlpkit/__init__.py", "mlpkit/activations.py", "mlpkit/training.py"]),
    "20_mlp_partial": ("mlp", ["relu", "tanh", "hard_sigmoid_from_relus", "dropout", "xavier_uniform_"],
                       "custom autograd Function for relu (FunctionCtx annotation, once_differentiable); early returns "
                       "that keep dtype/device; partial", W, True, "", []),
    "21_cnn_index_tables": ("cnn", None, IMPORT_TIME + "functools.lru_cache'd gather-index tables for windows, warmed at import "
                            "for 8x8 and 28x28; own max_pool2d inside SimpleCNN", W, True, "", []),
    "22_cnn_einsum_strided": ("cnn", None, IMPORT_TIME + "frozen dataclass constant of channel widths; Tensor.unfold windows and "
                              "einsum contractions", W, True, "", []),
    "23_cnn_loops_chinese": ("cnn", None, "loops (over output positions in corr2d, over kernel offsets in conv2d/max_pool2d); "
                             "Chinese comments and identifiers", W, True, "", []),
    "24_cnn_partial": ("cnn", ["corr2d", "conv_output_size", "max_pool2d"], "F.unfold for corr2d and pooling; partial",
                       W, True, "", []),
    "25_inception_spec_table": ("inception", None, IMPORT_TIME + "ClassVar branch specification table, channel count computed "
                                "at class definition, import-time assert; ModuleDict; linear size computed from input_size",
                                W, True, "", []),
    "26_inception_probe_gap": ("inception", None, IMPORT_TIME + "module-level InceptionA template instance dry-run at import to "
                               "measure the width; functools.reduce for the count; global average pooling head",
                               W, True, "", []),
    "27_inception_partial": ("inception", ["InceptionA", "conv_mults"], "explicit attributes, Chinese comments; partial",
                             W, True, "", []),
    "28_resnet_plain_tables": ("resnet", None, IMPORT_TIME + "layout table (reduction dims, broadcast shape per ndim) built at "
                               "import; ResidualBlock-based SmallResNet", W, True, "", []),
    "29_resnet_dataclass_functools": ("resnet", None, IMPORT_TIME + "functools.partial layer builders and a frozen dataclass plan "
                                      "at module level; var_mean, lerp_, rsqrt; BasicBlock-based SmallResNet", W, True, "", []),
    "30_resnet_partial": ("resnet", ["ResidualBlock", "batch_norm"], "Chinese comments; deviations-based variance; partial",
                          W, True, "", []),
    "31_rnn_eye_tables": ("rnn", None, IMPORT_TIME + "lecture vocabulary, its index table and a one-hot identity built at import "
                          "(registered as a non-persistent buffer); addmm, index_select", W, True, "", []),
    "32_rnn_einsum_function": ("rnn", None, "einsum contractions; custom autograd Function for tanh (FunctionCtx annotation, "
                               "once_differentiable); size switch in the embedding (one-hot product up to 256 rows, indexing "
                               "beyond)", W, True, "", []),
    "33_rnn_partial": ("rnn", ["rnn_cell", "embedding_lookup", "encode_chars"], "F.linear; early return; partial", W, True, "", []),
    # ---- real implementations taken as found ----
    "34_real_resnet_residualblock_wallofwonder": ("resnet", ["ResidualBlock"], "real, as found",
        "github.com/WallofWonder/pytorch-demo residual/residualblock.py", True, "", []),
    "35_real_rnn_grucell_temp": ("rnn", ["gru_cell"], "real, as found (renamed, called from the stub)",
        "github.com/JiapengWu/TeMP baselines/custom_gru.py (function gru_cell)", True, "", []),
    "36_real_tensors_pairwise_activatedgeek": ("tensors", ["pairwise_sq_dists"], "real, as found (called from the stub)",
        "github.com/activatedgeek/blog site/contents/tech/swe/pytorch-snippets.md (pairwise_dist)", True, "", []),
    "37_real_mlp_logreg_tongji": ("mlp", ["LogisticRegression"], "real, as found",
        "github.com/mkj3085003/TongjiML-Team-9 ml_classification/model/LogisticRegressionClassifier/logisticRegression.py",
        True, "", []),
    "38_real_losses_logsumexp_hendrycks": ("losses", ["softmax", "log_softmax"],
        "real, as found (log_sum_exp; the stub functions are x - lse and exp(x - lse))",
        "github.com/hendrycks/outlier-exposure utils/log_sum_exp.py", True, "", []),
    "39_real_cnn_maxpool_jintao": ("cnn", ["max_pool2d"], "real, as found (ints passed as (k, k) tuples)",
        "github.com/Jintao-Huang/torch_tf2_study dev/torch/nn/functional/max_pool2d.py", True, "", []),
    "40_real_cnn_conv2d_jintao": ("cnn", ["conv2d"], "real, as found with its helper linear.py (ints passed as tuples)",
        "github.com/Jintao-Huang/torch_tf2_study dev/torch/nn/functional/conv2d.py and linear.py", False,
        "weight.view(Cout, Cin*KH*KW) fails on a non-contiguous weight view (the module says inputs may be views); "
        "values and gradients match F.conv2d on contiguous inputs", ["linear.py"]),
    "41_real_mlp_relu_jintao": ("mlp", ["relu"], "real, as found",
        "github.com/Jintao-Huang/torch_tf2_study dev/torch/nn/functional/relu.py", True, "", []),
    "42_real_mlp_logreg_flapp": ("mlp", ["LogisticRegression"], "real, as found (subclassed with dim_out = 1)",
        "github.com/VoidR/FLAPP federated_learning/models/LogisticRegression.py", True, "", []),
    "43_real_inception_lovelysimon": ("inception", ["InceptionA"], "real, as found",
        "github.com/LovelySimon/DeepLearning GoogleNet.py", False,
        "concatenates [b1x1, b3x3, b5x5, bpool]: channels 16-40 come from the 3x3 branch, not the 5x5 one the docstring "
        "orders second", []),
    "44_real_cnn_corr2d_d2l_coldwindx": ("cnn", ["corr2d"], "real, as found (the d2l corr2d)",
        "github.com/coldwindx/machine-learning 《动手学习深度学习》/helper.py", False,
        "Y = torch.zeros(...) is float32 on the CPU: a float64 input gives a float32 result (and a CUDA input fails)", []),
    "45_real_optim_adam_lily": ("optim", ["Adam"], "real, as found (subclassed for the stub's name and defaults)",
        "github.com/Lily-2002/NLP_work NLP_work/Adam.py", False,
        "decoupled weight decay applied after the step (AdamW-like, not g + λp), eps inside the folded step size, "
        "closure not run under enable_grad, step not under no_grad, deprecated add_(scalar, tensor) overloads (still accepted by torch 2.13)", []),
    "46_real_mlp_diabetesnet_awsomeartist": ("mlp", ["DiabetesNet"], "real, as found (class renamed, in_features added)",
        "github.com/awsomeartist/Project learnpytorch/multiple_dimensiom.py", False,
        "ReLU after every layer instead of sigmoid: outputs are not probabilities in (0, 1)", []),
    "47_real_autograd_value_micrograd": ("autograd", ["Value"], "real, as found",
        "github.com/karpathy/micrograd micrograd/engine.py", False,
        "no tanh() or exp(); Value(2).data stays the int 2; recursive topological sort", []),
    "48_real_losses_logprob_a1exchen": ("losses", ["log_softmax"], "real, as found (called from the stub)",
        "github.com/A1ex-Chen/DL_project_log dataset/Benchmarks/examples/image-vae/extra_uts_log_prob_from_logits.py", False,
        "always normalises over the last axis: the dim argument is ignored", []),
    "49_real_tensors_euclid_zyt1024": ("tensors", ["pairwise_sq_dists"], "real, as found (called from the stub)",
        "github.com/zyt1024/particle_transformer mymodel/parameter/knn_test.py (euclidean_dist)", False,
        "returns distances, not squared distances (sqrt after a clamp at 1e-12), via the deprecated addmm_(beta, alpha, ...) "
        "overload", []),
    "50_real_optim_sgd_avra98": ("optim", ["SGD"], "real, as found (old torch.optim.SGD style)",
        "github.com/Avra98/Modified-momentum sgd.py", False,
        "with weight decay it adds λ·p into p.grad in place (the caller's .grad changes), its values otherwise follow "
        "torch.optim.SGD; deprecated add_(scalar, tensor) overloads, still accepted by torch 2.13", []),
}


def main() -> None:
    status = {}
    path = os.path.join(HERE, "prove_output.txt")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            mt = re.match(r"(PASS|FAIL) (\S+) ", line)
            if mt:
                status[mt.group(2)] = mt.group(1) == "PASS"
    programs = []
    for d, (topic, ex, style, source, keeps, why, helpers) in PROGRAMS.items():
        changed = ALL[topic] if ex is None else ex
        programs.append({
            "file": f"{d}/{topic}.py",
            "dir": d,
            "topic": topic,
            "whole": ex is None or sorted(ex) == sorted(ALL[topic]),
            "style": style,
            "source": source,
            "exercises_changed": changed,
            "keeps_docstring": keeps,
            "why_not": why,
            "proven": status.get(d),
            "helpers": helpers,
        })
    with open(os.path.join(HERE, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump({"programs": programs}, fh, ensure_ascii=False, indent=2)
    print(f"manifest.json: {len(programs)} programs")


if __name__ == "__main__":
    main()
