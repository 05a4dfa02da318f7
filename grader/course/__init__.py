"""A course: its file (toml.py), keys and example, the submission quota and the held-out sets."""
