"""One home for the grader's defaults: the CLI, the API and batch mode all read these."""

from __future__ import annotations

import os

# Seconds one probe of submitted code may run. The reference solutions' slowest probes took
# 0.07 s (shape, gradient, device checks) and 1.6 s (convergence: a short training run) on a
# 2-core machine, so these margins are 140x and 37x: a timeout means stuck or very slow code.
PROBE_TIMEOUT = 10.0
CONVERGENCE_TIMEOUT_FACTOR = 6  # convergence checks train a model: 6 x PROBE_TIMEOUT
SUBMISSION_BUDGET = 300.0  # seconds of grading one submission may take in all (every topic)
MEMORY_MB = 4096  # RLIMIT_DATA of a worker
CPU_SECONDS = 900  # RLIMIT_CPU of a worker
FILE_SIZE_MB = 64  # RLIMIT_FSIZE of a worker
THREADS = 512  # RLIMIT_NPROC of a worker that runs unprivileged
BOOT_SECONDS = 90.0  # starting Python and torch: ~1.5 s alone, much longer on a loaded machine


def cores() -> int:
    """Cores this process may use (what ``--jobs`` and ``--workers`` default to)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


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
