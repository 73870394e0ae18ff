"""A local Confluence + Jira REST server for tests, driven through the real atlassian-python-api.

It speaks the v1 Confluence endpoints the ``Confluence(url, cloud=False)`` client calls
(content by space+title, content by id with ``expand``, history, child pages, create, update
with optimistic versioning and 409 on a stale version, content properties (get, create,
versioned update), CQL ``/rest/api/search``, attachments:
list with ``filename`` and paging, multipart upload with the ``X-Atlassian-Token: no-check``
XSRF header, 400 for a second attachment of the same name, a new version through
``/child/attachment/{id}/data``, and 415 for a file PUT to ``/content/{id}``; page labels,
read and added, one object or a list) and the Jira
v2 endpoints (create issue, JQL search, issue get, user search). It checks Basic (Cloud
email + API token) or Bearer (Data Center PAT) auth with 401, can refuse writes with 403,
answers 404 for unknown content, and can inject failures (5xx, a concurrent edit) once.
It can also stand in for a single sign-on proxy: ``login_page`` answers every request with an
HTML login page and status 200, and ``odd_answers`` sends any body once (an empty 200, a JSON
list where a page was expected).
Every request is recorded for assertions. Bound to 127.0.0.1 on a free port.
"""

from __future__ import annotations

import base64
import json
from email.parser import BytesParser
from email.policy import default as email_default
import re
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.servers.loopback import LoopbackServer, QuietHandler


LOGIN_PAGE = "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action='/sso/login'></form></body></html>"


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class AtlassianState:
    """What the fake holds: pages, issues, users, credentials and injected faults."""

    space: str = "OPS"
    basic: tuple[str, str] | None = ("pm@acme.test", "api-token-123")
    bearer: str | None = None
    read_only: bool = False  # 403 on every write
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    faults: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path regex, status), used once
    concurrent_edits: int = 0  # PUTs that first see someone else save a new version (-> 409)
    delays: list[tuple[str, float]] = field(default_factory=list)  # (path regex, seconds): a slow server
    login_page: bool = False  # every request gets a 200 HTML sign-in page (an SSO proxy in front)
    # (method, path regex, status, content type, body[, headers]), each used once, before routing
    odd_answers: list[tuple[Any, ...]] = field(default_factory=list)
    next_id: int = 1000
    base_url: str = ""
    # page id -> attachments: {"id", "title", "mediaType", "comment", "versions": [bytes, ...]}
    attachments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add_page(self, title: str, parent_id: str | None = None, body: str = "") -> str:
        """Create a page directly (fixtures); returns its id."""
        self.next_id += 1
        page_id = str(self.next_id)
        ancestors = []
        if parent_id:
            parent = self.pages[parent_id]
            ancestors = [*parent["ancestors"], {"id": parent_id, "type": "page", "title": parent["title"]}]
        self.pages[page_id] = {
            "id": page_id, "type": "page", "status": "current", "title": title, "body": body,
            "version": 1, "ancestors": ancestors, "space": self.space,
        }
        return page_id

    def children(self, page_id: str) -> list[dict[str, Any]]:
        """Direct child pages of ``page_id``."""
        return [p for p in self.pages.values() if p["ancestors"] and p["ancestors"][-1]["id"] == page_id]

    def attachment(self, page_id: str, title: str) -> dict[str, Any] | None:
        """The attachment of ``page_id`` named ``title`` (None when there is none)."""
        return next((a for a in self.attachments.get(page_id, []) if a["title"] == title), None)

    def writes(self) -> list[Recorded]:
        """Recorded POST/PUT requests."""
        return [r for r in self.requests if r.method in ("POST", "PUT")]


def _attachment_json(state: AtlassianState, page_id: str, att: dict[str, Any]) -> dict[str, Any]:
    version = len(att["versions"])
    return {
        "id": att["id"], "type": "attachment", "status": "current", "title": att["title"],
        "version": {"number": version, "message": att["comment"]},
        "metadata": {"mediaType": att["mediaType"], "comment": att["comment"]},
        "extensions": {"mediaType": att["mediaType"], "fileSize": len(att["versions"][-1]), "comment": att["comment"]},
        "container": {"id": page_id, "type": "page"},
        "_links": {"download": f"/download/attachments/{page_id}/{att['title']}?version={version}&api=v2",
                   "webui": f"/pages/viewpageattachments.action?pageId={page_id}", "self": f"{state.base_url}/rest/api/content/{att['id']}"},
    }


def parse_multipart(content_type: str, raw: bytes) -> dict[str, Any]:
    """A multipart/form-data body as {field: text} plus {"file": (filename, content type, bytes)}."""
    message = BytesParser(policy=email_default).parsebytes(
        f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode() + raw)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            fields[name] = (filename, part.get_content_type(), payload)
        else:
            fields[name] = payload.decode("utf-8", "replace")
    return fields


def _page_json(state: AtlassianState, page: dict[str, Any], expand: str = "") -> dict[str, Any]:
    data = {
        "id": page["id"], "type": page["type"], "status": page["status"], "title": page["title"],
        "space": {"key": page["space"]},
        "version": {"number": page["version"]},
        "ancestors": page["ancestors"],
        "_links": {"base": state.base_url, "webui": f"/spaces/{page['space']}/pages/{page['id']}", "tinyui": f"/x/{page['id']}"},
    }
    if "body" in expand:
        data["body"] = {"storage": {"value": page["body"], "representation": "storage"}}
    return data


class _Handler(QuietHandler):
    state: AtlassianState  # set on the subclass per server



    def _send(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_raw(self, status: int, content_type: str, text: str, headers: dict[str, str] | None = None) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        st = self.state
        if st.bearer and header == f"Bearer {st.bearer}":
            return True
        if st.basic and header.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return False
            return (user, password) == st.basic
        return False

    def _handle(self, method: str) -> None:
        url = urlparse(self.path)
        path = re.sub(r"^/wiki", "", url.path).rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            body = parse_multipart(ctype, raw)
        else:
            body = json.loads(raw) if raw else None
        st = self.state
        st.requests.append(Recorded(method, path, query, body))
        for pattern, seconds in st.delays:
            if re.search(pattern, path):
                time.sleep(seconds)
        if st.login_page:
            return self._send_raw(200, "text/html; charset=utf-8", LOGIN_PAGE)
        if not self._authorised():
            self.send_response(401)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        for fault in list(st.faults):
            if fault[0] == method and re.search(fault[1], path):
                st.faults.remove(fault)
                return self._send(fault[2], {"message": f"injected {fault[2]}"})
        for odd in list(st.odd_answers):
            if odd[0] == method and re.search(odd[1], path):
                st.odd_answers.remove(odd)
                return self._send_raw(odd[2], odd[3], odd[4], odd[5] if len(odd) > 5 else None)
        if method in ("POST", "PUT") and st.read_only:
            return self._send(403, {"message": "You do not have permission to do that"})
        try:
            status, payload = self._route(method, path, query, body)
        except KeyError:
            status, payload = 404, {"message": "No content found"}
        self._send(status, payload)

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        st = self.state
        if path.startswith("/rest/api/2/"):
            return self._jira(method, path[len("/rest/api/2/"):], query, body)
        prop = re.fullmatch(r"/rest/api/content/(\d+)/property(?:/([\w.-]+))?", path)
        if prop:
            return self._property(method, st.pages[prop.group(1)], prop.group(2), body)
        lab = re.fullmatch(r"/rest/api/content/(\d+)/label", path)
        if lab:
            page = st.pages[lab.group(1)]
            labels = page.setdefault("labels", [])
            if method == "POST":  # one label object or a list of them, as Confluence accepts
                for item in body if isinstance(body, list) else [body]:
                    name = str(item.get("name", "")).strip().lower()
                    if not name or " " in name:
                        return 400, {"message": f"Invalid label name '{name}'"}
                    if name not in labels:
                        labels.append(name)
            elif method != "GET":
                raise KeyError(path)
            results = [{"prefix": "global", "name": n, "id": str(abs(hash(n)) % 10**6), "label": n} for n in labels]
            return 200, {"results": results, "start": 0, "limit": 200, "size": len(results)}
        att = re.fullmatch(r"/rest/api/content/(\d+)/child/attachment(?:/(\w+)/data)?", path)
        if att:
            return self._attachments(method, att.group(1), att.group(2), query, body)
        if method == "PUT" and isinstance(body, dict) and "file" in body:
            # Confluence updates attachment data only through POST .../child/attachment/{id}/data;
            # PUT /rest/api/content/{id} takes JSON metadata and refuses a file upload.
            return 415, {"message": "Unsupported Media Type: PUT content expects application/json"}
        m = re.fullmatch(r"/rest/api/content(?:/(\d+))?(/history|/child/page)?", path)
        if m and method == "GET" and not m.group(1):
            pages = [p for p in st.pages.values() if p["space"] == query.get("spaceKey") and p["title"] == query.get("title")]
            results = [_page_json(st, p, query.get("expand", "")) for p in pages]
            return 200, {"results": results, "size": len(results), "_links": {}}
        if m and method == "GET":
            page = st.pages[m.group(1)]
            if m.group(2) == "/history":
                return 200, {"latest": True, "lastUpdated": {"number": page["version"]}}
            if m.group(2) == "/child/page":
                results = [_page_json(st, p) for p in st.children(page["id"])]
                return 200, {"results": results, "size": len(results), "_links": {}}
            return 200, _page_json(st, page, query.get("expand", ""))
        if m and method == "POST" and not m.group(1):
            parent_id = (body.get("ancestors") or [{}])[0].get("id")
            if parent_id and parent_id not in st.pages:
                return 404, {"message": f"Parent page {parent_id} not found"}
            if body["space"]["key"] != st.space:
                return 404, {"message": "No space with key"}
            if any(p["title"] == body["title"] and p["space"] == st.space for p in st.pages.values()):
                return 400, {"message": "A page with this title already exists"}
            page_id = st.add_page(body["title"], parent_id, body["body"]["storage"]["value"])
            return 200, _page_json(st, st.pages[page_id], "body")
        if m and method == "PUT" and m.group(1):
            page = st.pages[m.group(1)]
            if st.concurrent_edits:
                st.concurrent_edits -= 1
                page["version"] += 1  # someone else saved in between
            wanted = body["version"]["number"]
            if wanted != page["version"] + 1:
                return 409, {"message": f"Version must be incremented when updating a page. Current Version is: {page['version']}"}
            page.update(title=body["title"], version=wanted, body=body["body"]["storage"]["value"])
            return 200, _page_json(st, page, "body")
        if path == "/rest/api/search" and method == "GET":
            return 200, self._cql(query.get("cql", ""), int(query.get("limit", 25)), int(query.get("start", 0)))
        raise KeyError(path)

    def _property(self, method: str, page: dict[str, Any], key: str | None, body: Any) -> tuple[int, Any]:
        """Content properties: JSON values on a page, versioned like pages (create 409s when the key exists)."""
        props = page.setdefault("properties", {})
        if method == "GET" and key:
            if key not in props:
                return 404, {"message": f"No property with key {key}"}
            return 200, {"key": key, **props[key]}
        if method == "POST" and not key:
            if not isinstance(body, dict) or "key" not in body or "value" not in body:
                return 400, {"message": "A property needs a key and a value"}
            if body["key"] in props:
                return 409, {"message": f"Property {body['key']} already exists"}
            props[body["key"]] = {"value": body["value"], "version": {"number": 1}}
            return 200, {"key": body["key"], **props[body["key"]]}
        if method == "PUT" and key:
            if key not in props:
                return 404, {"message": f"No property with key {key}"}
            wanted = ((body or {}).get("version") or {}).get("number")
            if wanted != props[key]["version"]["number"] + 1:
                return 409, {"message": "Version must be incremented"}
            props[key] = {"value": body["value"], "version": {"number": wanted}}
            return 200, {"key": key, **props[key]}
        raise KeyError(key)

    def _attachments(self, method: str, page_id: str, attachment_id: str | None, query: dict[str, str],
                     body: Any) -> tuple[int, Any]:
        """GET lists (``filename``, ``start``/``limit`` paging); POST creates, or with ``/{id}/data`` adds a version."""
        st = self.state
        st.pages[page_id]  # KeyError -> 404 for an unknown page
        items = st.attachments.setdefault(page_id, [])
        if method == "GET" and attachment_id is None:
            found = [a for a in items if not query.get("filename") or a["title"] == query["filename"]]
            start, limit = int(query.get("start", 0)), int(query.get("limit", 50))
            page = found[start:start + limit]
            links = {"base": st.base_url}
            if start + limit < len(found):
                links["next"] = f"/rest/api/content/{page_id}/child/attachment?start={start + limit}&limit={limit}"
            return 200, {"results": [_attachment_json(st, page_id, a) for a in page], "start": start, "limit": limit,
                         "size": len(page), "_links": links}
        if method != "POST":
            raise KeyError(method)
        if self.headers.get("X-Atlassian-Token") != "no-check":
            return 403, {"message": "XSRF check failed"}
        if not isinstance(body, dict) or not isinstance(body.get("file"), tuple):
            return 400, {"message": "No file in the multipart request"}
        filename, media_type, content = body["file"]
        comment = str(body.get("comment", ""))
        if attachment_id is None:
            if any(a["title"] == filename for a in items):
                return 400, {"message": "Cannot add a new attachment with same file name as an existing attachment: " + filename}
            st.next_id += 1
            new = {"id": f"att{st.next_id}", "title": filename, "mediaType": media_type, "comment": comment, "versions": [content]}
            items.append(new)
            return 200, {"results": [_attachment_json(st, page_id, new)], "size": 1}
        existing = next((a for a in items if a["id"] == attachment_id), None)
        if existing is None:
            raise KeyError(attachment_id)
        existing["versions"].append(content)
        existing.update(mediaType=media_type, comment=comment)
        return 200, _attachment_json(st, page_id, existing)

    def _cql(self, cql: str, limit: int, start: int = 0) -> dict[str, Any]:
        st = self.state
        ancestor = re.search(r"ancestor\s*=\s*\"?(\d+)", cql)
        terms = [t.lower() for t in re.findall(r"(?:title|text)\s*~\s*\"([^\"]+)\"", cql)]
        results = []
        for page in st.pages.values():
            if ancestor and ancestor.group(1) not in {a["id"] for a in page["ancestors"]}:
                continue
            haystack = (page["title"] + " " + page["body"]).lower()
            if terms and not any(word in haystack for term in terms for word in term.split()):
                continue
            results.append({
                "content": _page_json(st, page), "title": page["title"], "excerpt": "",
                "url": f"/spaces/{page['space']}/pages/{page['id']}", "lastModified": "2024-12-01T00:00:00Z",
            })
        page = results[start : start + limit]
        links = {"next": f"/rest/api/search?start={start + limit}"} if start + limit < len(results) else {}
        return {"results": page, "start": start, "limit": limit, "size": len(page), "totalSize": len(results), "_links": links}

    def _jira(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        st = self.state
        if path == "issue" and method == "POST":
            fields = body["fields"]
            for name in ("project", "summary", "issuetype"):
                if not fields.get(name):
                    return 400, {"errorMessages": [], "errors": {name: f"{name} is required"}}
            key = f"{fields['project']['key']}-{len(st.issues) + 1}"
            st.issues[key] = {"id": str(10000 + len(st.issues)), "key": key, "fields": fields}
            return 201, {"id": st.issues[key]["id"], "key": key, "self": f"{st.base_url}/rest/api/2/issue/{key}"}
        if path.startswith("issue/") and method == "GET":
            issue = st.issues[path.split("/", 1)[1]]
            return 200, issue
        if path == "search" and method == "GET":
            labels = re.findall(r"labels\s*=\s*\"?([\w.-]+)", query.get("jql", ""))
            found = [i for i in st.issues.values() if all(lbl in i["fields"].get("labels", []) for lbl in labels)]
            return 200, {"issues": found, "total": len(found), "startAt": 0, "maxResults": 50}
        if path == "user/search" and method == "GET":
            needle = (query.get("username") or query.get("query") or "").lower()
            return 200, [u for u in st.users if needle and (needle in u["displayName"].lower() or needle in u.get("emailAddress", "").lower())]
        raise KeyError(path)

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")


class AtlassianServer(LoopbackServer):
    """Context manager: ``with AtlassianServer() as srv: srv.url, srv.jira_url, srv.state``."""

    poll_interval = 0.05

    def __init__(self, state: AtlassianState | None = None) -> None:
        super().__init__()
        self.state = state or AtlassianState()

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The request handler bound to this server's state."""
        return type("Handler", (_Handler,), {"state": self.state})

    def start(self) -> AtlassianServer:
        """Serve, and tell the state its Confluence base URL (it builds links with it)."""
        super().start()
        self.state.base_url = self.url
        return self

    @property
    def url(self) -> str:
        """Confluence base URL (the /wiki context path of Cloud)."""
        return f"{self.origin}/wiki"

    @property
    def jira_url(self) -> str:
        """Jira base URL."""
        return self.origin
