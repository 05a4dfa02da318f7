"""Code that runs inside the sandbox, next to submitted code (untrusted side).

Nothing here may be relied on to judge: whatever runs in a worker can be patched by the
submission. ``zygote`` is the torch-preloaded fork server, ``worker`` the process that
imports a submission and answers probes, ``seccomp`` the system-call filters,
``channel`` the results pipe's framing (shared with the trusted side) and ``probe_kit``
the helpers that probes use.
"""
