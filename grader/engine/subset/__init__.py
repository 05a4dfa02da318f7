"""The graded subset of Python: a submission checked before it runs, and the readers of how it computes (twins, loops, what a refusal costs)."""
