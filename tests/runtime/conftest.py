"""Real servers on loopback for the runtime tests.

``emulator``: the offline OpenAI-compatible API (+ collections query).
``broken``: a small upstream that misbehaves on demand (it stands in for the
IONOS cloud failing): any status and body, a delay, and a count of hits.
``resetting``: a raw TCP server that reads a request and resets the connection.
``trickling``: a raw TCP server that sends a valid answer a few bytes at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ionos_migrate.compat import shim as shim_module
from ionos_migrate.compat.emulator import create_app as create_emulator
from ionos_migrate.compat.serving import serve_in_thread

LEGACY = "https://inference.de-txl.ionos.com"
OPENAI = "https://openai.inference.de-txl.ionos.com/v1"
TOKEN = "tok-SECRET-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT_MODEL = "b18b18de-92c3-466e-81a8-e5df91890091"  # bundled: meta-llama/Llama-3.3-70B-Instruct
IMAGE_MODEL = "6cbc28c9-217d-421c-85fb-754d79c61423"  # bundled: FLUX.1-schnell


@dataclass
class Behaviour:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hits: int = 0
    seen: list[dict[str, Any]] = field(default_factory=list)  # method, path, headers of each hit


def broken_app(behaviour: Behaviour) -> Starlette:
    async def answer(request: Request) -> Response:
        behaviour.hits += 1
        behaviour.seen.append({"at": time.monotonic(), "method": request.method, "path": request.url.path,
                               "query": request.url.query, "headers": dict(request.headers),
                               "body": await request.body()})
        if behaviour.delay:
            await asyncio.sleep(behaviour.delay)
        return Response(behaviour.body, status_code=behaviour.status, headers=behaviour.headers,
                        media_type="application/json")

    return Starlette(routes=[Route("/{rest:path}", answer, methods=["GET", "POST", "PUT", "DELETE"])])


@pytest.fixture(scope="session")
def _emulator_server() -> Iterator[tuple[Any, str]]:
    app = create_emulator()
    with serve_in_thread(app) as url:
        yield app, url


@pytest.fixture
def emulator_app(_emulator_server: tuple[Any, str]) -> Any:
    """One emulator for the session (starting servers is the slow part); a clean journal per test."""
    app = _emulator_server[0]
    app.state.journal.clear()
    return app


@pytest.fixture
def emulator(_emulator_server: tuple[Any, str], emulator_app: Any) -> str:
    return _emulator_server[1]


@pytest.fixture
def behaviour() -> Behaviour:
    return Behaviour()


@pytest.fixture
def broken(behaviour: Behaviour) -> Iterator[str]:
    with serve_in_thread(broken_app(behaviour)) as url:
        yield url


@dataclass
class Resetting:
    url: str
    hits: int = 0


@contextlib.contextmanager
def raw_server(handle: Callable[[socket.socket, threading.Event], None], *, threaded: bool = False) -> Iterator[str]:
    """A TCP server on loopback that gives each connection to ``handle`` (in its own thread if ``threaded``)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            if threaded:
                threading.Thread(target=handle, args=(conn, stop), daemon=True).start()
            else:
                handle(conn, stop)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


@pytest.fixture
def resetting() -> Iterator[Resetting]:
    """Accepts, reads the request, then closes with SO_LINGER 0: the client sees a reset."""
    state = Resetting("")

    def reset(conn: socket.socket, stop: threading.Event) -> None:
        conn.settimeout(1)
        try:
            if conn.recv(65536):
                state.hits += 1
        except OSError:
            pass
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    with raw_server(reset) as state.url:
        yield state


@pytest.fixture
def free_port_url() -> str:
    """A loopback URL where nothing listens: connection refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def _no_shim_left_behind() -> Iterator[None]:
    yield
    shim_module.uninstall()


CHAT_ANSWER = (b'{"id": "c1", "object": "chat.completion", "created": 1700000000, "model": "m", "choices": '
               b'[{"index": 0, "message": {"role": "assistant", "content": "slow but complete"}, "finish_reason": "stop"}]}')


@dataclass
class Trickling:
    url: str
    seconds: float  # how long the whole answer takes to arrive


@pytest.fixture
def trickling() -> Iterator[Trickling]:
    """An upstream that sends a valid chat answer one small piece every 0.2 s, about 3 s in all:
    never idle long enough for a read timeout, always too slow for a deadline of one second."""
    pieces = [CHAT_ANSWER[i:i + 12] for i in range(0, len(CHAT_ANSWER), 12)]

    def answer(conn: socket.socket, stop: threading.Event) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                             b"Content-Length: " + str(len(CHAT_ANSWER)).encode() + b"\r\n\r\n")
                for piece in pieces:
                    if stop.wait(0.2):
                        return
                    conn.sendall(piece)
            except OSError:  # the client gave up: that is the point
                pass

    with raw_server(answer, threaded=True) as url:
        yield Trickling(url, 0.2 * len(pieces))
