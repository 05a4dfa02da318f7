"""torchgrade's grader: runs hidden pytest suites against sandboxed submissions.

Where things live:
- ``cli``        the ``grade`` command (Click), a thin layer over ``runner``;
- ``runner``     stages a submission and runs the topic suites with pytest;
- ``plugin``     the pytest plugin: fixtures for suites, status of every test;
- ``client``     the trusted side of the probe protocol (starts and talks to workers);
- ``worker``     the untrusted side: imports the submission and runs probes;
- ``sandbox``    bubblewrap command line, rlimits, the no-fork seccomp filter;
- ``channel``    the length-prefixed, nonce-tagged results pipe;
- ``probe_kit``  helpers probes may use inside the worker (op recorder, device rule);
- ``judge``      assertion helpers for suites, with messages that teach;
- ``scoring``    statuses, points and totals;  ``report``  table and JSON output.
"""

__version__ = "0.1.0"
