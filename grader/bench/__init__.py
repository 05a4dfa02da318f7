"""The benchmark (``python -m grader.bench``); its modules: docs/architecture.md."""
