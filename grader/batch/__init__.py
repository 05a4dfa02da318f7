"""``grade batch``: a whole class into a gradebook.

``intake`` turns each entry of a submissions folder into one student's submission (or a
rejection with a reason), ``run`` grades them all with the engine, ``gradebook`` keeps the
results in SQLite, ``exports`` writes CSV, JSON, feedback and Gradescope files from it.
"""

from grader.batch.run import BatchOptions, BatchSummary, run_batch, suite_version

__all__ = ["BatchOptions", "BatchSummary", "run_batch", "suite_version"]
