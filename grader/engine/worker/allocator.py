"""The trusted side's allocator, set as the workers' is (grader/sandboxed/policy.py ``MALLOC_KEPT``):
a grading process judges large tensors too (a vectorised check's reference, drawn again), and
glibc's adaptive threshold gave their pages back at each free (26,000 faults a tensors task)."""

from __future__ import annotations

import ctypes
import functools

from grader.sandboxed.policy import MALLOC_KEPT

# mallopt's parameters (glibc's malloc.h)
_PARAMETERS = {"trim_threshold": -1, "mmap_threshold": -3}


@functools.cache  # a process's setting, and its forked children's: once (run_tasks runs per request)
def keep_freed_blocks() -> None:
    """Set ``MALLOC_KEPT`` in this process, where the C library is glibc (elsewhere nothing)."""
    library = ctypes.CDLL(None)  # this process's symbols, the C library's among them
    if not hasattr(library, "gnu_get_libc_version"):
        return
    for parameter, value in MALLOC_KEPT.items():
        library.mallopt(_PARAMETERS[parameter], value)
