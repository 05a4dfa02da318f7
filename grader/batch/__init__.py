"""``grade batch``: a whole class into a gradebook; its modules: docs/architecture.md."""
