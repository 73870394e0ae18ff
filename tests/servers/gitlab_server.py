"""A local GitLab REST API (v4) for tests, driven through python-gitlab.

Serves merge requests, commits and deployments of projects addressed by their URL-encoded path
(``group%2Fapp``), with ``PRIVATE-TOKEN`` auth, ``Link``/``X-Next-Page`` pagination, 401 for a
bad token, 404 for anything unknown, and injected 429s with ``Retry-After`` or 403s. ``prefix``
puts the API under a path, as a self-managed instance behind ``https://host/gitlab`` has it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlparse

from tests.servers.loopback import LoopbackServer, QuietHandler


@dataclass
class GitLabState:
    """Projects' merge requests, commits and deployments; the token; faults."""

    token: str = "glpat-testtoken000000000000"
    prefix: str = ""  # "/gitlab": a self-managed instance under a path
    page_size: int = 0
    merge_requests: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    commits: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    deployments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    faults: list[tuple[str, str, Any]] = field(default_factory=list)  # (method, path regex, "rate429" | status), once
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def add_mr(self, project: str, iid: int, title: str, merged_at: str | None, sha: str = "", author: str = "dev",
               merged_by: str = "lead") -> None:
        """A merge request (merged when ``merged_at`` is given)."""
        self.merge_requests[(project, iid)] = {
            "id": 9000 + iid, "iid": iid, "project_id": 7, "title": title, "state": "merged" if merged_at else "opened",
            "author": {"username": author}, "merge_user": {"username": merged_by} if merged_at else None,
            "merged_at": merged_at, "merge_commit_sha": sha or None, "squash_commit_sha": None, "sha": "feedface",
            "web_url": f"https://gitlab.test/{project}/-/merge_requests/{iid}",
        }

    def add_deployment(self, project: str, sha: str, environment: str, updated_at: str, status: str = "success") -> None:
        """A deployment of ``sha``."""
        deps = self.deployments.setdefault(project, [])
        deps.append({"id": 300 + len(deps), "iid": len(deps) + 1, "sha": sha, "status": status, "ref": "main",
                     "created_at": updated_at, "updated_at": updated_at, "environment": {"id": 1, "name": environment}})


class _Handler(QuietHandler):
    state: GitLabState

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _page(self, items: list[Any], raw_path: str, query: dict[str, str]) -> None:
        size = self.state.page_size or int(query.get("per_page", 20))
        page = int(query.get("page", 1))
        total_pages = max(1, -(-len(items) // size))
        headers = {"X-Page": str(page), "X-Per-Page": str(size), "X-Total": str(len(items)), "X-Total-Pages": str(total_pages)}
        if page < total_pages:
            nxt = f"http://{self.headers.get('Host')}{raw_path}?{urlencode({**query, 'page': page + 1})}"
            headers["Link"] = f'<{nxt}>; rel="next"'
            headers["X-Next-Page"] = str(page + 1)
        self._send(200, items[(page - 1) * size: page * size], headers)

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        st = self.state
        url = urlparse(self.path)
        raw_path = url.path
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        st.requests.append(("GET", raw_path, query))
        base = f"{st.prefix}/api/v4/"
        if not raw_path.startswith(base):
            return self._send(404, {"message": "404 Not Found"})
        if self.headers.get("PRIVATE-TOKEN") != st.token:
            return self._send(401, {"message": "401 Unauthorized"})
        rest = raw_path[len(base):]
        for fault in list(st.faults):
            if re.search(fault[1], rest):
                st.faults.remove(fault)
                if fault[2] == "rate429":
                    return self._send(429, {"message": "Retry later"}, {"Retry-After": "1", "RateLimit-Remaining": "0"})
                return self._send(int(fault[2]), {"message": f"{fault[2]} injected"})
        m = re.fullmatch(r"projects/([^/]+)/(merge_requests/(\d+)|repository/commits/([0-9a-f]+)|deployments)", rest)
        if m is None:
            return self._send(404, {"message": "404 Not Found"})
        project = unquote(m.group(1))
        if m.group(3):
            mr = st.merge_requests.get((project, int(m.group(3))))
            return self._send(200, mr) if mr else self._send(404, {"message": "404 Not found"})
        if m.group(4):
            commit = next((c for (p, sha), c in st.commits.items() if p == project and sha.startswith(m.group(4))), None)
            return self._send(200, commit) if commit else self._send(404, {"message": "404 Commit Not Found"})
        if project not in st.deployments and not any(p == project for p, _ in st.merge_requests):
            return self._send(404, {"message": "404 Project Not Found"})
        deps = [d for d in st.deployments.get(project, []) if d["status"] == query.get("status", d["status"])
                and (not query.get("updated_after") or d["updated_at"] >= query["updated_after"][:19])]
        deps.sort(key=lambda d: d["updated_at"], reverse=query.get("sort") == "desc")
        return self._page(deps, raw_path, query)


class GitLabServer(LoopbackServer):
    """Context manager: ``with GitLabServer() as srv: srv.url, srv.state``."""

    def __init__(self, state: GitLabState | None = None) -> None:
        super().__init__()
        self.state = state or GitLabState()

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The request handler bound to this server's state."""
        return type("Handler", (_Handler,), {"state": self.state})

    @property
    def url(self) -> str:
        """The instance's base URL (what ``gitlab.url`` is set to)."""
        return self.origin + self.state.prefix
