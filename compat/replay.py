"""Record one code path's HTTP, answer another's from that recording, and say how their requests differ.

Used by ``Experiment(..., replay=True)``: the control's exchanges (what went
on the wire, after the shim translated or rerouted them) are kept in a
:class:`Recording`; the candidate's requests are answered by a
:class:`Replay` of it, never by the network; :func:`request_differences`
then compares what the two sent, request by request in the control's order.

Nothing here keeps a bearer token: a request is stored as its method, URL,
body and the few headers that matter for equivalence, with the
``Authorization`` value reduced to its scheme.
"""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Optional
from urllib.parse import parse_qsl, urlsplit

from .legacy_service import Answer
from .normalise import MISSING, FieldDifference, field_differences, flatten

MAX_EXCHANGES = 256  # per recording: a control that sends more is not replayed
MAX_RECORDED_BYTES = 64 * 1024 * 1024  # answer bodies kept per recording
SHOWN_VALUE = 60  # characters of a value in a difference message
DROPPED_ANSWER_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection",
                                    "keep-alive"})  # the body is kept decoded; the replaying library recomputes these
NO_RECORDING = "x-ionos-migrate-replay"


@dataclass(frozen=True)
class Sent:
    """One request as it went on the wire, stripped of secrets."""

    method: str
    url: str
    headers: dict[str, str]  # only content-type (its media type) and authorization (its scheme)
    body: Optional[bytes]  # None: a streamed body that was not read

    @classmethod
    def of(cls, method: str, url: str, headers: Iterable[tuple[str, str]], body: Optional[bytes]) -> "Sent":
        kept: dict[str, str] = {}
        for name, value in headers:
            name = name.lower()
            if name == "content-type":
                kept[name] = value.split(";", 1)[0].strip().lower()
            elif name == "authorization":
                kept[name] = (value.split(None, 1)[0] + " ***") if value.strip() else ""
        return cls(method.upper(), url, kept, body)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.rstrip("/") or "/"

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"

    @functools.cached_property
    def flat(self) -> dict[str, Any]:
        """Method, path, query, the kept headers and the body, flat and canonical (``300.0`` is ``300``)."""
        out: dict[str, Any] = {"method": self.method, "path": self.path}
        query = sorted(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))
        if query:
            out.update(flatten({"query": dict(query)}))
        for name, value in sorted(self.headers.items()):
            if name != "content-type" or self.body != b"":  # a content type without a body says nothing
                out[f"headers.{name}"] = value
        if self.body is None:
            out["body"] = "<streamed, not read>"
        elif self.body:
            try:
                out.update(flatten({"body": json.loads(self.body)}))
            except (ValueError, UnicodeDecodeError):
                out["body"] = self.body.decode("utf-8", "replace")
        return out


@dataclass
class Exchange:
    sent: Sent
    answer: Answer


class Recording:
    """The control's exchanges, in the order they completed. Thread-safe; closed once the control returns."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.overflowed = False  # too many or too large: the candidate is not replayed
        self._bytes = 0
        self._closed = False
        self._lock = threading.Lock()

    def add(self, sent: Sent, answer: Answer) -> None:
        with self._lock:
            if self._closed or self.overflowed:
                return
            self._bytes += len(answer.body)
            if len(self.exchanges) >= MAX_EXCHANGES or self._bytes > MAX_RECORDED_BYTES:
                self.overflowed = True
                return
            self.exchanges.append(Exchange(sent, answer))

    def close(self) -> None:
        """Exchanges that complete later (a task the control left running) are not the control's answer."""
        with self._lock:
            self._closed = True


class Replay:
    """Answers the candidate's requests from a :class:`Recording`; records what the candidate sent.

    A request gets the answer of the first unused recorded exchange with the same
    method and path, preferring one whose request is equal (concurrent requests
    may complete in another order). One with no such exchange is *extra*: it gets
    an error answer and never leaves the process.
    """

    def __init__(self, recording: Recording):
        self.recording = recording
        self.sent: list[Sent] = []
        self.paired: dict[int, int] = {}  # recorded index -> index in self.sent
        self.extra: list[int] = []  # indexes in self.sent
        self._lock = threading.Lock()

    def answer(self, sent: Sent) -> Answer:
        with self._lock:
            self.sent.append(sent)
            index = self._match(sent)
            if index is None:
                self.extra.append(len(self.sent) - 1)
                return _no_recording(sent)
            self.paired[index] = len(self.sent) - 1
            recorded = self.recording.exchanges[index].answer
            return Answer(recorded.status, dict(recorded.headers), recorded.body)

    def _match(self, sent: Sent) -> Optional[int]:
        same_endpoint = [i for i, exchange in enumerate(self.recording.exchanges)
                         if i not in self.paired and exchange.sent.endpoint == sent.endpoint]
        if not same_endpoint:
            return None
        flat = sent.flat
        equal = [i for i in same_endpoint if self.recording.exchanges[i].sent.flat == flat]
        return (equal or same_endpoint)[0]


def _no_recording(sent: Sent) -> Answer:
    message = f"ionos-migrate replay: the control sent no {sent.endpoint}, so there is no answer to replay"
    body = json.dumps({"error": {"message": message, "type": "replay_error", "code": "no_recorded_answer"}})
    # x-should-retry: the openai SDK would otherwise retry a 5xx, three extra requests for one
    headers = {"content-type": "application/json", NO_RECORDING: "no-recorded-answer", "x-should-retry": "false"}
    return Answer(502, headers, body.encode())


def recorded_answer(status: int, headers: Iterable[tuple[str, str]], body: bytes) -> Answer:
    """An answer as the recording keeps it: decoded body, header names lower-case, no framing headers."""
    kept = {name.lower(): value for name, value in headers if name.lower() not in DROPPED_ANSWER_HEADERS}
    return Answer(status, kept, body)


# --- what differs ------------------------------------------------------------------


def show(value: Any) -> str:
    """A value in a difference message: ``120``, ``'Berlin'``, ``None``, ``<absent>``; long ones cut."""
    if value is MISSING or value == MISSING:
        return MISSING
    if isinstance(value, BaseException):
        text = f"{type(value).__name__}({str(value)!r})"
    else:
        text = repr(value)
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 3] + "..."


def request_differences(replay: Replay) -> list[str]:
    """``request 1 body.max_tokens: 120 != 12``, ``request 2 missing (POST /v1/chat/completions)``,
    ``extra request GET /v1/models``: control's value first, numbered in the control's order."""
    out: list[str] = []
    for number, exchange in enumerate(replay.recording.exchanges, 1):
        index = replay.paired.get(number - 1)
        if index is None:
            out.append(f"request {number} missing ({exchange.sent.endpoint})")
            continue
        differences: list[FieldDifference] = field_differences(exchange.sent.flat, replay.sent[index].flat)
        out += [f"request {number} {d.field}: {show(d.before)} != {show(d.after)}" for d in differences]
    out += [f"extra request {replay.sent[index].endpoint}" for index in replay.extra]
    return out
