"""``python -m grader.bench``: grader/bench/main.py."""

from grader.bench.main import main

main()
