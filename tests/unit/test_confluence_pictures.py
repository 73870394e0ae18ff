"""Pictures on the published page: attached once, embedded, replaced in place on republish;
and the year page named as its siblings are. Real atlassian-python-api, local server."""

from __future__ import annotations

import io

import pytest
from atlassian.confluence import ConfluenceServer

from facilitator.errors import PublishError
from facilitator.publish import confluence, publish_command
from facilitator.publish.attachments import attach_pictures
from tests.unit.test_confluence import make_settings
from tests.unit.test_render import load_incident


pytestmark = pytest.mark.usefixtures("fast_confluence_retries")


@pytest.fixture()
def server(confluence_server):
    return confluence_server


def _publish(server, monkeypatch, saved, version="internal"):
    session, transcript = load_incident()
    monkeypatch.setattr("facilitator.publish.load_session_and_transcript",
                        lambda s, n: (saved[-1] if saved else session, transcript))
    monkeypatch.setattr("facilitator.publish._save", saved.append)
    out = io.StringIO()
    assert publish_command(make_settings(server), "inc-2041", version, False, None, out=out) == 0
    return out.getvalue()


def test_publish_attaches_pictures_once_embeds_them_and_republish_adds_versions(server, monkeypatch):
    saved: list = []
    _publish(server, monkeypatch, saved)
    page_id = saved[-1].published.confluence_page_id
    st = server.state
    names = sorted(a["title"] for a in st.attachments[page_id])
    assert names == ["causes.svg", "external-timeline.svg", "timeline.svg"]
    timeline = st.attachment(page_id, "timeline.svg")
    assert timeline["mediaType"] == "image/svg+xml" and timeline["versions"][0].startswith(b"<?xml")
    body = st.pages[page_id]["body"]
    for name in names:  # each attachment is embedded in the page by its file name
        assert f'<ri:attachment ri:filename="{name}" />' in body
    first_id = timeline["id"]

    _publish(server, monkeypatch, saved)  # republish
    assert sorted(a["title"] for a in st.attachments[page_id]) == names  # no second attachment
    again = st.attachment(page_id, "timeline.svg")
    assert again["id"] == first_id and len(again["versions"]) == 2
    uploads = [r.path for r in st.requests if r.method == "POST" and "attachment" in r.path]
    assert sum(p.endswith("/child/attachment") for p in uploads) == 3  # created once each
    assert sum(p.endswith("/data") for p in uploads) == 3  # then one new version each
    assert not [r for r in st.requests if r.method == "PUT" and "att" in r.path]


def test_external_page_gets_only_the_customer_timeline(server, monkeypatch):
    session, transcript = load_incident()
    for item in session.redaction_checklist:
        session.redaction_checklist[item] = True
    saved = [session]
    monkeypatch.setattr("facilitator.publish.unticked", lambda s: [])
    _publish(server, monkeypatch, saved, version="external")
    page = next(p for p in server.state.pages.values() if p["title"].endswith("(external)"))
    assert [a["title"] for a in server.state.attachments[page["id"]]] == ["external-timeline.svg"]
    assert "causes.svg" not in page["body"]


def test_dry_run_names_the_pictures_and_uploads_nothing(server, monkeypatch):
    session, transcript = load_incident()
    monkeypatch.setattr("facilitator.publish.load_session_and_transcript", lambda s, n: (session, transcript))
    out = io.StringIO()
    publish_command(make_settings(server), "inc-2041", "internal", True, None, out=out)
    assert "Pictures: would attach timeline.svg" in out.getvalue()
    assert server.state.attachments == {} and server.state.writes() == []


def _client(server) -> ConfluenceServer:
    return confluence.make_client(make_settings(server))


def test_server_refuses_what_confluence_refuses(server):
    """The local server is faithful: no XSRF header -> 403, same name twice -> 400, file PUT -> 415."""
    import requests

    page_id = server.state.add_page("P", server.parent_id)
    url = f"{server.url}/rest/api/content/{page_id}/child/attachment"
    auth = ("pm@acme.test", "api-token-123")
    files = {"file": ("a.svg", b"<svg/>", "image/svg+xml")}
    assert requests.post(url, files=files, auth=auth, timeout=5).status_code == 403
    headers = {"X-Atlassian-Token": "no-check"}
    assert requests.post(url, files=files, auth=auth, headers=headers, timeout=5).status_code == 200
    assert requests.post(url, files=files, auth=auth, headers=headers, timeout=5).status_code == 400
    att_id = server.state.attachment(page_id, "a.svg")["id"]
    put = requests.put(f"{server.url}/rest/api/content/{att_id}", files=files, auth=auth, headers=headers, timeout=5)
    assert put.status_code == 415


def test_library_attach_content_is_what_we_avoid(server):
    """atlassian-python-api's attach_content re-uploads with a file PUT, which Confluence refuses;
    attach_pictures uses the documented /data endpoint instead."""
    page_id = server.state.add_page("P", server.parent_id)
    client = _client(server)
    client.attach_content(b"<svg/>", "x.svg", "image/svg+xml", page_id=page_id)
    with pytest.raises(Exception):
        client.attach_content(b"<svg>2</svg>", "x.svg", "image/svg+xml", page_id=page_id)
    done = attach_pictures(client, make_settings(server), page_id, {"x.svg": b"<svg>2</svg>"})
    assert done[0].version == 2 and server.state.attachment(page_id, "x.svg")["versions"][-1] == b"<svg>2</svg>"


def test_attachment_listing_pages_and_filters(server):
    page_id = server.state.add_page("P", server.parent_id)
    client = _client(server)
    settings = make_settings(server)
    attach_pictures(client, settings, page_id, {f"f{i}.svg": b"<svg/>" for i in range(3)})
    listed = client.get_attachments_from_content(page_id, limit=2)
    assert [a["title"] for a in listed["results"]] == ["f0.svg", "f1.svg"] and "next" in listed["_links"]
    assert [a["title"] for a in client.get_attachments_from_content(page_id, filename="f2.svg")["results"]] == ["f2.svg"]


def test_attach_failure_is_one_sentence(server):
    page_id = server.state.add_page("P", server.parent_id)
    server.state.faults.append(("POST", r"/child/attachment$", 403))
    with pytest.raises(PublishError, match=r"denied permission \(403\) to attach a.svg"):
        attach_pictures(_client(server), make_settings(server), page_id, {"a.svg": b"<svg/>"})


# -- house style: year pages ---------------------------------------------------------------

def test_new_year_page_is_named_like_its_bare_year_siblings(server):
    st = server.state
    st.add_page("2024", server.parent_id)
    st.add_page("2025", server.parent_id)
    page = confluence.publish_page(make_settings(server), "[2026-01-05] X", "<p>x</p>", 2026)
    assert st.pages[page.year_page_id]["title"] == "2026"
    assert st.pages[page.year_page_id]["ancestors"][-1]["id"] == server.parent_id


def test_bare_year_taken_elsewhere_in_the_space_falls_back_to_the_default(server):
    st = server.state
    st.add_page("2025", server.parent_id)
    other = st.add_page("Another team")
    st.add_page("2026", other)  # Confluence titles are unique per space
    page = confluence.publish_page(make_settings(server), "[2026-01-05] X", "<p>x</p>", 2026)
    assert st.pages[page.year_page_id]["title"] == "Post-mortems 2026"


def test_patterned_siblings_and_explicit_setting(server):
    st = server.state
    st.add_page("Incidents 2024 (Payments)", server.parent_id)
    st.add_page("[2024-03-01] Old post-mortem filed at the top", server.parent_id)
    page = confluence.publish_page(make_settings(server), "[2025-02-01] X", "<p>x</p>", 2025)
    assert st.pages[page.year_page_id]["title"] == "Incidents 2025 (Payments)"
    explicit = confluence.publish_page(make_settings(server, year_page_title="PM {year}"), "[2027-02-01] Y", "<p>y</p>", 2027)
    assert st.pages[explicit.year_page_id]["title"] == "PM 2027"


@pytest.mark.parametrize(("titles", "expected"), [
    (["2023", "2024"], "{year}"),
    (["Post-mortems 2023", "2024"], "{year}"),  # the latest year's style wins
    (["[2024-12-03] Checkout errors", "Runbooks"], None),
    ([], None),
])
def test_year_pattern(titles, expected):
    from facilitator.publish.house_style import year_pattern

    assert year_pattern(titles) == expected


# -- house style: labels ------------------------------------------------------------------------

def test_publish_adds_the_labels_recent_post_mortems_carry(server, monkeypatch):
    st = server.state
    year = st.add_page("2024", server.parent_id)
    for i, labels in enumerate([["postmortem", "payments"], ["postmortem"], ["postmortem", "payments"], ["one-off"]]):
        pid = st.add_page(f"[2024-0{i + 1}-01] Old incident {i}", year)
        st.pages[pid]["labels"] = list(labels)
    saved: list = []
    _publish(server, monkeypatch, saved)
    page_id = saved[-1].published.confluence_page_id
    assert st.pages[page_id]["labels"] == ["payments", "postmortem"]  # carried by at least half; not 'one-off'
    assert st.pages[page_id]["ancestors"][-1]["id"] == year  # and filed under the bare year page
    _publish(server, monkeypatch, saved)  # republish: nothing added twice
    assert st.pages[page_id]["labels"] == ["payments", "postmortem"]
    label_posts = [r for r in st.requests if r.method == "POST" and r.path.endswith("/label")]
    assert len(label_posts) == 2


@pytest.mark.parametrize(("sets", "expected"), [
    ([], []),
    ([["a", "b"]], ["a", "b"]),
    ([["a"], ["b"]], []),
    ([["a", "b"], ["a"], ["c"]], ["a"]),
])
def test_common_labels(sets, expected):
    from facilitator.publish.house_style import common_labels

    assert common_labels(sets) == expected
