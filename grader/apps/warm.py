"""One warm-up for every long-lived engine (``grade watch``, a notebook's ``check()`` engine, the learner's
warm engine :mod:`grader.serve`): what a fresh ``grade`` pays before its first check, paid once (the learner's
engine answers after its first part and takes the rest between requests)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable


def warm_up(topics: Iterable[str], timeout: float, gpu: bool) -> None:
    """Import the engine (torch, pytest, what a suite's trusted side needs: preload.py), collect
    ``topics``' suites for probes of ``timeout`` seconds, and wait for the zygote."""
    chosen = list(topics)
    warm_first(gpu)
    for step in warm_steps(chosen, timeout):
        step()


def warm_first(gpu: bool) -> None:
    """What every request needs before it can run: the imports (torch, pytest) and the zygote
    ready. The learner's engine answers once this is done (a first command waits no longer than
    its own cold run would import); :func:`warm_steps` is the rest, taken between requests."""
    from grader.engine.worker import preload, workers

    workers.prestart(gpu)
    with preload.collector_paused():
        from grader.engine.suites import collected  # noqa: F401  (pytest, torch)
    workers.fork_server(gpu)


def warm_steps(topics: list[str], timeout: float) -> list[Callable[[], None]]:
    """The rest of the warm-up, one step each (the trusted side's preload, a suite collected, the
    notebooks' reader, the sources' keys, the probes read): what a request would otherwise pay,
    each paid once. A request that comes before a step is done does its work itself, as a fresh
    ``grade`` would (its runner keeps torch's compiler out of its own topics, too)."""
    from grader.engine import check_table
    from grader.engine.sources import notebooks
    from grader.engine.suites import collected as suites
    from grader.engine.worker import preload

    def prepare() -> None:
        preload.without_dynamo(topics)
        preload.preload()
        _import_the_commands()

    def collect(topic: str) -> Callable[[], None]:
        def collect_topic() -> None:
            with contextlib.suppress(suites.SuiteBroken):  # a grading reports what broke
                suites.collected(topic, timeout)

        return collect_topic

    def keys() -> None:  # the sources hashed once: a request's keys only stat them
        check_table.keys(topics)

    steps = [prepare, *[collect(topic) for topic in topics], notebooks.read_ahead, keys]
    steps.append(lambda: _read_probes(topics, timeout))
    return [_paused(step, preload.collector_paused) for step in steps]


def _paused(
    step: Callable[[], None], paused: Callable[[], contextlib.AbstractContextManager[None]]
) -> Callable[[], None]:
    """``step`` run with the cyclic collector off, what it built frozen after (preload.py)."""

    def run() -> None:
        with paused():
            step()

    return run


def _read_probes(topics: list[str], timeout: float) -> None:
    """The source of every probe a request may send a worker, read once: the suites' ``probe_*``,
    the battery's walkers and grader/checks/probes.py's functions."""
    import types

    from grader.checks import battery, probes
    from grader.checks.cases import battery_walks
    from grader.checks.verdict import callees
    from grader.engine.suites import collected as suites
    from grader.engine.worker import client

    modules = {probes, battery, battery_walks}
    for topic in topics:
        with contextlib.suppress(suites.SuiteBroken):
            found = (getattr(item, "module", None) for item in suites.collected(topic, timeout).items)
            modules |= {module for module in found if module is not None}
    sent = [
        value
        for module in modules
        for name, value in vars(module).items()
        if isinstance(value, types.FunctionType)
        and value.__module__ == module.__name__
        and (module is probes or name.startswith(("probe", "walk_")))
    ]
    client.read_probes(sent)
    for probe in sent:  # the exercises each probe's code names (a request's callees)
        callees.probe_names(probe.__code__)


def _import_the_commands() -> None:
    """What a grading command imports and reads on first use (the subset check's reviewed
    members too), done once for every child and request."""
    from grader import report  # noqa: F401
    from grader.apps import course_points, held_interrupt, learner, ticker  # noqa: F401
    from grader.engine import runner, selection, stubs  # noqa: F401
    from grader.engine.loops import over_data  # noqa: F401  (how_read.judge_how's)
    from grader.engine.subset import submission, twins  # noqa: F401  (likewise)
    from grader.engine.worker import doctor, pool  # noqa: F401
    from grader.sandboxed import subset_members

    subset_members.modules()
