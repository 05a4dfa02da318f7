"""How a ``grade`` process that leaves with ``os._exit`` (no interpreter shutdown) ends its output:
both streams flushed, a reader already gone (`grade ... | head`) no error. The CLI after a
grading, the warm engine's child and its client each leave this way."""

from __future__ import annotations

import sys


def flush_streams() -> None:
    """Flush stdout and stderr; a closed pipe or stream is left as it is."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
