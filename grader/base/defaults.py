"""One home for the grader's defaults: the CLI, the API and batch mode all read these."""

from __future__ import annotations

import os
from pathlib import Path

# Seconds one probe of submitted code may run. The reference solutions' slowest probes took
# 0.07 s (shape, gradient, device checks) and 1.6 s (convergence: a short training run) on a
# 2-core machine, so these margins are 140x and 37x: a timeout means stuck or very slow code.
PROBE_TIMEOUT = 10.0
CONVERGENCE_TIMEOUT_FACTOR = 6  # convergence checks train a model: 6 x PROBE_TIMEOUT
# CPU seconds one probe may use, read by the trusted side from the worker's /proc counters: a
# busy machine does not make them grow, so stuck code is stopped after this much work instead
# of PROBE_TIMEOUT of waiting (which stays, for code that sleeps). Scaled like the wall clock by
# --timeout and by a suite's longer timeout for one probe. Both stay more than 10x the most CPU
# one probe of the reference or the corpus's correct modules used (tests/grader/measure_cpu.py
# prints it; the figures: docs/benchmark.md, "Behind the code").
PROBE_CPU_SECONDS = 1.0
CONVERGENCE_CPU_SECONDS = 20.0
# A topic whose probes all do little work declares its own, lower limit (pack.toml's
# probe_cpu_seconds: grader.base.topics.probe_cpu_seconds); the other topics keep PROBE_CPU_SECONDS.
CPU_POLL_SECONDS = 0.05  # how often the trusted side reads a busy worker's CPU time
# torch threads of a trusted grading process (it judges small tensors). With torch's default (one
# per core) a grading process used more than twice the CPU a task needs: its idle intra-op
# threads spun, on cores the workers need (docs/benchmark.md, "Behind the code").
TRUSTED_THREADS = 1
# Levels of nesting a submitted source's syntax tree may have: its readers on the trusted side (the
# subset check, symtable) recurse once or more per level, and Python's own limit is 1000 frames.
# The reference solutions, the corpus and grader/ itself are nested at most a fifth of this.
SOURCE_MAX_DEPTH = 100
NOTEBOOK_MAX_BYTES = 64 << 20  # a notebook's file, outputs included (they are dropped once read)
# Bytes of code the trusted side reads of one submitted source (a .py file, or a notebook's code cells
# together) and CPU seconds it may spend reading one (parsing, the subset check, the notebook's module and
# line map, similarity's tokens): past either, the source is refused in one line instead of stalling a batch.
# The largest reference solution is 5.5 kB; with sizes and depths bounded every reader is linear, and a source
# at the bound is read in a few seconds of CPU (docs/benchmark.md, "Behind the code").
SOURCE_MAX_BYTES = 256 << 10
SOURCE_READ_SECONDS = 20.0
SUBMISSION_BUDGET = 300.0  # seconds of grading one submission may take in all (every topic)
MEMORY_MB = 4096  # RLIMIT_DATA of a worker
CPU_SECONDS = 900  # RLIMIT_CPU of a worker
FILE_SIZE_MB = 64  # RLIMIT_FSIZE of a worker
THREADS = 512  # RLIMIT_NPROC of a worker that runs unprivileged
# `grade batch --scheduler`: a submission travels to a Dask worker as bytes, at most this many
# (4 MB of Python is far beyond any exercise; it keeps a class off the scheduler's memory);
# tasks in flight at once; retries of a task that raised (a worker's death is retried by the
# scheduler itself, up to its `allowed-failures`); seconds to reach the scheduler.
DASK_MAX_BYTES = 4 << 20
DASK_IN_FLIGHT = 512
DASK_RETRIES = 2
DASK_CONNECT_SECONDS = 20.0
BOOT_SECONDS = 90.0  # starting Python and torch: ~1.5 s alone, much longer on a loaded machine


def boot_seconds() -> float:
    """Time a worker or the zygote may take to start: BOOT_SECONDS, stretched by the machine's
    load (the 1-minute load average per core, at most 4x): a start slowed by other work gets
    more time rather than reading as a crash."""
    try:
        load = os.getloadavg()[0] / cores()
    except OSError:  # no load average here
        load = 1.0
    return BOOT_SECONDS * min(4.0, max(1.0, load))


def cores() -> int:
    """Cores this process may use (what ``--jobs`` and ``--workers`` default to)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# `grade similarity` (grader/similarity/). Tokens are AST nodes (a line such as
# `return (y_hat - y).abs().mean()` is ~10), so a k-gram of 6 is about half a short line; any
# shared run of k + window - 1 = 9 tokens is guaranteed a common fingerprint.
SIMILARITY_K = 6
SIMILARITY_WINDOW = 4
# A unit with fewer fingerprints than this scores at most its share of it (winnowing keeps ~2 of every 5
# k-grams, ~4 per line): a solution needs about three lines of its own code to score 1.
SIMILARITY_MIN_FINGERPRINTS = 12
SIMILARITY_REPORT_PAIRS = 25  # pairs shown side by side in similarity.html
# A row at or above the threshold is flagged only on evidence unlikely by chance: shared fingerprints weighing
# at least MIN_EVIDENCE (each weighs 1 / (holders − 1)), or, for the whole topic, at least SIZE_FLOOR shared
# fingerprints. Measured (k=6, window 4) on tests/grader/similarity_class/ (20 independent `losses` solutions
# and two copies), on it with the 8 students of similarity_class_obvious/ (the same obvious mse, l1, huber,
# sigmoid and softmax) and with 3 verbatim and 1 disguised reference copies (similarity_class_leak/):
# independent rows at or above 0.7 weigh at most 11.0 (two obvious students identical on 5 short exercises, 50
# fingerprints); copies' rows weigh at least 17.2 (a copied cross_entropy: 23 fingerprints, 17.2; the
# disguised reference copy 21.6) and share 132–138 fingerprints for the whole topic (independent pairs at most
# 50). With 10 verbatim copies in a class of 30 each fingerprint weighs 1/9 (the copies' whole topic 11.5):
# the size floor flags them. Weights come from the class: the two obvious students identical on 5 exercises
# weigh 39 alone, 14.5 among 6 of the obvious students, 11.0 among 8.
SIMILARITY_MIN_EVIDENCE = 14.0
SIMILARITY_SIZE_FLOOR = 100
# A student's whole topic is flagged against the reference when this many exercises reach the threshold
# against it with MIN_EVIDENCE between them. Measured on the classes above: independent students match the
# reference in at most 1 exercise (summed evidence 2.1); a student with 6 reference exercises among 5 of their
# own matches it in 5 (21.5, whole-topic score 0.42); the verbatim and disguised copies in 10 (24.8–26.2).
SIMILARITY_REFERENCE_EXERCISES = 3
# Flag a pair (and link it into a cluster) from this score (with the evidence above). On the
# classes above, the flagged copies score 0.93–1.00 (whole topic) and 1.00 (a copied exercise).
SIMILARITY_THRESHOLD = 0.7
# Training curves (grader/checks/judging/curves.py). A probe records at most CURVE_POINTS points. The shape
# thresholds come from the reference solutions' curves over seeds 0–19 of every convergence
# check (tests/grader/measure_curves.py prints them) and the classic mistakes' curves:
# - correct code never climbs above its starting loss (highest point / start: at most 1.0 for
#   every check), while a maximised loss climbs 10x within an epoch and missing zero_grad 1.5–2x;
#   "diverged" is a rise of a quarter above the start;
# - correct code's lowest loss is at least 35 % below its start (the least: SGD's logistic
#   regression on diabetes), while shuffled labels or a missing step() move it by 0–2 %; "flat"
#   is a fall of less than 10 %.
CURVE_POINTS = 100


def curve_folder() -> Path:
    """Where ``grade`` draws a failed convergence check's curve (one PNG per check, replaced by
    the next run of that check): the user's own cache folder, never a shared, world-writable
    one where another user could plant a link in its place."""
    return Path(os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")) / "torchgrade" / "curves"


def check_table_folder() -> Path:
    """Where ``grade`` caches each topic's table of checks (grader/engine/check_table.py), beside the
    curves; ``TORCHGRADE_CHECK_TABLES`` overrides it (tests use their own)."""
    return Path(os.environ.get("TORCHGRADE_CHECK_TABLES") or curve_folder().parent / "checks")


CURVE_DIVERGED_RISE = 0.25  # a point above start · (1 + this) is "diverged"
CURVE_FLAT_FALL = 0.10  # a lowest point less than this fraction below the start is "flat"
# What the trusted side shows of a submission (grader/base/clean.py), in characters. The worker cuts an
# exception's text at 600 (grader/sandboxed/raised.py), but the submission can lift that; a whole message adds
# the exception's type, what was running and up to three `where` lines, so an honest one stays under ~1,500. A
# name (a function, a type, a file, a student, one `where` line) is cut at 200.
SHOWN_MESSAGE_CHARS = 2000
SHOWN_NAME_CHARS = 200
REVIEW_SOURCE_CHARS = 200_000  # of one submitted file on the review page (grade batch review)
# The files besides code that intake keeps for a person to read (grader/batch/answers.py): a
# written answer, a report as PDF, a picture of a curve. Kept, never executed; a larger file or
# one past the count is listed as not kept.
KEPT_FILE_BYTES = 20 << 20
KEPT_FILES = 50  # of one student

# `grade release` / `grade notebooks` refuse a definition that holds this share of an answer's
# k-grams (grader/apps/leaks.py; k = SIMILARITY_K, the stub's k-grams left out); answers with fewer
# own k-grams than LEAK_MIN_GRAMS are too short to tell from ordinary code. Measured on this
# checkout: the smallest answer has 9 own k-grams; the benchmark's copies of answers hold 86-100 %;
# no definition of grader/, the suites or the stubs holds more than 71 % of any answer.
LEAK_CONTAINMENT = 0.8
LEAK_MIN_GRAMS = 8
# A line of a solution that computes (an operator) and is this long, blanks removed, found in a hint
# is an answer handed out (grader/apps/leaks.py); shorter lines (`return x + y`) are what any code says.
LEAK_MIN_LINE = 16
# The learner's warm engine (grader/apps/daemon.py) exits after this long without a request: it
# holds torch, the suites and a zygote (~0.5 GB) for the next `grade FILE`.
DAEMON_IDLE_SECONDS = 900.0
# How often an idle engine looks for its socket: one whose runtime folder was cleaned away (no
# client can reach or stop it) ends within this long instead of holding its memory until idle.
ENGINE_LOOK_SECONDS = 4.0
# A new engine's first wait for a request, before its warm-up's rest: the command that started it polls
# for its socket (grader/apps/daemon.py START_POLL_SECONDS) and is served first
FIRST_REQUEST_SECONDS = 0.2
# Seconds the Gradescope autograder keeps killing the processes its run started before it gives
# up on them (grader/engine/worker/sweep.py); a process that keeps forking is gone within 0.1 s on this machine.
SWEEP_SECONDS = 10.0
# Choices with a default that more than one place offers (grader/base/options.py, the CLI, the
# Gradescope autograder): a choice, not a measurement.
# The least `--timeout`, `--memory` and `--budget` (and a course file's [limits]) accept: below
# them a probe, a worker's torch or a submission's first topic cannot even start.
TIMEOUT_FLOOR = 0.1
MEMORY_FLOOR_MB = 512
BUDGET_FLOOR = 1
DEVICE = "auto"  # `--device`: CUDA where there is one, else the CPU
HIDDEN_VISIBILITY = "after_published"  # Gradescope: hidden checks' results shown once published
LMS_MISSING = "blank"  # `grade batch --missing`: no submission leaves the LMS's cell as it was
LMS_DECIMALS = 2  # every number of points a student or an LMS sees is rounded to this (grader/base/grades.py)
# The learner's language (grader/base/i18n.py): English is the catalogue's source, the others are
# translations in grader/locale/<lang>/LC_MESSAGES/torchgrade.mo. `--lang` sets LANGUAGE_ENV;
# without it the locale's variables are read in this order (as GNU gettext does).
LANGUAGES = ("en", "zh_CN")
LANGUAGE = "en"  # where nothing names a language the catalogue has
LANGUAGE_ENV = "TORCHGRADE_LANG"
LOCALE_ENVS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# `--no-daemon`'s variable: Click reads it as a boolean (1, true, yes, on); the client reads it
# before Click to skip the warm engine (grader/apps/daemon.py, declined)
NO_DAEMON_ENV = "TORCHGRADE_NO_DAEMON"
