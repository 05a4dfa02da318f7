"""torchgrade as a Gradescope autograder.

:func:`build.build_autograder` writes the zip an instructor uploads: ``setup.sh`` and
``run_autograder`` (from ``grader/gradescope/template/``), the grader, the exercises, the
datasets, the chosen topics' suites and ``gradescope.json`` (topics, visibility of hidden
checks, limits). Gradescope unpacks it to ``/autograder/source`` and runs ``setup.sh`` once;
then, per submission, ``run_autograder`` calls :func:`run.run` (``python -m grader.gradescope run``),
which grades ``/autograder/submission`` and writes ``/autograder/results/results.json``
(``TORCHGRADE_AUTOGRADER_ROOT`` moves ``/autograder``).

Submitted code must not read the hidden suites, write the results or outlive grading. In
bubblewrap it never sees either folder. Without it (a container that refuses namespaces),
workers run as uid 65534 (:func:`grader.engine.worker.sandbox.uid_fallback`) and :func:`run.harden` makes
everything but ``grader/`` and ``datasets/`` root-only. Either way every process the run
started is killed (:mod:`grader.engine.worker.sweep`: the run is its orphans' subreaper; ``run_autograder``
also gives it a pid namespace of its own where the container allows one) before results.json
is written, fresh, by an atomic rename. Where submitted code could run neither way, nothing
is graded (results.json says why).

Two sides, two modules: ``build`` (the instructor's machine: the zip), ``run`` (inside the
container: harden, grade, results.json) and ``config`` (what both read: ``gradescope.json``, paths).
"""
