"""Loopback HTTP servers that speak the providers' wire formats, for the real SDK clients.

Each test queues *replies* (status, headers, SSE events, pauses, a dropped connection);
the server answers requests in order and records what it was sent. Only 127.0.0.1; the
server thread stops itself after a bounded time and at teardown.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY = "sk-test-SECRETKEY-0123456789abcdef"
SERVER_LIFETIME = 60.0


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)  # raw SSE frames, or a JSON body
    body: Any = None  # a JSON body (non-streaming)
    pause_before: float = 0.0
    pause_after: int | None = None  # pause (until released) after this many events
    drop_after: int | None = None  # close the socket after this many events


class Loopback(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()
        self.paused = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def reply(self, *replies: Reply) -> None:
        self.replies.extend(replies)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server: Loopback

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append(
            {"path": self.path, "body": body, "headers": dict(self.headers)}
        )
        reply = self.server.replies.pop(0) if self.server.replies else Reply(status=500)
        if reply.pause_before:
            self.server.release.wait(reply.pause_before)
        self.send_response(reply.status)
        streaming = bool(reply.events)
        content_type = "text/event-stream" if streaming else "application/json"
        self.send_header("content-type", content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            if not streaming:
                self.wfile.write(json.dumps(reply.body or {}).encode())
                return
            for index, frame in enumerate(reply.events):
                if reply.drop_after is not None and index == reply.drop_after:
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if reply.pause_after is not None and index == reply.pause_after:
                    self.server.paused.set()
                    self.server.release.wait(10)
                    return
                self.wfile.write(frame.encode())
                self.wfile.flush()
        except OSError:
            pass


# -- wire formats --------------------------------------------------------------------


def sse(data: Any, event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data) if not isinstance(data, str) else data}\n\n"


def openai_events(
    tokens: list[str],
    *,
    prompt: int = 120,
    cached: int = 0,
    completion: int = 7,
    usage: bool = True,
) -> list[str]:
    base = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o"}
    frames = [
        sse({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]})
    ]
    for token in tokens:
        frames.append(sse({**base, "choices": [{"index": 0, "delta": {"content": token}}]}))
    frames.append(sse({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
    if usage:
        frames.append(
            sse(
                {
                    **base,
                    "choices": [],
                    "usage": {
                        "prompt_tokens": prompt,
                        "completion_tokens": completion,
                        "total_tokens": prompt + completion,
                        "prompt_tokens_details": {"cached_tokens": cached},
                    },
                }
            )
        )
    frames.append("data: [DONE]\n\n")
    return frames


def anthropic_events(
    tokens: list[str],
    *,
    input_tokens: int = 50,
    cache_write: int = 0,
    cache_read: int = 0,
    output: int = 9,
) -> list[str]:
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "cache_creation_input_tokens": cache_write,
                "cache_read_input_tokens": cache_read,
                "output_tokens": 1,
            },
        },
    }
    frames = [
        sse(start, "message_start"),
        sse(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
            "content_block_start",
        ),
        sse({"type": "ping"}, "ping"),
    ]
    for token in tokens:
        frames.append(
            sse(
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": token},
                },
                "content_block_delta",
            )
        )
    frames += [
        sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
        sse(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": output},
            },
            "message_delta",
        ),
        sse({"type": "message_stop"}, "message_stop"),
    ]
    return frames


@contextmanager
def serving() -> Iterator[Loopback]:
    """A loopback server on a thread for the duration of the block (stops itself late)."""
    loopback = Loopback()
    thread = threading.Thread(target=loopback.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    stopper = threading.Timer(SERVER_LIFETIME, loopback.shutdown)
    stopper.start()
    try:
        yield loopback
    finally:
        loopback.release.set()
        stopper.cancel()
        loopback.shutdown()
        loopback.server_close()
        thread.join(5)
