"""One door out of a worker: two workers alive at once share the machine's inodes (the venv,
``/usr``, ``grader/``, bound read-only into every sandbox), and a lock taken on one is seen by
every process that opens it, across every namespace. A classmate who handed in the stubs
scored 113.5/122 from a sender in the same batch through open-file-description locks, and a
hidden probe's source crossed to the public worker of the same task. Here a sender
encodes an answer in OFD locks, POSIX locks and flock on read-only files of the venv, and a
receiver alive at the same time decodes them; the worker's allow-list filter refuses every
lock, as it refuses inotify, fanotify, mincore and the page-cache calls.

Seen failing on the main of 2026-11-24: the receiver decoded the classmate's "4" and the hidden
probe's name (OFD and POSIX locks, flock), and the lone worker took every lock and ran mincore,
preadv2 and fadvise64."""

from __future__ import annotations

import pytest
from planted import unheld

from grader.engine.worker import workers
from grader.sandboxed import seccomp

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(workers.fork_server(False) is None, reason="the zygote cannot run here"),
    pytest.mark.skipif(not seccomp.supported(), reason="no seccomp filter for this machine"),
]

# Both ends open the same read-only files of the interpreter's own library, which every worker
# sees; byte i of the message is a lock on offset 256 i + value (OFD and POSIX), bit j of its
# first byte a shared flock on file j.
COMMON = unheld(
    """
import ctypes, errno, fcntl, os, struct, sys

_held = []
FILES = [m.__file__ for m in (os, struct, __import__("json"), __import__("glob"), __import__("abc"),
                               __import__("enum"), __import__("types"), __import__("string"))]
F_GETLK, F_SETLK, F_OFD_GETLK, F_OFD_SETLK = 5, 6, 36, 37
F_RDLCK, F_WRLCK, F_UNLCK = 0, 1, 2
POSIX_BASE = 1 << 20


def flock_struct(kind, start, length=1):
    return struct.pack("hhqqi4x", kind, 0, start, length, 0)


def read_only(path):
    fd = os.open(path, os.O_RDONLY)
    _held.append(fd)
    return fd


def send(message):
    taken = []
    data = message.encode()[:16]
    for how, command, base in (("OFD", F_OFD_SETLK, 0), ("POSIX", F_SETLK, POSIX_BASE)):
        try:
            fd = read_only(FILES[0])
            for i, value in enumerate(data):
                fcntl.fcntl(fd, command, flock_struct(F_RDLCK, base + 256 * i + value))
            taken.append(how)
        except OSError:
            pass
    try:
        for j, path in enumerate(FILES):
            if data[0] >> j & 1:
                fcntl.flock(read_only(path), fcntl.LOCK_SH)
        taken.append("flock")
    except OSError:
        pass
    return taken


def _locked(fd, command, start):
    answer = fcntl.fcntl(fd, command, flock_struct(F_WRLCK, start, 0))
    kind, _, found, _, _ = struct.unpack("hhqqi4x", answer)
    return None if kind == F_UNLCK else found


def _read_ranges(command, base):
    fd = read_only(FILES[0])
    text, start = bytearray(), base
    while len(text) < 16:
        found = _locked(fd, command, start)
        if found is None or found >= base + 256 * 16:
            break
        text.append((found - base) % 256)
        start = base + 256 * ((found - base) // 256 + 1)
    return bytes(text).decode(errors="replace")


def _read_flocks():
    byte = 0
    for j, path in enumerate(FILES):
        fd = read_only(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
        except BlockingIOError:
            byte |= 1 << j
    return chr(byte) if byte else ""


def receive():
    got = {}
    for how, read in (
        ("OFD", lambda: _read_ranges(F_OFD_GETLK, 0)),
        ("POSIX", lambda: _read_ranges(F_GETLK, POSIX_BASE)),
        ("flock", _read_flocks),
    ):
        try:
            got[how] = read()
        except OSError as exc:
            got[how] = f"refused: {errno.errorcode.get(exc.errno, exc.errno)}"
    return got
"""
)

CLASSMATES = (
    COMMON
    + """
def offer(x):
    return send("4")

def answer(x):
    return receive()
"""
)

# The hidden lane's worker holds the hidden probe's request on its stack: the sender sends its
# name; the public lane's worker, alive at the same time for the same task, reads it back.
HIDDEN_TO_PUBLIC = (
    COMMON
    + """
def offer(x):
    frame = sys._getframe(1)
    while frame is not None:
        request = frame.f_locals.get("request")
        if isinstance(request, dict) and isinstance(request.get("name"), str):
            return send(request["name"])
        frame = frame.f_back
    return []

def answer(x):
    return receive()
"""
)


def probe_call(mod, name):
    return getattr(mod, name)(None)


def probe_hidden_name_for_lock_test(mod):
    return mod.offer(None)


def _leaks(got: dict[str, str]) -> dict[str, str]:
    return {how: text for how, text in got.items() if text and not text.startswith("refused")}


def test_classmates_alive_at_once_pass_nothing_through_locks(session_for):
    if not workers.fork_server(False).isolated:
        pytest.skip("no namespace per child here: each grading process gets a zygote of its own instead")
    sender = session_for(CLASSMATES, timeout=10.0)
    receiver = session_for(CLASSMATES, timeout=10.0)
    taken = sender.run(probe_call, "offer")
    got = receiver.run(probe_call, "answer")
    assert isinstance(sender.worker, workers.ForkedWorker) and isinstance(
        receiver.worker, workers.ForkedWorker
    )
    assert set(got) == {"OFD", "POSIX", "flock"}
    assert _leaks(got) == {}, f"the sender took {taken}; the classmate read {got}"
    assert taken == [], f"the sender's locks were taken: {taken}"


def test_a_hidden_probe_reaches_the_public_worker_through_no_lock(session_for):
    session = session_for(HIDDEN_TO_PUBLIC, timeout=10.0)
    session.hidden = True
    taken = session.run(probe_hidden_name_for_lock_test)
    session.hidden = False
    got = session.run(probe_call, "answer")
    assert _leaks(got) == {}, f"the hidden worker took {taken}; the public worker read {got}"
    assert "probe_hidden" not in repr(got)


# Every route to a mark on a shared inode or the page cache, tried in one worker: each must be
# refused by the filter (its errno), none may succeed.
REFUSALS = unheld(
    """
import ctypes, errno, fcntl, mmap, os, struct, threading

libc = ctypes.CDLL(None, use_errno=True)
NR = {"inotify_init1": 294, "fanotify_init": 300, "mincore": 27, "preadv2": 327, "fadvise64": 221,
      "readahead": 187, "flock": 73, "name_to_handle_at": 303}


def _errno(call):
    try:
        result = call()
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    except RuntimeError as exc:
        return f"RuntimeError: {exc}"
    return f"ran ({result})"


def _raw(name, *args):
    def call():
        result = libc.syscall(NR[name], *args)
        if result < 0:
            raise OSError(ctypes.get_errno(), name)
        return result
    return call


def attempts(x):
    path = os.__file__
    fd = os.open(path, os.O_RDONLY)
    lock = struct.pack("hhqqi4x", 0, 0, 0, 1, 0)
    page = mmap.mmap(fd, 4096, prot=mmap.PROT_READ)
    anonymous = mmap.mmap(-1, 4096)
    address = ctypes.addressof(ctypes.c_char.from_buffer(anonymous))
    vector = ctypes.create_string_buffer(8)
    buffer = ctypes.create_string_buffer(64)
    iovec = struct.pack("QQ", ctypes.addressof(buffer), 64)
    iov = ctypes.create_string_buffer(iovec)
    found = {
        "F_SETLK": _errno(lambda: fcntl.fcntl(fd, 6, lock)),
        "F_SETLKW": _errno(lambda: fcntl.fcntl(fd, 7, lock)),
        "F_GETLK": _errno(lambda: fcntl.fcntl(fd, 5, struct.pack("hhqqi4x", 1, 0, 0, 1, 0))),
        "F_OFD_SETLK": _errno(lambda: fcntl.fcntl(fd, 37, lock)),
        "F_OFD_SETLKW": _errno(lambda: fcntl.fcntl(fd, 38, lock)),
        "F_OFD_GETLK": _errno(lambda: fcntl.fcntl(fd, 36, struct.pack("hhqqi4x", 1, 0, 0, 1, 0))),
        "F_GETLEASE": _errno(lambda: fcntl.fcntl(fd, 1025)),
        "F_SETLEASE": _errno(lambda: fcntl.fcntl(fd, 1024, 0)),
        "F_NOTIFY": _errno(lambda: fcntl.fcntl(fd, 1026, 1)),
        "lockf": _errno(lambda: fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)),
        "flock": _errno(lambda: fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)),
        "inotify_init1": _errno(_raw("inotify_init1", 0)),
        "fanotify_init": _errno(_raw("fanotify_init", 0, 0)),
        "mincore": _errno(_raw("mincore", ctypes.c_void_p(address), 4096, vector)),
        "preadv2 RWF_NOWAIT": _errno(_raw("preadv2", fd, iov, 1, 0, 0, 8)),
        "fadvise64 DONTNEED": _errno(_raw("fadvise64", fd, 0, 0, 4)),
        "readahead": _errno(_raw("readahead", fd, 0, 4096)),
        "madvise PAGEOUT": _errno(lambda: page.madvise(21)),
        "fork": _errno(os.fork),
        "thread": _errno(lambda: threading.Thread(target=print).start()),
    }
    # what a worker needs still works
    found["read"] = _errno(lambda: len(os.pread(fd, 16, 0)))
    found["F_GETFD"] = _errno(lambda: fcntl.fcntl(fd, fcntl.F_GETFD))
    return found
"""
)


def test_locks_notify_mincore_page_cache_processes_and_threads_are_refused(session_for):
    session = session_for(REFUSALS, timeout=10.0)
    found = session.run(probe_call, "attempts")
    ran = {
        name: how for name, how in found.items() if how.startswith("ran") and name not in ("read", "F_GETFD")
    }
    assert ran == {}, f"a worker took a mark another can read: {ran}"
    assert found["read"] == "ran (16)" and found["F_GETFD"].startswith("ran"), found
    assert found["thread"].startswith("RuntimeError"), "no thread starts once the submission runs"
