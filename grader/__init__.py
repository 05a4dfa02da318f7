"""torchgrade's grader: runs hidden pytest suites against sandboxed submissions.

Where things live:
- ``cli``        the ``grade`` command (Click), a thin layer over ``runner``;
- ``runner``     stages a submission and runs the topic suites with pytest;
- ``plugin``     the pytest plugin: fixtures for suites, status of every test;
- ``client``     the trusted side of the probe protocol (starts and talks to workers);
- ``sandboxed``  what runs inside the sandbox: zygote, worker, seccomp, channel, probe_kit;
- ``workers``    how the trusted side gets a worker (forked from the zygote, or fresh);
- ``pool``       grading processes forked after the imports, one task at a time each;
- ``sandbox``    bubblewrap command lines (a fresh worker's, the zygote's);
- ``judge``      assertion helpers for suites, with messages that teach;
- ``scoring``    statuses, points and totals;  ``report``  table and JSON output;
- ``batch``      ``grade batch``: intake, the run, the SQLite gradebook, exports.

docs/architecture.md names every module and draws the trust boundary; docs/sandbox.md has the threat model.
"""

__version__ = "0.1.0"
