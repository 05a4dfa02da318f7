"""What an exception raised by submitted code says, as plain data (:func:`describe_exception`),
read by CPython's own getters and written by trusted code; and the worker's own :class:`KnownStall`."""

from __future__ import annotations

import os
import traceback
import types
from pathlib import Path
from typing import Any, cast

from grader.sandboxed import blame

MESSAGE_LIMIT = 600


class KnownStall(Exception):
    """Raised in place of a function that already ran past a deadline in this topic."""

    def __init__(self, qualname: str) -> None:
        super().__init__(qualname)
        self.qualname = qualname


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + " …"


# An exception's parts, read by CPython's own getters: its class may define __str__, args or
# __traceback__ of its own, which would run after the probe (nothing of a submission does).
_ARGS = BaseException.__dict__["args"]
_TRACEBACK = BaseException.__dict__["__traceback__"]
_FLAGS = type.__dict__["__flags__"]
_HEAP_TYPE = 1 << 9  # a class made by a class statement (or PyErr_NewException), not built in
_SHOWN = frozenset(map(id, (str, int, float, bool, type(None))))  # args whose str() is CPython's
_NAME = AttributeError.__dict__["name"]
_OBJ = AttributeError.__dict__["obj"]
_MODULE_DICT: Any = vars(types.ModuleType)["__dict__"]  # a module's own dictionary


def exception_text(exc: BaseException) -> str:
    """What ``str(exc)`` says, written by trusted code: a built-in exception class of plain
    arguments says it as CPython does (KeyError's quotes, OSError's errno); any other reads its
    arguments as BaseException does, each plain one as text and another by its type's name."""
    args = _ARGS.__get__(exc)
    plain = all(id(type(a)) in _SHOWN for a in args)
    if plain and not _FLAGS.__get__(type(exc)) & _HEAP_TYPE:
        return str(exc)
    shown = [str(a) if id(type(a)) in _SHOWN else f"<{blame.name_of(type(a))}>" for a in args]
    return shown[0] if len(shown) == 1 else "" if not shown else "(" + ", ".join(shown) + ")"


def missing_name(exc: BaseException, module: object) -> str:
    """The name a probe asked the submitted ``module`` for and it does not define (a class or
    function the learner deleted), when ``exc`` is exactly that: CPython's own AttributeError on
    the module itself, raised in no frame of the submission (its module ``__getattr__`` raising
    is its own error); "" otherwise. Read by CPython's getters."""
    if type(exc) is not AttributeError or module is None or _OBJ.__get__(exc) is not module:
        return ""
    name = _NAME.__get__(exc)
    if (
        not isinstance(name, str)
        or name in _MODULE_DICT.__get__(module)
        or "__getattr__" in _MODULE_DICT.__get__(module)
    ):
        return ""
    return name


def describe_exception(exc: BaseException, submission_dir: str, module: object = None) -> dict[str, Any]:
    """Plain-data account of an exception, showing only the submission's own frames; with the
    submitted ``module``, the exercise a probe found missing from it (:func:`missing_name`)."""
    kind = type(exc)
    if kind is KnownStall:  # the worker's own, exactly
        return {
            "kind": "known_stall",
            "type": "KnownStall",
            "message": "",
            "where": [],
            "function": cast(KnownStall, exc).qualname,
        }
    tb = _TRACEBACK.__get__(exc)
    frames = traceback.extract_tb(tb)
    # each frame's qualified name (MLP.__init__, train_epoch.<locals>.step): the exercise it is in
    qualnames = [frame.f_code.co_qualname for frame, _ in traceback.walk_tb(tb)]
    own_at = [i for i, f in enumerate(frames) if f.filename.startswith(submission_dir + os.sep)]
    own = [frames[i] for i in own_at]
    last = frames[-1] if frames else None
    raised = last is not None and last in own and (last.line or "").lstrip().startswith("raise")
    raised_by_stub = issubclass(kind, NotImplementedError) and raised
    text = exception_text(exc)
    out_of_memory = issubclass(kind, MemoryError) or (
        issubclass(kind, RuntimeError) and "can't allocate memory" in text
    )
    category = "not_started" if raised_by_stub else "out_of_memory" if out_of_memory else "exception"
    where = blame.frames(own)
    place = blame.syntax_place(exc, submission_dir)
    if place is not None:  # Python's "msg (file, line N)": the place as data, the message alone
        text, where = place.pop("msg"), [*where, place]
    described = {
        "kind": category,
        "type": blame.name_of(kind),
        "message": _short(text),
        "where": where,
        "function": own[-1].name if own else "",
        "file": Path(own[-1].filename).name if own else "",
        "functions": [qualnames[i] for i in own_at],  # where it arose, as names (the verdict's data)
    }
    if category == "exception":
        described.update(blame.blame(exc, submission_dir))
    missing = missing_name(exc, module) if not own else ""
    return described | ({"missing": missing} if missing else {})
