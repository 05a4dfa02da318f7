"""The lead diagnosis of an exercise names the right cause, with the right hint, in English and
in Chinese alike: ten cases a learner met, the misleading hints of a blind set (11-17), and the
misses of three later blind sets (b7-b9: :data:`BLIND_LEADS` and the unit cases named b7). Each
case is one edit of the reference solution; the e2e cases grade it as a learner does (`grade check FILE --format json`,
its exercise's checks only) in both languages and read the exercise's verdict (cause and
diagnosis); the unit cases judge check rows as the engine writes them (grader/checks/verdict/exercises.py).
tests/grader/measure_causes.py measures the same over the corpus's labelled mistakes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from helpers import REPO, run_grade

from grader.checks.judging.judge import CheckFailed, describe, expect_close, expect_tensor
from grader.checks.verdict.error_types import error_cause, error_hint
from grader.checks.verdict.exercises import judge

LANGUAGES = ("en", "zh_CN")


def edited(tmp_path: Path, topic: str, old: str, new: str) -> Path:
    """The reference solution of ``topic`` with one edit, as the learner's file."""
    text = (REPO / "solutions" / f"{topic}.py").read_text()
    assert old in text
    path = tmp_path / f"{topic}.py"
    path.write_text(text.replace(old, new, 1))
    return path


def verdicts(path: Path, exercise: str) -> dict[str, dict]:
    """{language: ``exercise``'s verdict (name, points, status, diagnosis, cause)} graded in each."""
    found = {}
    for language in LANGUAGES:
        done = run_grade(
            "--lang", language, "check", str(path), "--exercise", exercise, "--format", "json",
            "-k", "not convergence",
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr[-2000:]
        topic = json.loads(done.stdout)["topics"][0]
        found[language] = next(e for e in topic["exercises"] if e["name"] == exercise)
    english, chinese = found["en"], found["zh_CN"]
    assert (english["points"], english["status"], english.get("cause")) == (
        chinese["points"],
        chinese["status"],
        chinese.get("cause"),
    ), "a language moved the verdict"
    return found


def topic_of(exercise: str) -> str:
    """The topic declaring ``exercise`` (by the manifest: this file names no topic list)."""
    from grader.base.topics import MANIFEST

    return next(t.name for t in MANIFEST if exercise in t.exercises)


def row(test_id: str, status: str, exercises: list[str], **fields) -> dict:
    return {
        "id": test_id,
        "kind": fields.pop("kind", "shape"),
        "status": status,
        "points": 1.0 if status == "passed" else 0.0,
        "max_points": 1.0,
        "message": fields.pop("message", f"{test_id} {status}"),
        "visibility": fields.pop("visibility", "public"),
        "exercises": exercises,
        **fields,
    }


SEALED = (
    "the submitted code raised, crashed or answered with what is not plain data in this hidden check "
    "(a hidden check shows no message: the public checks and your own tests do)"
)


@pytest.mark.unit
def test_1_relu_writing_into_its_input_leads_with_what_it_changed_not_a_sealed_check():
    """A hidden check that raised says nothing (its words are sealed): the value check that
    says what went wrong (the battery: argument 1 changed) leads, not the clause behind it."""
    rows = [
        row("relu_values", "passed", ["relu"]),
        row(
            "activation_gradients[relu]",
            "error",
            ["relu"],
            kind="gradient",
            visibility="hidden",
            message=SEALED,
        ),
        row("inputs_untouched[relu]", "failed", ["relu"], clause="inputs"),
        row("input_domain[relu]", "failed", ["relu"], cause="inputs", message="relu: argument 1 changed"),
    ]
    (relu,) = judge(rows)
    assert relu.cause == "input_domain:inputs"
    assert relu.diagnosis.startswith("relu: argument 1 changed")
    alone = judge(rows[:2])[0]  # alone, the sealed check still leads: it is all there is
    assert alone.cause == "error" and alone.diagnosis.startswith(SEALED)


@pytest.mark.e2e
def test_1_relu_writing_into_its_input_as_graded(tmp_path):
    path = edited(
        tmp_path, "mlp", "return torch.where(x > 0, x, torch.zeros_like(x))", "x[x < 0] = 0\n    return x"
    )
    found = verdicts(path, "relu")
    assert found["en"]["cause"] == "input_domain:inputs"
    assert "argument 1 changed" in found["en"]["diagnosis"]
    assert all("shows no message" not in v["diagnosis"] for v in found.values())


@pytest.mark.e2e
def test_2_sigmoid_without_grad_output_is_told_to_multiply_by_it(tmp_path):
    path = edited(tmp_path, "autograd", "return grad_output * out * (1 - out)", "return out * (1 - out)")
    found = verdicts(path, "Sigmoid")
    assert found["en"]["cause"] == "mistake:no-grad-output"
    assert "multiply by grad_output" in found["en"]["diagnosis"]
    assert "乘以 grad_output" in found["zh_CN"]["diagnosis"]
    assert "use the saved output" not in found["en"]["diagnosis"]


@pytest.mark.e2e
def test_3_a_residual_conv_without_padding_is_told_of_padding_not_keepdim(tmp_path):
    path = edited(
        tmp_path,
        "resnet",
        "self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)",
        "self.conv2 = nn.Conv2d(channels, channels, 3)",
    )
    found = verdicts(path, "ResidualBlock")
    assert found["en"]["cause"] == "error:broadcast"
    assert "conv2 = Conv2d(" in found["en"]["diagnosis"]  # the layer that shrinks H and W, named
    assert (
        "change H and W" in found["en"]["diagnosis"]
        and "padding=kernel_size // 2" in found["en"]["diagnosis"]
    )
    assert "填充" in found["zh_CN"]["diagnosis"]
    assert "keepdim" not in found["en"]["diagnosis"]


@pytest.mark.unit
def test_4_batch_norm_over_dim_0_only_is_told_to_check_its_reductions_first():
    """The broadcast hint leads with the sizes that met and which dimensions a reduction
    removed; keepdim comes second (batch_norm's mean over dim 0 only needs no keepdim)."""
    message = "The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 2"
    hint = error_hint(message, "batch_norm", "error:broadcast")
    assert hint.startswith("two tensors meet elementwise with sizes 3 and 5")
    assert "reduce over the ones you mean" in hint


@pytest.mark.unit
def test_4_the_hint_follows_the_cause_never_other_words_of_the_message():
    """A check's cause picks its hint: words of another error elsewhere in the message (a printed
    line, a layer's account) pick nothing."""
    message = (
        "RuntimeError: Can't access the shape of an uninitialized parameter\n  | Output size is too small"
    )
    assert error_hint(message, "SimpleCNN", "error:RuntimeError") == ""
    assert "pixels" in error_hint(message, "SimpleCNN", "error:kernel-too-large")


@pytest.mark.unit
def test_5_rnn_forward_with_cat_for_stack_is_told_how_dimensions_come_and_go():
    with pytest.raises(CheckFailed) as failed:
        expect_tensor(__import__("torch").zeros(5, 5), "rnn_forward output", shape=(5, 1, 5))
    assert failed.value.cause == "shape" and "torch.stack" in str(failed.value)
    with pytest.raises(CheckFailed) as own:  # a check's own hint says more (mse: reduce to 0-dim)
        expect_tensor(__import__("torch").zeros(5), "x", shape=(), hint="its own")
    assert "its own" in str(own.value) and "torch.stack" not in str(own.value)


@pytest.mark.e2e
def test_5_rnn_forward_with_cat_as_graded(tmp_path):
    path = edited(tmp_path, "rnn", "layer_input = torch.stack(steps)", "layer_input = torch.cat(steps)")
    found = verdicts(path, "rnn_forward")
    assert found["en"]["cause"].endswith(":shape")
    assert (
        "torch.cat joins tensors along a dimension they have (torch.stack along a new one)"
        in found["en"]["diagnosis"]
    )
    assert "torch.stack" in found["zh_CN"]["diagnosis"]


@pytest.mark.e2e
def test_6_matmul_with_the_at_operator_names_it_and_its_line(tmp_path):
    path = edited(tmp_path, "tensors", "return (a[:, :, None] * b[None, :, :]).sum(dim=1)", "return a @ b")
    found = verdicts(path, "matmul")
    assert found["en"]["cause"] == "twin"
    assert "@ written in tensors.py, line" in found["en"]["diagnosis"]
    assert "tensors.py 第" in found["zh_CN"]["diagnosis"]  # the place in Chinese too (was "tensors.py, line")


@pytest.mark.e2e
def test_7_one_hot_twin_names_what_the_student_wrote_on_every_check(tmp_path):
    """The recorder names the op it replaced (no line); the source reading names what was
    written, and where: every failing check of the exercise says the latter."""
    path = edited(
        tmp_path,
        "tensors",
        "    classes = torch.arange(num_classes, device=labels.device)\n"
        "    return (labels[:, None] == classes[None, :]).float()",
        "    return torch.nn.functional.one_hot(labels, num_classes).float()",
    )
    found = verdicts(path, "one_hot")
    assert found["en"]["cause"] == "twin"
    assert "torch.nn.functional.one_hot written in tensors.py, line" in found["en"]["diagnosis"]
    assert "index_put" not in found["en"]["diagnosis"] + found["zh_CN"]["diagnosis"]


@pytest.mark.unit
def test_8_floats_a_check_describes_are_rounded_for_a_reader():
    assert describe(0.0723907742141714) == "float 0.0723908"
    assert describe([0.30000000000000004, 2.0]) == "list [0.3, 2.0]"


@pytest.mark.unit
def test_9_a_correct_train_epoch_is_full_while_mlp_is_not_started():
    """The training check judges MLP and train_epoch together; MLP's stub stops it (hidden: no
    stub named). It is MLP's, which leads; train_epoch is full."""
    rows = [
        row("mlp_forward", "not_started", ["MLP"], stub="MLP"),
        row("train_epoch_steps", "passed", ["train_epoch"]),
        row(
            "mlp_learns_digits[0]",
            "not_started",
            ["MLP", "train_epoch"],
            kind="convergence",
            visibility="hidden",
        ),
    ]
    mlp, train_epoch = judge(rows)
    assert (train_epoch.name, train_epoch.status, train_epoch.points) == ("train_epoch", "passed", 1.5)
    assert (mlp.status, mlp.cause) == ("not_started", "not_started")


@pytest.mark.unit
def test_10_a_twin_that_timed_out_keeps_the_twin_as_its_cause():
    """The op replaced for a twin can run past its budget (its meta kernel's first call imports
    sympy): the source reading's twin is still the cause, and the lead, of the exercise."""
    from grader.checks.verdict.scoring import TestResult, TopicResult
    from grader.engine.subset.twins import Written, charge

    result = TopicResult(
        "tensors",
        [
            TestResult("pairwise[1]", "shape", "timeout", 0.0, 1.0, "ran past its time", True, ("pairwise",)),
            TestResult(
                "vectorised", "shape", "failed", 0.0, 1.0, "2 ops", True, ("pairwise",), clause="vectorised"
            ),
        ],
    )
    charge(result, {"pairwise": Written("pairwise", "torch.cdist", 3)}, "tensors.py")
    (pairwise,) = result.exercises
    assert pairwise.cause == "twin" and pairwise.points == 0.0
    half = judge([t.to_json() for t in result.tests], twin="half")[0]
    assert half.points == 0.0  # a check that never answered earns nothing under any rule


# -- the learner84 blind set's misleading hints, each keyed to its cause (no hint rather than a guess)


@pytest.mark.unit
def test_11_a_block_without_its_projection_is_told_of_the_projection_not_padding():
    """A skip connection whose channels differ (dimension 1) needs a projection: no padding helps."""
    message = "The size of tensor a (8) must match the size of tensor b (4) at non-singleton dimension 1"
    hint = error_hint(message, "BasicBlock", "error:broadcast")
    assert "1×1 convolution" in hint and "padding" not in hint
    shrunk = message.replace("(4) at non-singleton dimension 1", "(6) at non-singleton dimension 3")
    assert "padding" in error_hint(shrunk, "ResidualBlock", "error:broadcast")


@pytest.mark.unit
def test_s3_66_a_strided_block_without_its_projection_is_told_of_the_stride_not_padding():
    """learner_s3 #66: H, W of 4 and 7 are what a stride of 2 leaves (⌈7/2⌉), never a missing padding
    (an odd kernel takes an even number away)."""
    message = "The size of tensor a (4) must match the size of tensor b (7) at non-singleton dimension 3"
    hint = error_hint(message, "BasicBlock", "error:broadcast")
    assert "stride" in hint and "1×1 convolution" in hint and "padding" not in hint


@pytest.mark.unit
def test_12_an_inception_branch_without_padding_is_told_of_padding_not_cat_dim():
    message = (
        "Sizes of tensors must match except in dimension 1. Expected size 8 but got size 6 for "
        "tensor number 2 in the list."
    )
    hint = error_hint(message, "InceptionA", "error:cat-sizes")
    assert "padding=kernel_size // 2" in hint and "size 6 where the first has 8" in hint
    other = error_hint(message.replace("dimension 1", "dimension 0"), "InceptionA", "error:cat-sizes")
    assert "join along the channels, dim=1" in other  # a cat along another dim: its dim is the cause


@pytest.mark.unit
def test_13_corr2d_stacking_an_empty_list_is_told_its_loop_ran_zero_times():
    message = "stack expects a non-empty TensorList"
    assert error_cause("RuntimeError", message) == "error:empty-stack"
    assert "H − kh + 1" in error_hint(message, "corr2d", "error:empty-stack")
    assert "start at 0" in error_hint(message, "corr2d", "error:empty-stack")  # learner_s25 b25_22


@pytest.mark.unit
def test_b25_an_unfold_over_a_dim_too_short_is_told_of_the_dims():
    """unfold's RuntimeError over a dim shorter than the window (learner_s25 b25_21's channels-last
    dims 1 and 2) leads to the dims a window slides along, not torch's words alone."""
    message = "maximum size for tensor at dimension 1 is 1 but size is 3"
    assert error_cause("RuntimeError", message) == "error:unfold-size"
    hint = error_hint(message, "max_pool2d", "error:unfold-size")
    assert "along dim 1, which holds only 1" in hint and "dims 2 and 3" in hint, hint


@pytest.mark.e2e
def test_14_cross_entropy_indexing_every_row_with_target_is_told_so_not_the_max(tmp_path):
    path = edited(
        tmp_path,
        "losses",
        "return -log_probs.gather(1, target.unsqueeze(1)).mean()",
        "return -log_probs[:, target].mean()",
    )
    found = verdicts(path, "cross_entropy")
    assert found["en"]["cause"] == "mistake:column-index"
    assert "subtract the maximum" not in found["en"]["diagnosis"]
    assert "log_probs[torch.arange(n), target]" in found["zh_CN"]["diagnosis"]


@pytest.mark.e2e
def test_15_adam_without_bias_correction_is_told_of_it_not_the_order(tmp_path):
    path = edited(
        tmp_path,
        "optim",
        'm_hat = state["m"] / (1 - beta1 ** state["step"])\n                v_hat = state["v"] / (1 - beta2 ** state["step"])',
        'm_hat = state["m"]\n                v_hat = state["v"]',
    )
    found = verdicts(path, "Adam")
    assert found["en"]["cause"] == "mistake:no-bias-correction"
    assert "check the order" not in found["en"]["diagnosis"]
    assert "m̂ = m / (1 − β₁ᵗ)" in found["zh_CN"]["diagnosis"]


@pytest.mark.e2e
def test_16_xavier_drawn_from_a_normal_is_told_it_is_not_uniform(tmp_path):
    path = edited(tmp_path, "mlp", "return tensor.uniform_(-bound, bound)", "return tensor.normal_(0, bound)")
    found = verdicts(path, "xavier_uniform_")
    assert found["en"]["cause"] == "mistake:not-uniform"
    assert "receptive field" not in found["en"]["diagnosis"]
    assert "tensor.uniform_(-a, a)" in found["zh_CN"]["diagnosis"]


@pytest.mark.e2e
def test_17_rnn_forward_feeding_h0_to_every_step_is_told_h_is_not_carried(tmp_path):
    path = edited(
        tmp_path,
        "rnn",
        "h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)",
        "h = rnn_cell(x_t, h0[layer], w_ih, w_hh, b_ih, b_hh)",
    )
    found = verdicts(path, "rnn_forward")
    assert "previous h" in found["en"]["diagnosis"]
    assert "layer l reads" not in found["en"]["diagnosis"]


# -- the blind set learner_s4's wrong leads and misleading hint as first met (its measure_first.md)


@pytest.mark.e2e
def test_s4_7_value_rsub_backwards_leads_with_its_step_not_a_later_crash(tmp_path):
    """A wrong ``__rsub__`` made a later power of a negative number complex: the crash there led.
    The first step that departs from torch's leads, named by the method that computes it."""
    path = edited(tmp_path, "autograd", "return self._wrap(other) - self", "return self - self._wrap(other)")
    found = verdicts(path, "Value")
    assert "__rsub__" in found["en"]["diagnosis"] and "random graph" in found["en"]["diagnosis"]
    assert "__rsub__" in found["zh_CN"]["diagnosis"] and "随机计算图" in found["zh_CN"]["diagnosis"]
    assert "TypeError" not in found["en"]["diagnosis"]


@pytest.mark.e2e
def test_s4_31_a_block_that_never_applies_bn2_is_told_so(tmp_path):
    path = edited(
        tmp_path,
        "resnet",
        "main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))",
        "main = self.conv2(F.relu(self.bn1(self.conv1(x))))",
    )
    found = verdicts(path, "BasicBlock")
    assert "self.bn2" in found["en"]["diagnosis"] and "never applies" in found["en"]["diagnosis"]
    assert "self.bn2" in found["zh_CN"]["diagnosis"] and "从未应用" in found["zh_CN"]["diagnosis"]
    assert "BasicBlock BasicBlock" not in found["en"]["diagnosis"]


@pytest.mark.unit
def test_s4_30_a_layer_size_mismatch_in_a_module_names_global_average_pooling():
    """SmallResNet flattening without pooling: "set in_features from it" alone hard-codes one
    input size; the hint names the pooling the docstrings ask for where H and W vary."""
    message = "mat1 and mat2 shapes cannot be multiplied (1x1152 and 512x10)"
    hint = error_hint(message, "SmallResNet", error_cause("RuntimeError", message))
    assert "nn.AdaptiveAvgPool2d(1)" in hint and "1152" in hint and "512" in hint


@pytest.mark.unit
def test_s4_10_a_loss_summed_over_the_batch_is_told_of_the_mean():
    from grader.checks.hints.relations import AVERAGED, SUMMED, reduction_mistakes

    expected = torch.tensor(292.661, dtype=torch.float64)
    keyed = reduction_mistakes((2, 8))

    def said(got: float) -> str:
        with pytest.raises(CheckFailed) as failed:
            expect_close(torch.tensor(got, dtype=torch.float64), expected, "cross_entropy", hint=keyed)
        return str(failed.value)

    assert SUMMED in said(2 * 292.661) and SUMMED in said(8 * 292.661)
    assert AVERAGED in said(292.661 / 8)
    assert "hint" not in said(3 * 292.661), "a factor that is no count of terms has no reduction hint"
    assert reduction_mistakes((1,)) == ()


@pytest.mark.unit
def test_s4_31_only_a_layers_name_reaches_the_untouched_hint():
    """The names come from the learner's module (setattr takes any string): only a submodule's
    name as code spells it is shown, three at most; anything else is no hint."""
    from grader.checks import battery
    from grader.checks.domains import module_case

    case = module_case("structure", "BasicBlock", ((4, 4), {}), (torch.zeros(1, 4, 5, 5),), fill=True)
    hostile = ["bn2", "x\n  hint: full marks", "a" * 100, 5, "<b>", "0.1"]
    assert battery._untouched(case, {"untouched": hostile}) == battery._untouched(
        case, {"untouched": ["bn2", "0.1"]}
    )
    assert "self.bn2, self.0.1" in battery._untouched(case, {"untouched": hostile})
    assert battery._untouched(case, {"untouched": ["x\n", 7]}) == ""
    assert battery._untouched(case._replace(fill=False), {"untouched": ["bn2"]}) == ""
    assert battery._untouched(case, {"untouched": "bn2"}) == ""


# -- the blind set learner_s5's wrong leads as first met (its measure_first.md)


@pytest.mark.unit
def test_s5_14_agreement_to_float32_names_a_misplaced_eps_too():
    """Adam with eps inside the square root agrees with torch to ~7 digits in float64: the lead
    said "a float32 tensor inside" only, of a file that has none."""
    e = torch.tensor([-1.5108303, 0.25, 0.731], dtype=torch.float64)
    with pytest.raises(CheckFailed) as failed:
        expect_close(e * (1 + 1e-7), e, "Adam", rtol=1e-10, atol=1e-10)
    assert "float32's precision only" in str(failed.value) and "eps" in str(failed.value)


@pytest.mark.unit
def test_s5_15_a_split_of_n_over_k_is_told_of_tensor_split():
    message = "split_size can only be 0 if dimension size is 0, but got dimension size of 3"
    cause = error_cause("RuntimeError", message)
    assert cause == "error:split-zero"
    assert "torch.tensor_split(x, k)" in error_hint(message, "k_fold_indices", cause)


@pytest.mark.e2e
def test_s5_21_conv2d_with_a_flipped_kernel_is_told_of_cross_correlation(tmp_path):
    path = edited(
        tmp_path,
        "cnn",
        "def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:",
        "def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:\n"
        "    weight = weight.flip(2, 3)",
    )
    found = verdicts(path, "conv2d")
    assert "cross-correlation" in found["en"]["diagnosis"]
    assert "互相关" in found["zh_CN"]["diagnosis"]


# -- the blind set learner_s6's wrong leads and misleading hints as first met (its measure_first.md)


@pytest.mark.unit
def test_s6_11_a_sign_flipped_through_infinities_is_named_and_keyed():
    """kl_div with the log ratio reversed: "expected inf, got -inf" led with the zero rules' hint."""
    from grader.checks.hints.relations import Keyed, equals

    inf = float("inf")
    expected = torch.tensor([[inf, 0.5], [0.0, 1.25]], dtype=torch.float64)
    keyed = (Keyed("negated", equals(-expected)), "plain")
    with pytest.raises(CheckFailed) as failed:
        expect_close(-expected, expected, "kl_div", hint=keyed)
    assert "sign flipped" in str(failed.value) and "hint: negated" in str(failed.value)
    other = torch.tensor([[inf, 7.0], [0.0, -3.0]], dtype=torch.float64)
    with pytest.raises(CheckFailed) as failed:
        expect_close(other, expected, "kl_div", hint=(Keyed("same", equals(expected)), "plain"))
    assert "sign flipped" not in str(failed.value) and "hint: plain" in str(failed.value)
    f64 = torch.float64
    assert not equals(torch.tensor([inf, 1.0]))(
        torch.tensor([inf, 5.0], dtype=f64), torch.tensor([inf, 2.0], dtype=f64)
    )


@pytest.mark.e2e
def test_s6_25_a_branch_layer_never_applied_leads(tmp_path):
    """InceptionA skipping its second 3×3 conv: its own check's checklist led; the untouched
    layer, named by the third failing check, leads now."""
    from grader.base.topics import MANIFEST

    topic = next(t.name for t in MANIFEST if "InceptionA" in t.exercises)  # the exercise's topic
    path = edited(tmp_path, topic, "self.branch3x3_3(self.branch3x3_2(", "(self.branch3x3_2(")
    found = verdicts(path, "InceptionA")
    assert found["en"]["cause"] == "mistake:untouched-layers"
    assert "self.branch3x3_3" in found["en"]["diagnosis"] and "never applies" in found["en"]["diagnosis"]
    assert "从未应用" in found["zh_CN"]["diagnosis"]


@pytest.mark.unit
def test_s6_13_14_the_optimisers_known_mistakes_walk_their_own_paths():
    """SGD's weight decay with its sign flipped and Adam's v without its bias correction had no
    hint (learner_s6 13, 14): each known mistake's trajectory is walked beside torch's, and the
    walks without a mistake are torch's own."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("suite_optim", REPO / "tests" / "suites" / "suite_optim.py")
    suite = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suite)
    g = torch.Generator().manual_seed(0)
    inits = [
        torch.randn(3, 2, generator=g, dtype=torch.float64),
        torch.randn(4, generator=g, dtype=torch.float64),
    ]
    grads = [[torch.randn(p.shape, generator=g, dtype=torch.float64) for p in inits] for _ in range(5)]
    cases = [
        ("SGD", torch.optim.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
        ("SGD", torch.optim.SGD, {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
        ("Adam", torch.optim.Adam, {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05}),
    ]
    for name, reference, options in cases:
        params = [p.clone().requires_grad_(True) for p in inits]
        optimizer, path = reference(params, **options), []
        for step in grads:
            for p, grad in zip(params, step):
                p.grad = grad.clone()
            optimizer.step()
            path.append([p.detach().clone() for p in params])
        walk = suite.adam_path if name == "Adam" else suite.sgd_path
        for mine, theirs in zip(walk(inits, options, grads), path):
            assert all(torch.allclose(a, b, rtol=1e-12, atol=1e-12) for a, b in zip(mine, theirs))
        found = suite.optimizer_mistakes(name, reference, inits, [{"params": [0, 1]}], options, grads)
        for key, (mistaken, _hint) in found.items():
            assert not torch.equal(mistaken[-1][0], path[-1][0]), f"{name} {key} walks torch's path"
    assert {"decay-sign", "nesterov-ignored"} <= set(
        suite.optimizer_mistakes("SGD", torch.optim.SGD, inits, [{"params": [0, 1]}], cases[0][2], grads)
    )
    adam = suite.optimizer_mistakes("Adam", torch.optim.Adam, inits, [{"params": [0, 1]}], cases[2][2], grads)
    assert {"no-v-correction", "no-m-correction", "eps-inside", "decoupled-decay"} <= set(adam)


@pytest.mark.e2e
def test_s6_13_14_optimiser_mistakes_are_named_as_graded(tmp_path):
    sgd = edited(
        tmp_path,
        "optim",
        'g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad',
        'g = p.grad - group["weight_decay"] * p if group["weight_decay"] else p.grad',
    )
    found = verdicts(sgd, "SGD")
    assert found["en"]["cause"] == "mistake:decay-sign" and "g + λ·p" in found["en"]["diagnosis"]
    (tmp_path / "adam").mkdir()
    adam = edited(
        tmp_path / "adam", "optim", 'v_hat = state["v"] / (1 - beta2 ** state["step"])', 'v_hat = state["v"]'
    )
    found = verdicts(adam, "Adam")
    assert found["en"]["cause"] == "mistake:no-v-correction" and "β₂ᵗ" in found["zh_CN"]["diagnosis"]


# -- the blind set learner_s7's wrong leads as first met (its measure_first_main_1e610a8.md)


@pytest.mark.e2e
def test_s7_3_pairwise_distances_without_the_cross_terms_2_are_told_so(tmp_path):
    """‖a‖² − a·bᵀ + ‖b‖²: "expected 88.0, got 82.5" with the broadcasting recipe; the missing 2 leads now."""
    path = edited(
        tmp_path,
        topic_of("pairwise_sq_dists"),
        "return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)",
        "return (a * a).sum(dim=1)[:, None] - a @ b.T + (b * b).sum(dim=1)[None, :]",
    )
    found = verdicts(path, "pairwise_sq_dists")
    assert "2·a" in found["en"]["diagnosis"] and "twice" in found["en"]["diagnosis"], found["en"]
    assert "两倍" in found["zh_CN"]["diagnosis"], found["zh_CN"]


@pytest.mark.e2e
def test_s7_15_sgd_fit_drawing_its_order_from_the_global_rng_is_told_of_the_generator(tmp_path):
    """torch.randperm(n) without the generator: the recorded MSEs off, no hint; the ignored generator leads now."""
    path = edited(
        tmp_path,
        topic_of("sgd_fit"),
        "for i in torch.randperm(len(x), generator=generator).tolist():",
        "for i in torch.randperm(len(x)).tolist():",
    )
    found = verdicts(path, "sgd_fit")
    assert "generator=generator" in found["en"]["diagnosis"], found["en"]
    assert "生成器" in found["zh_CN"]["diagnosis"].split("提示")[-1], found["zh_CN"]


# -- the blind set learner_s8's borderline hint as first met (its measure_first_main_29ad80b.md)

RECURSIVE_BACKWARD = """    def backward(self) -> None:
        order: list[Value] = []
        seen: set[int] = set()

        def visit(node: Value) -> None:
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node._parents:
                    visit_parent(parent)
                order.append(node)

        def visit_parent(node: Value) -> None:
            visit(node)

        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node._parents, node._local_grads):
                parent.grad += local * node.grad
"""


@pytest.mark.e2e
def test_s8_6_a_gradient_overwritten_is_told_of_accumulating_not_of_deep_graphs(tmp_path):
    """parent.grad = ... for +=: the hint also said "deep graphs need an iterative topological
    sort" (the label's misleading example); a graph's depth is named only where recursion broke."""
    topic = topic_of("Value")
    path = edited(tmp_path, topic, "parent.grad += local * node.grad", "parent.grad = local * node.grad")
    found = verdicts(path, "Value")
    assert "+= (not =)" in found["en"]["diagnosis"] and "recursi" not in found["en"]["diagnosis"], found["en"]
    assert "递归" not in found["zh_CN"]["diagnosis"], found["zh_CN"]
    text = (REPO / "solutions" / f"{topic}.py").read_text()
    start = text.index("    def backward(self) -> None:")
    end = text.index("    def __repr__")
    (tmp_path / f"{topic}.py").write_text(text[:start] + RECURSIVE_BACKWARD + "\n" + text[end:])
    found = verdicts(tmp_path / f"{topic}.py", "Value")
    assert "iterative topological sort" in found["en"]["diagnosis"], found["en"]
    assert "递归" in found["zh_CN"]["diagnosis"], found["zh_CN"]


@pytest.mark.e2e
def test_s8_27_a_network_missing_one_activation_is_told_how_many_it_applies(tmp_path):
    """GoogLeNetMini without the ReLU after its second conv (learner_s6 and s8): "values off" with
    the seven-item structure checklist; the count of each activation against the docstring's
    layers' leads now."""
    path = edited(
        tmp_path,
        topic_of("GoogLeNetMini"),
        "x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))",
        "x = self.incep2(F.max_pool2d(self.conv2(x), 2))",
    )
    found = verdicts(path, "GoogLeNetMini")
    assert "relu" in found["en"]["diagnosis"] and "times" in found["en"]["diagnosis"], found["en"]
    assert "次" in found["zh_CN"]["diagnosis"], found["zh_CN"]


@pytest.mark.unit
def test_s8_27_the_activation_census_hint_holds_to_what_the_reference_counted():
    """Only an activation the reference's layers apply and the learner's forward applies too, a
    different number of times: a forward written another way (clamp for relu) or a census the
    submission forged (names, non-counts) says nothing."""
    from grader.checks import battery, domains

    case = domains.module_case("structure", "Net", ((), {}), (torch.zeros(1),), fill=True)
    ref = {"census": {"relu": 3, "tanh": 1}}
    said = battery._activations(case, {"census": {"relu": 2, "tanh": 1}}, ref)
    assert "relu" in said and "fewer" in said and "(2 against 3)" in said
    assert "more" in battery._activations(case, {"census": {"relu": 3, "tanh": 2}}, ref)
    for forged in ({"relu": "2", "tanh": 1}, {"clamp": 2, "tanh": 1}, ["relu"], {"relu": 3, "tanh": 1}):
        assert battery._activations(case, {"census": forged}, ref) == "", forged
    for bare in ({}, {"<script>": 1}):  # nothing an activation is written with: none applied
        assert "(0 against 3)" in battery._activations(case, {"census": bare}, ref), bare
    assert battery._activations(case, {"census": {"clamp_min": 2}}, ref) == ""  # relu written as clamp
    assert battery._activations(case, {"census": {"relu": 2}}, {"census": {"<b>": 3}}) == ""
    plain = domains.module_case("structure", "Net", ((), {}), (torch.zeros(1),))
    assert battery._activations(plain, {"census": {"relu": 2}}, ref) == ""


@pytest.mark.e2e
@pytest.mark.parametrize(
    "old, new, said",
    [
        (
            "F.avg_pool2d(x, 3, stride=1, padding=1)",
            "F.max_pool2d(x, 3, stride=1, padding=1)",
            "not a max pool",
        ),
        ("[b1x1, b5x5, b3x3, bpool]", "[b1x1, b3x3, b5x5, bpool]", "in another order"),
    ],
)
def test_s7_24_25_an_inception_branch_max_pooled_or_in_another_order_is_told_which(tmp_path, old, new, said):
    """InceptionA with its pool branch max-pooled (learner_s6, s7, s8) or its branches concatenated
    in another order (s7): "a difference of 2.75" with the three-item checklist; the one that
    holds leads now."""
    found = verdicts(edited(tmp_path, topic_of("InceptionA"), old, new), "InceptionA")
    assert said in found["en"]["diagnosis"], found["en"]
    chinese = found["zh_CN"]["diagnosis"]
    assert "拼接顺序" in chinese or "最大池化" in chinese, chinese


@pytest.mark.e2e
def test_s7_30_a_block_with_its_relu_before_the_sum_is_told_its_output_goes_negative(tmp_path):
    """BasicBlock returning relu(main) + shortcut: "expected 0, got −3.12" with the probe's own
    explanation (learner_s7 30); the ReLU after the sum leads now."""
    path = edited(
        tmp_path,
        topic_of("BasicBlock"),
        "return F.relu(main + self.shortcut(x))",
        "return F.relu(main) + self.shortcut(x)",
    )
    found = verdicts(path, "BasicBlock")
    assert "relu(out + shortcut)" in found["en"]["diagnosis"], found["en"]
    assert "捷径之后" in found["zh_CN"]["diagnosis"], found["zh_CN"]


@pytest.mark.e2e
def test_s7_32_rnn_cell_with_w_hh_as_stored_is_told_of_its_transpose(tmp_path):
    """h @ w_hh for h @ w_hh.T: square, so it runs; "values off" with the formula, the missing
    transpose unsaid (learner_s7 32, s8 31); keyed now."""
    path = edited(tmp_path, topic_of("rnn_cell"), "h @ w_hh.T + b_hh)", "h @ w_hh + b_hh)")
    found = verdicts(path, "rnn_cell")
    assert "W_hh as stored" in found["en"]["diagnosis"], found["en"]
    assert "未转置的 W_hh" in found["zh_CN"]["diagnosis"], found["zh_CN"]


# -- the blind set learner_s9's wrong leads and misleading hint as first met


@pytest.mark.e2e
def test_s9_9_entropy_in_base_2_is_told_of_the_base_not_of_zeros(tmp_path):
    """safe.log2() for safe.log(): "1.443 × what was expected" with the zeros' hint (the label's
    misleading one: its zeros were masked); the base leads, the zeros' hint only where NaN came out."""
    path = edited(
        tmp_path,
        topic_of("entropy"),
        "return -(p * safe.log()).sum(dim=-1)",
        "return -(p * safe.log2()).sum(dim=-1)",
    )
    found = verdicts(path, "entropy")
    assert "base-2 logarithm" in found["en"]["diagnosis"] and "mask the zeros" not in found["en"]["diagnosis"]
    assert "以 2 为底" in found["zh_CN"]["diagnosis"], found["zh_CN"]


@pytest.mark.unit
def test_s9_9_a_logarithms_base_is_named_by_its_factor_only():
    from grader.checks.hints.relations import shown

    expected = torch.tensor([1.0, 2.5, 0.3], dtype=torch.float64)
    assert "base-2" in shown(expected / math.log(2), expected, False)
    assert "base-10" in shown(expected / math.log(10), expected, False)
    assert "torch.log2" in shown(expected * math.log(2), expected, False)
    assert "logarithm" not in shown(expected * 1.45, expected, False)


@pytest.mark.e2e
def test_s9_27_a_network_applying_no_activation_is_told_it_applies_none(tmp_path):
    """GoogLeNetMini without either ReLU: the seven-item checklist (count 0 said nothing); a
    forward with nothing an activation is written with is told it applies none."""
    text = (REPO / "solutions" / f"{topic_of('GoogLeNetMini')}.py").read_text()
    for stage in ("conv1", "conv2"):
        old = f"F.relu(F.max_pool2d(self.{stage}(x), 2))"
        assert old in text
        text = text.replace(old, f"F.max_pool2d(self.{stage}(x), 2)")
    path = tmp_path / f"{topic_of('GoogLeNetMini')}.py"
    path.write_text(text)
    found = verdicts(path, "GoogLeNetMini")
    assert "(0 against 2)" in found["en"]["diagnosis"], found["en"]


@pytest.mark.e2e
def test_s9_0_fill_nan_with_each_rows_mean_is_told_so(tmp_path):
    """The mean over dim=1: "expected 6, got 2" with the nanmean recipe (the code masked NaN already)."""
    path = edited(
        tmp_path,
        topic_of("fill_nan_with_column_mean"),
        "means = numbers.sum(dim=0) / (~missing).sum(dim=0)",
        "means = numbers.sum(dim=1, keepdim=True) / (~missing).sum(dim=1, keepdim=True)",
    )
    found = verdicts(path, "fill_nan_with_column_mean")
    assert "each row's means" in found["en"]["diagnosis"], found["en"]
    assert "每一行的均值" in found["zh_CN"]["diagnosis"], found["zh_CN"]


@pytest.mark.e2e
def test_s9_18_evaluate_without_eval_mode_is_told_of_eval_alone(tmp_path):
    """model.eval() forgotten under torch.no_grad(): the hint also said to wrap the loop in
    no_grad (the label's misleading fix: it was there); only what was off is said now."""
    path = edited(tmp_path, topic_of("evaluate"), "    model.eval()\n", "")
    found = verdicts(path, "evaluate")
    assert (
        "model.eval()" in found["en"]["diagnosis"]
        and "no_grad()" not in found["en"]["diagnosis"].split("hint:")[1]
    )


# -- the blind set learner_s10's wrong lead as first met


@pytest.mark.e2e
def test_s10_26_conv_mults_counting_the_bias_is_told_one_more_per_output(tmp_path):
    """k·k·c_in·c_out·h·w + h·w·c_out: the formula restated; the bias counted as a product leads now."""
    path = edited(
        tmp_path,
        topic_of("conv_mults"),
        "return k * k * c_in * c_out * h * w",
        "return (k * k * c_in + 1) * c_out * h * w",
    )
    found = verdicts(path, "conv_mults")
    assert "the bias is added" in found["en"]["diagnosis"], found["en"]
    assert "偏置" in found["zh_CN"]["diagnosis"], found["zh_CN"]


@pytest.mark.unit
def test_s11_a_values_indices_pair_is_told_what_it_is_and_to_take_values():
    """max_pool2d returning ``.max(dim)`` (torch.return_types.max, sent by the worker as its
    plain tuple) is told it is a (values, indices) pair and to take ``.values``, never "torch.stack
    joins a list of tensors" (seen failing: that hint, the lead a tensor's repr cut mid-number)."""
    windows = torch.randn(2, 3, 4, 4, 4, generator=torch.Generator().manual_seed(0))
    pair = tuple(windows.max(dim=-1))
    with pytest.raises(CheckFailed) as failed:
        expect_tensor(pair, "max_pool2d on (2, 3, 8, 8)")
    message = str(failed.value)
    lead = message.splitlines()[0]
    assert "torch.return_types" in lead and "(values, indices)" in lead, message
    assert "a torch.float32 tensor of shape (2, 3, 4, 4)" in lead, message
    assert ".values" in message and "torch.stack" not in message, message


@pytest.mark.unit
@pytest.mark.parametrize(
    "value",
    [
        (torch.randn(2, 3, 8, 8), torch.randn(2, 3)),
        [0.123456789 * i for i in range(60)],
        list(range(10_000, 10_100)),
        (torch.arange(0.5, 3.0, 0.5), [1.123456789e-5] * 30),
    ],
)
def test_s11_a_described_value_is_one_line_never_cut_mid_number(value):
    """What a lead says of a value is one line, cut (if at all) after a whole item: a tensor in
    a container by its dtype and shape, not a repr over lines."""
    said = describe(value)
    assert "\n" not in said and len(said) <= 121, said
    if said.endswith("…"):
        assert said[-2] in " ,([{", said  # backed off to after a whole item


@pytest.mark.e2e
def test_s11_max_pool2d_returning_max_dims_tuple_is_told_to_take_values(tmp_path):
    path = edited(tmp_path, "cnn", "windows.flatten(-2).amax(dim=-1)", "windows.flatten(-2).max(dim=-1)")
    found = verdicts(path, "max_pool2d")
    lead = found["en"]["diagnosis"].splitlines()[0]
    assert "(values, indices)" in lead and "torch.stack" not in found["en"]["diagnosis"], found["en"]
    assert ".values" in found["en"]["diagnosis"] and ".values" in found["zh_CN"]["diagnosis"], found["zh_CN"]


# -- shapes and strides told as such


STRIDED_TWICE = (
    "RuntimeError while checking BasicBlock in resnet.py: The size of tensor a (2) must match the size "
    "of tensor b (4) at non-singleton dimension 3\n  on that line: main (2, 4, 2, 2) float32; x (2, 4, 7, 7) float32"
)


@pytest.mark.unit
def test_95_a_block_strided_on_both_convolutions_is_told_of_the_stride_first():
    """BasicBlock with stride= on conv2 as well as conv1 (both padded): 7 → 4 → 2 beside the
    shortcut's 4 was told "a convolution without padding shrinks H and W" alone; the stride's
    place leads now, the padding still said (8 and 4 may be either)."""
    hint = error_hint(STRIDED_TWICE, "BasicBlock", "error:broadcast")
    assert "stride belongs to its first convolution" in hint, hint
    assert hint.index("stride") < hint.index("padding")
    unpadded = error_hint(
        STRIDED_TWICE.replace("(2)", "(6)").replace("(4)", "(8)"), "ResidualBlock", "error:broadcast"
    )
    assert "stride" not in unpadded and "without padding" in unpadded  # 8 − 2: padding alone


@pytest.mark.unit
def test_a_block_strided_twice_names_the_two_convolutions():  # causes9 r03
    """The module's layers that change H and W where tensors meet: two wider than 1×1 take the
    stride (conv1 and conv2, beside the shortcut's 1×1): the hint names them, not "a stride or a
    convolution without padding"."""
    from grader.checks.hints.blamed import resizing_lines

    def conv(name, k, s):
        return [name, "Conv2d", {"kernel_size": [k, k], "stride": [s, s], "padding": [k // 2, k // 2]}]

    line = {"layers": [conv("conv1", 3, 2), conv("conv2", 3, 2), conv("shortcut.0", 1, 2)]}
    found = resizing_lines(line, STRIDED_TWICE)
    assert found[-1].startswith("hint: the stride is taken more than once on the way (conv1, conv2)"), found
    line = {"layers": [conv("conv1", 3, 2), conv("conv2", 3, 1), conv("shortcut.0", 1, 2)]}
    assert not any("more than once" in said for said in resizing_lines(line, STRIDED_TWICE))


@pytest.mark.unit
def test_a_padding_too_large_is_told_as_growing_the_side_it_grows():  # learner_s24 b24_26
    """A 1×1 shortcut with padding=1 grows 7 into 9 where the main path keeps 7: said 7 → 9 and as
    a change (seen failing: "9 → 11", and the hint said it shrank H and W)."""
    from grader.checks.hints.blamed import resizing_lines

    shortcut = ["shortcut.0", "Conv2d", {"kernel_size": [1, 1], "stride": [1, 1], "padding": [1, 1]}]
    message = "The size of tensor a (7) must match the size of tensor b (9) at non-singleton dimension 3"
    found = resizing_lines({"layers": [shortcut]}, message)
    assert found[0].endswith(": 7 → 9") and "shrink" not in found[-1] and "2p − (k − 1)" in found[-1], found


@pytest.mark.e2e
def test_95_a_block_strided_on_both_convolutions_as_graded(tmp_path):
    path = edited(
        tmp_path,
        topic_of("BasicBlock"),
        "self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)",
        "self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=stride, padding=1, bias=False)",
    )
    found = verdicts(path, "BasicBlock")
    assert "stride belongs to its first convolution" in found["en"]["diagnosis"], found["en"]
    assert "步幅只属于" in found["zh_CN"]["diagnosis"], found["zh_CN"]


UNFOLDED = (
    "RuntimeError while running conv2d() in cnn.py: shape '[2, 4, 4, 4]' is invalid for input of size 392"
)


@pytest.mark.unit
def test_95_a_convolution_reshaped_from_unstrided_columns_is_told_its_sizes_step_by_step():
    """conv2d by F.unfold without stride=: torch's reshape error with "let -1 stand for the size";
    the docstring's H_out, W_out for the call lead now, beside the positions the learner's columns
    hold and the stride that leaves them."""
    from grader.checks.hints.conv_steps import call_of, predicted

    x, weight = torch.zeros(2, 3, 9, 8), torch.zeros(4, 3, 3, 2)
    call = call_of(("conv2d", (x, weight, None), {"stride": 2, "padding": 0}))
    said = predicted(call, UNFOLDED)
    assert "H_out = ⌊(9 + 2·0 − 3)/2⌋ + 1 = 4" in said and "16 positions" in said, said
    assert "49 positions (what stride=1, padding=0 leave)" in said
    assert "stride=stride" in said.split("hint:")[1]
    assert call_of(("relu", (x,), {})) is None  # no stride asked: no convolution's steps
    assert predicted(call, "mat1 and mat2 shapes cannot be multiplied") == ""


@pytest.mark.e2e
def test_95_a_convolution_by_unfold_without_stride_as_graded(tmp_path):
    path = edited(
        tmp_path,
        topic_of("conv2d"),
        "F.unfold(x, (kh, kw), padding=padding, stride=stride)",
        "F.unfold(x, (kh, kw), padding=padding)",
    )
    found = verdicts(path, "conv2d")
    english = found["en"]["diagnosis"]
    assert "H_out = ⌊(9 + 2·0 − 3)/2⌋ + 1 = 4" in english and "what stride=1" in english, english
    assert "let -1 stand" not in english
    assert "步幅" in found["zh_CN"]["diagnosis"] and "-1" not in found["zh_CN"]["diagnosis"].split("提示")[-1]


@pytest.mark.e2e
def test_95_a_residual_block_applying_conv2_to_x_is_told_so_not_to_move_its_relu(tmp_path):
    """relu(x + conv2(x)) with conv1's output unused: "add x BEFORE the last relu", said of every
    mismatch; each mistake's hint is keyed to its values now, the formula else."""
    path = edited(
        tmp_path,
        topic_of("ResidualBlock"),
        "return F.relu(x + self.conv2(F.relu(self.conv1(x))))",
        "y = F.relu(self.conv1(x))\n        return F.relu(x + self.conv2(x))",
    )
    found = verdicts(path, "ResidualBlock")
    assert "conv2 takes the first convolution's output" in found["en"]["diagnosis"], found["en"]
    assert "BEFORE the last relu" not in found["en"]["diagnosis"]
    assert "第一个卷积的输出" in found["zh_CN"]["diagnosis"], found["zh_CN"]


@pytest.mark.unit
def test_b7_a_result_of_the_wrong_type_leads_the_errors_of_the_checks_reading_it():
    """HelloRNN returning (logits, h_n): the shape checks reading ``out.shape`` raised
    AttributeError and led with "'tuple' object has no attribute 'shape'"; the check that says
    the result is a tuple of two tensors, and to return one, leads. An error of another kind
    (the learner's own code raising) still leads a type failure."""

    def row(test_id: str, status: str, cause: str, message: str, form: bool = False) -> dict:
        return {"id": test_id, "kind": "shape", "status": status, "points": 0.0, "max_points": 1.0,
                "exercises": ["HelloRNN"], "cause": cause, "form": form, "message": message,
                "visibility": "public"}  # fmt: skip

    raised = row(
        "shapes[1]",
        "error",
        "error:AttributeError",
        "AttributeError: 'tuple' object has no attribute 'shape'",
    )
    typed = row("in_order", "failed", "type", "expected a torch.Tensor, got tuple (…)", form=True)
    lead = next(e for e in judge([raised, typed]) if e.name == "HelloRNN")
    assert lead.diagnosis.startswith("expected a torch.Tensor, got tuple"), lead.diagnosis
    own = row(
        "shapes[1]", "error", "error:RuntimeError", "RuntimeError: mat1 and mat2 shapes cannot be multiplied"
    )
    lead = next(e for e in judge([own, typed]) if e.name == "HelloRNN")
    assert lead.diagnosis.startswith("RuntimeError"), lead.diagnosis


@pytest.mark.unit
def test_b7_a_tuple_of_unlike_tensors_is_told_to_return_the_one_asked_not_to_stack():
    """(output, h_n) from nn.RNN returned whole: "torch.stack joins a list of tensors" would join
    what no stack can; a list of same-shaped tensors (per-step outputs) keeps that hint."""
    with pytest.raises(CheckFailed) as pair:
        expect_tensor((torch.zeros(5, 2, 4), torch.zeros(1, 2, 8)), "HelloRNN output")
    assert (
        pair.value.cause == "type" and "unpack it" in str(pair.value) and "torch.stack" not in str(pair.value)
    )
    with pytest.raises(CheckFailed) as steps:
        expect_tensor([torch.zeros(2, 3), torch.zeros(2, 3)], "rnn_forward output")
    assert "torch.stack joins a list of tensors" in str(steps.value)


@pytest.mark.unit
def test_b7_a_device_check_failing_in_a_callee_names_the_callee():
    """relu making its zeros on the CPU: hard_sigmoid_from_relus's device check (its record calls
    relu) led with the right cause but named the caller; relu fails its own device check, so the
    caller's lead names relu first, as a value check's does. A callee passing that clause is not blamed."""

    def row(test_id: str, exercise: str, status: str, calls: list[str] | None = None) -> dict:
        return {"id": test_id, "kind": "device", "status": status, "points": 0.0, "max_points": 1.0,
                "exercises": [exercise], "clause": "device", "message": f"{exercise} on a second device: cpu",
                "visibility": "public", "calls": calls or []}  # fmt: skip

    caller = row("stays[hard]", "hard_sigmoid_from_relus", "failed", ["relu"])
    lead = next(
        e for e in judge([caller, row("stays[relu]", "relu", "failed")]) if e.name == caller["exercises"][0]
    )
    assert "runs relu, which fails a check of its own: fix relu first" in lead.diagnosis, lead.diagnosis
    lead = next(
        e for e in judge([caller, row("stays[relu]", "relu", "passed")]) if e.name == caller["exercises"][0]
    )
    assert "fix relu first" not in lead.diagnosis, lead.diagnosis


# Blind sets b7-b9 (mistakes written from the docstrings alone): each edit of the reference is told
# its cause in the lead. (id, exercise, the edit, what the English lead says, what the Chinese says)
BLIND_LEADS = [
    (
        "b7-corr2d-item-cuts-the-graph",  # torch's words, not the float64 case's dtype hint
        "corr2d",
        (
            "(x[i:i + kh, j:j + kw] * k).sum()",
            "torch.tensor((x[i:i + kh, j:j + kw] * k).sum().item(), dtype=x.dtype)",
        ),
        "not part of the graph",
        ".item()",
    ),
    (
        "b7-inception-relu-on-output",  # its values named, not the branches' checklist
        "InceptionA",
        (
            "return torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)",
            "return F.relu(torch.cat([b1x1, b5x5, b3x3, bpool], dim=1))",
        ),
        "through a ReLU",
        "ReLU",
    ),
    (
        "b7-inception-relu-after-each-conv",
        "InceptionA",
        (
            "return torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)",
            "return torch.cat([F.relu(b1x1), F.relu(self.branch5x5_2(F.relu(self.branch5x5_1(x)))), "
            "F.relu(self.branch3x3_3(F.relu(self.branch3x3_2(F.relu(self.branch3x3_1(x)))))), F.relu(bpool)], dim=1)",
        ),
        "through a ReLU",
        "ReLU",
    ),
    (
        "b7-sigmoid-of-a-clamped-x",  # its float64 tails stop at σ(±30)
        "Sigmoid",
        (
            "e = torch.exp(-x.abs())\n        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))",
            "out = 1 / (1 + torch.exp(-x.clamp(-30, 30)))",
        ),
        "clamped to a bound",
        "截断",
    ),
    (
        "b8-conv-mults-unpadded-positions",  # h and w are the output's already
        "conv_mults",
        ("return k * k * c_in * c_out * h * w", "return k * k * c_in * c_out * (h - k + 1) * (w - k + 1)"),
        "the output's size already",
        "输出的大小",
    ),
    (
        "b8-softmax-max-without-keepdim",  # keepdim first, not m[:, None] alone
        "softmax",
        (
            "e = (x - x.amax(dim=dim, keepdim=True).detach()).exp()",
            "m = x.amax(dim=dim).detach()\n    e = torch.exp(x - m)",
        ),
        "keepdim=True (x.max(dim, keepdim=True))",
        "keepdim=True",
    ),
    (
        "b10-inception-pool-branch-conv-then-pool",  # its values named, not the branches' checklist
        "InceptionA",
        (
            "bpool = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))",
            "bpool = F.avg_pool2d(self.branch_pool(x), 3, stride=1, padding=1)",
        ),
        "then its pooling: pool first",
        "再做池化",
    ),
    (
        "b10-conv-mults-as-a-tensor",  # the right count as a tensor: return an int
        "conv_mults",
        ("return k * k * c_in * c_out * h * w", "return torch.tensor(k * k * c_in * c_out * h * w)"),
        "where a Python int is asked",
        "而要求的是 Python int",
    ),
    (
        "b10-cross-entropy-soft-targets-summed-over-the-batch",  # the axis named, not the formula
        "cross_entropy",
        (
            "return -(target.to(log_probs.dtype) * log_probs).sum(dim=1).mean()",
            "return -(target.to(log_probs.dtype) * log_probs).sum(dim=0).mean()",
        ),
        "over the classes (dim=1, one sum per row)",
        "dim=1",
    ),
    (
        "b11-rnn-forward-every-layer-reads-x",  # rnn_forward's, not its right callee's "transpose"
        "rnn_forward",
        ("for x_t in layer_input:", "for x_t in x:"),
        "layer l > 0 reads the outputs of layer l − 1",
        "只有第 0 层读取 x",
    ),
    (
        "b12-rnn-forward-layers-chained-by-their-last-h",
        "rnn_forward",
        ("h, steps = h0[layer], []", "h, steps = (h0[0] if layer == 0 else h), []"),
        "not the next layer's start",
        "h0[l]",
    ),
    (
        "b11-adam-correction-outside-the-root",
        "Adam",
        (
            'p.addcdiv_(m_hat, v_hat.sqrt().add_(group["eps"]), value=-group["lr"])',
            'p.addcdiv_(m_hat, (state["v"].sqrt() / (1 - beta2 ** state["step"])).add_(group["eps"]), '
            'value=-group["lr"])',
        ),
        "inside the square root",
        "平方根之内",
    ),
    (
        "b11-huber-linear-piece-of-signed-d",
        "huber",
        (
            "d = (y_hat - y).abs()\n    return torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()",
            "d = y_hat - y\n    return torch.where(d.abs() <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()",
        ),
        "the linear piece takes |d|",
        "|d|",
    ),
    (
        "b11-numerical-grad-both-sides-one-tensor",  # every difference 0
        "numerical_grad",
        ("grad[i] = (plus - minus) / (2 * eps)", "grad[i] = (plus - plus) / (2 * eps)"),
        "every difference is 0",
        "每个差分都是 0",
    ),
    (
        "b13-accuracy-argmax-of-labels",
        "accuracy",
        ("y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat", "y_hat.argmax(dim=-1)"),
        "argmax of a 1-D tensor is ONE index",
        "argmax",
    ),
    (
        "b13-conv2d-if-bias",  # torch's words told: `is not None`
        "conv2d",
        ("if bias is not None:", "if bias:"),
        "if bias is not None:",
        "if bias is not None:",
    ),
    (
        "b13-inception-pool-default-stride",  # a stride, not a padding
        "InceptionA",
        ("F.avg_pool2d(x, 3, stride=1, padding=1)", "F.avg_pool2d(x, 3, padding=1)"),
        "a pooling's stride defaults to its kernel size",
        "步幅默认等于其核大小",
    ),
    (
        "b13-batch-norm-four-dims-only",
        "batch_norm",
        ("dims = [0] + list(range(2, x.dim()))", "dims = [0, 2, 3]"),
        "x may be (N, C) as well as (N, C, H, W)",
        "(N, C)",
    ),
    (
        "b13-hello-rnn-linear-on-h-n",
        "HelloRNN",
        (
            "output, _ = self.rnn(x)\n        return self.out(output)",
            "_, h_n = self.rnn(x)\n        return self.out(h_n)",
        ),
        "the linear layer got h_n",
        "h_n",
    ),
    (
        "b11-hello-rnn-one-hot-without-num-classes",
        "HelloRNN",
        ("nn.functional.one_hot(idx, self.vocab_size)", "nn.functional.one_hot(idx)"),
        "num_classes=vocab_size",
        "num_classes=vocab_size",
    ),
    (
        "b14-value-gradient-assigned",  # `=` told alone, not beside the topological order
        "Value",
        ("parent.grad += local * node.grad", "parent.grad = local * node.grad"),
        "a·a gives a.grad = 2a",
        "a·a 得到 a.grad = 2a",
    ),
    (
        "b14-accuracy-max-values",
        "accuracy",
        ("y_hat.argmax(dim=1) if y_hat.dim() == 2", "y_hat.max(dim=1)[0] if y_hat.dim() == 2"),
        "[0] holds the largest scores",
        ".argmax(dim=1)",
    ),
    (
        "b14-embedding-index-select",
        "embedding_lookup",
        ("return weight[idx]", "return weight.index_select(0, idx)"),
        "index_select takes a 1-D index only",
        "index_select 只接受一维索引",
    ),
    (
        "b15-bce-with-logits-terms-swapped",  # the swap, not an overflow
        "bce_with_logits",
        (
            "return (y * _softplus(-logits) + (1 - y) * _softplus(logits)).mean()",
            "return (y * _softplus(logits) + (1 - y) * _softplus(-logits)).mean()",
        ),
        "the two terms are swapped",
        "两项弄反了",
    ),
    (
        "b15-sgd-decay-after-momentum",
        "SGD",
        (
            'g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad',
            'g = p.grad\n                p.sub_(group["lr"] * group["weight_decay"] * p)',
        ),
        "weight decay joins the gradient before the momentum",
        "权重衰减要在动量之前",
    ),
    (
        "b15-pairwise-norms-both-columns",
        "pairwise_sq_dists",
        (
            "return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)",
            "return (a * a).sum(1, keepdim=True) - 2 * a @ b.T + (b * b).sum(1, keepdim=True)",
        ),
        "(b * b).sum(1) is (m,) and broadcasts as (1, m)",
        "(1, m)",
    ),
    (
        "b13-ema-float32-maker-named",  # the call and its line, not the dtype checklist
        "ema",
        ("out = torch.empty_like(values)", "out = torch.empty(values.shape)"),
        "torch.empty made a float32 tensor",
        "torch.empty",
    ),
    (
        "b16-encode-chars-sorted-vocab",  # the order, not the dtype
        "encode_chars",
        (
            "position = {c: i for i, c in enumerate(vocab)}",
            "position = {c: i for i, c in enumerate(sorted(vocab))}",
        ),
        "positions in sorted(vocab)",
        "sorted(vocab)",
    ),
    (
        "b16-conv-mults-square-output",
        "conv_mults",
        ("return k * k * c_in * c_out * h * w", "return k * k * c_in * c_out * h * h"),
        "counts the output as square",
        "正方形",
    ),
    (
        "b15-gru-reset-before-the-product",  # the d2l form named, not the gates' checklist
        "gru_cell",
        (
            "n = torch.tanh(i_n + r * h_n)",
            "n = torch.tanh(i_n + (r * h) @ w_hh.chunk(3)[2].T + b_hh.chunk(3)[2])",
        ),
        "r is applied to h before the product",
        "d2l",
    ),
    (
        # rounding, not a missing restore; the grid's float32 case (eps=1e-2) meets it first as
        # an argument changed (the restore check's rounding hint follows it)
        "b18-numerical-grad-restored-by-arithmetic",
        "numerical_grad",
        ("            x[i] = original\n", "            x[i] = x[i] + eps\n"),
        "expected its inputs left as they were",
        "输入保持原样",
    ),
    (
        "b18-batch-norm-correction-by-the-batch-size",
        "batch_norm",
        ("count = x.numel() // x.shape[1]", "count = x.shape[0]"),
        "N·H·W (x.numel() // C)",
        "N·H·W",
    ),
    (
        "b18-sigmoid-clamped-at-88",  # the tail case's values: a clamp, not a rounding
        "Sigmoid",
        ("e = torch.exp(-x.abs())", "e = torch.exp(-x.clamp(-88, 88).abs())"),
        "clamped to a bound",
        "截断",
    ),
    (
        "b19-ema-division-by-zero-at-t-0",  # torch's words alone: the bias correction's t
        "ema",
        (
            "out[t - 1] = s / (1 - beta**t) if bias_correction else s",
            "out[t - 1] = s / (1 - beta ** (t - 1)) if bias_correction else s",
        ),
        "counts t from 0",
        "β⁰",
    ),
    (
        "b19-norms-abs-of-the-sum",
        "norms",
        ("x.abs().sum()", "x.sum().abs()"),
        "|Σ xᵢ|",
        "|Σ xᵢ|",
    ),
    (
        "b20-one-hot-whole-columns",  # the variant named, not the contract restated
        "one_hot",
        (
            "return (labels[:, None] == classes[None, :]).float()",
            "out = torch.zeros(len(labels), num_classes, device=labels.device)\n    out[:, labels] = 1\n    return out",
        ),
        "sets whole columns",
        "整列",
    ),
    (
        "b20-mlp-functional-dropout-in-eval",  # F.dropout's training= named
        "MLP",
        (
            "layers.append(nn.Dropout(dropout))",
            "layers.append(nn.Dropout(dropout))\n"
            "                    layers[-1].forward = lambda h, p=dropout: torch.nn.functional.dropout(h, p)",
        ),
        "training=self.training",
        "training=self.training",
    ),
    (
        "b20-rnn-forward-h-n-by-cat",  # cat's shape told from stack's
        "rnn_forward",
        ("return layer_input, torch.stack(last)", "return layer_input, torch.cat(last)"),
        "torch.stack(finals, dim=0)",
        "torch.stack(finals, dim=0)",
    ),
    (
        "b20-sgd-first-buffer-aliases-the-gradient",  # the variant's trajectory, not the checklist
        "SGD",
        ('state["momentum_buffer"] = g.clone()', 'state["momentum_buffer"] = g'),
        "p.grad itself, not a copy",
        "torch.clone(g).detach()",
    ),
    (
        "b20-sgd-break-at-a-parameter-without-gradient",
        "SGD",
        ("if p.grad is None:\n                    continue", "if p.grad is None:\n                    break"),
        "continue, not break",
        "continue",
    ),
    (
        "b20-adam-break-at-a-parameter-without-gradient",
        "Adam",
        (
            'beta1, beta2 = group["betas"]\n            for p in group["params"]:\n                if p.grad is None:\n                    continue',
            'beta1, beta2 = group["betas"]\n            for p in group["params"]:\n                if p.grad is None:\n                    break',
        ),
        "continue, not break",
        "continue",
    ),
    (
        "b20-numerical-grad-zeros-of-the-default-dtype",  # a suite check's dtype failure: its maker
        "numerical_grad",
        ("grad = torch.zeros_like(x)", "grad = torch.zeros(x.shape)"),
        "line 57: torch.zeros made a float32 tensor",
        "torch.zeros",
    ),
    (
        "b21-bce-with-p-clipped",  # Keras's epsilon named by its values, not the −100 floor alone
        "bce",
        (
            "log_p = p.log().clamp(min=LOG_FLOOR)\n    log_not_p = (1 - p).log().clamp(min=LOG_FLOOR)",
            "p = p.clamp(1e-7, 1 - 1e-7)\n    log_p = p.log()\n    log_not_p = (1 - p).log()",
        ),
        "clipped into [ε, 1 − ε]",
        "[ε, 1 − ε]",
    ),
    (
        "b21-one-hot-without-a-column",  # two vectors paired position by position, no keepdim advice
        "one_hot",
        ("(labels[:, None] == classes[None, :])", "(labels == classes)"),
        "labels[:, None] with classes[None, :]",
        "labels[:, None]",
    ),
    (
        "b21-basic-block-keras-batch-norm-momentum",  # scored full before: no check measured it
        "BasicBlock",
        ("self.bn1 = nn.BatchNorm2d(out_channels)", "self.bn1 = nn.BatchNorm2d(out_channels, momentum=0.99)"),
        "Keras's momentum=0.99",
        "momentum=0.99",
    ),
    (
        "b21-norms-root-mean-square",  # NumPy's RMS habit, named by its values
        "norms",
        ("(x * x).sum().sqrt()", "(x * x).mean().sqrt()"),
        "root mean square",
        "均方根",
    ),
    (
        "b21-flatten-batch-channels-last",
        "flatten_batch",
        ("return x.view(x.shape[0], -1)", "return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)"),
        "channels-last order",
        "x.permute(0, 2, 3, 1)",
    ),
    (
        "b21-k-fold-by-torch-split",  # torch.split takes a part's size, np.split a count
        "k_fold_indices",
        ("torch.arange(n).tensor_split(k)", "torch.arange(n).split(k)"),
        "torch.split's parts",
        "torch.split",
    ),
    (
        "b21-adam-in-tensorflow-form",  # ε added to √v before the correction
        "Adam",
        (
            'p.addcdiv_(m_hat, v_hat.sqrt().add_(group["eps"]), value=-group["lr"])',
            'step = group["lr"] * (1 - beta2 ** state["step"]) ** 0.5 / (1 - beta1 ** state["step"])\n'
            '                p.addcdiv_(state["m"], state["v"].sqrt().add_(group["eps"]), value=-step)',
        ),
        "TensorFlow's form",
        "TensorFlow",
    ),
    (
        "b21-dataset-float64-from-numpy",
        "DiabetesDataset",
        (
            'table = np.loadtxt(path, delimiter=",", dtype=np.float32)',
            'table = np.loadtxt(path, delimiter=",")',
        ),
        "NumPy's default",
        "NumPy",
    ),
    (
        "b21-conv2d-kernel-flattened-channels-last",
        "conv2d",
        ("weight.reshape(c_out, -1) @ columns", "weight.permute(0, 2, 3, 1).reshape(c_out, -1) @ columns"),
        "(kh, kw, C_in)",
        "(kh, kw, C_in)",
    ),
    (
        "b21-inception-pool-without-the-padding-counted",
        "InceptionA",
        (
            "F.avg_pool2d(x, 3, stride=1, padding=1))",
            "F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False))",
        ),
        "count_include_pad=False",
        "count_include_pad=False",
    ),
    (
        "b21-residual-block-conv2-activated",
        "ResidualBlock",
        (
            "return F.relu(x + self.conv2(F.relu(self.conv1(x))))",
            "return F.relu(x + F.relu(self.conv2(F.relu(self.conv1(x)))))",
        ),
        "no relu of its own",
        "relu(x + conv2(y))",
    ),
    (
        "b21-gru-gates-in-keras-order",
        "gru_cell",
        (
            "i_r, i_z, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)\n    h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)",
            "i_z, i_r, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)\n    h_z, h_r, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)",
        ),
        "(reset, update, new)",
        "(reset, update, new)",
    ),
    (
        "b21-cross-entropy-log-of-softmax",  # an inf from a log of 0, not from exp's overflow
        "cross_entropy",
        ("log_probs = log_softmax(logits, dim=1)", "log_probs = torch.log(torch.softmax(logits, dim=1))"),
        "never log(softmax(x))",
        "log(softmax(x))",
    ),
    (
        "b9-sgd-without-dampening-factor",  # the variant's trajectory, not the state checklist
        "SGD",
        ('.add_(g, alpha=1 - group["dampening"])', ".add_(g)"),
        "(1 − dampening)·g",
        "(1 − dampening)·g",
    ),
    (
        "b9-mse-divided-by-shape-0",  # a 0-dim input has no shape[0]: count the elements
        "mse",
        (
            "return _reduce((y_hat - y) ** 2, reduction)",
            'd = y_hat - y\n    return (d * d).sum() / d.shape[0] if reduction == "mean" else _reduce(d * d, reduction)',
        ),
        "d.shape[0] does not exist",
        "d.numel()",
    ),
    (
        "b9-encode-chars-by-torch-tensor",  # float32, and what made it
        "encode_chars",
        (
            "torch.tensor([position[c] for c in text], dtype=torch.int64)",
            "torch.Tensor([position[c] for c in text])",
        ),
        "torch.Tensor(...) makes float32",
        "torch.Tensor(...)",
    ),
    (
        "b23-relu-by-numpy",  # NumPy named, before any dtype story (it led with bfloat16 and float32 makers)
        "relu",
        (
            "return torch.where(x > 0, x, torch.zeros_like(x))",
            "import numpy as np\n    return np.maximum(x, 0)",
        ),
        "NumPy function given a tensor",
        "NumPy",
    ),
    (
        "b23-accuracy-max-as-a-tensor",  # the pair compared with ==: a bool, whose AttributeError names neither
        "accuracy",
        ("y_hat.argmax(dim=1)", "y_hat.max(dim=1)"),
        "predicted is torch.return_types.max, a (values, indices) pair",
        "(values, indices)",
    ),
    (
        "b23-log-softmax-max-as-a-tensor",  # torch's TypeError names the pair: its hint follows
        "log_softmax",
        (
            "shifted = x - x.amax(dim=dim, keepdim=True).detach()",
            "shifted = x - x.max(dim=dim, keepdim=True)",
        ),
        "(values, indices)",
        "(values, indices)",
    ),
    (
        "b23-sgd-rebinds-its-parameter",  # JAX's p = p - lr * g: the parameter untouched
        "SGD",
        ('p.add_(g, alpha=-group["lr"])', 'p = p - group["lr"] * g'),
        "p = p - ",
        "p = p - ",
    ),
    (
        "b23-simple-cnn-pools-over-the-wrong-dims",  # its dims named, not a layer sized for one image
        "SimpleCNN",
        ("self.features(x).flatten(1)", "self.features(x).mean(dim=(1, 2))"),
        "dim=(1, 2)",
        "dim=(1, 2)",
    ),
    # learner_s25's partial leads, each kind in another construction than the set's
    (
        "b25-one-hot-answered-as-a-numpy-array",  # NumPy's float64: the type told, not the dtype
        "one_hot",
        (
            "return (labels[:, None] == classes[None, :]).float()",
            "return (labels[:, None] == classes[None, :]).double().numpy()",
        ),
        "a NumPy array",
        "NumPy 数组",
    ),
    (
        "b25-flatten-batch-in-another-order",  # values right, positions permuted: not a fixed 784
        "flatten_batch",
        ("return x.view(x.shape[0], -1)", "return x.transpose(2, 3).reshape(x.shape[0], -1)"),
        "in another order",
        "顺序不同",
    ),
    (
        "b25-bce-squashes-its-probabilities",  # p through a sigmoid again: not the formula restated
        "bce",
        ("    log_p = p.log().clamp", "    p = torch.sigmoid(p)\n    log_p = p.log().clamp"),
        "a probability already",
        "已经是概率",
    ),
    (
        "b25-kl-div-summed-over-another-dim",  # the shape alone before: the dims named
        "kl_div",
        ("return terms.sum(dim=-1)", "return terms.sum(dim=0)"),
        "sum over dim=-1 only",
        "只沿 dim=-1 求和",
    ),
    (
        "b25-xavier-fans-from-keras-dims",  # the fans of other dims: not the receptive field, kept
        "xavier_uniform_",
        (
            "receptive = math.prod(tensor.shape[2:])\n    fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive",
            "receptive = math.prod(tensor.shape[:-2])\n    fan_in, fan_out = tensor.shape[-2] * receptive, tensor.shape[-1] * receptive",
        ),
        "(out, in, *kernel)",
        "(out, in, *kernel)",
    ),
    (
        "b25-max-pool-unfolds-dims-1-and-2",  # unfold's error over a wrong dim leads to the dims
        "max_pool2d",
        (
            "x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)",
            "x.unfold(1, kernel_size, stride).unfold(2, kernel_size, stride)",
        ),
        "dims 2 and 3",
        "第 2 和第 3 维",
    ),
    (
        "b27-conv-mults-by-numpy-prod",  # an int64 that wraps: not "return int(...)" of the same count
        "conv_mults",
        (
            "return k * k * c_in * c_out * h * w",
            "import numpy as np\n\n    return np.prod([k, k, c_in, c_out, h, w])",
        ),
        "wraps past 2^63",
        "回绕",
    ),
    (
        "b27-batch-norm-momentum-as-keras",  # the shares swapped named, not the formula restated
        "batch_norm",
        (
            "running_mean.mul_(1 - momentum).add_(momentum * mean)",
            "running_mean.mul_(momentum).add_((1 - momentum) * mean)",
        ),
        "Keras's momentum",
        "Keras 的 momentum",
    ),
    (
        "b28-value-neg-without-parents",  # the step whose own gradient departs, not backward's order
        "Value",
        ("return self * -1.0", "return Value(-self.data)"),
        "(__neg__)",
        "(__neg__)",
    ),
    (
        "b28-basic-block-stride-on-the-shortcut-only",  # both paths named, not a missing projection
        "BasicBlock",
        (
            "nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)",
            "nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)",
        ),
        "its first convolution",
        "第一个卷积",
    ),
    (
        "b28-one-hot-through-np-eye",  # NumPy's float64 default named, torch.from_numpy unseen by modes
        "one_hot",
        (
            "return (labels[:, None] == classes[None, :]).float()",
            "import numpy as np\n\n    return torch.from_numpy(np.eye(num_classes)[labels.numpy()])",
        ),
        "went through NumPy",
        "经过了 NumPy",
    ),
    (
        "b28-one-hot-as-tensor-of-np-eye",  # the same through torch.as_tensor, which a mode sees
        "one_hot",
        (
            "return (labels[:, None] == classes[None, :]).float()",
            "import numpy as np\n\n    return torch.as_tensor(np.eye(num_classes)[labels.numpy()])",
        ),
        "went through NumPy",
        "经过了 NumPy",
    ),
    (
        "b28-bce-with-logits-through-sigmoid-and-bce",  # the capped log named, not the formula alone
        "bce_with_logits",
        (
            "return (y * _softplus(-logits) + (1 - y) * _softplus(logits)).mean()",
            "return bce(sigmoid(logits), y)",
        ),
        "σ(±1000) rounds to exactly 0 or 1",
        "σ(±1000)",
    ),
    (
        "b29-one-hot-to-python-float",  # Python's float named, not "keep the input's dtype" (int labels)
        "one_hot",
        (
            "return (labels[:, None] == classes[None, :]).float()",
            "return (labels[:, None] == classes[None, :]).to(float)",
        ),
        "Python's float is a double",
        "Python 的 float 是双精度",
    ),
    (
        "b29-sigmoid-textbook-formula",  # the tail rounded to 0 named; not "clamped to a bound", whose values differ there
        "Sigmoid",
        (
            "        e = torch.exp(-x.abs())\n        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))",
            "        out = 1 / (1 + torch.exp(-x))",
        ),
        "far in the tails the result is tiny but not zero",
        "在尾部结果很小但不为 0",
    ),
    (
        "b29-huber-signed-d",  # the signed d in the test and the linear piece named, not the formula alone
        "huber",
        ("d = (y_hat - y).abs()", "d = y_hat - y"),
        "the signed d where |d| belongs",
        "带符号的 d",
    ),
    (
        "b29-fill-nan-through-a-flattened-view",  # torch's flatten as a view named, beside the copy
        "fill_nan_with_column_mean",
        (
            "    return torch.where(missing, means.expand_as(x), x)",
            "    filled = x.flatten()\n    filled[missing.flatten()] = means.expand_as(x).flatten()[missing.flatten()]\n"
            "    return filled.reshape(x.shape)",
        ),
        "torch's does not",
        "torch 的不会",
    ),
    (
        "b30-mse-mean-over-the-last-dim-first",  # shape (1,): no "the argument is not applied", the shape's rule
        "mse",
        (
            "return _reduce((y_hat - y) ** 2, reduction)",
            "return _reduce(((y_hat - y) ** 2).mean(dim=-1), reduction)",
        ),
        "'none' keeps the input's shape",
        "'none' 保持输入的形状",
    ),
    (
        "b30-adam-keras-eps",  # right to float32's ulps: no plain hint of the case's traps, the eps named
        "Adam",
        ("eps: float = 1e-8, weight_decay", "eps: float = 1e-7, weight_decay"),
        "an eps) of another size",
        "取值不同",
    ),
    (
        "b30-bce-with-logits-log-of-one-plus",  # log1p named, not the tail's rule alone
        "bce_with_logits",
        ("torch.log1p(torch.exp(-z.abs()))", "torch.log(1 + torch.exp(-z.abs()))"),
        "where log1p(u) belongs",
        "该用 log1p(u) 的地方",
    ),
    (
        "b30-sgd-fit-numpy-shuffle",  # the generator never drawn from, whichever RNG drew the order
        "sgd_fit",
        (
            "for i in torch.randperm(len(x), generator=generator).tolist():",
            "for i in np.random.permutation(len(x)).tolist():",
        ),
        "never drawn from",
        "从未从它抽取",
    ),
    (
        "b30-residual-block-conv-without-bias",  # the bias told, not the weights' shapes alone
        "ResidualBlock",
        (
            "self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)",
            "self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)",
        ),
        "a bias in 1 of the 2",
        "2 个中有 1 个带偏置",
    ),
    (
        "b25-corr2d-loops-from-1",  # MATLAB's 1-based loop: the range's start told
        "corr2d",
        ("for j in range(x.shape[1] - kw + 1)", "for j in range(1, x.shape[1] - kw + 1)"),
        "start at 0",
        "从 0 开始",
    ),
    (
        "b31-one-hot-classes-from-1",  # MATLAB's 1..C: every 1 a column early
        "one_hot",
        (
            "classes = torch.arange(num_classes, device=labels.device)",
            "classes = torch.arange(1, num_classes + 1, device=labels.device)",
        ),
        "every index one lower",
        "torch 的索引从 0 开始",
    ),
    (
        "b31-embedding-rows-from-1",
        "embedding_lookup",
        ("return weight[idx]", "return weight[idx - 1]"),
        "every index one lower",
        "torch 的索引从 0 开始",
    ),
    (
        "b31-detach-one-factor",  # u = x·x with one operand detached: 2·x²
        "detach_grad",
        ("u = (copy * copy).detach()", "u = copy * copy.detach()"),
        "one of u's factors",
        "u 的一个因子",
    ),
    (
        "b31-closed-form-intercept",  # scikit-learn's fit_intercept: a column of ones, its weight dropped
        "closed_form_linear_regression",
        (
            "return torch.linalg.solve(X.T @ X, X.T @ y)",
            "X1 = torch.cat([torch.ones_like(X[:, :1]), X], 1)\n    return torch.linalg.solve(X1.T @ X1, X1.T @ y)[1:]",
        ),
        "with an intercept beside them",
        "连同截距一起拟合",
    ),
    (
        "b31-dataset-header-dropped",  # the first line taken for a header
        "DiabetesDataset",
        (
            'table = np.loadtxt(path, delimiter=",", dtype=np.float32)',
            'table = np.loadtxt(path, delimiter=",", dtype=np.float32)[1:]',
        ),
        "no header line",
        "没有表头行",
    ),
    (
        "b31-xavier-he-bound",  # another initialiser's bound: fan_in alone
        "xavier_uniform_",
        ("bound = math.sqrt(6 / (fan_in + fan_out))", "bound = math.sqrt(6 / fan_in)"),
        "He's (Kaiming's) uniform bound",
        "He（Kaiming）的均匀分布界",
    ),
    (
        "b31-conv-mults-xor",  # Julia's and MATLAB's ^ for a power
        "conv_mults",
        ("return k * k * c_in * c_out * h * w", "return (k ^ 2) * c_in * c_out * h * w"),
        "bitwise XOR",
        "按位异或",
    ),
    (
        "b31-basic-block-relu-before-sum",  # a ReLU after bn2, before the shortcut is added
        "BasicBlock",
        (
            "main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))",
            "main = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))",
        ),
        "before the shortcut is added",
        "主路径上多了一个 ReLU",
    ),
    (
        "b31-fill-nan-none-found",  # == NaN finds none: the input back as it was
        "fill_nan_with_column_mean",
        ("missing = torch.isnan(x)", 'missing = x == float("nan")'),
        "the input as it was",
        "原样的输入",
    ),
    (
        "b32-numerical-grad-saved-view",  # C's habit: the saved element a view that moves with the nudge
        "numerical_grad",
        ("original = x[i].item()", "original = x[i]"),
        "is a view of x",
        "是 x 的视图",
    ),
    (
        "b32-one-hot-width-from-labels",  # pandas' get_dummies: the columns of the labels that occur
        "one_hot",
        ("classes = torch.arange(num_classes, device=labels.device)", "classes = labels.unique()"),
        "not num_classes",
        "而不是 num_classes",
    ),
    (
        "b32-log-softmax-shifts-its-input",  # NumPy's x -= max: the caller's logits, a leaf
        "log_softmax",
        (
            "shifted = x - x.amax(dim=dim, keepdim=True).detach()",
            "x -= x.amax(dim=dim, keepdim=True).detach()\n    shifted = x",
        ),
        "where it is an input",
        "如果它是输入",
    ),
    (
        "b33-max-pool-stride-default",  # the notes' "stride defaults to 2": another stride's windows named
        "max_pool2d",
        ("stride = stride or kernel_size", "stride = stride or 2"),
        "a stride of 2",
        "步幅为 2",
    ),
    (
        "b33-relu-mask-made-float32",  # a float mask multiplied in: the input's dtype kept, not a fixed one
        "relu",
        ("return torch.where(x > 0, x, torch.zeros_like(x))", "return x * (x > 0).float()"),
        "drop the conversion",
        "去掉这次转换",
    ),
    (
        "b33-huber-linear-piece-without-delta",  # the notes' |d| − δ/2: smooth L1's linear piece
        "huber",
        ("delta * (d - 0.5 * delta)", "d - 0.5 * delta"),
        "without its factor δ",
        "少了因子 δ",
    ),
    (
        "b34-sgd-lr-read-once",  # Keras's self.lr: the constructor's lr, deaf to a scheduler's change
        "SGD",
        ('p.add_(g, alpha=-group["lr"])', 'p.add_(g, alpha=-self.defaults["lr"])'),
        "until the lr changed",
        "在 lr 改变之前",
    ),
    (
        "b34-bce-soft-labels-picked",  # a where on y == 1: a soft label taken for 0
        "bce",
        (
            "return -(y * log_p + (1 - y) * log_not_p).mean()",
            "return -torch.where(y == 1, log_p, log_not_p).mean()",
        ),
        "labels rounded to 0 or 1",
        "标签被取整为 0 或 1",
    ),
    (
        "b34-conv-mults-float-power",  # Java's Math.pow: the count a float
        "conv_mults",
        ("return k * k * c_in * c_out * h * w", "return pow(k, 2.0) * c_in * c_out * h * w"),
        "exactly only up to 2^53",
        "只能精确表示到 2^53",
    ),
    (
        "b35-residual-skip-written-into-x",  # a probe calling the block twice met x changed: the write leads
        "ResidualBlock",
        (
            "return F.relu(x + self.conv2(F.relu(self.conv1(x))))",
            "return F.relu(x.add_(self.conv2(F.relu(self.conv1(x)))))",
        ),
        "inputs left as they were",
        "输入保持原样",
    ),
    (
        "b35-mse-early-return-where-equal",  # an answer made for one point: float32, off the graph
        "mse",
        (
            "    return _reduce((y_hat - y) ** 2, reduction)",
            "    if torch.equal(y_hat, y):\n        return torch.tensor(0.0)\n    return _reduce((y_hat - y) ** 2, reduction)",
        ),
        "arguments 1 and 2 equal",
        "参数 1 与参数 2 相等",
    ),
]


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("exercise", "edit", "english", "chinese"), [c[1:] for c in BLIND_LEADS], ids=[c[0] for c in BLIND_LEADS]
)
def test_a_blind_sets_mistake_is_told_its_cause_in_both_languages(tmp_path, exercise, edit, english, chinese):
    found = verdicts(edited(tmp_path, topic_of(exercise), *edit), exercise)
    assert english in found["en"]["diagnosis"], found["en"]
    assert chinese in found["zh_CN"]["diagnosis"], found["zh_CN"]


def learner_module(tmp_path, text: str) -> tuple[dict, str]:
    """A learner's file of ``text`` run as its own module: (its namespace, its path)."""
    source = tmp_path / "learner.py"
    source.write_text(text)
    namespace: dict = {}
    exec(compile(text, str(source), "exec"), namespace)
    return namespace, str(source)


@pytest.mark.unit
def test_b20_a_suite_checks_dtype_failure_asks_the_call_that_answered_the_value(tmp_path):
    """A suite check's dtype failure is told as the battery's: the probe call whose answer holds
    the judged tensor (by identity, not equality) is asked again for its maker (seen failing: the
    check's contract restated, judged 'partly'); no call answered it, a float32 wanted, or a
    forged record: no hint of it. The maker is the learner's line, never the probe's own tensors."""
    from grader.checks.hints import made_hints
    from grader.engine.worker import remaking
    from grader.sandboxed.kit_steps import dtype_maker

    judged = torch.zeros(3)
    asked: list[tuple] = []

    class Session:
        recent = [remaking.Call((torch.zeros(3), {"grad": judged}), print, (1,), {"k": 2}, 7)]

        def attempt(self, probe, *args, **kwargs):
            asked.append((probe, args, kwargs))
            return {"name": "zeros", "method": False, "dtype": "float32", "shape": [3], "line": 9}

    made_hints.REMAKER.set(lambda value, want: remaking.made_by(Session(), value, want))
    try:
        assert made_hints.told(judged, torch.float64).startswith("line 9: torch.zeros made a float32")
        assert asked == [(print, (1,), {"seed": 7, "dtype_made": "float64", "k": 2})]
        assert made_hints.told(torch.zeros(3), torch.float64) == ""  # equal values, another tensor
        assert made_hints.told(judged.double(), torch.float32) == ""
        made_hints.told(judged, torch.float64)
        assert len(asked) == 1  # once per call: a trial comparison asking again costs no call
        forged = {"name": "os.system", "dtype": "float32", "shape": [3], "line": 9}
        Session.recent = [remaking.Call(judged, print, (), {}, 0)]
        Session.attempt = lambda self, *a, **k: forged
        assert made_hints.told(judged, torch.float64) == ""
        with made_hints.unasked():  # the battery's judging: its walker's record, no second call
            Session.recent = [remaking.Call(judged, print, (), {}, 0)]
            Session.attempt = lambda self, *a, **k: asked.append(a)
            assert made_hints.told(judged, torch.float64) == "" and len(asked) == 1
    finally:
        made_hints.REMAKER.set(None)
    namespace, source = learner_module(
        tmp_path, "import torch\ndef f(x):\n    return torch.ones(x.shape) * x.sum().item()\n"
    )

    def probe():  # the probe's own float32 tensor first: not the learner's, not recorded
        torch.ones(2)
        return namespace["f"](torch.ones(3, dtype=torch.float64))

    assert dtype_maker(probe, torch.float64, source)[1]["line"] == 3


@pytest.mark.unit
def test_b21_a_broadcast_on_a_line_that_reduces_nothing_says_nothing_of_keepdim():
    """The keepdim advice of torch's broadcast error is for a line that reduces: on one that
    reduces nothing it misled (b21: a one_hot comparing two vectors, an rnn_cell fed batch-first
    steps). Two 1-d operands of the two sizes torch names are told to pair as a table; a line that
    reduces, or a module's (its layers' account), keeps the hint chosen from torch's words."""
    from grader.checks.hints.blamed import line_lines

    message = "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 0"
    vectors = {
        "code": "return (labels == classes).float()",
        "operands": [["labels", [[4], "int64", "cpu"]], ["classes", [[5], "int64", "cpu"]]],
    }
    told = "\n".join(line_lines(vectors, message))
    assert "labels[:, None] with classes[None, :]" in told and "keepdim" not in told
    cell = {
        "code": "return torch.tanh(x @ w.T + h @ u.T)",
        "operands": [["x", [[4, 3], "float32", "cpu"]], ["h", [[3, 5], "float32", "cpu"]]],
    }
    told = "\n".join(line_lines(cell, message.replace("(5)", "(3)")))
    assert "sizes 4 and 3" in told and "keepdim" not in told
    reduced = {**vectors, "code": "return x / x.sum(dim=1)"}
    assert not any("hint" in line for line in line_lines(reduced, message))
    module = {**vectors, "layers": []}
    assert not any("hint" in line for line in line_lines(module, message))


@pytest.mark.unit
def test_the_maker_named_is_the_answers_own_not_the_first_made(tmp_path):
    """A float32 constant made first, used where its dtype does not reach the answer, and the
    answer made float32 later by ``.float()``: the record follows the answer's own tensor back
    through the ops on it to the call that made its dtype (seen failing: the first float32 made,
    line 3, was named)."""
    from grader.sandboxed.kit_steps import dtype_maker

    namespace, source = learner_module(
        tmp_path,
        "import torch\n"
        "def f(x):\n"
        "    mask = torch.tensor([1.0, 0.0, 1.0])\n"
        "    y = x * mask.to(x.dtype)\n"
        "    out = y.float()\n"
        "    out[0] = 2.0\n"
        "    return (out + 1).view(3)\n",
    )
    x = torch.ones(3, dtype=torch.float64)
    record = dtype_maker(lambda: namespace["f"](x), torch.float64, source)[1]
    assert (record["name"], record["line"], record["method"]) == ("float", 5, True)


@pytest.mark.unit
def test_b13_the_call_that_made_another_dtype_is_named_with_its_line(tmp_path):
    """A float64 case whose answer came back float32: the first torch call that made a float32
    tensor from no float32 input is named, with the learner's line (seen failing: a checklist of
    float32 makers, judged 'partly'); a conversion (.float()) is told as one; a forged record is not shown."""
    from grader.checks import domains
    from grader.checks.hints.made_hints import made
    from grader.sandboxed import probe_kit as kit

    namespace, source = learner_module(
        tmp_path,
        "import torch\n"
        "def f(x):\n"
        "    out = torch.zeros(x.shape)\n"
        "    return out + x.sum().item()\n"
        "def g(x):\n"
        "    return x.float() * 2\n",
    )
    x = torch.ones(3, dtype=torch.float64)
    case = domains.Case(kind="call", name="f", args=(x,), dim="dtype")
    _, record = kit.dtype_noted(namespace["f"], [x], {}, source)
    assert "line 3: torch.zeros made a float32 tensor (3,)" in made(case, {"made": record})
    _, record = kit.dtype_noted(namespace["g"], [x], {}, source)
    assert "line 6: .float() turned a tensor into float32" in made(case, {"made": record})
    assert kit.dtype_noted(namespace["f"], [x.float()], {}, source)[1] is None  # float32 in: nothing noted
    forged = {**record, "name": "zeros; rm -rf /", "line": 3}
    assert made(case, {"made": forged}) == ""


@pytest.mark.unit
def test_code_that_answers_otherwise_under_a_function_mode_is_judged_on_its_plain_answer():
    """The noting call runs under a torch function mode, which code can detect: the answer judged
    is the plain call's (seen failing: float64 under the mode, float32 without, judged float64)."""
    from grader.sandboxed import probe_kit as kit

    def two_faced(x):
        return x.clone() if torch._C._is_torch_function_mode_enabled() else x.float()

    x = torch.ones(3, dtype=torch.float64)
    out, _ = kit.dtype_noted(two_faced, [x], {}, "")
    assert out.dtype == torch.float32


@pytest.mark.unit
def test_b25_a_numpy_array_where_a_tensor_is_asked_is_named_as_one():
    """A NumPy array reaches the trusted side as a tensor (plain.py) marked as NumPy's data
    (learner_s25 b25_01's np.eye(k)[labels]: told its shape, NumPy never named): one of another
    shape or dtype than asked is told as a NumPy array; one of the asked form passes as before
    (the battery judges its type: points do not move), and so do a NumPy scalar and a tensor."""
    import numpy as np

    from grader.sandboxed import codec
    from grader.sandboxed.plain import to_plain

    sent = codec.decode(codec.encode(to_plain([np.eye(3)[[2]], np.float32(2.0), torch.ones(2)])))
    with pytest.raises(CheckFailed) as failed:
        expect_tensor(sent[0], "one_hot([2], 3)", shape=(3,))
    assert "got a NumPy array (float64, shape (1, 3))" in str(failed.value), str(failed.value)
    assert failed.value.cause == "type"
    expect_tensor(sent[0], "one_hot([2], 3)", shape=(1, 3), dtype=torch.float64)
    for plain in sent[1:]:
        expect_tensor(plain, "a scalar or a tensor")


@pytest.mark.unit
def test_b26_a_slow_walk_over_the_learners_own_objects_is_not_told_of_a_loop_over_elements():
    """A timeout in code that holds no tensor (Value.backward walking shared nodes again, learner_s26
    b26_08) is slow, not a loop over a tensor's elements: that hint led to whole-tensor operations,
    which a Value graph has none of. The worker tells which, by the deadline's frame's locals."""
    import sys
    from pathlib import Path

    from grader.engine.worker import probe_words
    from grader.sandboxed import blame

    here = str(Path(__file__).parent)

    def walk(nodes: list) -> bool:
        return blame.holds_tensors(sys._getframe(), here)

    def loop(x) -> bool:
        return blame.holds_tensors(sys._getframe(), here)

    assert not walk([1.0, 2.0]) and loop(torch.ones(2)) and walk([torch.ones(1)])
    slow = probe_words.stalled_message("f() ran", ["x.py, line 1"], "f", 0.1, 1, tensors=False)
    assert "slow rather than stuck" in slow and "loop over elements" not in slow, slow
    assert "loop over elements" in probe_words.stalled_message("f() ran", [], "f", 0.1, 1, tensors=True)


LEADS_NOT_MISLEADING = [
    (  # learner_s26 b26_15: a helper's MSE as the square of the mean residual, not another moment
        "gd_fit",
        "return float(((w * x - y) ** 2).mean())",
        "return float((w * x - y).mean() ** 2)",
        "record the MSE at the moment",
    ),
]


@pytest.mark.e2e
@pytest.mark.parametrize(("exercise", "old", "new", "absent"), LEADS_NOT_MISLEADING)
def test_a_blind_sets_misleading_hint_is_gone(tmp_path, exercise, old, new, absent):
    found = verdicts(edited(tmp_path, topic_of(exercise), old, new), exercise)
    assert found["en"]["points"] < found["en"]["max_points"], found["en"]
    assert absent not in found["en"]["diagnosis"], found["en"]
