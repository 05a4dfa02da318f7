"""The clause matrix: every exercise × every generic clause of the contract
(`docs/checks.md`, "Clause matrix") → the named check that holds it, or why it does not apply.

A cell is a check's name (the test function without ``test_``; a parametrised check counts when
one of its cases names the exercise) or a string starting "n/a: " with the reason. The test fails
when a named check disappears or stops naming its exercise, when a stub gains an exercise without
a row, and when a row lacks a clause; an "edge inputs" cell must name a check that draws cases
from ``grader.checks.strategies`` (read from the suite's source, through its own helpers).
"""

from __future__ import annotations

import ast
import inspect

import pytest
from test_exercise_map import _exercises

from grader.base.topics import REPO_ROOT
from grader.checks import inputs, strategies

CLAUSES = (
    "device",
    "dtype",
    "inputs",
    "grad flags",
    "batch of one",
    "edge values",
    "order",
    "buffers",
    "edge inputs",
    "gradient",
)

# reasons shared by many cells
NO_TENSOR = "n/a: no tensor argument (ints, a string or a path), nothing to keep on a device"
SCALAR = "n/a: pure-Python floats, no tensors"
NOT_STATED_DTYPE = "n/a: the docstring states no result dtype beyond its equality to torch's"
NO_GRAD_RULE = "n/a: the docstring states no grad mode or requires_grad behaviour"
NO_BATCH = "n/a: no batch axis (scalars, a single matrix or a sequence of ints)"
NO_EDGE = "n/a: the docstring states no threshold or extreme value"
NO_ORDER = "n/a: the docstring fixes no order of operations"
NO_BUFFERS = "n/a: not a module, no buffers or parameters"
MODULE_INPUTS = "n/a: a module; the side-effect rule of the contract is for functions' arguments"
NO_STATE = "n/a: a module without buffers; its parameters are judged by shape and gradient checks"


NO_GRADIENT = "n/a: the docstring states no differentiability (a value, an int, a loop or a data set)"


def _row(device, dtype, inputs, grad, batch, edges=NO_EDGE, order=NO_ORDER, buffers=NO_BUFFERS):
    """The first eight clauses; "edge inputs" and "gradient" come from EDGE_INPUTS and GRADIENT."""
    return dict(zip(CLAUSES[:8], (device, dtype, inputs, grad, batch, edges, order, buffers), strict=True))


MATRIX: dict[str, dict[str, dict[str, str]]] = {
    "tensors": {
        "add_into": _row(
            "stays_on_input_device",
            "n/a: x, y and z share one dtype (stated)",
            "inputs_untouched",
            NO_GRAD_RULE,
            "add_into_writes_in_place",
            order=NO_ORDER,
        ),
        "row_normalize": _row(
            "stays_on_input_device",
            "result_dtype_follows_input",
            "inputs_untouched",
            NO_GRAD_RULE,
            "row_normalize_rows_sum_to_one",
        ),
        "pairwise_sq_dists": _row(
            "stays_on_input_device",
            NOT_STATED_DTYPE,
            "inputs_untouched",
            NO_GRAD_RULE,
            "pairwise_sq_dists",
        ),
        "one_hot": _row("stays_on_input_device", "one_hot", "inputs_untouched", NO_GRAD_RULE, "one_hot"),
        "accuracy": _row(
            "stays_on_input_device",
            "n/a: returns a Python float",
            "inputs_untouched",
            NO_GRAD_RULE,
            "accuracy_scores_labels_and_ties",
            edges="accuracy_scores_labels_and_ties",
        ),
        "flatten_batch": _row(
            "stays_on_input_device",
            NOT_STATED_DTYPE,
            "inputs_untouched",
            NO_GRAD_RULE,
            "flatten_batch",
        ),
        "fill_nan_with_column_mean": _row(
            "stays_on_input_device",
            "result_dtype_follows_input",
            "inputs_untouched",
            NO_GRAD_RULE,
            "fill_nan_with_column_mean",
        ),
        "matmul": _row("stays_on_input_device", NOT_STATED_DTYPE, "inputs_untouched", NO_GRAD_RULE, "matmul"),
        "norms": _row("stays_on_input_device", NOT_STATED_DTYPE, "inputs_untouched", NO_GRAD_RULE, NO_BATCH),
    },
    "autograd": {
        "linear_grad": _row(
            "stays_on_input_device",
            "linear_grad_by_hand",
            "inputs_untouched",
            NO_GRAD_RULE,
            "linear_grad_by_hand",
        ),
        "quadratic_grads": _row(
            "stays_on_input_device",
            "quadratic_grads_by_hand",
            "inputs_untouched",
            NO_GRAD_RULE,
            "quadratic_grads_by_hand",
        ),
        "grad_of_vector_fn": _row(
            "stays_on_input_device_with_a_function",
            "grad_of_vector_fn",
            "callers_x_untouched_when_it_needs_no_grad",
            "grad_of_vector_fn",
            NO_BATCH,
        ),
        "detach_grad": _row(
            "stays_on_input_device",
            "detach_grad",
            "inputs_untouched",
            "inputs_untouched",
            NO_BATCH,
        ),
        "Sigmoid": _row(
            "stays_on_input_device_with_a_function",
            "sigmoid_function_forward_and_backward",
            "n/a: a torch.autograd.Function; autograd owns its input",
            "sigmoid_function_forward_and_backward",
            NO_BATCH,
            edges="sigmoid_function_forward_and_backward",
            order="sigmoid_backward_uses_the_saved_output",
        ),
        "numerical_grad": _row(
            "stays_on_input_device_with_a_function",
            "numerical_grad_central_differences",
            "callers_x_untouched_when_it_needs_no_grad",
            NO_GRAD_RULE,
            NO_BATCH,
            edges="numerical_grad_is_the_two_point_stencil",
        ),
        "Value": _row(SCALAR, SCALAR, SCALAR, SCALAR, NO_BATCH, order="value_matches_torch_on_random_graphs"),
    },
    "losses": {
        name: _row(
            "stays_on_input_device",
            "result_dtype_and_values_follow_the_input",
            "inputs_untouched",
            "inputs_untouched",
            batch,
            edges=edge,
        )
        for name, batch, edge in [
            ("mse", "regression_loss_reductions", NO_EDGE),
            ("l1", "regression_loss_reductions", NO_EDGE),
            ("huber", "huber_matches_torch", "huber_matches_torch"),
            ("sigmoid", "sigmoid_values_and_stability", "sigmoid_values_and_stability"),
            (
                "bce",
                "bce_matches_torch_with_soft_labels_and_extremes",
                "bce_matches_torch_with_soft_labels_and_extremes",
            ),
            ("bce_with_logits", "bce_with_logits_stable_at_1000", "bce_with_logits_stable_at_1000"),
            ("softmax", "softmax_family_any_dim", "softmax_family_stable_at_1000"),
            ("log_softmax", "softmax_family_any_dim", "softmax_family_stable_at_1000"),
            ("cross_entropy", "cross_entropy_index_targets", "cross_entropy_stable_at_1000"),
            ("entropy", "entropy_shapes_and_zeros", "entropy_shapes_and_zeros"),
            ("kl_div", "kl_div_shapes_and_zeros", "kl_div_shapes_and_zeros"),
        ]
    },
    "optim": {
        "closed_form_linear_regression": _row(
            "n/a: the docstring states no device behaviour for the closed form",
            NOT_STATED_DTYPE,
            "n/a: not stated for optim's functions",
            NO_GRAD_RULE,
            "closed_form_linear_regression",
        ),
        "gd_fit": _row(
            "n/a: returns Python floats",
            "n/a: returns Python floats",
            "n/a: not stated for optim's functions",
            NO_GRAD_RULE,
            "n/a: 1-D data, no batch axis",
            order="gd_fit_full_batch",
        ),
        "sgd_fit": _row(
            "n/a: returns Python floats",
            "n/a: returns Python floats",
            "n/a: not stated for optim's functions",
            NO_GRAD_RULE,
            "n/a: 1-D data, no batch axis",
            order="sgd_fit_per_sample",
        ),
        "minibatch_indices": _row(
            NO_TENSOR,
            "minibatch_indices",
            NO_TENSOR,
            NO_GRAD_RULE,
            "minibatch_indices",
            edges="minibatch_indices",
            order="minibatch_indices",
        ),
        "SGD": _row(
            "optimizer_state_on_the_parameters_device",
            "optimizer_in_float64",
            "closure_that_backpropagates_and_grad_left_alone",
            "closure_that_backpropagates_and_grad_left_alone",
            NO_BATCH,
            order="optimizer_step_for_step",
            buffers="optimizer_step_for_step",
        ),
        "Adam": _row(
            "optimizer_state_on_the_parameters_device",
            "optimizer_in_float64",
            "closure_that_backpropagates_and_grad_left_alone",
            "closure_that_backpropagates_and_grad_left_alone",
            NO_BATCH,
            order="optimizer_step_for_step",
            buffers="optimizer_step_for_step",
        ),
        "ema": _row(
            "n/a: the docstring states no device behaviour for ema",
            "ema_keeps_the_dtype",
            "n/a: not stated for optim's functions",
            NO_GRAD_RULE,
            NO_BATCH,
            order="ema",
        ),
        "DiabetesDataset": _row(NO_TENSOR, "diabetes_dataset", NO_TENSOR, NO_GRAD_RULE, NO_BATCH),
        "k_fold_indices": _row(
            NO_TENSOR, "k_fold_indices", NO_TENSOR, NO_GRAD_RULE, NO_BATCH, edges="k_fold_indices"
        ),
    },
    "mlp": {
        **{
            name: _row(
                "activations_stay_on_input_device",
                "activation_values",
                "inputs_untouched",
                NO_GRAD_RULE,
                NO_BATCH,
                edges="activation_values",
            )
            for name in ("relu", "tanh", "hard_sigmoid_from_relus")
        },
        "dropout": _row(
            "dropout_stays_on_input_device",
            "dropout_is_inverted_and_seeded",
            "inputs_untouched",
            NO_GRAD_RULE,
            NO_BATCH,
            edges="dropout_with_p_one_gives_zeros",
        ),
        "xavier_uniform_": _row(
            "n/a: fills the tensor it is given in place",
            "xavier_uniform",
            "n/a: writes in place by design",
            "xavier_uniform",
            NO_BATCH,
        ),
        "LogisticRegression": _row(
            "n/a: no device check of its own; its layers are nn's",
            "logistic_regression",
            MODULE_INPUTS,
            NO_GRAD_RULE,
            "logistic_regression",
            buffers=NO_STATE,
        ),
        "DiabetesNet": _row(
            "n/a: no device check of its own; its layers are nn's",
            "diabetes_net",
            MODULE_INPUTS,
            NO_GRAD_RULE,
            "diabetes_net",
            order="diabetes_net",
            buffers=NO_STATE,
        ),
        "MLP": _row(
            "mlp_stays_on_its_device",
            "mlp_forward_and_gradients",
            MODULE_INPUTS,
            NO_GRAD_RULE,
            "mlp_forward_and_gradients",
            order="mlp_dropout_comes_after_the_activation",
            buffers="mlp_stays_on_its_device",
        ),
        "train_epoch": _row(
            "loop_moves_batches_to_the_device",
            "train_epoch_matches_a_replay",
            "n/a: trains the model in place by design",
            "train_epoch_zeroes_through_the_optimizer",
            "train_epoch_matches_a_replay",
            order="train_epoch_matches_a_replay",
        ),
        "evaluate": _row(
            "loop_moves_batches_to_the_device",
            "n/a: returns a Python float",
            "n/a: the model is put in eval mode by design",
            "evaluate",
            "evaluate_stated_edges",
            edges="evaluate_stated_edges",
        ),
    },
    "cnn": {
        "corr2d": _row(
            "stays_on_input_device",
            "float64_in_float64_out",
            "inputs_untouched",
            NO_GRAD_RULE,
            "n/a: one (H, W) channel, no batch axis; non-square in corr2d",
            edges="corr2d",
        ),
        "conv2d": _row(
            "stays_on_input_device",
            "float64_in_float64_out",
            "inputs_untouched",
            NO_GRAD_RULE,
            "conv2d_batch_of_one_and_single_channels",
        ),
        "conv_output_size": _row(NO_TENSOR, "conv_output_size", NO_TENSOR, NO_GRAD_RULE, NO_BATCH),
        "max_pool2d": _row(
            "stays_on_input_device", "float64_in_float64_out", "inputs_untouched", NO_GRAD_RULE, "max_pool2d"
        ),
        "SimpleCNN": _row(
            "simple_cnn_stays_on_its_device",
            "n/a: float32 modules as nn builds them",
            MODULE_INPUTS,
            NO_GRAD_RULE,
            "simple_cnn_accepts_any_size_at_least_8",
            buffers=NO_STATE,
        ),
    },
    "inception": {
        "InceptionA": _row(
            "stays_on_its_device",
            "n/a: float32 modules as nn builds them",
            MODULE_INPUTS,
            NO_GRAD_RULE,
            "inception_keeps_size_and_gives_88_channels",
            order="inception_branch_structure",
            buffers="inception_branch_structure",
        ),
        "conv_mults": _row(
            NO_TENSOR,
            "conv_mults",
            NO_TENSOR,
            NO_GRAD_RULE,
            NO_BATCH,
            edges="bottleneck_saving_of_the_lecture",
        ),
        "GoogLeNetMini": _row(
            "stays_on_its_device",
            "n/a: float32 modules as nn builds them",
            MODULE_INPUTS,
            NO_GRAD_RULE,
            "googlenet_mini_computes_its_flatten_size",
            edges="googlenet_mini_computes_its_flatten_size",
            buffers=NO_STATE,
        ),
    },
    "resnet": {
        "ResidualBlock": _row(
            "n/a: no device check of its own; SmallResNet's holds its blocks",
            "n/a: float32 modules as nn builds them",
            MODULE_INPUTS,
            NO_GRAD_RULE,
            "residual_block_matches_the_lecture",
            order="residual_block_with_second_conv_zeroed_is_relu",
            buffers=NO_STATE,
        ),
        "batch_norm": _row(
            "batch_norm_stays_on_input_device",
            "batch_norm_gradients_in_training",
            "n/a: writes the running stats in place by design; x, gamma, beta in batch_norm_against_torch",
            "batch_norm_running_stats_stay_buffers",
            "batch_norm_against_torch",
            buffers="batch_norm_running_stats_stay_buffers",
        ),
        "BasicBlock": _row(
            "n/a: no device check of its own; SmallResNet's holds its blocks",
            "n/a: float32 modules as nn builds them",
            MODULE_INPUTS,
            NO_GRAD_RULE,
            "basic_block",
            order="basic_block",
            buffers="basic_block",
        ),
        "SmallResNet": _row(
            "small_resnet_stays_on_its_device",
            "n/a: float32 modules as nn builds them",
            MODULE_INPUTS,
            NO_GRAD_RULE,
            "small_resnet",
            buffers="small_resnet_stays_on_its_device",
        ),
    },
    "rnn": {
        "rnn_cell": _row(
            "stays_on_input_device",
            "rnn_cell_equals_nn_rnncell",
            "inputs_untouched",
            NO_GRAD_RULE,
            "rnn_cell_equals_nn_rnncell",
        ),
        "rnn_forward": _row(
            "stays_on_input_device",
            "rnn_forward_gradients",
            "inputs_untouched",
            NO_GRAD_RULE,
            "rnn_forward_equals_nn_rnn",
            order="rnn_forward_equals_nn_rnn",
        ),
        "embedding_lookup": _row(
            "stays_on_input_device", "embedding_lookup", "inputs_untouched", NO_GRAD_RULE, "embedding_lookup"
        ),
        "encode_chars": _row(NO_TENSOR, "encode_chars", NO_TENSOR, NO_GRAD_RULE, NO_BATCH),
        "HelloRNN": _row(
            "hello_rnn_stays_on_its_device",
            "n/a: float32 modules as nn builds them",
            MODULE_INPUTS,
            NO_GRAD_RULE,
            "hello_rnn_shapes",
            order="hello_rnn_reads_the_sequence_in_order",
            buffers="hello_rnn_stays_on_its_device",
        ),
        "gru_cell": _row(
            "stays_on_input_device",
            "gru_cell_gradients",
            "inputs_untouched",
            NO_GRAD_RULE,
            "gru_cell_equals_nn_grucell",
            order="gru_cell_equals_nn_grucell",
        ),
    },
}


# Each input clause probed at its edges by a generator-driven check (its cases drawn from
# grader.checks.strategies, beside any stated fixed case: test_every_edge_inputs_cell_names_a_generator_driven_check),
# and a gradient check wherever the docstring says differentiable
_LOSSES = ("mse", "l1", "huber", "sigmoid", "bce_with_logits", "softmax", "log_softmax", "entropy", "kl_div")
EDGE_INPUTS: dict[str, dict[str, str]] = {
    "tensors": dict.fromkeys(MATRIX["tensors"], "edge_inputs"),
    "autograd": {
        "linear_grad": "linear_grad_by_hand",
        "quadratic_grads": "quadratic_grads_by_hand",
        "grad_of_vector_fn": "grad_of_vector_fn_any_output_shape",
        "detach_grad": "detach_grad",
        "Sigmoid": "sigmoid_backward_takes_any_upstream_gradient",
        "numerical_grad": "numerical_grad_any_shape",
        "Value": "value_matches_torch_on_random_graphs",
    },
    "losses": {
        **dict.fromkeys(_LOSSES, "any_shape_edges"),
        "bce": "bce_matches_torch_with_soft_labels_and_extremes",
        "cross_entropy": "cross_entropy_index_targets",
    },
    "optim": {
        "closed_form_linear_regression": "closed_form_edge_shapes",
        "gd_fit": "gd_fit_full_batch",
        "sgd_fit": "sgd_fit_per_sample",
        "minibatch_indices": "minibatch_indices",
        "SGD": "optimizer_in_training_states",
        "Adam": "optimizer_in_training_states",
        "ema": "ema_long_curves",
        "DiabetesDataset": "diabetes_dataset_any_width",
        "k_fold_indices": "k_fold_indices",
    },
    "mlp": {
        **dict.fromkeys(("relu", "tanh", "hard_sigmoid_from_relus"), "activation_values"),
        "dropout": "dropout_with_p_one_gives_zeros",
        "xavier_uniform_": "xavier_uniform_on_a_parameter",
        "LogisticRegression": "logistic_regression",
        "DiabetesNet": "diabetes_net",
        "MLP": "mlp_forward_and_gradients",
        "train_epoch": "train_epoch_matches_a_replay",
        "evaluate": "evaluate_stated_edges",
    },
    "cnn": {
        "corr2d": "corr2d_and_output_size_edge_shapes",
        "conv_output_size": "corr2d_and_output_size_edge_shapes",
        "conv2d": "conv2d_edge_shapes",
        "max_pool2d": "max_pool2d_edge_shapes",
        "SimpleCNN": "simple_cnn_accepts_non_square_inputs",
    },
    "inception": {
        "InceptionA": "inception_keeps_non_square_sizes",
        "conv_mults": "conv_mults",
        "GoogLeNetMini": "googlenet_mini_other_classes_and_channels",
    },
    "resnet": {
        "ResidualBlock": "residual_block_matches_the_lecture",
        "batch_norm": "batch_norm_edge_shapes",
        "BasicBlock": "basic_block_odd_and_non_square",
        "SmallResNet": "small_resnet_non_square_inputs",
    },
    "rnn": {
        "rnn_cell": "recurrences_on_edge_sizes",
        "rnn_forward": "recurrences_on_edge_sizes",
        "embedding_lookup": "embedding_lookup_any_shape",
        "encode_chars": "encode_chars_edges",
        "HelloRNN": "hello_rnn_inputs_without_every_index",
        "gru_cell": "recurrences_on_edge_sizes",
    },
}
GRADIENT: dict[str, dict[str, str]] = {
    "tensors": {**dict.fromkeys(MATRIX["tensors"], NO_GRADIENT), "matmul": "matmul_gradient"},
    "autograd": {
        "linear_grad": "linear_grad_by_hand",
        "quadratic_grads": "quadratic_grads_by_hand",
        "grad_of_vector_fn": "grad_of_vector_fn",
        "detach_grad": "detach_grad",
        "Sigmoid": "sigmoid_function_forward_and_backward",
        "numerical_grad": "numerical_grad_central_differences",
        "Value": "value_matches_torch_on_random_graphs",
    },
    "losses": dict.fromkeys(MATRIX["losses"], "every_loss_has_torchs_gradient"),
    "optim": dict.fromkeys(MATRIX["optim"], NO_GRADIENT),
    "mlp": {
        **dict.fromkeys(MATRIX["mlp"], NO_GRADIENT),
        **dict.fromkeys(("relu", "tanh", "hard_sigmoid_from_relus"), "activation_gradients"),
        "DiabetesNet": "diabetes_net",
        "MLP": "mlp_forward_and_gradients",
    },
    "cnn": {
        **dict.fromkeys(MATRIX["cnn"], NO_GRADIENT),
        "conv2d": "conv2d_gradients",
        "max_pool2d": "max_pool2d_gradient",
        "SimpleCNN": "simple_cnn_gradient_reaches_every_parameter",
    },
    "inception": {
        "InceptionA": "every_branch_receives_gradient",
        "conv_mults": NO_GRADIENT,
        "GoogLeNetMini": "googlenet_mini_gradient_reaches_every_parameter",
    },
    "resnet": {
        "ResidualBlock": "skips_keep_gradients_alive_in_a_deep_stack",
        "batch_norm": "batch_norm_gradients_in_training",
        "BasicBlock": "n/a: torch's layers in the lecture's order, judged by values against the lecture's formula",
        "SmallResNet": "small_resnet_gradient_reaches_every_parameter",
    },
    "rnn": {
        **dict.fromkeys(MATRIX["rnn"], NO_GRADIENT),
        "rnn_forward": "rnn_forward_gradients",
        "embedding_lookup": "embedding_gradient_accumulates_repeats",
        "gru_cell": "gru_cell_gradients",
    },
}
for _topic, _rows in MATRIX.items():
    for _exercise, _cells in _rows.items():
        _cells["edge inputs"] = EDGE_INPUTS[_topic][_exercise]
        _cells["gradient"] = GRADIENT[_topic][_exercise]


def _strategy_draws(topic: str) -> dict[str, set[str]]:
    """{each module-level name of the suite of ``topic``: the ``strategies`` functions it draws
    from, itself or through the suite's own functions and constants it names}."""
    tree = ast.parse((REPO_ROOT / "tests" / "suites" / f"suite_{topic}.py").read_text(encoding="utf-8"))
    nodes: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            nodes[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    nodes[target.id] = node
    direct: dict[str, set[str]] = {name: set() for name in nodes}
    uses: dict[str, set[str]] = {name: set() for name in nodes}
    for name, node in nodes.items():
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == "strategies"
            ):
                direct[name].add(sub.attr)
            elif isinstance(sub, ast.Name) and sub.id in nodes and sub.id != name:
                uses[name].add(sub.id)
    draws = {}
    for name in nodes:
        seen, todo = {name}, [name]
        while todo:
            for used in uses[todo.pop()] - seen:
                seen.add(used)
                todo.append(used)
        draws[name] = set().union(*(direct[n] for n in seen))
    return draws


@pytest.mark.unit
def test_every_edge_inputs_cell_names_a_generator_driven_check():
    """Each "edge inputs" cell names a check that draws its cases from
    grader.checks.strategies (seeded through inputs.seed), not one fixed case per escape."""
    fixed = []
    for topic, cells in EDGE_INPUTS.items():
        draws = _strategy_draws(topic)
        for exercise, cell in cells.items():
            check = f"test_{cell}"
            if check not in draws:
                fixed.append(f"{topic}.{exercise}: no check {check} in suite_{topic}.py")
            elif not draws[check]:
                fixed.append(f"{topic}.{exercise}: {check} draws nothing from grader.checks.strategies")
    assert not fixed, "edge inputs not generator-driven:\n" + "\n".join(fixed)


STRATEGY_ARGS = {
    "n": 7,
    "deepest": 50,
    "count": 10,
}  # beside the seed number k: 10 cases, random ones among them


@pytest.mark.unit
@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name, fn in vars(strategies).items()
        if inspect.isfunction(fn) and fn.__module__ == strategies.__name__ and not name.startswith("_")
    ),
)
def test_strategies_are_seeded_and_reproducible(name):
    """Each strategy: the same cases for the same seed number and variant (the public checks' variant 0
    and a student's), its pinned edges first in every variant, other random cases for another variant."""
    draw = getattr(strategies, name)
    params = inspect.signature(draw).parameters
    extra = {arg: value for arg, value in STRATEGY_ARGS.items() if arg in params}
    fixed = draw(3, **extra)
    assert fixed == draw(3, **extra) and len(fixed) == 10
    with inputs.drawn_for(11):
        student = draw(3, **extra)
        assert student == draw(3, **extra)
    with inputs.drawn_for(12):
        other = draw(3, **extra)
    assert student != other
    pinned = (lambda cases: [length for _, length in cases]) if name == "graphs" else list
    assert pinned(fixed)[0] == pinned(student)[0], "the pinned edges come first in every variant"


def _checks_by_exercise(topic: dict) -> dict[str, set[str]]:
    """{exercise: the names of the checks (parametrised cases folded) that name it}."""
    names: dict[str, set[str]] = {}
    for test in topic["tests"]:
        for exercise in test["exercises"]:
            names.setdefault(exercise, set()).add(test["id"].split("[")[0])
    return names


@pytest.mark.unit
def test_every_exercise_has_a_full_row():
    for topic, rows in MATRIX.items():
        assert set(rows) == _exercises(topic), (topic, _exercises(topic) ^ set(rows))
        for exercise, row in rows.items():
            assert tuple(row) == CLAUSES, (topic, exercise)


@pytest.mark.e2e
def test_every_cell_names_a_check_of_its_exercise_or_a_reason(solutions_report):
    _, report = solutions_report
    topics = {topic["name"]: topic for topic in report["topics"]}
    assert set(topics) == set(MATRIX)
    missing = []
    for name, rows in MATRIX.items():
        checks = _checks_by_exercise(topics[name])
        for exercise, row in rows.items():
            for clause, cell in row.items():
                if cell.startswith("n/a: ") and len(cell) > len("n/a: ") + 10:
                    continue
                if cell not in checks.get(exercise, set()):
                    missing.append(f"{name}.{exercise} [{clause}]: no check {cell!r} naming it")
    assert not missing, "\n".join(missing)
