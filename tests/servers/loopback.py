"""The lifecycle shared by the local API servers: bind 127.0.0.1 on a free port, serve in a
daemon thread, stop cleanly; usable as a context manager. Each server supplies its handler."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed): connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps test output clean: no access log, and a client that hangs
    up (timeout, cancel, refused answer) is not an error. Without this, socketserver prints a
    traceback from the server thread into whatever test is capturing stderr at that moment."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
        return

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError):
            self.close_connection = True


class LoopbackServer:
    """Base for the fake Slack, Anthropic and Atlassian servers."""

    poll_interval = 0.02

    def __init__(self) -> None:
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The request handler bound to this server instance."""
        raise NotImplementedError

    def start(self) -> Self:
        """Serve on 127.0.0.1 on a free port, in a daemon thread."""
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": self.poll_interval}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        """http://127.0.0.1:PORT"""
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"
