"""Secrets planted in test transcripts, and a scan of every request the local LLM servers receive.

``tests/conftest.py`` scans, after every test, the body of every request any local LLM server
(Anthropic or OpenAI-compatible) received during that test: none may contain a planted secret.
Tests that plant a secret add it here (the demo incident's pasted credentials are here already).
"""

from __future__ import annotations

import json
from typing import Any

PLANTED: list[str] = [
    "Wint3r-Sunset-42",  # the demo's DATABASE_URL password
    "AKIAIOSFODNN7EXAMPLE",  # the demo's AWS key id
    "ghp_R2d2C3poLuke0Leia1Han2Solo3Chewie4x",
    "xoxb-2048-4096-kT9mZq3LwP8vN2rX5yB7cD1e",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaGVja291dCJ9.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZw",
    "MIIEowIBAAKCAQEA7bq9Xk2LmPq",
    "Hunter-Pass-991",
    "sk_live_51HqLyjWDarjtT1zdp7dc",
]

_servers: list[Any] = []


def register(server: Any) -> None:
    """Called by each LLM test server when it is created."""
    _servers.append(server)


def reset() -> None:
    """Forget the servers of the previous test."""
    _servers.clear()


def found() -> list[tuple[str, str]]:
    """(path, secret) for every planted secret in any request body received since ``reset``."""
    hits = []
    for server in list(_servers):
        for request in list(server.requests):
            raw = json.dumps(request.body, ensure_ascii=False)
            for secret in PLANTED:
                if secret in raw:
                    hits.append((request.path, secret))
    return hits
