"""--evidence on the command line: draft and extract take alert and log files; a bad file is one sentence."""

from __future__ import annotations

import json

from facilitator.cli import main
from facilitator.sessions import SessionStore

ALERTS = [{"labels": {"alertname": "CheckoutLatencyHigh", "severity": "warning"}, "annotations": {"summary": "p99 above 2s"},
           "startsAt": "2024-12-03T14:01:00Z", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "f1", "status": {"state": "active"}}]


def files(tmp_path) -> tuple[str, str]:
    alerts, log = tmp_path / "alerts.json", tmp_path / "api.log"
    alerts.write_text(json.dumps(ALERTS))
    log.write_text("2024-12-03T13:53:10Z ERROR payments-api pool exhausted (max=20)\n2024-12-03T13:53:11Z INFO retry\n")
    return str(alerts), str(log)


def test_draft_with_evidence_files_puts_rows_in_the_timeline(tmp_path, capsys):
    alerts, log = files(tmp_path)
    out = tmp_path / "out"
    assert main(["draft", "--demo", "--no-llm", "--tz", "Europe/Berlin", "--evidence", alerts, "--evidence", log, "--out", str(out)]) == 0
    assert "Evidence: 2 timeline row(s) from outside the channel." in capsys.readouterr().out
    internal = (out / "internal.md").read_text()
    # 13:53Z shown in the channel's zone; before the alert "fired at 14:07 UTC" (15:07 in Berlin), so before the response
    assert "| 14:53 | Logs (automated) | api.log | _Before the response:_ First error logged" in internal
    assert "| 15:01 | Alertmanager (automated) | CheckoutLatencyHigh |" in internal
    assert "**Detected:** 2024-12-03 15:07" in internal
    assert "| channel (bot) | PagerDuty |" in internal
    session = SessionStore().load(next(SessionStore().root.iterdir()).name)
    assert session.source.evidence == [alerts, log] and len(session.evidence.rows) == 2


def test_without_evidence_the_document_has_no_outside_rows(tmp_path):
    out = tmp_path / "out"
    assert main(["draft", "--demo", "--no-llm", "--out", str(out)]) == 0
    internal = (out / "internal.md").read_text()
    assert "(automated)" not in internal and "| Source | Actor |" in internal


def test_extract_reports_evidence_and_a_bad_file_is_one_sentence(tmp_path, capsys):
    alerts, log = files(tmp_path)
    assert main(["extract", "--demo", "--json", "--evidence", log]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["evidence"]["candidates"][0]["label"] == "first error logged in api.log"
    assert main(["draft", "--demo", "--no-llm", "--evidence", str(tmp_path / "missing.json"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("facilitator: There is no evidence file") and err.count("\n") == 1
    assert not SessionStore().root.exists() or not any(SessionStore().root.iterdir())  # no half-made session


def test_service_tokens_come_from_the_environment_and_stay_secret(monkeypatch):
    from facilitator.config import load_settings

    monkeypatch.setenv("GITHUB_TOKEN", "ghp_envtoken000000000000000000000000")
    monkeypatch.setenv("GITHUB_URL", "https://ghe.acme.test")
    monkeypatch.setenv("GITLAB_TOKEN", "glpat-envtoken0000000000000")
    monkeypatch.setenv("PAGERDUTY_TOKEN", "u+pdenv")
    monkeypatch.setenv("PAGERDUTY_API_URL", "https://api.eu.pagerduty.com")
    settings = load_settings()
    assert settings.github.token.get_secret_value().startswith("ghp_env") and settings.github.url == "https://ghe.acme.test"
    assert settings.pagerduty.api_url == "https://api.eu.pagerduty.com"
    dumped = json.dumps(settings.public_dump())
    assert "envtoken" not in dumped and "pdenv" not in dumped
    assert settings.public_dump()["github"]["token"] == "set" and settings.public_dump()["gitlab"]["token"] == "set"


def test_a_credential_in_a_log_line_is_masked(tmp_path, capsys):
    log = tmp_path / "auth.log"
    log.write_text("2024-12-03T13:53:10Z ERROR login failed for token xoxb-123456789012-abcdefghijkl\n")
    assert main(["extract", "--demo", "--json", "--evidence", str(log)]) == 0
    out = capsys.readouterr().out
    assert "xoxb-123456789012" not in out and "First error logged" in out
