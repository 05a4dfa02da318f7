"""torchgrade as a Gradescope autograder: ``build`` writes the zip an instructor uploads (on the
instructor's machine), ``run`` grades one submission inside the container (harden, grade,
results.json: ``python -m grader.gradescope run``), ``config`` is what both read
(``gradescope.json``, paths). What the zip holds, how the container is hardened where it refuses
namespaces and what results.json shows: docs/instructors.md, "Gradescope"; the two sides share
only ``config`` (docs/architecture.md, "Layers, checked by a tool"). Where submitted code could
run neither in bubblewrap nor as uid 65534, nothing is graded (results.json says why).
"""
