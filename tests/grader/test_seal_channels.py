"""No channel between students: two children alive at once (two students graded at the same
time, as in `grade batch --workers 2`, which share one zygote) cannot exchange a byte by any
route a socket, a pipe or shared memory could take."""

from __future__ import annotations

import pytest
from planted import unheld

from grader.engine.worker import workers

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(workers.fork_server(False) is None, reason="the zygote cannot run here"),
]

# The sender offers the answer "4" on every route it can open and keeps them open.
SENDER = unheld(
    """
import ctypes, mmap, os, socket, threading

_held = []
_libc = ctypes.CDLL(None, use_errno=True)
WRITABLE = ("/tmp", "/dev/shm", "/submission", "/opt/torchgrade", "/", os.path.expanduser("~"))

def _serve(server):
    while True:
        connection, _ = server.accept()
        connection.sendall(b"4")
        _held.append(connection)

def _udp(server):
    while True:
        _, peer = server.recvfrom(16)
        server.sendto(b"4", peer)

def _try(opened, name, action):
    try:
        action()
        opened.append(name)
    except (OSError, RuntimeError):  # RuntimeError: no thread starts in a sealed worker
        pass

def offer(x):
    opened = []

    def abstract():
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(b"\\0torchgrade-answers")
        server.listen(8)
        _held.append(server)
        threading.Thread(target=_serve, args=(server,), daemon=True).start()

    def tcp():
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 47321))
        server.listen(8)
        _held.append(server)
        threading.Thread(target=_serve, args=(server,), daemon=True).start()

    def udp():
        server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        server.bind(("127.0.0.1", 47322))
        _held.append(server)
        threading.Thread(target=_udp, args=(server,), daemon=True).start()

    def fifo(folder):
        path = os.path.join(folder, "torchgrade-answers.fifo")
        os.mkfifo(path)
        _held.append(os.open(path, os.O_RDWR))
        os.write(_held[-1], b"4")

    def posix_shm():
        fd = os.open("/dev/shm/torchgrade-answers", os.O_CREAT | os.O_RDWR, 0o666)
        os.write(fd, b"4")

    def sysv_shm():
        ident = _libc.shmget(0x7467, 4096, 0o1666)
        if ident < 0:
            raise OSError(ctypes.get_errno(), "shmget")
        address = _libc.shmat(ident, None, 0)
        if address in (-1, 2**64 - 1, None):
            raise OSError(ctypes.get_errno(), "shmat")
        ctypes.memmove(address, b"4", 1)

    def message_queue():
        fd = _libc.syscall(240, b"torchgrade-answers", os.O_CREAT | os.O_RDWR, 0o666, None)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "mq_open")
        if _libc.syscall(242, fd, b"4", 1, 0, None) != 0:
            raise OSError(ctypes.get_errno(), "mq_timedsend")

    _try(opened, "abstract unix socket", abstract)
    _try(opened, "loopback TCP", tcp)
    _try(opened, "loopback UDP", udp)
    for folder in WRITABLE:
        _try(opened, f"named pipe in {folder}", lambda: fifo(folder))
    _try(opened, "POSIX shm", posix_shm)
    _try(opened, "System V shm", sysv_shm)
    _try(opened, "POSIX message queue", message_queue)
    return opened
"""
)

RECEIVER = unheld(
    """
import ctypes, os, socket

_libc = ctypes.CDLL(None, use_errno=True)
WRITABLE = ("/tmp", "/dev/shm", "/submission", "/opt/torchgrade", "/", os.path.expanduser("~"))

def _stream(family, address):
    with socket.socket(family, socket.SOCK_STREAM) as client:
        client.settimeout(2.0)
        client.connect(address)
        return client.recv(1)

def _udp():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.settimeout(2.0)
        client.sendto(b"?", ("127.0.0.1", 47322))
        return client.recv(1)

def _fifo(folder):
    fd = os.open(os.path.join(folder, "torchgrade-answers.fifo"), os.O_RDONLY | os.O_NONBLOCK)
    return os.read(fd, 1)

def _posix_shm():
    with open("/dev/shm/torchgrade-answers", "rb") as f:
        return f.read(1)

def _sysv_shm():
    ident = _libc.shmget(0x7467, 4096, 0)
    if ident < 0:
        raise OSError(ctypes.get_errno(), "shmget")
    address = _libc.shmat(ident, None, 0o10000)
    if address in (-1, 2**64 - 1, None):
        raise OSError(ctypes.get_errno(), "shmat")
    return ctypes.string_at(address, 1)

def _message_queue():
    fd = _libc.syscall(240, b"torchgrade-answers", os.O_RDONLY | os.O_NONBLOCK, 0, None)
    if fd < 0:
        raise OSError(ctypes.get_errno(), "mq_open")
    buffer = ctypes.create_string_buffer(8192)
    if _libc.syscall(243, fd, buffer, 8192, None, None) < 0:
        raise OSError(ctypes.get_errno(), "mq_timedreceive")
    return buffer.raw[:1]

def receive(x):
    routes = {
        "abstract unix socket": lambda: _stream(socket.AF_UNIX, b"\\0torchgrade-answers"),
        "loopback TCP": lambda: _stream(socket.AF_INET, ("127.0.0.1", 47321)),
        "loopback UDP": _udp,
        "POSIX shm": _posix_shm,
        "System V shm": _sysv_shm,
        "POSIX message queue": _message_queue,
    }
    for folder in WRITABLE:
        routes[f"named pipe in {folder}"] = lambda folder=folder: _fifo(folder)
    got = {}
    for name, route in routes.items():
        try:
            got[name] = route() == b"4"
        except OSError:
            got[name] = False
    return got
"""
)


def probe_call(mod, name, *args):
    return getattr(mod, name)(None, *args)


def test_two_children_alive_at_once_cannot_exchange_a_byte(session_for):
    if not workers.fork_server(False).isolated:
        pytest.skip("no namespace per child here: each grading process gets a zygote of its own instead")
    sender = session_for(SENDER, timeout=10.0)
    receiver = session_for(RECEIVER, timeout=30.0)
    opened = sender.run(probe_call, "offer")
    received = receiver.run(probe_call, "receive")
    assert isinstance(sender.worker, workers.ForkedWorker) and isinstance(
        receiver.worker, workers.ForkedWorker
    )
    assert set(received) >= {"abstract unix socket", "loopback TCP", "loopback UDP", "POSIX message queue"}
    leaks = sorted(name for name, got in received.items() if got)
    assert leaks == [], f"the sender opened {opened}; the receiver got the answer by {leaks}"


# A thread's name (prctl PR_SET_NAME, read in /proc/<pid>/task/*/comm by any process that sees
# the pid) and a process's nice value (read by getpriority on its pid) carried a whole module
# between classmates: the sender names its threads and sets its own priority.
NAMER = unheld(
    """
import ctypes, io, os, threading, time

_libc = ctypes.CDLL(None, use_errno=True)

def _named(name):
    _libc.prctl(15, name, 0, 0, 0)
    time.sleep(3600)

def offer(x):
    try:
        threading.Thread(target=_named, args=(b"tg-answer-4",), daemon=True).start()
    except RuntimeError:  # a sealed worker starts no thread: the main thread's name still is one
        pass
    _libc.prctl(15, b"tg-answer-4", 0, 0, 0)
    os.setpriority(os.PRIO_PROCESS, 0, 7)
    time.sleep(0.2)
    tasks = [e.name for e in os.scandir("/proc/self/task")]
    return sorted(io.open(f"/proc/self/task/{t}/comm").read().strip() for t in tasks)
"""
)

READER = unheld(
    """
import io, os

def _names():
    found = []
    for pid in (p.name for p in os.scandir("/proc") if p.name.isdigit()):
        try:
            tasks = [e.name for e in os.scandir(f"/proc/{pid}/task")]
        except OSError:
            continue
        for task in tasks:
            try:
                with io.open(f"/proc/{pid}/task/{task}/comm") as f:
                    found.append(f.read().strip())
            except OSError:
                pass
    return found

def _niced():
    found = []
    for pid in range(1, 4096):
        try:
            if os.getpriority(os.PRIO_PROCESS, pid) == 7:
                found.append(pid)
        except OSError:
            pass
    return found

def receive(x):
    names = _names()
    return {"seen": len(names), "names": [n for n in names if n.startswith("tg-answer")], "niced": _niced()}
"""
)


def test_a_childs_thread_names_and_priority_reach_no_classmate(session_for):
    if not workers.fork_server(False).isolated:
        pytest.skip("no namespace per child here: each grading process gets a zygote of its own instead")
    sender = session_for(NAMER, timeout=10.0)
    receiver = session_for(READER, timeout=10.0)
    assert "tg-answer-4" in sender.run(probe_call, "offer"), "the sender named its threads"
    got = receiver.run(probe_call, "receive")
    assert got["seen"] > 0, "the receiver reads /proc: its own threads"
    assert got["names"] == [] and got["niced"] == [], f"the receiver found the sender: {got}"
