"""The trusted side of the probe protocol: one :class:`TopicSession` per (submission, topic).

A hidden test calls ``session.run(probe, *args)``; the session gets a worker when it needs one
(:func:`grader.engine.worker.workers.start_worker`), ships the probe, waits with a wall-clock
deadline and a CPU limit, and returns the decoded plain data (docs/engine.md, "The engine" and
"Hangs, budgets and what a timeout costs"), or one of the exceptions below (a test status)."""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import textwrap
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from grader.base import clean, topics
from grader.base.defaults import boot_seconds
from grader.base.i18n import N_, _
from grader.checks.verdict import callees, places
from grader.engine.worker import probe_words
from grader.engine.worker.frames import CpuExceeded, import_record, next_frame
from grader.engine.worker.fresh import Worker
from grader.engine.worker.lanes import Lane, OfLane
from grader.engine.worker.printed import Printed
from grader.engine.worker.problems import (
    EngineProblem,
    NotStarted,
    ProbeTimeout,
    SubmissionError,
    SubmissionProblem,
    error_text,
    sealed,
    with_place,
)
from grader.engine.worker.remaking import RECENT_CALLS, Call
from grader.engine.worker.sandbox import Limits
from grader.engine.worker.workers import keep_one_ahead, read_sources, start_worker
from grader.sandboxed import channel

BOOTING = N_("starting Python and torch")


@functools.lru_cache(maxsize=512)
def _source(probe: Callable[..., Any]) -> str:
    return textwrap.dedent(inspect.getsource(probe))


def read_probes(probes: Iterable[Callable[..., Any]]) -> None:
    """Read each of ``probes``' sources once (the warm engine's warm-up): a tenth of a request."""
    for probe in probes:
        with contextlib.suppress(OSError, TypeError):
            _source(probe)


class TopicSession:
    """Talks to the workers of one topic of one staged submission: one for its public checks,
    another for its hidden ones (:meth:`_hand_over`); the plugin says which runs (:attr:`hidden`)."""

    def __init__(
        self,
        staged_dir: str,
        topic: str,
        timeout: float,
        limits: Limits | None = None,
        gpu: bool = False,
        deadline: float | None = None,
        budget: float | None = None,
        twins: Mapping[str, Iterable[str]] | None = None,
        refused: Mapping[str, Iterable[str]] | None = None,
        helped: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.staged_dir = staged_dir
        self.topic = topic
        tables = (twins, refused, helped)  # {exercise: twins watched, refused (plugin.refused); helpers}
        self.twins, self.refused, self.helped = ({e: sorted(n) for e, n in (t or {}).items()} for t in tables)
        self._named = {"watch": self.twins, "refuse": self.refused, "helpers": self.helped}  # as requests say
        self.timeout = timeout
        self.cpu_limit: float | None = None  # CPU seconds a probe may use (set by the plugin per check)
        self.cpu_used: dict[str, float] = {}  # check -> most CPU one of its probes used (measuring)
        self.last_cpu: float | None = None  # CPU seconds the worker used in the last probe, if read
        self.deadline, self.budget = deadline, budget  # deadline: time.monotonic() when the budget ends
        self.check = ""  # id of the check running now (set by the plugin)
        self.exercises: tuple[str, ...] = ()  # the exercises it judges (set by the plugin)
        self.called = ""  # the last of them a probe of the running check called (reset by the plugin)
        self.reached: set[str] = set()  # the topic's exercises its probes called themselves (likewise)
        self.last_args: tuple[Any, ...] = ()  # the arguments of its last probe of one of them (likewise)
        self.recent: deque[Call] = deque(maxlen=RECENT_CALLS)  # its probe calls and their answers
        self._graph: dict[str, set[str]] | None = None  # the learner's module's calls (callees.graph)
        self.printed = Printed()  # what the running check's code printed (reset by the plugin)
        self.hidden = False  # the running check is hidden: its probes go to the hidden lane's worker
        self._tabled: dict[tuple[str, tuple[str, ...]], dict[str, list[str]]] = {}  # _tables, made once each
        self.lanes = {False: Lane(), True: Lane()}
        self.limits, self.gpu = limits or Limits(), gpu
        self.sources: dict[str, bytes] | None = None
        self.ran: dict[str, tuple[int, ...]] = {}  # each torch name its import ran: the lines (at_import)
        # import problems repeat for every test, in both lanes (a worker's import precedes its probes)
        self.fatal: SubmissionProblem | None = None
        self.seconds = {"startup": 0.0, "probes": 0.0}  # for the benchmark

    # -- the running check's lane --------------------------------------------------------
    @property
    def lane(self) -> Lane:
        return self.lanes[self.hidden]

    worker = OfLane[Worker | None]()
    cpu_mark = OfLane[float | None]()
    stalls = OfLane[dict[str, str]]()
    slowest = OfLane[dict[str, tuple[float, int]]]()
    last_stall = OfLane[dict[str, Any]]()

    # -- worker lifecycle ------------------------------------------------------------
    def _start(self) -> None:
        if self.sources is None:
            self.sources = read_sources(self.staged_dir, self.topic)
        for attempt in (1, 2):  # a start that failed on a busy machine gets a second try
            self.worker = start_worker(
                staged_dir=self.staged_dir,
                sources=self.sources,
                topic=self.topic,
                limits=self.limits,
                gpu=self.gpu,
                refused=self.refused,
            )
            try:
                if self._receive(boot_seconds(), _(BOOTING), starting=True).get("event") != "booted":
                    said = _("the worker answered out of turn while %(action)s") % {"action": _(BOOTING)}
                    raise SubmissionError(said)
                break
            except SubmissionProblem as exc:
                self.stop()
                self.fatal = None
                if attempt == 2:
                    self.fatal = EngineProblem(
                        _(
                            "the grading machine could not start Python and torch, twice (%(problem)s); "
                            "this is not your code (none of it had run): grade again, and if it happens "
                            "again run `grade doctor` (a busy or low-memory machine is the usual cause)"
                        )
                        % {"problem": exc}
                    )
                    raise self.fatal from None
        importing, self.last_stall = _("importing %(file)s") % {"file": f"{self.topic}.py"}, {}
        event = self._receive(self.timeout, importing, self.cpu_limit, starting=True)
        if event["event"] == "imported":
            self.ran = import_record(event.get("ran"))
            keep_one_ahead(self.limits, self.gpu)  # the next task's worker boots during this one
            return
        self.stop()
        if event["event"] == "missing":
            self.fatal = NotStarted(
                _("no file %(file)s in the submission") % {"file": clean.name(event.get("file"))}
            )
        else:
            error = event.get("error", {})
            self.fatal = SubmissionError(error_text(error, importing))
        raise self.fatal

    def _hand_over(self) -> None:
        """The hidden lane's first worker: the public lane's, if it has one, which the public lane
        then never uses again (docs/sandbox.md, "No public check hears from a worker that ran a hidden probe")."""
        public, hidden = self.lanes[False], self.lanes[True]
        if hidden.worker is None and public.worker is not None:
            hidden.worker, hidden.cpu_mark = public.worker, public.cpu_mark
            public.worker, public.cpu_mark = None, None

    def _receive(
        self,
        budget: float,
        action: str,
        cpu: float | None = None,
        cpu_start: float | None = None,
        starting: bool = False,
    ) -> dict[str, Any]:
        """Wait up to ``budget`` seconds for the worker's next event, and while it uses at most
        ``cpu`` CPU seconds beyond ``cpu_start`` (its CPU time now when not given); a timeout
        while ``starting`` (booting, importing) ends the session."""
        deadline = time.monotonic() + budget
        worker = self._live()
        if cpu is not None and cpu_start is None:
            cpu_start = worker.cpu_seconds()
        try:
            event = next_frame(worker, deadline, cpu, cpu_start)
            while isinstance(event, dict) and event.get("event") == "stalled":
                self.last_stall = event  # the watchdog's note; the answer may still come
                event = next_frame(worker, deadline, cpu, cpu_start)
        except (channel.ChannelTimeout, CpuExceeded) as exc:
            self.printed.add(self.last_stall.get("output"))  # what it printed up to the watchdog's note
            self.stop()
            spent = (
                _("its CPU limit of %(seconds)s s (over ten times a correct answer's)")
                % {"seconds": f"{cpu:g}"}
                if isinstance(exc, CpuExceeded)
                else f"{budget:g} s"
            )
            hint = "" if action == _(BOOTING) else _(" (an endless loop? a very slow Python loop?)")
            where = places.frames(self.last_stall.get("where"), last=1) if starting else []  # the import's
            problem = ProbeTimeout(
                _("did not answer within %(spent)s while %(action)s%(hint)s; the worker was stopped")
                % {"spent": spent, "action": action, "hint": hint}
                + "".join("\n  " + _("at the deadline it was in %(where)s") % {"where": w} for w in where)
            )
            problem.cpu = cpu if isinstance(exc, CpuExceeded) else None
            if starting:
                self.fatal = problem
            raise problem from None
        except channel.ChannelClosed:
            worker.exit_status(2)  # let a worker that exited report its own status
            code = self.stop()
            hint = "" if action == _(BOOTING) else _(" (os._exit? a crash in native code?)")
            raise SubmissionError(
                _("the worker process %(ended)s while %(action)s%(hint)s")
                % {"ended": probe_words.exit_text(code), "action": action, "hint": hint}
            ) from None
        except Exception as exc:  # malformed frame, refused payload
            self.stop()
            raise SubmissionError(
                _("the worker sent something that is not plain data while %(action)s (%(kind)s)")
                % {"action": action, "kind": type(exc).__name__}
            ) from None
        if not isinstance(event, dict) or "event" not in event:
            self.stop()
            raise SubmissionError(
                _("the worker sent a malformed answer while %(action)s") % {"action": action}
            )
        self.printed.add(event.get("output"))
        return event

    def _live(self) -> Worker:
        if self.worker is None:
            raise SubmissionError(_("the worker is gone"))
        return self.worker

    def stop(self) -> int | None:
        """Kill the worker and everything it started; return its exit status."""
        worker, self.worker, self.cpu_mark = self.worker, None, None
        return worker.kill() if worker is not None else None

    def close(self) -> None:
        """At the task's end: kill both lanes' workers without waiting for their exit status
        (waiting for the zygote to report a child's death cost a task ~10 ms of wall time)."""
        for lane in self.lanes.values():
            worker, lane.worker, lane.cpu_mark = lane.worker, None, None
            if worker is not None:
                worker.kill(wait=False)

    # -- probes ------------------------------------------------------------------------
    def run(
        self,
        probe: Callable[..., Any],
        *args: Any,
        timeout: float | None = None,
        seed: int = 0,
        dtype_made: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run ``probe(module, *args, **kwargs)`` in the worker and return its plain-data result
        (``dtype_made``: what the call made in another dtype, grader/engine/worker/remaking.py).
        In the hidden lane, what went wrong is said without the worker's words (:func:`sealed`)."""
        try:
            return self._run(probe, args, kwargs, timeout, seed, dtype_made)
        except SubmissionProblem as problem:
            problem.subject = problem.subject or self.called
            if self.hidden:
                raise sealed(problem, self.exercises) from None
            raise

    def attempt(self, probe: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """:meth:`run`, or None where it failed in any way (raised, ran out of time, lost its
        worker, answered what is no plain data): the session is then as before the attempt, no
        stall remembered and nothing it printed kept, and the caller asks again another way
        (:func:`grader.checks.probes.each_call`: every case of a check in one probe call)."""
        stalls = {hidden: dict(lane.stalls) for hidden, lane in self.lanes.items()}
        slowest = {hidden: dict(lane.slowest) for hidden, lane in self.lanes.items()}
        printed = replace(self.printed)
        try:
            return self.run(probe, *args, **kwargs)
        except SubmissionProblem:
            for hidden, lane in self.lanes.items():
                lane.stalls, lane.slowest = stalls[hidden], slowest[hidden]
            self.printed = printed
            return None

    def run_costed(
        self, cpu: float, probe: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> tuple[Any, float]:
        """:meth:`run` under a budget of ``cpu`` CPU seconds: (its result, the worker's CPU seconds
        meanwhile, the kernel's count; NaN unread). Over the budget: (None, inf), no stall kept (a
        slow loop answers a question of cost); past the wall clock: a timeout, as in :meth:`run`."""
        limit, self.cpu_limit = self.cpu_limit, cpu
        stalls = {hidden: dict(lane.stalls) for hidden, lane in self.lanes.items()}
        try:
            value = self.run(probe, *args, **kwargs)
        except ProbeTimeout as exc:
            if getattr(exc, "cpu", None) is None:
                raise
            for hidden, lane in self.lanes.items():
                lane.stalls = stalls[hidden]
            return None, math.inf
        finally:
            self.cpu_limit = limit
        return value, math.nan if self.last_cpu is None else self.last_cpu

    def _probed(self, probe: Callable[..., Any], named: set[str]) -> set[str]:
        """The topic's exercises a probe calls itself: those its code loads (``mod.encode_chars``)
        or its arguments name (``probes.call, "encode_chars"``)."""
        code = getattr(probe, "__code__", None)
        found = named | (callees.probe_names(code) if code is not None else set())
        return found & set(topics.exercises(self.topic))

    def callees(self) -> set[str]:
        """The exercises the running check's probes called, with those the learner's code calls
        from them (grader/checks/verdict/callees.py: its source parsed once, when a check fails)."""
        return self.reached | callees.reached(self._calls(), self.reached, topics.exercises(self.topic))

    def _calls(self) -> dict[str, set[str]]:
        if self._graph is None:
            self.sources = read_sources(self.staged_dir, self.topic) if self.sources is None else self.sources
            self._graph = callees.graph(self.sources.get(f"{self.topic}.py", b"").decode("utf-8", "replace"))
        return self._graph

    def _run(
        self,
        probe: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        timeout: float | None,
        seed: int,
        dtype_made: str | None = None,
    ) -> Any:
        if self.fatal is not None:
            raise self.fatal
        subject = args[0] if args and isinstance(args[0], str) else probe.__name__.removeprefix("probe_")
        if subject in self.exercises:
            self.called, self.last_args = subject, args
        self.reached |= self._probed(probe, {subject, *(a for a in args if isinstance(a, str))})
        if subject in self.stalls:
            raise ProbeTimeout(_("%(stall)s; this check was not run") % {"stall": self.stalls[subject]})
        wait, cpu = self._limits(timeout)
        self._ensure_worker()
        source = _source(probe)
        request = channel.encode(
            {
                "name": probe.__name__,
                "source": source,
                "args": tuple(args),
                "kwargs": kwargs,
                "seed": seed,
                "made": dtype_made,
                "timeout": wait,
                "cpu": cpu,
                "blocked": sorted(self.stalls),
                **self._tables(subject),
            }
        )
        action = self._action(subject, args)
        worker = self._live()
        mark, self.cpu_mark, self.last_cpu = self.cpu_mark, None, None
        measured = mark if mark is not None else worker.cpu_seconds()  # read every probe: its cost
        cpu_start = measured if cpu is not None else None
        started = time.monotonic()  # before the write: the woken worker may run before this process again
        try:
            channel.write_frame(worker.request_fd, worker.nonce, request)
        except OSError:
            code = self.stop()
            raise SubmissionError(
                _("the worker process %(ended)s before %(action)s")
                % {"ended": probe_words.exit_text(code), "action": action}
            ) from None
        self.last_stall = {}
        try:
            event = self._receive(budget=wait, action=action, cpu=cpu, cpu_start=cpu_start)
        except ProbeTimeout as exc:
            ended = self._stalled(subject, wait, exc.cpu)
            ended.cpu = exc.cpu  # what stopped it: run_costed reads it
            raise ended from None
        finally:
            self.seconds["probes"] += time.monotonic() - started
            self._measure(measured)
        if event["event"] == "result":
            slowest, answers = self.slowest.get(subject, (0.0, 0))
            self.slowest[subject] = (max(slowest, time.monotonic() - started), answers + 1)
            if dtype_made is None:  # a second call's record is no answer a check judges
                self.recent.append(Call(event.get("value"), probe, args, kwargs, seed))
            return event.get("value")
        raise probe_words.raised(self.topic, self.exercises, self.stalls, subject, event, action)

    def _limits(self, timeout: float | None) -> tuple[float, float | None]:
        """A probe's wait and CPU limit: the suite's longer timeout gives it more CPU too; the
        submission's time budget caps the wait (none left: the check is not run)."""
        wait = timeout if timeout is not None else self.timeout
        cpu = self.cpu_limit
        if cpu is not None and timeout is not None:
            cpu *= max(1.0, timeout / self.timeout)
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise ProbeTimeout(
                    _(
                        "the submission's time budget of %(seconds)s s was used up before this check; it was not run"
                    )
                    % {"seconds": f"{self.budget:g}"}
                )
            wait = min(wait, left)
        return wait, cpu

    def _ensure_worker(self) -> None:
        """A worker for the next probe: the hidden one handed over, else a fresh one started."""
        if self.worker is None and self.hidden:
            self._hand_over()
        if self.worker is None:
            started = time.monotonic()
            try:
                self._start()
            finally:
                self.seconds["startup"] += time.monotonic() - started

    def _action(self, subject: str, args: tuple[Any, ...]) -> str:
        """What the probe does, as its errors name it: the learner's function and its inputs, or
        the exercises a probe of its own label checks."""
        file = f"{self.topic}.py"
        if subject in self.exercises or not self.exercises:  # not a probe's own label
            return _("running %(name)s() in %(file)s") % {"name": subject, "file": file} + probe_words.inputs(
                args[1] if len(args) > 1 else ()
            )
        return _("checking %(names)s in %(file)s") % {"names": ", ".join(self.exercises), "file": file}

    def _tables(self, subject: str) -> dict[str, list[str]]:
        """The called (else judged) exercises' watched and refused twins and helpers (refused less their
        callees'), made once a session for each (subject, exercises the running check judges)."""
        if (subject, self.exercises) in self._tabled:
            return self._tabled[subject, self.exercises]
        exercises = topics.exercises(self.topic)
        judged = {subject} if subject in exercises else set(self.exercises)
        called = callees.reached(self._calls(), judged, exercises) - judged
        of = {name: {t for e in judged for t in table.get(e, ())} for name, table in self._named.items()}
        of["refuse"] -= {t for e in called for t in self.refused.get(e, ())}
        made = self._tabled[subject, self.exercises] = {name: sorted(entries) for name, entries in of.items()}
        return made

    def _measure(self, cpu_start: float | None) -> None:
        """Keep what the probe cost the worker in CPU time (:attr:`last_cpu`, read here from the
        kernel's count: the submission cannot shape it), the most a probe of this check used
        (tests/grader/measure_cpu.py), and the worker's count now as the next probe's start: the
        worker only waits in between (one read a probe instead of two)."""
        used = self.worker.cpu_seconds() if self.worker is not None and cpu_start is not None else None
        if used is not None and cpu_start is not None:
            self.last_cpu = used - cpu_start
            self.cpu_used[self.check] = max(self.cpu_used.get(self.check, 0.0), used - cpu_start)
            self.cpu_mark = used

    def _stalled(self, subject: str, wait: float, cpu: float | None = None) -> ProbeTimeout:
        """A timeout message that says where the code was, and whether it is slow or stuck;
        the function is remembered so that its other checks end at once."""
        if self.deadline is not None and self.deadline - time.monotonic() <= 0.05 and wait < self.timeout:
            return ProbeTimeout(
                _(
                    "%(name)s() was still running when the submission's time budget of %(seconds)s s ran out; the worker was stopped"
                )
                % {"name": subject, "seconds": f"{self.budget:g}"}
            )
        stall = self.last_stall
        function = clean.name(stall.get("function") or subject)
        where = places.frames(stall.get("where"), last=1)
        first = probe_words.stalled_first(function, cpu, wait, self.check)
        self.stalls[function] = first
        self.stalls.setdefault(subject, first)
        # The other lane's checks of it end at once too, told only what this side chose to ask
        # (the worker named `function`: a hidden worker's words must not reach the public one)
        self.lanes[not self.hidden].stalls.setdefault(
            subject, _("%(name)s() ran past its deadline in another check") % {"name": subject}
        )
        slowest, answers = self.slowest.get(subject, (0.0, 0))
        tensors = stall.get("holds_tensor") is not False  # a worker's report without it: as before
        message = probe_words.stalled_message(first, where, subject, slowest, answers, tensors)
        timeout = ProbeTimeout(
            message + "\n  " + _("Its other checks are reported as timeouts without running it again.")
        )
        return with_place(timeout, {"functions": stall.get("functions")})
