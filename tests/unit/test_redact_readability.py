"""Redaction keeps the external version readable: names come only from people, ordinary words,
metrics, versions, file names and times survive, and the demo's external version leaks nothing."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest

from facilitator.cli import main
from facilitator.config import Settings
from facilitator.redact import Redactor, default_public_hosts
from facilitator.redact_detect import HOST, SLACK_ID, TICKET, is_common_word, looks_like_host
from facilitator.session import ActionItem, SourceSpec
from facilitator.sources import demo_path, load_source
from facilitator.transcript import Message, Transcript


def _transcript(*lines: tuple[str, str, bool]) -> Transcript:
    t0 = datetime(2024, 12, 3, 14, 0, tzinfo=timezone.utc)
    return Transcript(messages=[Message(id=f"L{i}", at=t0 + timedelta(minutes=i), author=a, text=x, is_bot=bot)
                                for i, (a, x, bot) in enumerate(lines)], source="transcript")


def test_group_and_bot_handles_are_not_people_and_do_not_eat_words():
    transcript = _transcript(
        ("Datadog", "Metric `trace.flask.request.errors` for service:checkout-service. Notify: @pagerduty-checkout @slack-payments", True),
        ("Priya Natarajan", "Checkout errors are up; paging @sre-oncall and @checkout, cc @ravi.k", False),
    )
    redactor = Redactor.from_context(Settings(), None, transcript)
    assert set(redactor.people) == {"Priya Natarajan", "ravi.k"}
    out = redactor.redact("# Checkout errors\nPayments and the checkout API failed; @pagerduty-checkout paged ravi.k and Priya.").text
    assert out.startswith("# Checkout errors\nPayments and the checkout API failed; [handle] paged Engineer B and Engineer A.")
    assert redactor.leak_scan(out) == []
    assert redactor.leak_scan("ping @slack-payments") != []  # handles are still sensitive in their @ form


def test_given_names_match_alone_but_common_word_parts_only_capitalised():
    transcript = _transcript(("Chris Holdgraf", "restarting", False), ("Mark Page", "on it", False), ("Léon Brandt", "deploy log", False))
    redactor = Redactor.from_context(Settings(), None, transcript)
    text = "Chris and chris restarted it. Mark checked the page; we mark it done. Leon had the log. Holdgraf agreed."
    out = redactor.redact(text).text
    assert out == ("Engineer A and Engineer A restarted it. Engineer B checked the page; we mark it done. "
                   "Engineer C had the log. Engineer A agreed.")
    assert redactor.leak_scan(out) == []


def test_roles_owners_and_bots_from_the_session_are_not_people():
    from tests.unit.test_render import load_incident

    session, transcript = load_incident()
    session.actions = [ActionItem(id="A1", action="Add an alert", owner="SRE team"),
                       ActionItem(id="A2", action="Fix", owner="payments"), ActionItem(id="A3", action="Rotate", owner="Quentin Marlowe")]
    redactor = Redactor.from_context(Settings(), session, transcript)
    assert "SRE team" not in redactor.people and "payments" not in redactor.people and "Quentin Marlowe" in redactor.people
    assert redactor.redact("The payments team and the SRE team helped Quentin.").text == \
        "The payments team and the SRE team helped " + redactor.people["Quentin Marlowe"] + "."


@pytest.mark.parametrize("readable", [
    "trace.flask.request.errors", "payment_capture.jobs.failed", "database.pool.max_size", "sqlalchemy.exc.TimeoutError",
    "v2.31.0", "2.30.4", "config.yaml", "app.py", "14:07", "15:00 UTC", "6.8%", "0.41%", "p99", "30.1s", "pool.size()",
    "e.g.", "i.e. the pool", "user.id",
])
def test_dotted_non_hosts_survive(readable):
    redactor = Redactor.from_context(Settings(), None, _transcript(("Kenji Watanabe", f"see {readable} and `max_size`", False)))
    assert redactor.redact(f"Value of {readable} here.").text == f"Value of {readable} here."


@pytest.mark.parametrize("host", [
    "orders-db-2.prod.acme.internal", "kafka-7.eu-west.acme.local", "db.corp", "grafana.acme-outfitters.net",
    "checkout-db-prod.cluster-c9xk2aa.us-east-1.rds.amazonaws.com", "api.acme.io", "web.acme.co.uk", "cache-1.payments",
])
def test_hosts_are_still_hosts(host):
    assert looks_like_host(host)
    assert Redactor.from_context(Settings()).redact(f"restarted {host} twice").text == "restarted [internal host] twice"


def test_backticked_code_is_not_a_system_but_service_names_are():
    transcript = _transcript(("Li Wei", "`max_size`, `database.pool.max_size`, `checkout`, `ledgerd`, `orders-svc` and `pool.size()`", False))
    redactor = Redactor.from_context(Settings(), None, transcript)
    assert set(redactor.systems) == {"ledgerd", "orders-svc"}


def test_common_word_lookup_folds_plurals_and_keeps_names():
    assert all(is_common_word(w) for w in ("checkout", "checkouts", "payments", "api", "Mark", "page", "binder"))
    assert not any(is_common_word(w) for w in ("Holdgraf", "Kenji", "Natarajan", "ledgerd"))


# --- the demo's external version, read as a customer would ------------------------------------------


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def _sensitive_demo_strings() -> list[str]:
    """Every participant name (full, parts, handles, display names, without accents) and every
    internal host, Slack id, ticket key and email of the demo channel."""
    users = json.loads((demo_path() / "users.json").read_text(encoding="utf-8"))
    strings: set[str] = set()
    for user in users:
        profile = user.get("profile", {})
        if user.get("is_bot"):
            continue
        for name in (user.get("real_name", ""), profile.get("display_name", ""), user.get("name", "")):
            strings.add(name)
            strings.update(p for p in re.split(r"[\s._]+", name) if len(p) >= 3)
        strings.add(user["id"])
    transcript = load_source(SourceSpec(kind="demo"), Settings())
    public = default_public_hosts()
    for message in transcript.messages:
        strings.update(h for h in (m.group() for m in HOST.finditer(message.text)) if looks_like_host(h) and h.lower() not in public)
        strings.update(m.group() for m in SLACK_ID.finditer(message.text))
        strings.update(m.group() for m in TICKET.finditer(message.text) if m.group(1) in ("OPS", "INC"))
        strings.update(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", message.text))
    return sorted(s for s in strings if len(s) >= 3)


def test_demo_external_version_leaks_nothing_and_stays_readable(tmp_path, capsys):
    assert main(["draft", "--demo", "--no-llm", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    external = (tmp_path / "external.md").read_text(encoding="utf-8")
    folded = _fold(external)
    sensitive = _sensitive_demo_strings()
    assert len(sensitive) > 30  # the demo has 8 people with handles, hosts, ids and tickets
    leaks = [s for s in sensitive if re.search(r"(?<![\w-])" + re.escape(_fold(s)) + r"(?![\w-])", folded)]
    assert leaks == []
    # readable: the title and ordinary words survive; only real placeholders appear
    assert external.startswith("# Incident report: Elevated errors at checkout")  # the status page's name for it
    assert "checkout" in external and "Engineer" not in external.splitlines()[0]
    # written for customers: no versions, config files or commands; the story is in plain words
    assert not re.search(r"v2\.3\d\.\d", external) and "config.yaml" not in external and "deployctl" not in external
    assert "Service 1" not in external and "We reversed that change" in external


def test_service_names_written_before_a_version_or_as_tags_are_learnt():
    transcript = _transcript(("Léon Brandt", "deploy log: billing-api v2.31.0 at 13:52, svc/ledger-sync restarted, service:fraud-check", False))
    redactor = Redactor.from_context(Settings(), None, transcript)
    assert set(redactor.systems) == {"billing-api", "ledger-sync", "fraud-check"}
    systems = redactor.systems
    assert redactor.redact("billing-api and fraud-check recovered").text == f"{systems['billing-api']} and {systems['fraud-check']} recovered"


def test_a_secret_masked_upstream_is_not_itself_a_leak():
    transcript = _transcript(("Kenji Watanabe", "DATABASE_URL=postgresql://app:[secret]@db-1.prod.internal:5432/x and password=[secret]", False))
    redactor = Redactor.from_context(Settings(), None, transcript)
    assert "[secret]" not in {k.casefold() for k in redactor.known}
    assert redactor.leak_scan("The password ([secret]) was rotated.") == []
    assert redactor.leak_scan("db-1.prod.internal was restarted") != []
