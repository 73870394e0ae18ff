"""Pictures attached to the published Confluence page, replaced in place on republish.

The page body references each picture as ``<ri:attachment ri:filename="timeline.svg"/>``
(``render.storage`` turns a bare file name in a Markdown image into that), so the files must be
attachments of the page under exactly those names. Publishing again uploads a new version of
the same attachment, never a second attachment: page history then shows how the picture
changed, and links to it keep working.

We call the documented v1 endpoints through the client's own session (``client.get`` /
``client.post``) rather than ``attach_content``: for an existing attachment that method, with
the client's default ``api_version="latest"``, PUTs the file to ``/rest/api/content/{id}``,
which Confluence answers with 415 (that endpoint takes JSON metadata). The endpoints used:
``GET .../child/attachment?filename=`` to find it, ``POST .../child/attachment`` to create,
``POST .../child/attachment/{id}/data`` for a new version, all with the XSRF header
``X-Atlassian-Token: no-check`` that multipart uploads need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from atlassian.confluence import ConfluenceServer

from facilitator.config import Settings
from facilitator.errors import PublishError
from facilitator.publish.confluence import CONFLUENCE_URL_SETTING, base_url, expect_dict, translate_errors

HEADERS = {"X-Atlassian-Token": "no-check", "Accept": "application/json"}
MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
COMMENT = "Drawn by facilitator"


@dataclass(frozen=True)
class Attached:
    """One uploaded picture: its attachment id and version (1 when it was created now)."""

    name: str
    attachment_id: str
    version: int

    @property
    def created(self) -> bool:
        return self.version == 1


def _media_type(name: str) -> str:
    return next((t for ext, t in MEDIA_TYPES.items() if name.lower().endswith(ext)), "application/octet-stream")


def _existing(client: ConfluenceServer, page_id: str, name: str, settings: Settings) -> dict[str, Any] | None:
    answer = expect_dict(client.get(f"rest/api/content/{page_id}/child/attachment",
                                    params={"filename": name, "limit": 50}, headers=HEADERS),
                         "Confluence", CONFLUENCE_URL_SETTING, base_url(settings), key="results")
    return next((a for a in answer.get("results") or [] if isinstance(a, dict) and a.get("title") == name), None)


def _version(answer: dict[str, Any]) -> int:
    version = answer.get("version")
    number = version.get("number") if isinstance(version, dict) else None
    return number if isinstance(number, int) else 1


def attach_pictures(client: ConfluenceServer, settings: Settings, page_id: str, files: dict[str, bytes]) -> list[Attached]:
    """Upload each file as an attachment of ``page_id``: created once, a new version every time after."""
    url = base_url(settings)
    done: list[Attached] = []
    for name, content in files.items():
        media = _media_type(name)
        upload = {"file": (name, content, media)}
        data = {"comment": COMMENT, "minorEdit": "true"}
        with translate_errors("Confluence", f"attach {name} to the page", url, "check CONFLUENCE_TOKEN."):
            found = _existing(client, page_id, name, settings)
            if found is None:
                answer = expect_dict(client.post(f"rest/api/content/{page_id}/child/attachment", data=data,
                                                 files=upload, headers=HEADERS),
                                     "Confluence", CONFLUENCE_URL_SETTING, url, key="results")
                results = answer.get("results") or []
                if not results or not isinstance(results[0], dict):
                    raise PublishError(f"Confluence did not confirm the upload of {name}; try publishing again.")
                item = results[0]
            else:
                item = expect_dict(client.post(f"rest/api/content/{page_id}/child/attachment/{found['id']}/data",
                                               data=data, files=upload, headers=HEADERS),
                                   "Confluence", CONFLUENCE_URL_SETTING, url)
        done.append(Attached(name, str(item.get("id", "")), _version(item)))
    return done
