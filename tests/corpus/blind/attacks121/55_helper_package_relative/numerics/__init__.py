from .core import lsm, smx  # noqa: F401
