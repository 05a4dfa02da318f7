"""torchgrade's grader: runs hidden pytest suites against sandboxed submissions.

docs/architecture.md names every module and its layer and draws the trust boundary;
docs/sandbox.md has the threat model.
"""

__version__ = "0.1.0"
