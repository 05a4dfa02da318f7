"""The allocator's setting (grader/engine/worker/allocator.py, the workers' from grader/sandboxed/policy.py):
a large block freed is kept for the next, instead of its pages being given back and faulted in
again, zeroed, at the next allocation."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import pytest
from helpers import REPO

pytestmark = pytest.mark.unit

# in a fresh process: 8 MiB allocated, freed, allocated again; the second allocation's page faults
TWICE = """
import resource, sys
if sys.argv[1] == "kept":
    from grader.engine.worker.allocator import keep_freed_blocks
    keep_freed_blocks()
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
block = bytearray(8 << 20)
del block
before = faults()
block = bytearray(8 << 20)
print(faults() - before)
"""


def second_allocation_faults(how: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", TWICE, how], capture_output=True, text=True, cwd=REPO, check=True
    )
    return int(done.stdout)


@pytest.mark.skipif(not hasattr(ctypes.CDLL(None), "gnu_get_libc_version"), reason="glibc's malloc only")
def test_a_large_block_freed_is_reused_without_faulting_its_pages_in_again():
    pages = (8 << 20) // 4096
    assert second_allocation_faults("adaptive") > pages // 2  # what the setting changes
    assert second_allocation_faults("kept") < pages // 20
