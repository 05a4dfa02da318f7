"""One home for the grader's defaults: the CLI, the API and batch mode all read these."""

from __future__ import annotations

import os

# Seconds one probe of submitted code may run. The reference solutions' slowest probes took
# 0.07 s (shape, gradient, device checks) and 1.6 s (convergence: a short training run) on a
# 2-core machine, so these margins are 140x and 37x: a timeout means stuck or very slow code.
PROBE_TIMEOUT = 10.0
CONVERGENCE_TIMEOUT_FACTOR = 6  # convergence checks train a model: 6 x PROBE_TIMEOUT
# CPU seconds one probe may use, read by the trusted side from the worker's /proc counters: a
# busy machine does not make them grow, so stuck code is stopped after this much work instead
# of PROBE_TIMEOUT of waiting (which stays, for code that sleeps). Scaled like the wall clock by
# --timeout and by a suite's longer timeout for one probe. tests/grader/measure_cpu.py printed,
# on 2026-11-23 (2 cores, loaded), the most CPU one probe used: for checks other than training,
# 0.01-0.02 s for the reference and 0.03 s for the corpus's correct modules (loops included), so
# the floor of 1 s is 50x and 33x; for training, the reference 0.02-1.37 s (resnet, whose probe
# gets 1.5x: 30 s, 22x; inception 1.03 s of 30 s, 29x; cnn 0.65 s of 20 s, 31x) and the corpus
# at most 2.43 s (a resnet without BatchNorm, 12x).
PROBE_CPU_SECONDS = 1.0
CONVERGENCE_CPU_SECONDS = 20.0
CPU_POLL_SECONDS = 0.05  # how often the trusted side reads a busy worker's CPU time
# torch threads of a trusted grading process (it judges small tensors). With torch's default (one
# per core) a grading process used 400 ms of CPU per `losses` task of the bench's class, with one
# 160 ms (2026-11-23, 2 cores, load 15, in-process, medians of 8 tasks): its idle intra-op
# threads spun for the rest, on cores the workers need.
TRUSTED_THREADS = 1
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
# A score's denominator is at least this many fingerprints (winnowing keeps ~2 of every 5
# k-grams, ~4 per line): a solution needs about three lines of its own code to score 1, so two
# independent two-line softmaxes written the obvious way do not.
SIMILARITY_MIN_FINGERPRINTS = 12
SIMILARITY_COMMON_SHARE = 0.25  # a fingerprint held by more than this share of the class is common
SIMILARITY_COMMON_MIN_STUDENTS = 5  # ...and by at least this many students (small classes: no cut)
SIMILARITY_REPORT_PAIRS = 25  # pairs shown side by side in similarity.html
# Flag a pair (and link it into a cluster) from this score. Measured on the class of
# tests/grader/similarity_class/ (20 independent correct `losses` solutions, a disguised full
# copy, a one-exercise copy; k=6, window 4, floor 12): independent pairs reach 0.25 for the
# whole topic and 0.67 for one short exercise (identical obvious two-liners); the copies score
# 0.96 (whole topic) and 1.00 (the copied exercise). Exercise scores of short functions are
# weak evidence: in a larger class independent two-liners can pass this threshold.
SIMILARITY_THRESHOLD = 0.7
# Training curves (grader/curves.py). A probe records at most CURVE_POINTS points. The shape
# thresholds come from the reference solutions' curves over seeds 0–19 of every convergence
# check (tests/grader/measure_curves.py prints them) and the classic mistakes' curves:
# - correct code never climbs above its starting loss (highest point / start: at most 1.0 for
#   every check), while a maximised loss climbs 10x within an epoch and missing zero_grad 1.5–2x;
#   "diverged" is a rise of a quarter above the start;
# - correct code's lowest loss is at least 35 % below its start (the least: SGD's logistic
#   regression on diabetes), while shuffled labels or a missing step() move it by 0–2 %; "flat"
#   is a fall of less than 10 %.
CURVE_POINTS = 100
CURVE_DIVERGED_RISE = 0.25  # a point above start · (1 + this) is "diverged"
CURVE_FLAT_FALL = 0.10  # a lowest point less than this fraction below the start is "flat"
