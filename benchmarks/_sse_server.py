"""A loopback OpenAI chat-completions server that streams SSE as fast as it can.

    python benchmarks/_sse_server.py            # prints "PORT\\n", serves until stdin closes

Run as its own process (:class:`SSEServer` starts one) so that serving never competes
with the measured client for the GIL. Only 127.0.0.1; HTTP/1.1 with keep-alive and
chunked transfer encoding (one HTTP chunk per SSE event), ``TCP_NODELAY``, so a client's
pooled connection is reused from one call to the next as with a real provider.

What to stream is in the path, before the API's own ``/v1`` (the benchmark puts it in the
client's ``base_url``)::

    /n{CHUNKS}/gap{MICROSECONDS}/stamp{0|1}[/para{WORDS}]/v1/chat/completions

* ``n`` content chunks after the role chunk, then the finish chunk, the usage chunk
  (``stream_options.include_usage``: ``choices: []``) and ``data: [DONE]``;
* ``gap0``: the whole response (status line, headers, every event) in one ``sendall``,
  encoded once per shape and cached — as fast as the loopback can carry it; ``gap{µs}``:
  each event written on its own, then a sleep of that long;
* ``stamp1``: each content chunk's text is the server's ``time.monotonic()`` at the
  moment it is written (shared by every process on the machine), so a client can tell how
  long a chunk took to reach its reader; ``stamp0``: short words, like prose;
* ``para{k}`` (optional, with ``stamp0``): every k-th word starts a new paragraph (its
  chunk begins with a blank line), as a model writing prose does; without it the words
  run on as one paragraph.

The process exits when its stdin closes (the benchmark went away) or after ``--lifetime``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

PATH = re.compile(r"^/n(\d+)/gap(\d+)/stamp([01])(?:/para(\d+))?/v1/chat/completions$")
PROSE = "It was nearly ten and the street below shone with rain she had said eight"
WORDS = PROSE.split()
BASE: dict[str, Any] = {
    "id": "chatcmpl-bench",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "gpt-4o",
}
PROMPT_TOKENS = 120


def event(data: Any) -> bytes:
    """One SSE event framed as one HTTP chunk."""
    payload = b"data: " + (data if isinstance(data, bytes) else json.dumps(data).encode())
    payload += b"\n\n"
    return b"%x\r\n%s\r\n" % (len(payload), payload)


def word(index: int, paragraph: int) -> str:
    """The ``index``-th word of the prose, a blank line before it every ``paragraph``."""
    text = WORDS[index % len(WORDS)]
    return f"\n\n{text}" if paragraph and index and index % paragraph == 0 else f" {text}"


def content(text: str) -> bytes:
    return event({**BASE, "choices": [{"index": 0, "delta": {"content": text}}]})


def head(status: str = "200 OK") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\n"
        "content-type: text/event-stream\r\n"
        "transfer-encoding: chunked\r\n"
        "connection: keep-alive\r\n"
        "\r\n"
    ).encode()


def opening() -> bytes:
    return event({**BASE, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]})


def closing(chunks: int) -> bytes:
    usage = {
        "prompt_tokens": PROMPT_TOKENS,
        "completion_tokens": chunks,
        "total_tokens": PROMPT_TOKENS + chunks,
        "prompt_tokens_details": {"cached_tokens": 0},
    }
    return (
        event({**BASE, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        + event({**BASE, "choices": [], "usage": usage})
        + event(b"[DONE]")
        + b"0\r\n\r\n"
    )


@functools.lru_cache(maxsize=16)
def whole_response(chunks: int, paragraph: int = 0) -> bytes:
    """Everything a ``gap0/stamp0`` call sends, in one buffer."""
    words = [content(word(i, paragraph)) for i in range(chunks)]
    return head() + opening() + b"".join(words) + closing(chunks)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        # A client that stops reading (a stopped stream) closes the socket: nothing to say.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._respond()

    def _respond(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        match = PATH.match(self.path)
        if match is None:
            body = json.dumps({"error": {"message": f"no route {self.path}"}}).encode()
            self.wfile.write(
                b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\n\r\n%s" % (len(body), body)
            )
            return
        chunks, gap_us, stamp = int(match[1]), int(match[2]), match[3] == "1"
        paragraph = int(match[4] or 0)
        if not gap_us and not stamp:
            self.wfile.write(whole_response(chunks, paragraph))
            return
        gap = gap_us / 1e6
        self.wfile.write(head() + opening())
        for index in range(chunks):
            text = f"{time.monotonic():.7f}" if stamp else word(index, paragraph)
            self.wfile.write(content(text))
            if gap:
                time.sleep(gap)
        self.wfile.write(closing(chunks))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(lifetime: float) -> None:
    server = Server(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    done = threading.Event()

    def watch_stdin() -> None:
        sys.stdin.buffer.read()  # returns at EOF: the benchmark closed the pipe or died
        done.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    done.wait(lifetime)
    server.shutdown()
    os._exit(0)


class SSEServer:
    """This server in a child process, for a ``with`` block; :meth:`url` is a ``base_url``."""

    def __init__(self, lifetime: float = 900.0) -> None:
        self.lifetime = lifetime
        self.port = 0
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> SSEServer:
        self._process = subprocess.Popen(
            [sys.executable, __file__, "--lifetime", str(self.lifetime)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.port = int(self._process.stdout.readline())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()  # the child exits at EOF
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def url(self, chunks: int, gap_us: int = 0, *, stamp: bool = False, paragraph: int = 0) -> str:
        """The ``base_url`` of a stream of ``chunks`` content chunks (see the module doc)."""
        shape = f"n{chunks}/gap{gap_us}/stamp{int(stamp)}"
        if paragraph:
            shape += f"/para{paragraph}"
        return f"http://127.0.0.1:{self.port}/{shape}/v1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifetime", type=float, default=900.0, help="seconds at most")
    serve(parser.parse_args().lifetime)


if __name__ == "__main__":
    main()
