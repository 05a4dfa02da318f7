"""A course: its file (toml.py) and keys, the example ``grade course init`` writes, the submission
quota and the held-out sets (docs/architecture.md, "Two sides")."""
