"""What probes use, run once before ``booted`` (:func:`warm_up`): the zygote once for all its
children (grader/sandboxed/zygote.py), a fresh worker for itself (grader/sandboxed/worker.py)."""

from __future__ import annotations

from grader.sandboxed import engines


def warm_up(sympy: bool = True, backward: bool = True) -> None:
    """Pay the first-use costs of what probes use (the op recorders, the first conv, optimizer
    step, RNN...) before ``booted``, under the start's deadline: the zygote once for all its
    children, a fresh worker for itself (docs/benchmark.md, "Behind the code"). Call after
    :func:`grader.sandboxed.dynamo_free.skip`. Without ``sympy``, no backward is handed a gradient
    (grader/engine/worker/sympy_need.py); without ``backward``, autograd's engine is left unstarted
    (a GPU zygote: docs/engine.md, "On a machine with a GPU")."""
    import random  # noqa: F401  (these two loaded before any probe, which probe_kit.manual_seed seeds)

    import numpy.random  # noqa: F401
    import torch
    import torch.nn.functional as F
    from torch import nn

    from grader.sandboxed import channel, probe_kit

    torch.manual_seed(0)
    x = torch.randn(4, 1, 8, 8)
    model = nn.Sequential(
        nn.Conv2d(1, 2, 3, padding=1),
        nn.BatchNorm2d(2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.AvgPool2d(1),
        nn.Flatten(),
        nn.Dropout(0.1),
        nn.Linear(32, 3),
    )

    def back(loss: torch.Tensor, grad: torch.Tensor | None = None) -> None:
        if backward:
            loss.backward(grad)

    for optimizer in (torch.optim.Adam(model.parameters()), torch.optim.SGD(model.parameters(), 0.1)):
        loss = F.cross_entropy(model(x), torch.tensor([0, 1, 2, 0]))
        optimizer.zero_grad()
        back(loss)
        for p in model.parameters():  # without a backward, the step still runs, on gradients set by hand
            p.grad = torch.zeros_like(p) if p.grad is None else p.grad
        optimizer.step()
    model.eval()
    rnn, gru, embedding = nn.RNN(3, 4, 2, batch_first=True), nn.GRUCell(3, 4), nn.Embedding(5, 3)
    back(rnn(embedding(torch.tensor([[0, 1, 2]])))[0].sum())
    back(gru(torch.randn(2, 3)).sum())
    if sympy:
        back(gru(torch.randn(2, 3)), torch.ones(2, 4))
        # what that backward imports, imported without it (a GPU machine's zygote): a child
        # importing it in its first probe used 2.5 s of CPU on an H200, against a limit of 1 s
        import torch.fx.experimental.symbolic_shapes  # noqa: F401
    y = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    back(torch.softmax(y, 1).log().sum() + F.mse_loss(y, y.detach() + 1) + F.huber_loss(y, y * 2))
    engines.autograd_started = backward
    probe_kit.ops_used(lambda: F.log_softmax(y, 1))
    probe_kit.count_ops(lambda: y.sum(1))
    on_second = probe_kit.to_second_device(x)

    def second_device_step() -> float:
        model.to(probe_kit.SECOND_DEVICE).train()
        loss = F.cross_entropy(model(on_second), torch.tensor([0, 1, 2, 0], device=probe_kit.SECOND_DEVICE))
        back(loss)
        return float(on_second[on_second > 0].sum().item() + loss.item())

    probe_kit.device_trace(second_device_step)
    channel.decode(channel.encode(probe_kit.to_plain({"value": y, "shape": y.shape})))


def ahead_of_children(child_pid: int | None) -> None:
    """What every child of a zygote does before its submission's first line and no submission
    decides, done once before the zygote forks (a child pays a page's copy, not an import or a
    compile): the modules a worker imports, the stand-ins, the modules held, the allow-list of a
    child that is pid ``child_pid`` of a namespace of its own (None: each child's pid is its own,
    a GPU child's)."""
    from grader.sandboxed import (  # noqa: F401
        at_import,
        callers,
        descriptors,
        gpu_face,
        held_modules,
        kit_steps,
        no_eval,
        seccomp,
        stand_ins,
        torch_state,
    )

    stand_ins.install()
    held_modules.install()  # the seal holds only what a child loads after
    if child_pid is not None and seccomp.supported():
        seccomp.worker_program(child_pid)


def refusals(sets: object) -> None:
    """The kernels each exercise's twins replace, looked up once in the zygote for all its children
    (``sets``: the names of each, as the trusted side sends them; anything else is ignored)."""
    from grader.sandboxed import refused_ops

    for names in sets if isinstance(sets, list) else ():
        if isinstance(names, list) and all(isinstance(n, str) for n in names):
            refused_ops.all_kernels(frozenset(names))
