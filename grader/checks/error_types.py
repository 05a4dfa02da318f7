"""The exception types whose names may name a cause ("error:RuntimeError", grader/checks/
exercises.py ``error_cause``): Python's builtins' and torch's. A cause is the grader's word, read
by the instructor and the key a group note is stored under: a type the submission defined
(``class AliceSmith(Exception)``) names no group; it is "error:other"."""

from __future__ import annotations

import builtins

# torch's own exception types a graded function can raise, each with the module that defines it
# (tests/grader/test_causes.py finds each there); torch's C++ errors arrive as builtins' types.
TORCH_TYPES = {
    "OutOfMemoryError": "torch",
    "AcceleratorError": "torch",
    "_LinAlgError": "torch._C",  # torch.linalg.LinAlgError's own name
    "GradcheckError": "torch.autograd.gradcheck",
    "CheckpointError": "torch.utils.checkpoint",
    "CudaError": "torch.cuda",
    "DeferredCudaCallError": "torch.cuda",
}
BUILTIN_TYPES = frozenset(  # by their own names (IOError is OSError's alias: a worker says OSError)
    value.__name__
    for value in vars(builtins).values()
    if isinstance(value, type) and issubclass(value, BaseException)
)
EXCEPTION_TYPES = BUILTIN_TYPES | frozenset(TORCH_TYPES)
OTHER = "other"  # the cause's kind for any other type
