"""The commands of `grade`, one module per group, each a thin Click layer over its package
(grader/cli.py puts them together)."""
