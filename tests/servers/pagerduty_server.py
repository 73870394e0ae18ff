"""A local PagerDuty REST API v2 for tests, driven through the ``pagerduty`` client.

Serves ``GET /incidents/{id}/log_entries`` with PagerDuty's classic pagination (``limit``,
``offset``, ``more``), ``Authorization: Token token=...`` auth (401 otherwise, with PagerDuty's
error body), 404 for an unknown incident, and injected 429s (rate limit) used once each.
``prefix`` serves under a path, as a regional or proxied base URL would.

The client only talks to ``https://`` base URLs, so the server speaks TLS with a certificate
made for 127.0.0.1 when it starts; ``srv.ssl_context`` is what the client is told to trust.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import re
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.servers.loopback import LoopbackServer, QuietHandler


def _self_signed(folder: str) -> tuple[str, str]:
    """(cert path, key path) of a fresh certificate for 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = f"{folder}/cert.pem", f"{folder}/key.pem"
    with open(cert_path, "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class PagerDutyState:
    """Incidents' log entries, the API key and faults."""

    token: str = "u+pdtesttoken0000000"
    prefix: str = ""
    page_size: int = 0  # >0: pages of this size whatever ``limit`` asks
    log_entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rate_limited: int = 0  # the next N requests get 429
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def add_entry(self, incident: str, kind: str, at: str, agent: tuple[str, str] = ("service_reference", "API"),
                  user: str = "", title: str = "High error rate on checkout", channel: dict[str, Any] | None = None) -> None:
        """One log entry of ``incident`` (``kind`` like "trigger", "notify", "acknowledge")."""
        entries = self.log_entries.setdefault(incident, [])
        entry = {
            "id": f"R{len(entries):04d}", "type": f"{kind}_log_entry", "created_at": at,
            "summary": f"{kind.title()} entry", "agent": {"type": agent[0], "summary": agent[1]},
            "channel": channel or {"type": "api"},
            "incident": {"id": incident, "type": "incident_reference", "summary": title,
                         "html_url": f"https://acme.pagerduty.test/incidents/{incident}"},
        }
        if user:
            entry["user"] = {"type": "user_reference", "summary": user}
        entries.append(entry)


class _Handler(QuietHandler):
    state: PagerDutyState

    def _send(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        st = self.state
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        st.requests.append((url.path, query))
        if self.headers.get("Authorization") != f"Token token={st.token}":
            return self._send(401, {"error": {"message": "Authentication required", "code": 2006}})
        if st.rate_limited:
            st.rate_limited -= 1
            return self._send(429, {"error": {"message": "Rate Limit Exceeded", "code": 2020}})
        m = re.fullmatch(re.escape(st.prefix) + r"/incidents/([A-Z0-9]+)/log_entries", url.path)
        if m is None or m.group(1) not in st.log_entries:
            return self._send(404, {"error": {"message": "Not Found", "code": 2100}})
        entries = st.log_entries[m.group(1)]
        limit = st.page_size or int(query.get("limit", 25))
        offset = int(query.get("offset", 0))
        page = entries[offset: offset + limit]
        self._send(200, {"log_entries": page, "limit": limit, "offset": offset, "more": offset + limit < len(entries), "total": None})


class PagerDutyServer(LoopbackServer):
    """Context manager: ``with PagerDutyServer() as srv: srv.url, srv.state``."""

    def __init__(self, state: PagerDutyState | None = None) -> None:
        super().__init__()
        self.state = state or PagerDutyState()

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The request handler bound to this server's state."""
        return type("Handler", (_Handler,), {"state": self.state})

    def start(self) -> PagerDutyServer:
        """Serve HTTPS on 127.0.0.1 on a free port, in a daemon thread."""
        from http.server import ThreadingHTTPServer

        self._tmp = tempfile.TemporaryDirectory()
        cert, key = _self_signed(self._tmp.name)
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(cert, key)
        self.ssl_context = ssl.create_default_context(cafile=cert)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self._httpd.socket = server_ctx.wrap_socket(self._httpd.socket, server_side=True)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": self.poll_interval}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut down and remove the certificate."""
        super().stop()
        self._tmp.cleanup()

    @property
    def url(self) -> str:
        """The REST API base URL (what ``pagerduty.api_url`` is set to)."""
        return self.origin.replace("http://", "https://") + self.state.prefix
