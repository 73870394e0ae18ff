"""Every failure a user can cause ends as one plain sentence, exit code 2, nothing lost.

Regression tests for the command-line QA pass: each drives ``facilitator.cli.main`` with
bad input and checks the exit code, that stderr is exactly one line without a traceback or
a secret, and, where an interview was under way, that the answers are still on disk.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from facilitator.cli import main
from facilitator.sessions import SessionStore
from tests.servers.slack_server import SMALL_EXPORT, TOKEN

CHANNEL = "inc-99-db-failover"
SECRET = "xoxb-1111-2222-secretvalue"
TRANSCRIPT = "[2024-12-03 10:32] Alice: checkout is failing\n[2024-12-03 10:40] Bob: rolled back, errors gone\n"


def one_sentence(err: str) -> str:
    """The single stderr line, after checking there is exactly one and no traceback."""
    assert "Traceback" not in err
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("facilitator")  # "facilitator: ..." or "facilitator render: ..."
    return lines[0]


@pytest.fixture
def export(tmp_path) -> Path:
    """A writable copy of the small Slack export."""
    target = tmp_path / "export"
    shutil.copytree(SMALL_EXPORT, target)
    return target


@pytest.fixture
def transcript(tmp_path) -> Path:
    path = tmp_path / "chat.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return path


# --- sources -------------------------------------------------------------------------------


def test_export_without_channel_lists_the_channels(export, capsys):
    assert main(["extract", "--slack-export", str(export)]) == 2
    line = one_sentence(capsys.readouterr().err)
    assert "--channel" in line and CHANNEL in line and "general" in line


def test_missing_export_without_channel_reports_the_path_first(tmp_path, capsys):
    assert main(["extract", "--slack-export", str(tmp_path / "nope.zip")]) == 2
    assert "No Slack export at" in one_sentence(capsys.readouterr().err)


def test_bounds_that_exclude_every_message_are_an_error(capsys):
    assert main(["extract", "--demo", "--since", "2030-01-01T00:00"]) == 2
    line = one_sentence(capsys.readouterr().err)
    assert "--since 2030-01-01T00:00" in line and "2024-12-03" in line


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "message", "ts": "1733234400.000100", "user": "U1", "text": "x", "reactions": 5, "files": "no"},
        {"type": "message", "ts": "1733234400.000200", "user": "U1", "text": "x", "thread_ts": {"a": 1}},
        {"type": "message", "ts": "99999999999999999999", "user": "U1", "text": "far future"},
    ],
)
def test_damaged_message_fields_are_set_aside_not_fatal(export, raw, capsys):
    day = export / CHANNEL / "2024-12-04.json"
    day.write_text(json.dumps([*json.loads(day.read_text()), raw]), encoding="utf-8")
    assert main(["extract", "--slack-export", str(export), "--channel", CHANNEL, "--json"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_conversation_with_a_non_string_name_is_skipped(export, capsys):
    channels = json.loads((export / "channels.json").read_text())
    channels.append({"id": "CBAD", "name": ["not", "a", "name"]})
    (export / "channels.json").write_text(json.dumps(channels), encoding="utf-8")
    assert main(["extract", "--slack-export", str(export), "--channel", CHANNEL]) == 0
    assert CHANNEL in capsys.readouterr().out


class _HtmlHandler(BaseHTTPRequestHandler):
    """A proxy login page where the Slack API should be."""

    def log_message(self, format, *args):  # noqa: A002 - keep test output clean
        pass

    def do_POST(self):  # noqa: N802 - http.server naming
        body = b"<html>Sign in to the proxy</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def html_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()
    server.server_close()


def test_non_json_answer_from_the_slack_url_names_the_url_not_the_scopes(html_server, monkeypatch, capsys):
    monkeypatch.setenv("SLACK_TOKEN", TOKEN)
    monkeypatch.setenv("FACILITATOR_SLACK_API_URL", html_server)
    assert main(["extract", "--slack-channel", CHANNEL]) == 2
    line = one_sentence(capsys.readouterr().err)
    assert "FACILITATOR_SLACK_API_URL" in line and "scope" not in line and TOKEN not in line


def test_stdin_is_checked_like_a_file(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\x00\x01\x02garbage")))
    assert main(["extract", "--transcript", "-"]) == 2
    assert "binary" in one_sentence(capsys.readouterr().err)


def test_stdin_in_latin1_is_read(monkeypatch, capsys):
    text = "[2024-12-03 10:32] Alice: caf\xe9 is down\n[2024-12-03 10:40] Bob: fixed\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("latin-1"))))
    assert main(["extract", "--transcript", "-", "--json"]) == 0
    assert "café" in capsys.readouterr().out.casefold()  # the message text, capitalised where it opens a row


# --- sessions and answers ------------------------------------------------------------------


def _saved_session(transcript: Path, capsys) -> str:
    assert main(["draft", "--transcript", str(transcript), "--session", "s1", "--out", str(transcript.parent / "out"), "--no-llm"]) == 0
    capsys.readouterr()
    return "s1"


def test_session_file_in_another_encoding_is_explained(transcript, capsys):
    name = _saved_session(transcript, capsys)
    SessionStore().path(name).write_bytes(b"\xff\xfe\x00 broken")
    assert main(["sessions", "show", name]) == 2
    line = one_sentence(capsys.readouterr().err)
    assert "not UTF-8" in line and "permissions" not in line


def test_session_value_of_the_wrong_type_says_what_to_do(transcript, capsys):
    name = _saved_session(transcript, capsys)
    path = SessionStore().path(name)
    text = path.read_text(encoding="utf-8")
    assert "\ntitle = " in text
    path.write_text(re.sub(r"(?m)^title = .*$", "title = 42", text, count=1), encoding="utf-8")
    assert main(["render", name]) == 2
    line = one_sentence(capsys.readouterr().err)
    assert "'title'" in line and "delete that key" in line


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("answers = 5\n", "'answers' must be a table"),
        ("whys = 5\n", "'whys' must be a list"),
        ('actions = "x"\n', "'actions' must be tables"),
        ("[[actions]]\nowner = 3\n", "action 1: An action item needs a description"),
        ("[[rejected]]\naction = 'Freeze deploys'\n", "rejected idea 1"),
    ],
)
def test_answers_file_of_the_wrong_shape_is_one_sentence(transcript, tmp_path, content, expected, capsys):
    answers = tmp_path / "answers.toml"
    answers.write_text(content, encoding="utf-8")
    code = main(["draft", "--transcript", str(transcript), "--answers", str(answers), "--out", str(tmp_path / "o"), "--no-llm"])
    assert code == 2
    line = one_sentence(capsys.readouterr().err)
    assert expected in line and "answers.toml" in line


def test_answers_file_not_in_utf8(transcript, tmp_path, capsys):
    answers = tmp_path / "answers.toml"
    answers.write_bytes(b"\xff\xfe title")
    assert main(["draft", "--transcript", str(transcript), "--answers", str(answers), "--out", str(tmp_path / "o")]) == 2
    assert "not UTF-8" in one_sentence(capsys.readouterr().err)


def test_a_lone_why_string_is_accepted(transcript, tmp_path, capsys):
    answers = tmp_path / "answers.toml"
    answers.write_text('whys = "the cache expired"\n', encoding="utf-8")
    assert main(["draft", "--transcript", str(transcript), "--answers", str(answers), "--out", str(tmp_path / "o"), "--no-llm"]) == 0
    assert "the cache expired" in (tmp_path / "o" / "session.toml").read_text(encoding="utf-8")


# --- plain mode ----------------------------------------------------------------------------


@contextmanager
def keyboard_then_eof(*lines: str):
    """Type these lines, then end the input (Ctrl-D / a here-doc running out)."""
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("".join(line + "\r" for line in lines))
        pipe.close()
        yield


def test_end_of_input_in_plain_mode_stops_and_keeps_the_answers(transcript, capsys):
    with keyboard_then_eof("\x15Checkout failed for every customer for 20 minutes"):
        code = main(["interview", "--plain", "--no-llm", "--transcript", str(transcript), "--session", "eof1"])
    captured = capsys.readouterr()
    assert code == 130
    assert "Traceback" not in captured.err
    assert "resume with" in captured.out
    answer = SessionStore().load("eof1").answers["customer_effect"]  # the first question
    assert answer.value == "Checkout failed for every customer for 20 minutes"


def test_full_screen_app_without_a_terminal_is_refused(capsys):
    # pytest captures stdin/stdout, so neither is a terminal here, as in `facilitator ... | less`.
    assert main(["interview", "--demo"]) == 2
    assert "--plain" in one_sentence(capsys.readouterr().err)


# --- config --------------------------------------------------------------------------------


def test_config_path_that_is_a_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FACILITATOR_CONFIG", str(tmp_path))
    assert main(["extract", "--demo"]) == 2
    assert "is a folder" in one_sentence(capsys.readouterr().err)


def test_config_that_cannot_be_written_is_a_config_error(tmp_path):
    import tomlkit

    from facilitator.config import write_config_document
    from facilitator.errors import ConfigError

    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="Could not write the config file"):
        write_config_document(tomlkit.document(), blocker / "sub" / "config.toml")


# --- the last guards -----------------------------------------------------------------------


def test_unexpected_error_is_one_sentence_without_secrets(monkeypatch, capsys):
    import facilitator.cli as cli

    def boom(args):
        raise RuntimeError(f"something odd with {SECRET}")

    monkeypatch.setitem(cli.COMMANDS, "sessions", boom)
    assert main(["sessions", "list"]) == 1
    line = one_sentence(capsys.readouterr().err)
    assert "RuntimeError" in line and "FACILITATOR_DEBUG" in line and SECRET not in line


def test_debug_variable_shows_the_real_exception(monkeypatch):
    import facilitator.cli as cli

    def boom(args):
        raise RuntimeError("details wanted")

    monkeypatch.setitem(cli.COMMANDS, "sessions", boom)
    monkeypatch.setenv("FACILITATOR_DEBUG", "1")
    with pytest.raises(RuntimeError, match="details wanted"):
        main(["sessions", "list"])


def test_closed_pipe_ends_quietly(monkeypatch, capsys):
    import facilitator.cli as cli

    def reader_left(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setitem(cli.COMMANDS, "sessions", reader_left)
    assert main(["sessions", "list"]) == 141
    assert capsys.readouterr().err == ""


def test_interrupt_outside_an_interview_does_not_mention_answers(monkeypatch, capsys):
    import facilitator.cli as cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "extract", interrupted)
    assert main(["extract", "--demo"]) == 130
    line = one_sentence(capsys.readouterr().err)
    assert line == "facilitator: interrupted."


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["render", "s1", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["extract", "--demo", "--transcript", "x.txt"], "not allowed with"),
        (["draft", "--demo"], "--out"),
        (["render"], "needs a SESSION name"),
    ],
)
def test_usage_mistakes_are_one_line(argv, expected, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    assert expected in one_sentence(capsys.readouterr().err)


def test_init_refuses_an_unwritable_path_before_asking_anything(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with keyboard_then_eof():  # had it asked a question, the ended input would stop it with 130
        code = main(["init", "--path", str(blocker / "sub" / "config.toml")])
    assert code == 2
    assert "Cannot write the config file" in one_sentence(capsys.readouterr().err)
