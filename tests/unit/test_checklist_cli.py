"""`facilitator checklist` and the checklist review inside `facilitator publish --version external`.

Prompts are driven through prompt_toolkit pipe input (as in test_plain); sessions live in the
test's own data dir (conftest); Confluence is the local server through the real client.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from facilitator import __version__
from facilitator.checklist import checklist_command, evidence
from facilitator.cli import main
from facilitator.errors import PublishError, UserError
from facilitator.publish import publish_command
from facilitator.redact_gate import load_checklist
from facilitator.session import Answer
from facilitator.sessions import SessionStore
from facilitator.summary import summarize_postmortem
from facilitator.transcript import Message
from tests.unit.test_confluence import make_settings, server  # noqa: F401 - the local Confluence fixture
from tests.unit.test_render import load_incident, settings

IDS = [item.id for item in load_checklist()]


@contextmanager
def keys(text: str):
    """Press these keys in the questionary prompts that follow (y / n / Enter = \\r / Ctrl-C = \\x03)."""
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(text)
        yield


@pytest.fixture()
def saved():
    """The golden incident saved in the test's store; returns its name."""
    session, transcript = load_incident()
    store = SessionStore()
    store.save(session)
    store.save_transcript(session.name, transcript)
    return session.name


def ticks(name: str) -> dict[str, bool]:
    return SessionStore().load(name).redaction_checklist


def test_list_shows_every_item_its_state_and_evidence(saved, capsys):
    assert main(["checklist", saved]) == 0  # stdin is not a terminal under pytest: list only
    out = capsys.readouterr().out
    assert f"Redaction checklist for {saved}: 0 of {len(IDS)} ticked." in out
    for n, item in enumerate(load_checklist(), 1):
        assert f"{n}. [ ] {item.id}" in out
    assert out.count("Evidence:") == len(IDS)
    assert "Leak scan of the external version: clean" in out and "Severity: SEV-2" in out
    assert f"facilitator checklist {saved} --tick ID" in out


def test_tick_and_untick_by_id_or_number_are_saved(saved, capsys):
    assert main(["checklist", saved, "--tick", "1", "no_vendor_blame"]) == 0
    out = capsys.readouterr().out
    assert ticks(saved) == {IDS[0]: True, "no_vendor_blame": True}
    assert f"ticked {IDS[0]}, no_vendor_blame" in out and f"2 of {len(IDS)} ticked" in out
    assert main(["checklist", saved, "--untick", IDS[0], "--tick", "legal_pr_review"]) == 0
    assert ticks(saved) == {IDS[0]: False, "no_vendor_blame": True, "legal_pr_review": True}
    assert main(["checklist", saved]) == 0
    listed = capsys.readouterr().out
    assert f"1. [ ] {IDS[0]}" in listed and "[x] no_vendor_blame" in listed


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--tick", "bogus"], "'bogus' is not a checklist item; use a number from 1 to"),
        (["--tick", "0"], "'0' is not a checklist item"),
        (["--tick", "1", "--untick", IDS[0]], "is both ticked and unticked"),
    ],
)
def test_mistakes_are_one_sentence_exit_2_and_change_nothing(saved, argv, expected, capsys):
    assert main(["checklist", saved, *argv]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err
    assert ticks(saved) == {}


def test_missing_session_name_and_unknown_session(capsys):
    assert main(["checklist"]) == 2
    assert "checklist needs a SESSION name" in capsys.readouterr().err
    assert main(["checklist", "no-such"]) == 2
    assert "There is no session named 'no-such'" in capsys.readouterr().err


def test_json_is_for_scripts(saved, capsys):
    main(["checklist", saved, "--tick", "2"])
    capsys.readouterr()
    assert main(["checklist", saved, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["session"], data["ticked"], data["total"]) == (saved, 1, len(IDS))
    assert [i["id"] for i in data["items"]] == IDS and data["items"][1]["ticked"] is True
    assert all(i["evidence"] for i in data["items"])


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["checklist", "--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"facilitator {__version__}"
    with pytest.raises(SystemExit):
        main(["checklist", "--help"])
    assert "--tick ID [ID ...]" in capsys.readouterr().out


def test_review_asks_item_by_item_and_saves_each_answer(saved):
    out = io.StringIO()
    main(["checklist", saved, "--tick", "no_vendor_blame"])
    # y, n, y, Enter (keeps no_vendor_blame ticked), y
    with keys("yny\ry"):
        assert checklist_command(settings(), saved, interactive=True, out=out) == 0
    assert ticks(saved) == {IDS[0]: True, IDS[2]: True, "no_vendor_blame": True, "legal_pr_review": True}
    text = out.getvalue()
    assert text.count("Evidence:") == len(IDS) and f"[1/{len(IDS)}]" in text
    assert "Saved 3 change(s); 1 item(s) still unticked." in text


def test_ctrl_c_keeps_the_answers_given(saved):
    out = io.StringIO()
    with keys("yy\x03"):
        assert checklist_command(settings(), saved, interactive=True, out=out) == 130
    assert ticks(saved) == {IDS[0]: True, IDS[1]: True}
    assert "Stopped; the answers given are saved." in out.getvalue()


def test_evidence_counts_secrets_and_vendor_mentions_without_printing_them():
    session, transcript = load_incident()
    found = re.compile(r"\((\d+) found in the channel\)")
    base = int(found.search(evidence(session, transcript, settings())["no_vulnerability_detail"]).group(1))
    key = "AKIA" + "Z7QW4RT2KX9PLM3N"
    last = transcript.messages[-1]
    transcript.messages.append(Message(id="L99", at=last.at + timedelta(minutes=1), author=last.author, text=f"oops pasted {key}"))
    before = evidence(session, transcript, settings())
    assert int(found.search(before["no_vulnerability_detail"]).group(1)) == base + 1
    assert "does not mention a vendor" in before["no_vendor_blame"]
    session.answers["customer_effect"] = Answer(question_id="customer_effect", value="Our payment provider rejected card payments")
    after = evidence(session, transcript, settings())
    assert "mentions a vendor, provider or partner 1 time(s)" in after["no_vendor_blame"]
    assert key not in json.dumps(after)


# -- publish --version external ----------------------------------------------------------------


@pytest.fixture()
def publishing(server, monkeypatch):  # noqa: F811 - the fixture imported above
    """publish_command on the golden incident, with saves recorded instead of written."""
    session, transcript = load_incident()
    saves = []
    monkeypatch.setattr("facilitator.publish.load_session_and_transcript", lambda s, n: (session, transcript))
    monkeypatch.setattr("facilitator.publish._save", lambda s: saves.append(s.model_copy(deep=True)))
    return make_settings(server), session, saves


def test_publish_off_a_terminal_refuses_and_names_the_command(publishing):
    settings_, session, saves = publishing
    with pytest.raises(PublishError) as err:
        publish_command(settings_, session.name, "external", False, None, out=io.StringIO(), interactive=False)
    assert f"`facilitator checklist {session.name}`" in str(err.value) and "\n" not in str(err.value)
    assert saves == []


def test_publish_on_a_terminal_reviews_then_publishes(publishing, server):  # noqa: F811
    settings_, session, saves = publishing
    out = io.StringIO()
    with keys("y" + "y" * len(IDS)):  # review now? yes; then tick every item
        assert publish_command(settings_, session.name, "external", False, None, out=out, interactive=True) == 0
    text = out.getvalue()
    assert f"needs {len(IDS)} more redaction checklist tick(s)" in text and "Created: " in text
    assert saves[-1].redaction_checklist == dict.fromkeys(IDS, True)
    assert len(saves) == len(IDS) + 1  # one save per tick, then the published page
    assert any(p["title"].endswith("(external)") for p in server.state.pages.values())
    assert "api-token-123" not in text
    assert session.redaction_checklist == {}  # the loaded session object was not mutated


def test_publish_review_declined_or_partial_still_refuses(publishing, server):  # noqa: F811
    settings_, session, saves = publishing
    with keys("n"), pytest.raises(PublishError, match="still has 5 unticked"):
        publish_command(settings_, session.name, "external", False, None, out=io.StringIO(), interactive=True)
    with keys("yyn\r\r\r"), pytest.raises(PublishError, match=f"still has {len(IDS) - 1} unticked.*facilitator checklist"):
        publish_command(settings_, session.name, "external", False, None, out=io.StringIO(), interactive=True)
    assert saves[-1].redaction_checklist == {IDS[0]: True}
    assert server.state.writes() == []


def test_publish_review_stopped_with_ctrl_c_keeps_ticks(publishing, server):  # noqa: F811
    settings_, session, saves = publishing
    with keys("yy\x03"), pytest.raises(UserError, match="Stopped the checklist review with 4 item"):
        publish_command(settings_, session.name, "external", False, None, out=io.StringIO(), interactive=True)
    assert saves[-1].redaction_checklist == {IDS[0]: True} and server.state.writes() == []


def test_publish_review_is_not_offered_before_confluence_is_configured(monkeypatch):
    session, transcript = load_incident()
    monkeypatch.setattr("facilitator.publish.load_session_and_transcript", lambda s, n: (session, transcript))
    with pytest.raises(PublishError, match="Confluence is not configured"):
        publish_command(settings(), session.name, "external", False, None, out=io.StringIO(), interactive=True)


# -- one summary, two renderings ----------------------------------------------------------------


def test_publish_summary_shows_the_core_summary(publishing):
    settings_, session, _ = publishing
    out = io.StringIO()
    publish_command(settings_, session.name, "internal", False, None, out=out)
    text = out.getvalue()
    facts = summarize_postmortem(session, load_incident()[1], settings_)
    assert f"Duration:     {facts.duration_text} (fault introduced" in text and f"Responders:   {facts.responders}" in text
    for step in facts.next_steps():
        assert f"  - {step}\n" in text
    assert f"facilitator checklist {session.name}" in text  # nothing ticked yet: the command is offered
    assert f"facilitator publish {session.name} --jira PROJECT" in text


def test_summary_next_steps_follow_what_is_missing():
    session, transcript = load_incident()
    full = summarize_postmortem(session, transcript, settings())
    assert full.actions == 3 and full.responders == 3 and full.duration == "58 min"
    complete = next(a for a in session.actions if a.owner and a.due)
    complete.owner = ""
    session.redaction_checklist = dict.fromkeys(IDS, True)
    session.published.jira_keys = {session.actions[0].id: "OPS-1"}
    changed = summarize_postmortem(session, transcript, settings())
    steps = " ".join(changed.next_steps())
    n = full.actions_incomplete + 1
    assert changed.actions_incomplete == n and f"Assign an owner and a due date to {n} action item(s)." in steps
    assert "once the checklist is ticked" in " ".join(full.next_steps()) and full.unticked == len(IDS)
    assert changed.unticked == 0 and "once the checklist is ticked" not in steps and changed.actions_unfiled == 2
    session.actions.clear()
    assert "Add 3 to 5 action items" in " ".join(summarize_postmortem(session, transcript, settings()).next_steps())
