"""The input-domain battery's walkers (grader/checks/battery.py judges what they answer): probes
that run in the worker and, when the answers are recorded, on the reference namespace, so both
sides build their inputs the same way: tensors made non-contiguous (same values, other strides),
generators seeded, named functions resolved, modules built under one seed. Each is shipped to the
worker as its own source: its steps are nested in it or the probes' ``kit``'s
(grader/sandboxed/kit_steps.py). Each case's exception is caught so that one raising case names
its own dimension."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F  # noqa: F401 (a walker runs here too, on the reference namespace)
from torch import nn

from grader.sandboxed import probe_kit as kit  # the walkers' shared steps: kit.* in the worker too


def walk_calls(mod: Any, subject: str, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The battery's function calls on ``mod``: one result dict per case (``{"error": text}`` when it
    raised), the outputs with the inputs' fate (changed? sharing memory?) and the gradients asked for."""

    def formed(args: list[Any], case: dict[str, Any]) -> list[Any]:
        found = list(args)
        for i, form in case.get("forms", ()):
            found[i] = kit.given(found[i], form)
        return found

    def on_device(function: Any, args: list[Any], case: dict[str, Any], kwargs: dict[str, Any]) -> Any:
        # the same call on copies of the inputs on the second device (a default path's tensors too)
        moved = formed(kit.to_second_device(args), case)
        return kit.device_trace(lambda: function(*moved, **kit.to_second_device(kwargs)))

    def call(case: dict[str, Any]) -> dict[str, Any]:
        args = [kit.resolved(a) for a in case["args"]]
        args = [kit.noncontiguous(a) if i in case["noncontig"] else a for i, a in enumerate(args)]
        for i in case["wrt"]:
            args[i] = args[i].detach().clone().requires_grad_(True)
        before = [a.detach().clone() if isinstance(a, torch.Tensor) else None for a in args]
        function = kit.attribute(mod, case["name"])
        kwargs = {k: kit.resolved(v) for k, v in case["kwargs"].items()}
        trace = on_device(function, args, case, kwargs) if case.get("device") else None
        if case["seed"] is not None:
            torch.manual_seed(case["seed"])
        # on inputs of another float dtype than float32: what made a tensor of another, for a hint
        out, made = kit.dtype_noted(function, formed(args, case), kwargs, getattr(mod, "__file__", ""))
        iterated = hasattr(out, "__iter__") and not hasattr(out, "__array__")  # a NumPy array is sent as one
        if not isinstance(out, (torch.Tensor, tuple, list, dict, int, float)) and iterated:
            out = list(out)
        found = {"out": out, "aliased": kit.shares(out, args), "types": kit.type_names(out)}
        found["unchanged"] = [b is None or kit.same_values(b, a.detach()) for a, b in zip(args, before)]
        # an argument the docstring lets it write, or None where the docstring allows none (no running stats)
        found["written"] = [None if args[i] is None else args[i].detach().clone() for i in case["writes"]]
        streams = [a for a in [*args, *kwargs.values()] if isinstance(a, torch.Generator)]
        if streams:  # the RNG stream after the call: each generator's next draws
            found["after"] = [torch.rand(4, generator=g, dtype=torch.float64) for g in streams]
        kit.noted(found, device=trace, made=made)  # the device trace asked for, what made another dtype
        if case["wrt"]:  # a tensor, or a tuple of them (attention's out and weights): each weighted
            found["grads"], found["out"] = kit.weighted_backward(out, args, case["wrt"])
        return found

    return kit.each_case(cases, {"call": call})


def walk_modules(mod: Any, subject: str, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The battery's modules: each built under one seed, then fed its inputs in turn (state across calls)."""

    def module(case: dict[str, Any]) -> dict[str, Any]:
        torch.manual_seed(case["seed"] or 0)
        ctor_args, ctor_kwargs = case["ctor"]
        model = kit.attribute(mod, case["name"])(*ctor_args, **ctor_kwargs)
        if case.get("fill"):
            kit.fill_by_shape(model)
        double = case.get("kwargs", {}).get("double")  # the build and its inputs made float64
        inputs = kit.as_double(model, case["args"]) if double else case["args"]
        never = kit.uncalled(model, case.get("called", ()))  # the layers the docstring says forward calls
        modes = case["mode"].split()  # one per input ("train train eval"), the last for the rest
        outs, kept = [], []  # each call's outputs; True, or the number of the argument it changed
        seen: dict[str, Any] = {}
        for i, x in enumerate(inputs):
            model.train(modes[min(i, len(modes) - 1)] == "train")
            x = kit.mapped(x, kit.noncontiguous) if i in case["noncontig"] else x
            before = kit.mapped(x, torch.clone)
            if case.get("again"):  # each call's randomness (dropout) as a fresh build's call draws it
                torch.manual_seed((case["seed"] or 0) + 1 + i)
            if case.get("fill") and not i:  # the layers it never applies and its activations, for a hint
                out, untouched, census = kit.layers_untouched(model, x)
                seen = {"census": census, **({"untouched": untouched} if untouched else {})}
            else:
                out = kit.feed(model, x)
            outs.append(out.detach())
            same = [kit.same_values(b, a) for b, a in zip(kit.fed_tensors(before), kit.fed_tensors(x))]
            kept.append(next((j + 1 for j, one in enumerate(same) if not one), True))  # the one changed
        found = {"out": outs, "unchanged": kept, "aliased": False, "uncalled": never(), **seen}
        found["dtypes"] = [str(o.dtype) for o in outs] if double else None
        if case.get("learns"):  # every parameter row its first input reaches gets a gradient
            found["unlearned"] = kit.rows_unlearned(model, inputs[0], modes[0] == "train")
        if case.get("fill") or case["wrt"]:  # the gradients into its inputs too: a cut answers alike
            found["grads"] = kit.input_grads(model, case["args"][0], modes[0] == "train")
        if case.get("again"):  # each input to a fresh build too: the reused one keeps no state
            built = kit.attribute(mod, case["name"]), case["ctor"]
            found["fresh"] = kit.fresh_outputs(*built, case["args"], modes, case["seed"] or 0)
        return found

    return kit.each_case(cases, {"module": module})


def walk_optimisers(mod: Any, subject: str, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The battery's optimisers: each scenario's steps, its state reloaded mid-run where it says."""

    def optimise(case: dict[str, Any]) -> dict[str, Any]:
        s, forms = case["kwargs"], dict(case.get("forms", ()))

        def build(params: list[torch.Tensor]) -> Any:
            # the groups as dicts, or (a form given) one group's parameters bare: model.parameters()
            groups = [{"params": [params[i] for i in g["params"]], **g["options"]} for g in s["groups"]]
            bare = kit.given(params, forms["params"]) if "params" in forms else groups
            return kit.attribute(mod, case["name"])(bare, **s["options"])

        params = [p.clone().requires_grad_(True) for p in s["params"]]
        opt, path, returned = build(params), [], []
        for step, grads in enumerate(s["grads"], 1):
            for p, g in zip(params, grads):
                if g == "keep":
                    continue
                p.grad = None if g is None else g.clone()
            # closure()'s value, as it is
            returned.append(opt.step(lambda step=step: torch.tensor(float(step))))
            path.append([p.detach().clone() for p in params])
            if step == s.get("reload"):  # the state goes on in a new optimiser, by its state_dict()
                if s.get("rebuild"):  # over new parameter objects: a model restored from a checkpoint
                    params = [p.detach().clone().requires_grad_(True) for p in params]
                again = build(params)
                again.load_state_dict(opt.state_dict())
                opt = again
        return {"out": path, "types": kit.type_names(returned), "unchanged": [], "aliased": False}

    return kit.each_case(cases, {"optimiser": optimise})


def walk_scenarios(mod: Any, subject: str, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The battery's scenarios: a Value's backward, a training loop, a dataset."""

    def value(case: dict[str, Any]) -> dict[str, Any]:
        op, x, *number = case["args"]  # Value(x).op(), or Value(x) op number (an exact zero inside a graph)
        v = kit.attribute(mod, case["name"])(x)
        fresh = {"Value(x).data": v.data, "Value(x).grad": v.grad}  # the docstring's types before backward
        binary = {"pow": lambda a, k: a**k, "mul": lambda a, k: a * k, "rmul": lambda a, k: k * a}
        out = binary[op](v, *number) if number else getattr(v, op)()
        out.backward()
        types = kit.type_names({**fresh, "out.data": out.data, "Value(x).grad after backward": v.grad})
        return {"out": [out.data, v.grad], "types": types, "unchanged": [], "aliased": False}

    def loop(case: dict[str, Any]) -> dict[str, Any]:
        # the loop's arguments, in the order its case declares them (LOOP_ARGUMENTS): a model,
        # its batches, the loss, an optimiser over the model's parameters (a training loop: the
        # model's mode after it is judged too), the device
        s = case["kwargs"]
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(s["d"], s["c"]), nn.Dropout(0.5))
        if s["c"] == 1:
            model.append(nn.Sigmoid())
        model.train(s["mode"] == "train")
        batches = [(x, y) for x, y in s["batches"]]
        for key, form in case.get("forms", ()):  # the loader in another form: read once
            batches = kit.given(batches, form) if key == "batches" else batches
        given = {"model": model, "batches": batches, "device": "cpu"}
        if "loss" in s["call"]:
            given["loss"] = F.binary_cross_entropy if s["c"] == 1 else F.cross_entropy
        if "optimiser" in s["call"]:
            given["optimiser"] = torch.optim.SGD(model.parameters(), lr=0.1)
        got = kit.attribute(mod, case["name"])(*(given[role] for role in s["call"]))
        found = {
            "out": [got, [p.detach().clone() for p in model.parameters()]],
            "types": kit.type_names(got),
            "unchanged": [],
            "aliased": False,
        }
        if "optimiser" in s["call"]:
            found["training"] = model.training
        return found

    def dataset(case: dict[str, Any]) -> dict[str, Any]:
        from grader.checks import dataset_path

        ds = kit.attribute(mod, case["name"])(str(dataset_path(case["args"][0])))
        n = len(ds)
        out = [n, list(ds[0]), list(ds[n - 1])]
        return {"out": out, "types": kit.type_names(out), "unchanged": [], "aliased": False}

    return kit.each_case(cases, {"value": value, "loop": loop, "dataset": dataset})


def walker(cases: list[dict[str, Any]]) -> Any:
    """The probe that walks ``cases``: calls, modules, or scenarios (optimisers, loops, datasets)."""
    walkers = {"call": walk_calls, "module": walk_modules, "optimiser": walk_optimisers}
    return walkers.get(cases[0]["kind"], walk_scenarios)
