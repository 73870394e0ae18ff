"""A local GitHub REST API (v3) for tests, driven through PyGithub.

Speaks the parts facilitator uses, the way github.com and GitHub Enterprise Server do: pull
requests, commits, deployments and their statuses, releases and compare, issues (list with
``Link`` pagination, create, edit) and assignee checks. ``enterprise=True`` serves everything
under ``/api/v3`` like an Enterprise server. Faults are injected once each: 401 on a bad token,
404 for anything unknown, 403 with ``X-RateLimit-Remaining: 0`` and ``X-RateLimit-Reset``
(GitHub's primary rate limit), 429 with ``Retry-After`` (its secondary one), or an HTML
sign-in page with status 200 (a proxy in front of an Enterprise server).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from tests.servers.loopback import LoopbackServer, QuietHandler


@dataclass
class GitHubState:
    """What the fake holds: repositories' pulls, commits, deployments, releases, issues; faults."""

    token: str = "ghp_testtoken0000000000000000000000000"
    enterprise: bool = False
    page_size: int = 0  # >0: the server pages lists with this size whatever per_page asks (tests pagination)
    pulls: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    commits: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    deployments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # repo -> deployments
    releases: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    contains: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (repo, tag) -> shas the tag carries
    issues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    assignable: set[str] = field(default_factory=set)
    repos: set[str] = field(default_factory=set)
    # (method, path regex, kind) used once: kind "rate403" | "rate429" | a status code
    faults: list[tuple[str, str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    base_url: str = ""

    def add_pull(self, repo: str, number: int, title: str, merged_at: str | None, merge_sha: str = "",
                 author: str = "dev", merged_by: str = "lead") -> None:
        """A pull request (merged when ``merged_at`` is given)."""
        self.repos.add(repo)
        self.pulls[(repo, number)] = {
            "number": number, "title": title, "state": "closed" if merged_at else "open",
            "user": {"login": author, "id": 1, "type": "User"},
            "merged": bool(merged_at), "merged_at": merged_at, "merge_commit_sha": merge_sha or None,
            "merged_by": {"login": merged_by, "id": 2, "type": "User"} if merged_at else None,
            "html_url": f"https://github.test/{repo}/pull/{number}",
        }

    def add_commit(self, repo: str, sha: str, message: str, date: str, author: str = "dev") -> None:
        """A commit."""
        self.repos.add(repo)
        self.commits[(repo, sha)] = {
            "sha": sha, "html_url": f"https://github.test/{repo}/commit/{sha}",
            "commit": {"message": message, "author": {"name": author, "date": date}, "committer": {"name": author, "date": date}},
            "author": {"login": author, "id": 1, "type": "User"},
        }

    def add_deployment(self, repo: str, sha: str, environment: str, statuses: list[tuple[str, str]]) -> None:
        """A deployment of ``sha`` with (state, created_at) statuses."""
        deps = self.deployments.setdefault(repo, [])
        dep_id = 100 + sum(len(v) for v in self.deployments.values())
        deps.append({"id": dep_id, "sha": sha, "environment": environment, "statuses": [
            {"id": dep_id * 10 + i, "state": state, "created_at": at} for i, (state, at) in enumerate(statuses)
        ]})

    def add_release(self, repo: str, tag: str, published_at: str, shas: set[str]) -> None:
        """A published release whose tag carries ``shas``."""
        self.releases.setdefault(repo, []).insert(0, {"id": len(self.releases.get(repo, [])) + 1, "tag_name": tag,
                                                      "published_at": published_at, "draft": False, "prerelease": False})
        self.contains[(repo, tag)] = set(shas)


def _issue_json(state: GitHubState, repo: str, issue: dict[str, Any]) -> dict[str, Any]:
    api = f"{state.base_url}/repos/{repo}/issues/{issue['number']}"
    return {
        "id": 5000 + issue["number"], "number": issue["number"], "title": issue["title"], "body": issue["body"],
        "state": issue.get("state", "open"), "url": api, "html_url": f"https://github.test/{repo}/issues/{issue['number']}",
        "labels": [{"name": name, "id": i} for i, name in enumerate(issue["labels"])],
        "assignees": [{"login": login, "id": 9, "type": "User"} for login in issue["assignees"]],
        "assignee": {"login": issue["assignees"][0], "id": 9, "type": "User"} if issue["assignees"] else None,
    }


class _Handler(QuietHandler):
    state: GitHubState

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _page(self, items: list[Any], path: str, query: dict[str, str]) -> None:
        size = self.state.page_size or int(query.get("per_page", 30))
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * size: page * size]
        links = []
        last = max(1, -(-len(items) // size))
        origin = f"http://{self.headers.get('Host')}"
        if page < last:
            links.append(f'<{origin}{path}?{urlencode({**query, "page": page + 1})}>; rel="next"')
            links.append(f'<{origin}{path}?{urlencode({**query, "page": last})}>; rel="last"')
        self._send(200, chunk, {"Link": ", ".join(links)} if links else None)

    def _handle(self, method: str) -> None:
        st = self.state
        url = urlparse(self.path)
        path = url.path
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        st.requests.append((method, path, query))
        if st.enterprise:
            if not path.startswith("/api/v3/"):
                return self._send(404, {"message": "Not Found"})
            path = path[len("/api/v3"):]
        auth = self.headers.get("Authorization", "")
        if auth not in (f"token {st.token}", f"Bearer {st.token}"):
            return self._send(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
        for fault in list(st.faults):
            if fault[0] == method and re.search(fault[1], path):
                st.faults.remove(fault)
                if fault[2] == "rate403":
                    reset = str(int(time.time()) + 1)
                    return self._send(403, {"message": "API rate limit exceeded for user ID 1."},
                                      {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
                if fault[2] == "rate403-long":
                    reset = str(int(time.time()) + 3600)
                    return self._send(403, {"message": "API rate limit exceeded for user ID 1."},
                                      {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
                if fault[2] == "html":  # a single-sign-on proxy in front of the API
                    body = b"<!DOCTYPE html><html><body>Sign in</body></html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return None
                if fault[2] == "rate429":
                    return self._send(429, {"message": "You have exceeded a secondary rate limit."}, {"Retry-After": "1"})
                return self._send(int(fault[2]), {"message": f"injected {fault[2]}"})
        try:
            self._route(method, path, query, body)
        except KeyError:
            self._send(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> None:
        st = self.state
        m = re.fullmatch(r"/repos/([\w.-]+/[\w.-]+)(/.*)?", path)
        if m is None:
            raise KeyError(path)
        repo, rest = m.group(1), m.group(2) or ""
        if repo not in st.repos:
            raise KeyError(repo)
        full = ("/api/v3" if st.enterprise else "") + path
        if rest == "" and method == "GET":
            return self._send(200, {"id": 1, "name": repo.split("/")[1], "full_name": repo, "url": f"{st.base_url}/repos/{repo}"})
        if (pm := re.fullmatch(r"/pulls/(\d+)", rest)) and method == "GET":
            return self._send(200, st.pulls[(repo, int(pm.group(1)))])
        if (cm := re.fullmatch(r"/commits/([0-9a-f]{7,40})", rest)) and method == "GET":
            match = [c for (r, sha), c in st.commits.items() if r == repo and sha.startswith(cm.group(1))]
            if not match:
                raise KeyError(cm.group(1))
            return self._send(200, match[0])
        if rest == "/deployments" and method == "GET":
            deps = [d for d in st.deployments.get(repo, []) if not query.get("sha") or d["sha"] == query["sha"]]
            items = [{"id": d["id"], "sha": d["sha"], "environment": d["environment"],
                      "url": f"{st.base_url}/repos/{repo}/deployments/{d['id']}"} for d in deps]
            return self._page(items, full, query)
        if (dm := re.fullmatch(r"/deployments/(\d+)/statuses", rest)) and method == "GET":
            dep = next(d for d in st.deployments.get(repo, []) if d["id"] == int(dm.group(1)))
            return self._page(dep["statuses"], full, query)
        if rest == "/releases" and method == "GET":
            return self._page(st.releases.get(repo, []), full, query)
        if (km := re.fullmatch(r"/compare/([^.]+)\.\.\.(.+)", rest)) and method == "GET":
            base, head = km.group(1), km.group(2)
            carried = st.contains.get((repo, head))
            if carried is None:
                raise KeyError(head)
            status = "ahead" if base in carried else "diverged"
            return self._send(200, {"status": status, "ahead_by": 1, "behind_by": 0 if status == "ahead" else 1,
                                    "total_commits": 1, "commits": [], "files": []})
        if rest == "/issues" and method == "GET":
            wanted = [w for w in query.get("labels", "").split(",") if w]
            items = [_issue_json(st, repo, i) for i in st.issues.get(repo, [])
                     if all(w in i["labels"] for w in wanted) and (query.get("state") == "all" or i.get("state", "open") == query.get("state", "open"))]
            return self._page(items, full, query)
        if rest == "/issues" and method == "POST":
            if not body or not body.get("title"):
                return self._send(422, {"message": "Validation Failed", "errors": [{"field": "title", "code": "missing_field"}]})
            issues = st.issues.setdefault(repo, [])
            issue = {"number": len(issues) + 1, "title": body["title"], "body": body.get("body", ""),
                     "labels": list(body.get("labels", [])), "assignees": list(body.get("assignees", []))}
            issues.append(issue)
            return self._send(201, _issue_json(st, repo, issue))
        if (im := re.fullmatch(r"/issues/(\d+)", rest)) and method in ("GET", "PATCH"):
            issue = next(i for i in st.issues.get(repo, []) if i["number"] == int(im.group(1)))
            if method == "PATCH":
                for key in ("title", "body", "labels", "assignees", "state"):
                    if key in body:
                        issue[key] = body[key]
            return self._send(200, _issue_json(st, repo, issue))
        if (am := re.fullmatch(r"/assignees/([\w-]+)", rest)) and method == "GET":
            return self._send(204, None) if am.group(1) in st.assignable else self._send(404, {"message": "Not Found"})
        raise KeyError(rest)

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PATCH(self) -> None:  # noqa: N802
        self._handle("PATCH")


class GitHubServer(LoopbackServer):
    """Context manager: ``with GitHubServer() as srv: srv.api_url, srv.state``."""

    def __init__(self, state: GitHubState | None = None) -> None:
        super().__init__()
        self.state = state or GitHubState()

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The request handler bound to this server's state."""
        return type("Handler", (_Handler,), {"state": self.state})

    def start(self) -> GitHubServer:
        """Serve, and tell the state its API base URL (issue and deployment URLs are built with it)."""
        super().start()
        self.state.base_url = self.api_url
        return self

    @property
    def api_url(self) -> str:
        """The REST base URL PyGithub is given (``/api/v3`` for Enterprise)."""
        return self.origin + ("/api/v3" if self.state.enterprise else "")
