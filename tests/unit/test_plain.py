"""Plain line mode and `facilitator init`, driven end to end through prompt_toolkit pipe input."""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from facilitator.config import load_settings
from facilitator.findings import Fact, Findings, KeyTime, Responder
from facilitator.plain import run_init_wizard, run_plain_interview
from facilitator.session import Session, SourceSpec
from facilitator.sessions import SessionStore
from facilitator.transcript import Message, Transcript

UTC = timezone.utc
T0 = datetime(2025, 3, 11, 9, 41, tzinfo=UTC)


@contextmanager
def keyboard(*lines: str):
    """Type these lines (Enter after each) into every questionary prompt that follows."""
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("".join(line if line.endswith("\x03") else line + "\r" for line in lines))
        pipe.close()  # running out of typed lines ends the input (a stop) instead of waiting forever
        yield


def _session(store: SessionStore) -> str:
    transcript = Transcript(
        messages=[
            Message(id="L1", at=T0, author="PagerDuty", text="Triggered: search-api p99 latency > 2s", is_bot=True),
            Message(id="L2", at=T0 + timedelta(minutes=1), author="Marta Kowalski", text="ack, I'm incident commander"),
            Message(id="L9", at=T0 + timedelta(minutes=39), author="Jonas Berg", text="we got lucky it was a Tuesday"),
            Message(id="L10", at=T0 + timedelta(minutes=44), author="Marta Kowalski", text="we should add an alert on empty-result rate"),
        ],
        source="transcript",
        channel="inc-77",
    )
    findings = Findings(
        detected_at=KeyTime(at=T0, message_ids=["L1"], reason="first alert"),
        responders=[Responder(name="Marta Kowalski", role="incident commander", message_ids=["L2"]), Responder(name="Jonas Berg")],
        luck=[Fact(text="we got lucky it was a Tuesday", message_ids=["L9"])],
        action_hints=[Fact(text="we should add an alert on empty-result rate for search", message_ids=["L10"])],
    )
    session = Session(name="plain-1", source=SourceSpec(kind="transcript"), findings=findings)
    store.save_transcript(session.name, transcript)
    store.save(session)
    return session.name


ANSWERS = [
    "EU customers got empty search results for 34 minutes",  # customer_effect
    "unknown",  # started_at: no evidence
    "skip",  # impact_started_at: customers were affected from the fault itself
    "",  # detected_at: accept the suggestion
    "10:04",  # mitigated_at
    "skip",  # resolved_at
    "mon",  # detection_method (prefix of monitoring)
    "",  # responders: accept
    "the elasticsearch cluster was overloaded",  # first_hypothesis
    "a deploy lowered the query timeout to 200 ms",  # actual_cause
    "rolled back search-api to v5.2.1",  # fix
    "we suspected elasticsearch first; the rollback worked",  # what_happened
    "",  # luck: accept
    "the Monday import fails silently",  # fears
    "no",  # happened_before
    "none",  # job_failures
    "customers: EU; environment: production",  # affected
    "skip",  # support_requests
    "none",  # data_impact
    "skip",  # messaging
    "missing: a search rollback runbook",  # runbooks
    "sev2",  # severity
    "Empty search results in the EU",  # title
    "skip",  # exec_summary: the document composes it
    "the rollback was quick",  # went_well
    "the timeout change was not load-tested",  # went_badly
    "A change made search return no results; we reversed it.",  # customer_explanation
    "skip",  # customer_changes
    "\x15skip",  # action_owners: clear the suggested lines, then skip
    "validate timeouts before release",  # lessons
]
WHYS = ["the queries timed out after 200 ms", "the deploy lowered the timeout", "stop"]
ACTIONS = ["", "search team", "2025-04-01", "Add a config validation test for timeouts below 1 s", "search team", "", ""]


def test_plain_interview_end_to_end(tmp_path, capsys):
    store = SessionStore(tmp_path)
    name = _session(store)
    with keyboard(*ANSWERS, *WHYS, *ACTIONS):
        code = run_plain_interview(load_settings(), None, name, store=store)
    printed = capsys.readouterr().out
    assert code == 0, printed
    session = store.load(name)
    a = session.answers
    assert a["detected_at"].status == "suggested" and a["detected_at"].message_ids == ["L1"]
    assert a["started_at"].status == "unknown" and a["resolved_at"].status == "skipped"
    assert a["impact_started_at"].status == "skipped"
    assert a["severity"].value == "SEV2" and a["detection_method"].value == "monitoring"
    assert session.title == "Empty search results in the EU"
    assert a["mitigated_at"].value == "2025-03-11T10:04+00:00"
    assert a["responders"].value == ["Marta Kowalski (incident commander)", "Jonas Berg"]
    assert a["affected"].value == ["customers: EU", "environment: production"]
    assert [w.answer for w in session.whys] == WHYS[:2] and session.whys_done
    assert [(x.action, x.owner) for x in session.actions] == [
        ("Add an alert on empty-result rate for search", "search team"),
        ("Add a config validation test for timeouts below 1 s", "search team"),
    ]
    assert str(session.actions[0].due) == "2025-04-01" and session.actions[1].due is None
    # What the user saw: the explicit no-evidence question, citations, the metrics and the file.
    assert "no evidence of when the fault was introduced" in printed
    assert "[from 09:41 PagerDuty: Triggered: search-api p99 latency > 2s]" in printed
    assert "Time to detect unknown, to mitigate 23m" in printed
    written = [line.removeprefix("Wrote ") for line in printed.splitlines() if line.startswith("Wrote ")]
    assert written and all(os.path.exists(p) and p.startswith(str(store.folder(name))) for p in written)


def test_ctrl_c_keeps_answers_and_resume_continues(tmp_path, capsys):
    store = SessionStore(tmp_path)
    name = _session(store)
    with keyboard("EU customers saw empty search results", "unknown", "skip", "\x03"):
        code = run_plain_interview(load_settings(), None, name, store=store)
    assert code == 130
    assert "resume with: facilitator interview --plain --session plain-1" in capsys.readouterr().out
    saved = store.load(name)
    assert saved.answers["customer_effect"].value == "EU customers saw empty search results"
    assert saved.answers["started_at"].status == "unknown" and "detected_at" not in saved.answers
    assert saved.current_question == "detected_at"
    with keyboard("\x1509:45", "\x03"):  # clear the suggested time, type another
        run_plain_interview(load_settings(), None, name, store=store)
    printed = capsys.readouterr().out
    assert "[4/30] When was it detected?" in printed  # resumed at the open question
    assert store.load(name).answers["detected_at"].value == "2025-03-11T09:45+00:00"


def test_invalid_answer_is_refused_until_fixed(tmp_path):
    store = SessionStore(tmp_path)
    name = _session(store)
    # Enter on "10:99" is refused by the validator (the prompt stays); backspaces fix it to "10:09".
    with keyboard("EU customers saw empty search results", "10:99", "\x7f\x7f09", "\x03"):
        run_plain_interview(load_settings(), None, name, store=store)
    assert store.load(name).answers["started_at"].value == "2025-03-11T10:09+00:00"


def test_init_wizard_writes_commented_0600_config_and_keeps_it_on_rerun(tmp_path, capsys):
    path = tmp_path / "config.toml"
    # questionary text prompts start with the default in the buffer: clear it first (Ctrl-U).
    clear = "\x15"
    with keyboard(
        clear + "Europe/Berlin", "", "", "https://acme.atlassian.net/wiki", "ops@acme.test",
        "ATATT3xFfGF0-secret-confluence-token", "OPS", "123456", "", "",
    ):
        assert run_init_wizard(path) == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "# facilitator configuration" in text and "# Space key where post-mortems live" in text
    settings = load_settings(path=path, env={})
    assert settings.timezone == "Europe/Berlin"
    assert settings.confluence.space == "OPS" and settings.confluence.parent_page_id == "123456"
    assert settings.confluence.token.get_secret_value() == "ATATT3xFfGF0-secret-confluence-token"
    assert settings.slack.token is None and settings.llm.api_key is None
    assert "ATATT3xFfGF0" not in capsys.readouterr().out  # never echoed
    # The user adds a comment; re-running keeps it, keeps the saved token on Enter, changes the zone.
    path.write_text(text.replace('space = "OPS"', 'space = "OPS"  # the shared ops space'))
    with keyboard(clear + "America/New_York", "", "", "", "", "", "", "", "", ""):
        assert run_init_wizard(path) == 0
    again = path.read_text()
    assert "# the shared ops space" in again
    settings = load_settings(path=path, env={})
    assert settings.timezone == "America/New_York"
    assert settings.confluence.token.get_secret_value() == "ATATT3xFfGF0-secret-confluence-token"


def test_init_wizard_refuses_an_unknown_timezone(tmp_path):
    path = tmp_path / "config.toml"
    # "Mars/Olympus" is refused; Ctrl-U clears it and a valid zone is typed; then Ctrl-C stops.
    with keyboard("\x15Mars/Olympus", "\x15UTC", "\x03"):
        assert run_init_wizard(path) == 130
    assert not path.exists()


@pytest.fixture(autouse=True)
def _no_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")


def test_cli_plain_interview_on_the_demo_starts_a_session(hermetic_env, capsys):
    from facilitator.cli import main

    with keyboard("", "\x03"):  # accept the suggested customer effect, Ctrl-C at the start time
        assert main(["interview", "--demo", "--plain"]) == 130
    printed = capsys.readouterr().out
    assert "Session 2024-12-03-inc-2041-checkout-errors" in printed
    assert "Suggested" in printed and "[from " in printed
    saved = SessionStore().load("2024-12-03-inc-2041-checkout-errors")
    assert saved.answers["customer_effect"].status == "suggested"


def test_a_stray_event_loop_error_does_not_eat_the_next_answer(caplog):
    """A late error in the prompt's loop (say a network client closing) is logged, not prompted."""
    import asyncio

    import questionary

    from facilitator.plain import ask

    def check(text: str) -> bool:
        asyncio.get_running_loop().call_soon(lambda: 1 / 0)  # fails inside the prompt's loop
        return True

    with keyboard("first", "second"), caplog.at_level("DEBUG", logger="facilitator.plain"):
        answers = (ask(questionary.text(">", validate=check)), ask(questionary.text(">")))
    assert answers == ("first", "second")
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_typing_replaces_the_suggestion_and_an_empty_enter_accepts_it():
    from facilitator.plain import ask_suggested

    with keyboard("14:08"):
        assert ask_suggested("  >", "2024-12-03 14:07") == "14:08"  # not "2024-12-03 14:0714:08"
    with keyboard(""):
        assert ask_suggested("  >", "2024-12-03 14:07") == "2024-12-03 14:07"
    refused = []
    with keyboard("bad", "\x15fine"):  # a refused answer stays to be corrected (Ctrl-U clears it)
        assert ask_suggested("  >", "ok", lambda t: True if t != "bad" else refused.append(t) or "no") == "fine"
    assert refused == ["bad"]


def test_plain_interview_on_a_source_with_a_session_offers_to_resume(tmp_path, capsys, monkeypatch):
    import io

    import facilitator.plain as plain

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    store = SessionStore(tmp_path)
    spec = SourceSpec(kind="demo", timezone="UTC")
    with keyboard("", "\x03"):  # no session yet: the first question is asked; accept, then stop
        run_plain_interview(load_settings(), spec, None, store=store)
    assert len(store.list()) == 1
    monkeypatch.setattr(plain.sys, "stdin", Terminal())
    with keyboard("", "\x03"):  # Enter resumes the same session
        run_plain_interview(load_settings(), spec, None, store=store)
    assert len(store.list()) == 1
    assert "already has a session" in capsys.readouterr().out
    with keyboard("new", "\x03"):
        run_plain_interview(load_settings(), spec, None, store=store)
    assert len(store.list()) == 2
    monkeypatch.setattr(plain.sys, "stdin", io.StringIO())  # answers piped by a script: not asked
    with keyboard("\x03"):
        run_plain_interview(load_settings(), spec, None, store=store)
    assert len(store.list()) == 3
    assert "to resume that one: facilitator interview --plain --session" in capsys.readouterr().out
