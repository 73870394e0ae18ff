"""`facilitator review`: one post-mortem read from a file, stdin or Confluence, checked with locations."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.render.storage import markdown_to_storage
from facilitator.review.checks import review_document
from facilitator.review.document import is_empty, match_part, parse_document
from facilitator.review.facts import category_of, read_facts

PLANTED = """\
# Payments API outage

Date: 2025-03-14

## Overview

On 14 March the payments API returned errors for 40 minutes.

## Timeline (UTC)

- 09:58 Deploy of payments-api 4.2 starts
- 10:02 Error rate alert fires, Maria acknowledges
- 10:15 Rollback complete, errors stop
- 10:40 Incident resolved

## Root cause

A config key was renamed in 4.2. Bob forgot to check the config before deploying.

## Action items

| Action | Owner | Due | Category |
| --- | --- | --- | --- |
| Improve monitoring | SRE team | soon | detection |
| Add a CI check that validates payments config keys against the schema | Maria Lopez | 2025-04-01 | prevent |
"""


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_planted_blame_vague_action_and_missing_section_are_found_with_their_lines():
    review = review_document(parse_document(PLANTED, "pm.md"))
    by_kind = {}
    for f in review.findings:
        by_kind.setdefault(f.kind, []).append(f)
    blame = by_kind["blame"]
    assert [f.line for f in blame] == [line_of(PLANTED, "Bob forgot")]
    assert blame[0].section == "Root cause" and "Bob" in blame[0].problem and blame[0].suggestion
    vague = by_kind["vague_action"]
    assert [f.line for f in vague] == [line_of(PLANTED, "Improve monitoring")] and vague[0].severity == "blocker"
    assert "Make it concrete" in vague[0].suggestion
    missing = [f.section for f in by_kind["missing_section"] if f.severity == "blocker"]
    assert missing == ["Impact"]
    # The specific action is not flagged as vague, and the team owner and bad due date are warnings.
    assert all("CI check" not in f.text for f in vague)
    warnings = [f.problem for f in review.findings if f.severity == "warning" and f.line == line_of(PLANTED, "Improve monitoring")]
    assert any("is a team" in p for p in warnings) and any("'soon' is not a date" in p for p in warnings)


def test_times_are_read_from_the_timeline_and_durations_derived():
    review = review_document(parse_document(PLANTED))
    times = {k: v.value.strftime("%H:%M") for k, v in review.facts.times.items()}
    assert times == {"started_at": "09:58", "detected_at": "10:02", "mitigated_at": "10:15", "resolved_at": "10:40"}
    assert all(v.derived for v in review.facts.times.values())
    minutes = {k: int(v.total_seconds() // 60) for k, v in review.durations().items()}
    assert minutes == {"time_to_detect": 4, "time_to_mitigate": 13, "time_to_resolve": 38, "time_in": 42}


def test_stated_key_times_win_and_out_of_order_ones_are_blockers():
    text = PLANTED.replace("## Overview", "- **Detected:** 2025-03-14 10:30 UTC\n- **Mitigated:** 2025-03-14 10:10 UTC\n\n## Overview")
    review = review_document(parse_document(text))
    assert review.facts.times["detected_at"].value.strftime("%H:%M") == "10:30"
    assert not review.facts.times["detected_at"].derived
    order = [f for f in review.findings if f.kind == "time_order"]
    assert len(order) == 1 and order[0].line == line_of(text, "**Detected:**") and "after mitigated" in order[0].problem


def test_timeline_rows_out_of_order_are_flagged_but_a_dated_midnight_crossing_is_not():
    swapped = PLANTED.replace("- 10:15 Rollback", "- 10:01 Rollback")
    flagged = [f for f in review_document(parse_document(swapped)).findings if f.kind == "time_order"]
    assert [f.line for f in flagged] == [line_of(swapped, "10:01 Rollback")]
    overnight = """# Night\n\n## Timeline\n\n| Time | Event |\n| --- | --- |\n| 2025-03-14 23:50 | alert fires |\n| 2025-03-15 00:10 | rollback complete |\n"""
    assert not [f for f in review_document(parse_document(overnight)).findings if f.kind == "time_order"]


def test_a_root_cause_that_stops_at_a_person_or_human_error_is_a_blocker():
    text = PLANTED.replace("A config key was renamed in 4.2. Bob forgot to check the config before deploying.",
                           "The root cause was human error during the deploy.")
    found = [f for f in review_document(parse_document(text)).findings if f.kind == "root_cause_person"]
    assert len(found) == 1 and found[0].severity == "blocker" and "human error" in found[0].problem
    fine = [f for f in review_document(parse_document(PLANTED.replace("Bob forgot to check the config before deploying.", ""))).findings
            if f.kind in ("root_cause_person", "blame")]
    assert fine == []


def test_category_coverage_names_the_categories_no_action_covers():
    review = review_document(parse_document(PLANTED))
    coverage = [f for f in review.findings if f.kind == "categories"]
    assert len(coverage) == 1
    for name in ("investigate", "mitigate", "repair", "mitigate future"):
        assert name in coverage[0].problem
    assert "prevent" not in coverage[0].problem.replace("mitigate future", "")
    assert category_of("Detection") == "detect" and category_of("long-term prevention") == "prevent" and category_of("misc") == ""


def test_headings_in_other_layouts_map_to_the_same_parts():
    assert match_part("3. Root Cause Analysis") == "root_cause"
    assert match_part("Follow-up actions") == "actions"
    assert match_part("Timeline (all times UTC)") == "timeline"
    assert match_part("What didn't go so well") == "went_poorly"
    assert match_part("Lessons Learnt") == "lessons"
    assert match_part("Appendix: graphs") == ""
    assert is_empty("<!-- fill in -->\n\n- TBD\n") and is_empty("| a | b |\n| --- | --- |\n| [TODO] | |")
    assert not is_empty("Nothing else was affected.")


def test_bullet_action_items_read_owner_due_and_done():
    text = "# X\n\n## Follow-ups\n\n- [x] Rotate the DB password (owner: Kim Lee, due 2025-03-20)\n- [ ] Add an alert on pool saturation @sam due: 2025-04-02 OPS-12\n"
    actions = read_facts(parse_document(text)).actions
    assert [(a.text, a.owner, str(a.due), a.is_open) for a in actions] == [
        ("Rotate the DB password", "Kim Lee", "2025-03-20", False),
        ("Add an alert on pool saturation @sam due: 2025-04-02 OPS-12", "sam", "2025-04-02", True),
    ]
    assert actions[1].ticket == "OPS-12"


def test_customer_facing_documents_get_the_leak_checks():
    text = (
        "# Checkout errors\n\n| | |\n| --- | --- |\n| Classification | External |\n\n## Summary\n\nCheckout failed.\n\n"
        "## Responders\n\n- Priya Natarajan (incident commander)\n\n## Impact\n\nPriya Natarajan saw errors on db-primary-03.acme.internal.\n"
    )
    review = review_document(parse_document(text))
    assert review.facts.external
    leaks = [f for f in review.findings if f.kind == "leak"]
    kinds = " ".join(f.problem for f in leaks)
    assert {f.line for f in leaks} >= {line_of(text, "saw errors")} and "person" in kinds and "host" in kinds
    assert not [f for f in review_document(parse_document(text), external=False).findings if f.kind == "leak"]


def test_cli_text_report_json_and_exit_codes(tmp_path, capsys):
    doc = tmp_path / "pm.md"
    doc.write_text(PLANTED)
    assert main(["review", str(doc)]) == 1
    out = capsys.readouterr().out
    assert "Blockers" in out and f"line {line_of(PLANTED, 'Bob forgot')} [Root cause]" in out
    assert "time to detect 4 min (fault introduced to detection)" in out
    assert main(["review", str(doc), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["blockers"] >= 3 and data["durations_minutes"]["time_to_mitigate"] == 13
    assert {f["kind"] for f in data["findings"]} >= {"blame", "vague_action", "missing_section"}
    clean = tmp_path / "clean.md"
    clean.write_text(
        PLANTED.replace("Bob forgot to check the config before deploying.", "Nothing validated the renamed key.")
        .replace("| Improve monitoring | SRE team | soon | detection |",
                 "| Add an alert on payments 5xx above 2% for 5 minutes that pages the payments on-call | Ana Ruiz | 2025-04-01 | detection |")
        .replace("## Overview", "## Impact\n\nCard payments failed for 40 minutes.\n\n## Overview")
    )
    assert main(["review", str(clean)]) == 0
    assert "0 blockers" in capsys.readouterr().out


def test_stdin_and_user_errors_end_in_one_sentence(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(PLANTED))
    assert main(["review", "-"]) == 1
    assert "Payments API outage" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("  \n"))
    for argv in (["review", "-"], ["review", str(tmp_path / "nope.md")], ["review", "not-a-page"],
                 ["review", "--confluence-tree", "abc"], ["review"], ["review", "123"]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err and err.startswith("facilitator: ")


def test_the_documents_this_tool_writes_pass_the_structure_checks(tmp_path, capsys):
    """Both shipped layouts, read back: every required part found, times read as the session has them."""
    for template in ("facilitator", "classic"):
        out = tmp_path / template
        argv = ["draft", "--demo", "--no-llm", "--out", str(out)]
        if template == "classic":
            argv += ["--template", str(Path("prompts/templates/classic.md.j2").resolve())]
        assert main(argv) == 0
        capsys.readouterr()
        text = (out / "internal.md").read_text()
        review = review_document(parse_document(text, "internal.md"))
        assert not [f for f in review.findings if f.kind == "missing_section" and f.severity == "blocker"], template
        assert review.facts.times["detected_at"].value.strftime("%H:%M") == "14:07"
        assert review.facts.times["resolved_at"].value.strftime("%H:%M") == "15:40"
        # Planting a blameful sentence and a vague action in the generated document is caught where it is.
        planted = text.replace("## Impact", "## Impact\n\nKenji forgot to check the pool size.\n", 1)
        lines = planted.splitlines()
        rule = next(i for i, line in enumerate(lines) if line.startswith("| Action") or line.startswith("| What"))
        width = lines[rule].count("|") - 1
        lines.insert(rule + 2, "| Improve monitoring" + " | x" * (width - 1) + " |")
        planted = "\n".join(lines)
        findings = review_document(parse_document(planted)).findings
        assert [f.line for f in findings if f.kind == "blame" and "Kenji" in f.problem] == [line_of(planted, "Kenji forgot")]
        assert line_of(planted, "| Improve monitoring") in [f.line for f in findings if f.kind == "vague_action"]


pytestmark = pytest.mark.usefixtures("fast_confluence_retries")


@pytest.fixture()
def wiki(confluence_server):
    return confluence_server


def wiki_settings(srv, monkeypatch):
    from facilitator.config import load_settings

    monkeypatch.setenv("CONFLUENCE_URL", srv.url)
    monkeypatch.setenv("CONFLUENCE_EMAIL", "pm@acme.test")
    monkeypatch.setenv("CONFLUENCE_TOKEN", "api-token-123")
    return load_settings()


def test_a_confluence_page_is_read_by_id_or_url_through_the_real_client(wiki, monkeypatch, capsys):
    wiki_settings(wiki, monkeypatch)
    page_id = wiki.state.add_page("Payments API outage", wiki.parent_id, markdown_to_storage(PLANTED.split("\n", 2)[2]))
    assert main(["review", page_id]) == 1
    out = capsys.readouterr().out
    assert "Payments API outage" in out and "Blames Bob" in out and "Too vague" in out
    assert main(["review", f"{wiki.url}/spaces/OPS/pages/{page_id}/Payments+API+outage", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["page_id"] == page_id and data["sections"]["actions"] and data["times"]["detected_at"].endswith("10:02:00")
    assert main(["review", "999999"]) == 2
    err = capsys.readouterr().err
    assert "999999" in err and err.count("\n") == 1 and "api-token-123" not in err


def test_review_session_continues_in_the_interview_and_publishes_over_the_same_page(wiki, monkeypatch, capsys):
    from facilitator.interview.engine import Interview
    from facilitator.publish import publish_command
    from facilitator.session_start import open_session
    from facilitator.sessions import SessionStore

    settings = wiki_settings(wiki, monkeypatch)
    year = wiki.state.add_page("2025", wiki.parent_id)
    page_id = wiki.state.add_page("[2025-03-14] Payments API outage", year, markdown_to_storage(PLANTED.split("\n", 2)[2]))
    assert main(["review", page_id, "--session", "payments"]) == 1
    assert "interview --session payments" in capsys.readouterr().err
    store = SessionStore()
    session, transcript = open_session("payments", store)
    assert session.answers["detected_at"].value.startswith("2025-03-14T10:02")
    assert "config key was renamed" in session.answers["actual_cause"].value
    assert [(a.owner, str(a.due), a.category) for a in session.actions] == [("SRE team", "None", "detect"), ("Maria Lopez", "2025-04-01", "prevent")]
    assert len(transcript.messages) == 4 and transcript.messages[1].text.startswith("Error rate alert fires")
    interview = Interview(session, transcript, store)
    assert interview.current is not None and interview.current.id not in session.answers
    assert session.published.confluence_page_id == page_id
    before = len(wiki.state.pages)
    place = settings.confluence.model_copy(update={"space": "OPS", "parent_page_id": wiki.parent_id})
    assert publish_command(settings.model_copy(update={"confluence": place}), "payments", "internal", False, None) == 0
    capsys.readouterr()
    assert len(wiki.state.pages) == before and wiki.state.pages[page_id]["version"] == 2


FIELDS_LAYOUT = """\
# Image resizer postmortem (incident 812)

**Date:** 2025-05-02

**Summary:** Thumbnails failed to load for 50 minutes after a cache node ran out of disk.

**Impact:** About 30% of product pages showed broken images; no orders were lost.

**Root Causes:** The cache nodes kept every resized variant forever, and no alert watched disk usage.

**Trigger:** A catalogue import created 2 million new variants in an hour.

**Resolution:** Cleared old variants and doubled the disk on the cache nodes.

**Detection:** Synthetic checks on product pages paged the on-call.

## Action Items

| Action Item | Type | Owner | Bug |
|---|---|---|---|
| Add a disk usage alert at 80% on every cache node | detect | Ana Ruiz | IMG-31 |
| Expire resized variants not read for 30 days | prevent | Kim Lee | IMG-32 |

## Lessons Learned

### What went well
- The synthetic checks paged within two minutes.

### What went wrong
- Nobody knew the cache had no expiry.

### Where we got lucky
- The import ran on a quiet morning.

## Timeline

2025-05-02 (all times UTC)

- 09:10 OUTAGE BEGINS catalogue import starts writing variants
- 09:12 synthetic check fails, on-call paged
- 09:40 cache disk cleared, images load again
- 10:00 INCIDENT ENDS
"""


def test_bold_labelled_paragraphs_count_as_sections_and_words_around_times_are_not_zones(recwarn):
    review = review_document(parse_document(FIELDS_LAYOUT))
    doc = review.document
    for part in ("summary", "impact", "root_cause", "resolution", "detection", "went_well", "went_poorly", "lucky", "timeline", "actions"):
        assert doc.part(part) is not None, part
    assert doc.part("root_cause").line == line_of(FIELDS_LAYOUT, "**Root Causes:**")
    assert "kept every resized variant" in doc.part_text("root_cause")
    assert not review.blockers
    assert [r.at.strftime("%H:%M") for r in review.facts.rows] == ["09:10", "09:12", "09:40", "10:00"]
    assert not [w for w in recwarn if "tzname" in str(w.message)]
    assert [(a.text[:20], a.category, a.ticket) for a in review.facts.actions] == [
        ("Add a disk usage ale", "detect", "IMG-31"), ("Expire resized varia", "prevent", "IMG-32")]
