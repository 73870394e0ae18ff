"""Redaction: a realistic channel with planted sensitive strings must leak nothing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from facilitator.config import Settings
from facilitator.redact import Redactor, mask_secrets, scrub_findings, scrub_session
from facilitator.redact_gate import LeakError, ensure_clean, load_checklist, unticked
from facilitator.render import render_both, render_markdown
from facilitator.session import Answer
from facilitator.transcript import Message, Transcript
from tests.unit.test_render import load_incident

# (kind, planted string); every one must be gone from the external text.
PLANTED = [
    ("person", "Marta Kowalski"), ("person", "Kowalski"), ("person", "Jonas Berg"), ("person", "Jonas"),
    ("person", "Li Wei"), ("person", "Wei"), ("person", "Marta"), ("person", "ravi.k"),
    ("user id", "U04ABCD1234"), ("channel id", "C05XYZ9876"),
    ("email", "marta.kowalski@acme-corp.io"), ("email", "oncall+pager@acme-corp.io"),
    ("phone", "+1 (415) 555-0142"), ("phone", "+44 20 7946 0958"),
    ("host", "orders-db-2.prod.acme.internal"), ("host", "kafka-7.eu-west.acme.local"),
    ("url", "https://grafana.acme-corp.io/d/orders?var-host=orders-db-2"),
    ("url", "https://acme.slack.com/archives/C05XYZ9876/p1701600000000100"),
    ("ip", "10.42.7.19"), ("ip", "fd00:ec2::254:10:1"), ("ip", "2001:db8:85a3:0:0:8a2e:370:7334"),
    ("ticket", "OPS-4521"), ("ticket", "ORD-77"),
    ("secret", "AKIAZ3MPLE7Q2RXW4N5T"), ("secret", "xoxb-2741-99120-DkT9s8fQ1wzPq0RmNbV3"),
    ("secret", "ghp_Xy7Pq2Lm9Nb4Vc8Zr1Ks6Wd3Ft5Gh0Jq2Ea8"),
    ("secret", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcmRlcnMtc3ZjIn0.Qm9ndXNTaWduYXR1cmVWYWx1ZTEyMw"),
    ("secret", "Tr0ub4dor&3x"), ("secret", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"),
    ("secret", "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo"),
    ("internal name", "orders-svc"), ("internal name", "ledgerd"), ("internal name", "Project Falcon"),
]

CHANNEL = [
    ("Marta Kowalski", "U04ABCD1234", "Paging: orders are failing, `orders-svc` returns 500s. Dashboard https://grafana.acme-corp.io/d/orders?var-host=orders-db-2"),
    ("Jonas Berg", "U04JONAS999", "@Marta Kowalski looking. orders-db-2.prod.acme.internal is at 100% CPU, primary is 10.42.7.19"),
    ("Li Wei", "U04LIWEI001", "I think `ledgerd` retries are hammering it. Opened OPS-4521, related to ORD-77"),
    ("ravi.k", "U04RAVIK002", "someone pasted creds in #C05XYZ9876: aws_access_key_id=AKIAZ3MPLE7Q2RXW4N5T aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"),
    ("Jonas Berg", "U04JONAS999", "also the bot token xoxb-2741-99120-DkT9s8fQ1wzPq0RmNbV3 and ghp_Xy7Pq2Lm9Nb4Vc8Zr1Ks6Wd3Ft5Gh0Jq2Ea8 are in that log, rotating"),
    ("Marta Kowalski", "U04ABCD1234", "db url was postgres://orders:Tr0ub4dor&3x@orders-db-2.prod.acme.internal:5432/orders, jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcmRlcnMtc3ZjIn0.Qm9ndXNTaWduYXR1cmVWYWx1ZTEyMw"),
    ("Li Wei", "U04LIWEI001", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END RSA PRIVATE KEY-----"),
    ("Jonas Berg", "U04JONAS999", "kafka-7.eu-west.acme.local lag is back to normal, Project Falcon unaffected. see https://acme.slack.com/archives/C05XYZ9876/p1701600000000100"),
    ("Marta Kowalski", "U04ABCD1234", "customer escalation from marta.kowalski@acme-corp.io cc oncall+pager@acme-corp.io, call +1 (415) 555-0142 or +44 20 7946 0958"),
    ("Li Wei", "U04LIWEI001", "v6 path fd00:ec2::254:10:1 and 2001:db8:85a3:0:0:8a2e:370:7334 fine. Status page: https://status.acme.com/incidents/99 updated at 14:32, commit 3f2a9c1d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c reverted"),
]

SETTINGS = Settings(timezone="UTC", redaction={"public_domains": ["status.acme.com"], "internal_names": ["Project Falcon"]})


def channel() -> Transcript:
    t0 = datetime(2024, 12, 3, 14, 0, tzinfo=timezone.utc)
    msgs = [Message(id=f"L{i + 1}", at=t0 + timedelta(minutes=3 * i), author=a, author_id=uid, text=text)
            for i, (a, uid, text) in enumerate(CHANNEL)]
    return Transcript(messages=msgs, source="transcript", channel="inc-9")


def _report_false_positives(original: str, spans) -> list[str]:
    """Replaced stretches that overlap no planted string (readability cost of the redaction)."""
    planted = [(m.start(), m.end()) for _, s in PLANTED for m in re.finditer(re.escape(s), original)]
    return [original[s.start:s.end] for s in spans if not any(a < s.end and s.start < b for a, b in planted)]


def test_planted_strings_never_survive_and_false_positives_are_reported(capsys):
    transcript = channel()
    redactor = Redactor.from_context(SETTINGS, None, transcript)
    text = "\n".join(m.text for m in transcript.messages) + "\nEngineers Marta, Jonas and Wei handled it."
    result = redactor.redact(text)
    leaks = [s for _, s in PLANTED if s.casefold() in result.text.casefold()]
    assert leaks == []
    assert redactor.leak_scan(result.text) == []
    false_positives = _report_false_positives(text, result.spans)
    print(f"redaction false positives ({len(false_positives)}): {false_positives}")
    assert false_positives == [], false_positives
    # what customers can read survives
    assert "https://status.acme.com/incidents/99" in result.text and "14:32" in result.text
    assert "3f2a9c1d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c" in result.text


def test_placeholders_are_consistent():
    redactor = Redactor.from_context(SETTINGS, None, channel())
    out = redactor.redact("Marta Kowalski paged Jonas Berg; later Marta and @Jonas Berg fixed `orders-svc` (orders-svc).").text
    assert out.count("Engineer A") == 2 and out.count("Engineer B") == 2
    assert out.count("Service 1") == 2 and "Marta" not in out


def test_mask_secrets_keeps_the_rest():
    text = "key AKIAZ3MPLE7Q2RXW4N5T in postgres://orders:Tr0ub4dor&3x@db:5432/x by Marta at 14:02 (OPS-4521)"
    masked = mask_secrets(text)
    assert "AKIA" not in masked and "Tr0ub4dor" not in masked
    assert "postgres://orders:[secret]@db:5432/x" in masked and "Marta at 14:02 (OPS-4521)" in masked


def test_secrets_masked_in_internal_document_and_session():
    session, transcript = load_incident()
    session.answers["fix"] = Answer(question_id="fix", value="Rotated AKIAZ3MPLE7Q2RXW4N5T and rolled back.")
    session.drafts["summary"] = "Token xoxb-2741-99120-DkT9s8fQ1wzPq0RmNbV3 leaked; see OPS-4521."
    internal = render_markdown(session, transcript, SETTINGS)
    assert "AKIAZ3MPLE7Q2RXW4N5T" not in internal and "xoxb-2741" not in internal
    assert "OPS-4521" in internal and "Alice Chen" in internal  # internal keeps names and tickets
    scrubbed = scrub_session(session)
    assert "AKIA" not in scrubbed.answers["fix"].value and "[secret]" in scrubbed.drafts["summary"]
    assert scrubbed.answers["customer_effect"] == session.answers["customer_effect"]


def test_external_document_is_redacted_and_clean():
    session, transcript = load_incident()
    session.drafts["external"] = "Between 14:52 and 15:38 Alice Chen's team saw checkout errors on payments-db-1.int.acme-corp.io."
    external = render_both(session, transcript, SETTINGS).external  # redacted, before the gate
    for sensitive in ("Alice", "Chen", "payments-db-1", "acme-corp.io", "Dana", "PR 881"):
        assert sensitive not in external, sensitive
    assert "Engineer" in external and "[internal host]" in external
    # ...and the gate withholds it: placeholders are for the internal reader, not for customers.
    with pytest.raises(LeakError, match="placeholder"):
        render_markdown(session, transcript, SETTINGS, version="external")


def test_leak_scan_blocks_with_count_but_not_the_strings():
    redactor = Redactor.from_context(SETTINGS, None, channel())
    with pytest.raises(LeakError) as err:
        ensure_clean("Marta Kowalski restarted orders-db-2.prod.acme.internal", redactor)
    message = str(err.value)
    assert "2 sensitive strings" in message and "Marta" not in message and "orders-db" not in message
    assert message.startswith("The external version is withheld") and "remove the names" in message
    redacted = redactor.redact("Marta Kowalski restarted orders-db-2.prod.acme.internal").text
    assert redactor.leak_scan(redacted) == []  # the redaction leaves nothing it knows...
    with pytest.raises(LeakError, match="placeholder"):  # ...but the external gate refuses its placeholders
        ensure_clean(redacted, redactor)


def test_checklist_is_data_and_ticks_come_from_the_session():
    items = load_checklist()
    assert {i.id for i in items} >= {"no_internal_names", "no_personal_names", "legal_pr_review"}
    session, _ = load_incident()
    session.redaction_checklist = {"no_internal_names": True}
    assert "no_internal_names" not in {i.id for i in unticked(session)} and len(unticked(session)) == len(items) - 1


@pytest.mark.parametrize("secret_line", [
    'curl -H "Authorization: Bearer abcdefghijklmnop1234567890"',
    "https://bucket.s3.amazonaws.com/x?X-Amz-Signature=deadbeefcafe1234abcd&access_token=ya29A0ARrdaMabc123",
    "export GITHUB_TOKEN=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV",
    "sk-ant-api03-Zm9vYmFyYmF6cXV4cXV1eA",
    "hook https://hooks.slack.com/services/T0ACME/B0HOOK/abcdefghijklmnop",
])
def test_more_credential_shapes_are_masked(secret_line):
    masked = mask_secrets(secret_line)
    assert "[secret]" in masked
    for fragment in ("abcdefghijklmnop1234567890", "deadbeefcafe1234abcd", "ya29A0ARrdaMabc123", "github_pat_11", "Zm9vYmFy", "B0HOOK/abc"):
        assert fragment not in masked


def test_spans_point_at_the_original_text_for_highlighting():
    redactor = Redactor.from_context(SETTINGS, None, channel())
    original = "Jonas Berg saw 10.42.7.19 fail; see OPS-4521."
    result = redactor.redact(original)
    assert [(original[s.start:s.end], s.kind, s.replacement) for s in result.spans] == [
        ("Jonas Berg", "person", "Engineer B"), ("10.42.7.19", "IP address", "[IP address]"), ("OPS-4521", "ticket key", "[ticket]"),
    ]
    assert result.text == "Engineer B saw [IP address] fail; see [ticket]."


def test_scrub_findings_masks_every_text_field():
    from facilitator.findings import Fact, Findings, Link

    findings = Findings(
        causes=[Fact(text="leaked AKIAZ3MPLE7Q2RXW4N5T in env", message_ids=["L4"])],
        links=[Link(url="postgres://orders:Tr0ub4dor&3x@db/x", label="db")],
    )
    scrubbed = scrub_findings(findings)
    assert scrubbed.causes[0].text == "leaked [secret] in env" and scrubbed.causes[0].message_ids == ["L4"]
    assert scrubbed.links[0].url == "postgres://orders:[secret]@db/x"
    assert "AKIA" in findings.causes[0].text  # the original is not modified
