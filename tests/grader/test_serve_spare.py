"""The warm engine's spare child (grader/serve.py): forked between requests, it becomes the next
request's child when handed the request and the client's descriptors; one that ended is never
handed one, and the engine's end takes the spare with it. The workers and the grading itself
are stubbed here (test_daemon and test_zygote grade through the real ones)."""

from __future__ import annotations

import json
import os
import select
import socket

import pytest

from grader import serve
from grader.engine.worker import workers

pytestmark = pytest.mark.unit


@pytest.fixture
def engine(monkeypatch):
    """A Server with no zygote, whose request child reports what it was handed on a pipe."""
    for name in ("keep_workers_ahead", "adopt_ahead", "hand_over_ahead"):
        monkeypatch.setattr(workers, name, lambda: None)
    monkeypatch.setattr(workers, "keep_one_ahead", lambda limits, gpu: None)
    monkeypatch.setattr(serve, "_files", lambda: ())
    read_end, write_end = os.pipe()

    def child(request: dict, fds: list[int], conn: socket.socket) -> None:
        said = {"pid": os.getpid(), "request": request, "fds": len(fds), "peer": conn.recv(5).decode()}
        os.write(write_end, json.dumps(said).encode())
        os._exit(0)

    monkeypatch.setattr(serve, "_child", child)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(f"\0torchgrade-spare-test-{os.getpid()}")  # abstract: no file; nobody connects
    listener.listen()
    server = serve.Server(listener, "key", 0.05, False, [])
    yield server, read_end
    server.drop_spare()
    for pidfd, (pid, conn) in server.children.items():
        os.waitpid(pid, 0)
        os.close(pidfd)
        conn.close()
    os.close(read_end)
    os.close(write_end)
    listener.close()


def _request(server: serve.Server) -> socket.socket:
    """A client's request started on ``server``; the client's end of its socket."""
    client, conn = socket.socketpair()
    client.sendall(b"hello")
    fds = [os.open(os.devnull, os.O_RDWR) for _ in range(3)]
    server.start(conn, {"args": ["solutions/tensors.py"], "cwd": "/", "env": {}}, fds)
    return client


def test_a_request_is_run_by_the_child_forked_before_it(engine):
    server, said = engine
    spare = server.spare
    assert spare is not None, "a spare child waits from the engine's start"
    client = _request(server)
    seen = json.loads(os.read(said, 65536))
    assert seen == {
        "pid": spare[0],
        "request": {"args": ["solutions/tensors.py"], "cwd": "/", "env": {}},
        "fds": 3,
        "peer": "hello",
    }
    assert server.spare is None, "handed once"
    server.reap(next(iter(server.children)))
    assert json.loads(client.recv(100)) == {"status": 0}
    assert server.spare is not None and server.spare[0] != spare[0], "the next request's spare, forked"


def test_a_spare_that_ended_is_not_handed_the_request(engine):
    server, said = engine
    assert server.spare is not None
    gone, pidfd, _ = server.spare
    os.kill(gone, 9)
    assert select.select([pidfd], [], [], 10.0)[0], "ended before the request comes"
    _request(server)
    seen = json.loads(os.read(said, 65536))
    assert seen["pid"] != gone and seen["peer"] == "hello", "a child forked at once ran it"
    with pytest.raises(ChildProcessError):
        os.waitpid(gone, os.WNOHANG)  # reaped by the engine


def test_the_engine_ends_with_its_spare(engine):
    server, _ = engine
    assert server.spare is not None
    spare = server.spare[0]
    server.run()  # idle at once: no request came
    assert server.spare is None
    with pytest.raises(ChildProcessError):
        os.waitpid(spare, os.WNOHANG)


def test_a_new_engine_serves_the_command_that_started_it_before_its_warm_up(engine):
    """The command that started the engine polls for its socket (every 50 ms): it connects just after
    the bind, and was made to wait for a warm-up step taken in between (the first, ~1.3 s at load 7)."""
    import threading
    import time

    server, _ = engine
    order: list[str] = []
    server.steps = [lambda: order.append("a step of the warm-up")]
    server.greeting = time.monotonic() + serve.defaults.FIRST_REQUEST_SECONDS  # as bound just now

    def accept() -> None:
        order.append("the request")
        server.listener.accept()[0].close()
        server.stopping = True

    server.accept = accept  # type: ignore[method-assign]
    address = server.listener.getsockname()
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    threading.Timer(0.05, lambda: client.connect(address)).start()
    server.serve_requests()
    client.close()
    assert order == ["the request"], order
