"""Confluence publishing through the real atlassian-python-api client against a local server."""

from __future__ import annotations

import io

import pytest

from facilitator.config import Settings
from facilitator.errors import PublishError
from facilitator.publish import confluence, publish_command
from facilitator.render.storage import markdown_to_storage
from tests.servers.loopback import closed_port
from tests.unit.test_render import load_incident


pytestmark = pytest.mark.usefixtures("fast_confluence_retries")


@pytest.fixture()
def server(confluence_server):
    return confluence_server


def make_settings(srv, **confluence_overrides) -> Settings:
    c = {"url": srv.url, "email": "pm@acme.test", "token": "api-token-123", "space": "OPS", "parent_page_id": srv.parent_id}
    c.update(confluence_overrides)
    return Settings(timezone="Europe/Berlin", confluence=c, redaction={"public_domains": ["status.acme.com"]})


def test_first_publish_creates_year_page_and_page(server):
    settings = make_settings(server)
    page = confluence.publish_page(settings, "[2024-12-03] Checkout down", "<p>v1</p>", 2024)
    st = server.state
    year = st.pages[page.year_page_id]
    assert year["title"] == "Post-mortems 2024" and year["ancestors"][-1]["id"] == server.parent_id
    assert st.pages[page.page_id]["ancestors"][-1]["id"] == page.year_page_id
    assert page.created and page.url.endswith(f"/pages/{page.page_id}")
    posts = [r for r in st.requests if r.method == "POST"]
    assert [r.path for r in posts] == ["/rest/api/content", "/rest/api/content"]


def test_republish_updates_same_page_with_new_version_and_no_duplicate(server):
    settings = make_settings(server)
    first = confluence.publish_page(settings, "[2024-12-03] Checkout down", "<p>v1</p>", 2024)
    second = confluence.publish_page(settings, "[2024-12-03] Checkout down", "<p>v2</p>", 2024, known_page_id=first.page_id)
    third = confluence.publish_page(settings, "[2024-12-03] Checkout down", "<p>v3</p>", 2024)  # found by title
    assert first.page_id == second.page_id == third.page_id
    assert (second.version, third.version) == (2, 3) and not second.created
    assert server.state.pages[first.page_id]["body"] == "<p>v3</p>"
    titles = [p["title"] for p in server.state.pages.values()]
    assert titles.count("[2024-12-03] Checkout down") == 1 and titles.count("Post-mortems 2024") == 1


def test_existing_bare_year_page_is_reused(server):
    year_id = server.state.add_page("2024", server.parent_id)
    page = confluence.publish_page(make_settings(server), "[2024-12-03] X", "<p>x</p>", 2024)
    assert page.year_page_id == year_id


def test_version_conflict_is_retried_against_latest(server):
    settings = make_settings(server)
    first = confluence.publish_page(settings, "[2024-12-03] X", "<p>1</p>", 2024)
    server.state.concurrent_edits = 1  # someone saves between our read and our write
    again = confluence.publish_page(settings, "[2024-12-03] X", "<p>2</p>", 2024, first.page_id)
    puts = [r for r in server.state.requests if r.method == "PUT"]
    assert len(puts) == 2 and puts[0].body["version"]["number"] == 2 and puts[1].body["version"]["number"] == 3
    assert again.version == 3 and server.state.pages[first.page_id]["body"] == "<p>2</p>"


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda st: setattr(st, "basic", ("pm@acme.test", "other")), "rejected the credentials (401)"),
        (lambda st: setattr(st, "read_only", True), "denied permission (403)"),
        (lambda st: st.faults.extend([("POST", "/rest/api/content", 503)] * 4), "HTTP 503"),
        (lambda st: st.faults.append(("POST", "/rest/api/content", 500)), "HTTP 500"),
    ],
)
def test_errors_are_one_sentence_and_change_nothing(server, setup, expected):
    setup(server.state)
    before = dict(server.state.pages)
    with pytest.raises(PublishError) as err:
        confluence.publish_page(make_settings(server), "[2024-12-03] X", "<p>x</p>", 2024)
    message = str(err.value)
    assert expected in message and "\n" not in message and "api-token-123" not in message
    assert server.state.pages.keys() == before.keys()


def test_unknown_parent_and_template_are_404_sentences(server):
    with pytest.raises(PublishError, match="could not find .*parent page 999"):
        confluence.publish_page(make_settings(server, parent_page_id="999"), "[2024-12-03] X", "<p>x</p>", 2024)
    with pytest.raises(PublishError, match="template page 888"):
        confluence.template_headings(make_settings(server, template_page_id="888"))


def test_unreachable_server_is_one_sentence():
    port = closed_port()
    settings = Settings(confluence={"url": f"http://127.0.0.1:{port}/wiki", "email": "a@b.c", "token": "t", "space": "OPS", "parent_page_id": "1"})
    with pytest.raises(PublishError, match=r"Could not reach Confluence at 127\.0\.0\.1:\d+"):
        confluence.publish_page(settings, "[2024-12-03] X", "<p>x</p>", 2024)


def test_data_center_personal_access_token_uses_bearer(server):
    server.state.basic, server.state.bearer = None, "pat-456"
    page = confluence.publish_page(make_settings(server, email="", token="pat-456"), "[2024-12-03] X", "<p>x</p>", 2024)
    assert page.created


def test_cloud_url_gets_wiki_context_path():
    settings = Settings(confluence={"url": "https://acme.atlassian.net"})
    assert confluence.base_url(settings) == "https://acme.atlassian.net/wiki"


def test_template_headings_are_read_from_the_template_page(server):
    body = markdown_to_storage("# Template\n\n## Overview\n\nx\n\n## Lessons learned\n\n## Follow-up actions\n\n## Sign-off\n")
    template_id = server.state.add_page("PM template", server.parent_id, body)
    headings = confluence.template_headings(make_settings(server, template_page_id=template_id))
    assert headings == ["Template", "Overview", "Lessons learned", "Follow-up actions", "Sign-off"]


def test_find_similar_searches_earlier_post_mortems_under_parent(server):
    year = server.state.add_page("Post-mortems 2023", server.parent_id)
    server.state.add_page("[2023-05-01] Checkout payments failing on Redis failover", year)
    server.state.add_page("[2023-06-01] Login slow", year)
    server.state.add_page("Checkout payments elsewhere")  # not under the parent
    found = confluence.find_similar(make_settings(server), "Checkout payments failing after pool change", ["payments-api"])
    assert [title for title, _ in found] == ["[2023-05-01] Checkout payments failing on Redis failover"]
    cql = [r for r in server.state.requests if r.path == "/rest/api/search"][0].query["cql"]
    assert f"ancestor = {server.parent_id}" in cql and 'text ~ "payments-api"' in cql
    assert confluence.find_similar(Settings(), "anything") == []


def test_find_similar_is_a_quiet_hint_on_auth_and_server_errors(server):
    server.state.add_page("[2023-05-01] Checkout payments failing", server.parent_id)
    assert confluence.find_similar(make_settings(server, token="wrong-token"), "Checkout payments failing") == []
    server.state.faults.append(("GET", r"/rest/api/search", 503))
    before = len(server.state.requests)
    assert confluence.find_similar(make_settings(server), "Checkout payments failing") == []
    assert len(server.state.requests) - before == 1  # no retries: the interview is waiting
    assert confluence.find_similar(make_settings(server, parent_page_id="not-a-number"), "Checkout payments") == []
    found = confluence.find_similar(make_settings(server), "Checkout payments failing")
    assert [t for t, _ in found] == ["[2023-05-01] Checkout payments failing"]


def test_find_similar_gives_up_quickly_on_a_slow_or_absent_server(server):
    import time

    server.state.add_page("[2023-05-01] Checkout payments failing", server.parent_id)
    server.state.delays.append((r"/rest/api/search", 1.5))
    started = time.monotonic()
    assert confluence.find_similar(make_settings(server), "Checkout payments failing", timeout=0.3) == []
    assert time.monotonic() - started < 1.2
    port = closed_port()  # connection refused
    settings = make_settings(server, url=f"http://127.0.0.1:{port}/wiki")
    started = time.monotonic()
    assert confluence.find_similar(settings, "Checkout payments failing") == []
    assert time.monotonic() - started < 2


def test_publish_command_records_page_and_republish_updates(server, monkeypatch):
    session, transcript = load_incident()
    saved = []
    monkeypatch.setattr("facilitator.publish.load_session_and_transcript", lambda s, n: (saved[-1] if saved else session, transcript))
    monkeypatch.setattr("facilitator.publish._save", saved.append)
    settings = make_settings(server)
    out = io.StringIO()
    assert publish_command(settings, "inc-2041", "internal", False, None, out=out) == 0
    text = out.getvalue()
    assert "Created: " in text and "Duration:     58 min" in text and "Responders:   3" in text and "Action items: 3" in text
    page_id = saved[-1].published.confluence_page_id
    assert page_id and saved[-1].published.confluence_version == 1
    assert session.published.confluence_page_id == ""  # the loaded session object was not mutated
    out = io.StringIO()
    publish_command(settings, "inc-2041", "internal", False, None, out=out)
    assert "Updated (version 2)" in out.getvalue() and saved[-1].published.confluence_page_id == page_id
    assert sum(p["title"].startswith("[2024-12-03]") for p in server.state.pages.values()) == 1


def test_dry_run_changes_nothing(server, monkeypatch):
    session, transcript = load_incident()
    monkeypatch.setattr("facilitator.publish.load_session_and_transcript", lambda s, n: (session, transcript))
    monkeypatch.setattr("facilitator.publish._save", lambda s: pytest.fail("dry run saved the session"))
    out = io.StringIO()
    publish_command(make_settings(server), "inc-2041", "internal", True, "OPS", out=out)
    assert "Dry run: would create" in out.getvalue() and "Post-mortems 2024 (would be created)" in out.getvalue()
    assert "Jira: would file 3 issue(s) in OPS; 0 already filed." in out.getvalue()
    assert "| Action | Owner | Due |" in out.getvalue()  # the document itself is shown
    assert server.state.writes() == []


def test_publish_failure_leaves_session_untouched(server, monkeypatch):
    session, transcript = load_incident()
    monkeypatch.setattr("facilitator.publish.load_session_and_transcript", lambda s, n: (session, transcript))
    monkeypatch.setattr("facilitator.publish._save", lambda s: pytest.fail("failed publish saved the session"))
    server.state.read_only = True
    with pytest.raises(PublishError):
        publish_command(make_settings(server), "inc-2041", "internal", False, None, out=io.StringIO())
    assert session.published.confluence_page_id == ""


def test_cli_publish_end_to_end_with_saved_session_and_jira(server, monkeypatch, capsys):
    """`facilitator publish` with config from file + env, a saved session, the real clients."""
    import os

    from facilitator.cli import main
    from facilitator.sessions import SessionStore

    session, transcript = load_incident()
    store = SessionStore()
    store.save(session)
    store.save_transcript(session.name, transcript)
    server.state.users = [{"name": "achen", "displayName": "Alice Chen"}]
    with open(os.environ["FACILITATOR_CONFIG"], "w") as fh:
        fh.write(f'timezone = "Europe/Berlin"\n[confluence]\nspace = "OPS"\nparent_page_id = "{server.parent_id}"\n'
                 f'[jira]\nurl = "{server.jira_url}"\nemail = "pm@acme.test"\n')
    for var, value in {"CONFLUENCE_URL": server.url, "CONFLUENCE_EMAIL": "pm@acme.test",
                       "CONFLUENCE_TOKEN": "api-token-123", "JIRA_TOKEN": "api-token-123"}.items():
        monkeypatch.setenv(var, value)
    assert main(["publish", session.name, "--jira", "OPS"]) == 0
    out = capsys.readouterr().out
    saved = store.load(session.name)
    assert saved.published.confluence_url in out and "3 filed in OPS now" in out
    assert saved.published.jira_keys == {"a1": "OPS-1", "a2": "OPS-2", "a3": "OPS-3"}
    assert server.state.issues["OPS-1"]["fields"]["description"].count(saved.published.confluence_url) == 1
    assert main(["publish", session.name, "--jira", "OPS"]) == 0
    assert "0 filed in OPS now, 3 already filed" in capsys.readouterr().out and len(server.state.issues) == 3
    monkeypatch.setenv("CONFLUENCE_TOKEN", "wrong")
    assert main(["publish", session.name]) == 2
    err = capsys.readouterr().err
    assert "rejected the credentials (401)" in err and "wrong" not in err and "Traceback" not in err


def test_external_version_is_published_redacted_under_its_own_title(server, monkeypatch):
    session, transcript = load_incident()
    monkeypatch.setattr("facilitator.publish.load_session_and_transcript", lambda s, n: (session, transcript))
    monkeypatch.setattr("facilitator.publish._save", lambda s: None)
    with pytest.raises(PublishError, match="unticked redaction checklist"):
        publish_command(make_settings(server), "inc-2041", "external", False, None, out=io.StringIO())
    assert not any(r.method == "POST" for r in server.state.requests)  # blocked before any write
    from facilitator.redact_gate import load_checklist

    session.redaction_checklist = {item.id: True for item in load_checklist()}
    publish_command(make_settings(server), "inc-2041", "external", False, None, out=io.StringIO())
    (page,) = [p for p in server.state.pages.values() if p["title"].endswith("(external)")]
    assert page["title"] == "[2024-12-03] Checkout payments failing after connection pool change (external)"
    for sensitive in ("Alice", "payments-api", "acme-corp.io", "L8"):
        assert sensitive not in page["body"]


def test_template_page_headings_shape_the_published_page(server, monkeypatch):
    session, transcript = load_incident()
    monkeypatch.setattr("facilitator.publish.load_session_and_transcript", lambda s, n: (session, transcript))
    monkeypatch.setattr("facilitator.publish._save", lambda s: None)
    body = markdown_to_storage("## Overview\n\n## Follow-up actions\n\n## Lessons learned\n\n## Sign-off\n")
    template_id = server.state.add_page("PM template", server.parent_id, body)
    publish_command(make_settings(server, template_page_id=template_id), "inc-2041", "internal", False, None, out=io.StringIO())
    (page,) = [p for p in server.state.pages.values() if p["title"].startswith("[2024-12-03]")]
    from facilitator.render.storage import storage_headings

    headings = storage_headings(page["body"])
    assert headings[1:5] == ["Overview", "Follow-up actions", "Lessons learned", "Sign-off"]
    assert "Timeline" in headings[5:] and "Summary" not in headings  # renamed, and ours kept after


def test_year_page_title_is_configurable(server):
    page = confluence.publish_page(make_settings(server, year_page_title="Incidents {year}"), "[2024-12-03] X", "<p>x</p>", 2024)
    assert server.state.pages[page.year_page_id]["title"] == "Incidents 2024"


def test_transient_errors_are_retried(server):
    server.state.faults.extend([("GET", r"/rest/api/content/\d+$", 503), ("POST", "/rest/api/content", 429)])
    page = confluence.publish_page(make_settings(server), "[2024-12-03] X", "<p>x</p>", 2024)
    assert page.created and server.state.faults == []
    assert sum(p["title"] == "[2024-12-03] X" for p in server.state.pages.values()) == 1


# -- a server that is not the REST API (SSO login page), bad URLs, dry run while unreachable ---

URL_SETTING = "confluence.url (CONFLUENCE_URL)"


def test_sso_login_page_with_status_200_is_one_sentence_naming_the_url_setting(server):
    server.state.login_page = True
    before = dict(server.state.pages)
    with pytest.raises(PublishError) as err:
        confluence.publish_page(make_settings(server), "[2024-12-03] X", "<p>x</p>", 2024)
    message = str(err.value)
    assert URL_SETTING in message and "HTML page" in message and "single sign-on" in message
    assert "\n" not in message and "api-token-123" not in message
    assert server.state.pages.keys() == before.keys()
    with pytest.raises(PublishError, match=r"confluence\.url \(CONFLUENCE_URL\)"):
        confluence.template_headings(make_settings(server, template_page_id=server.parent_id))
    assert confluence.find_similar(make_settings(server), "Checkout down") == []  # a hint stays quiet


@pytest.mark.parametrize(
    ("odd", "words"),
    [
        (("GET", r"/rest/api/content/\d+$", 200, "application/json", "[1, 2]"), "JSON of an unexpected shape"),
        (("GET", r"/rest/api/content/\d+$", 200, "text/plain", "maintenance"), "a body of type text/plain"),
        (("GET", r"/rest/api/content$", 200, "application/json", '"not a search"'), "JSON of an unexpected shape"),
        (("POST", r"/rest/api/content$", 200, "application/json", ""), "an empty body"),
        (("GET", r"/child/page$", 200, "application/json", '{"results": ["x"], "size": 1}'), "JSON of an unexpected shape"),
    ],
)
def test_answers_of_the_wrong_shape_are_one_sentence(server, odd, words):
    server.state.odd_answers.append(odd)
    with pytest.raises(PublishError) as err:
        confluence.publish_page(make_settings(server), "[2024-12-03] X", "<p>x</p>", 2024)
    assert words in str(err.value) and URL_SETTING in str(err.value)


@pytest.mark.parametrize("url", ["notaurl", "ftp://wiki.acme.test", "https://", "http://wiki:port/wiki"])
def test_a_confluence_url_that_is_not_http_is_named_without_retrying(url):
    settings = Settings(confluence={"url": url, "email": "a@b.c", "token": "t", "space": "OPS", "parent_page_id": "1"})
    with pytest.raises(PublishError) as err:
        confluence.publish_page(settings, "[2024-12-03] X", "<p>x</p>", 2024)
    message = str(err.value)
    assert f"'{url}'" in message and "not an http(s) URL" in message and URL_SETTING in message
    assert "retries" not in message


def _dry_run(settings, monkeypatch) -> tuple[int, str]:
    session, transcript = load_incident()
    monkeypatch.setattr("facilitator.publish.load_session_and_transcript", lambda s, n: (session, transcript))
    monkeypatch.setattr("facilitator.publish._save", lambda s: pytest.fail("dry run saved the session"))
    out = io.StringIO()
    code = publish_command(settings, "inc-2041", "internal", True, "OPS", out=out)
    return code, out.getvalue()


def test_dry_run_shows_the_plan_when_confluence_is_unreachable(monkeypatch):
    c = {"url": f"http://127.0.0.1:{closed_port()}/wiki", "email": "a@b.c", "token": "t", "space": "OPS",
         "parent_page_id": "77", "template_page_id": "78"}
    code, text = _dry_run(Settings(timezone="Europe/Berlin", confluence=c), monkeypatch)
    assert code == 0
    lines = text.splitlines()
    (note,) = [line for line in lines if line.startswith("Confluence could not be checked:")]
    assert "Could not reach Confluence at 127.0.0.1" in note
    assert "Title:        [2024-12-03] Checkout payments failing" in text
    assert "Location:     OPS > page 77 > Post-mortems 2024 (unknown: Confluence could not be checked)" in text
    assert "Action items: 3" in text and "Jira: would file 3 issue(s) in OPS" in text
    assert "| Action | Owner | Due |" in text  # the document itself is still shown


def test_dry_run_with_a_bad_url_or_a_login_page_still_shows_the_plan(server, monkeypatch):
    # the plan is shown, and the exit code says a setting must be fixed before publishing
    code, text = _dry_run(make_settings(server, url="notaurl"), monkeypatch)
    assert code == 2 and "not an http(s) URL" in text and "(unknown: Confluence could not be checked)" in text
    server.state.login_page = True
    code, text = _dry_run(make_settings(server), monkeypatch)
    assert code == 2 and "HTML page" in text and "Title:        [2024-12-03]" in text
    assert server.state.writes() == []


def test_publish_for_real_still_fails_when_unreachable(monkeypatch):
    session, transcript = load_incident()
    monkeypatch.setattr("facilitator.publish.load_session_and_transcript", lambda s, n: (session, transcript))
    monkeypatch.setattr("facilitator.publish._save", lambda s: pytest.fail("failed publish saved the session"))
    c = {"url": f"http://127.0.0.1:{closed_port()}/wiki", "email": "a@b.c", "token": "t", "space": "OPS", "parent_page_id": "7"}
    with pytest.raises(PublishError, match="Could not reach Confluence"):
        publish_command(Settings(confluence=c), "inc-2041", "internal", False, None, out=io.StringIO())


def test_a_long_retry_after_is_cut_to_the_bound(server, monkeypatch):
    import time

    monkeypatch.setattr(confluence, "RETRY_AFTER_MAX", 0.2)
    server.state.odd_answers.append(("GET", r"/rest/api/content/\d+$", 429, "application/json", "{}", {"Retry-After": "600"}))
    started = time.monotonic()
    page = confluence.publish_page(make_settings(server), "[2024-12-03] X", "<p>x</p>", 2024)
    assert page.created and 0.2 <= time.monotonic() - started < 5
    assert server.state.odd_answers == []
