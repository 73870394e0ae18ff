"""The executive summary's "we will …" sentence is built only from an action that reads as a verb phrase."""

from __future__ import annotations

from datetime import UTC, datetime

from facilitator.render.executive import compose

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
END = datetime(2025, 3, 1, 10, 30, tzinfo=UTC)


def _summary(prevention: list[str], fix: str = "Rolled back the search deploy.") -> str:
    times = {"started_at": START, "mitigated_at": END}
    return compose("Search returned empty results for 20% of queries", times, "UTC",
                   lambda at, dated: at.strftime("%Y-%m-%d %H:%M" if dated else "%H:%M"),
                   prevention, len(prevention), fix)


def test_a_verb_phrase_action_finishes_the_we_will_sentence():
    text = _summary(["Make the config loader fail startup on unread env vars", "Add an alert on empty-result rate"])
    assert "To keep it from happening again we will make the config loader fail startup on unread env vars " \
           "(1 more action item is tracked below)." in text


def test_chat_quips_and_noun_phrases_never_follow_we_will():
    for quip in (["Thanks all"], ["Ok"], ["Yep, doc tomorrow"], ["Alert severity bump"],
                 ["Short postmortem posted on the status page"]):
        text = _summary(quip)
        assert "we will" not in text
        assert "Service was restored by: Rolled back the search deploy." in text


def test_the_first_action_that_reads_as_a_verb_phrase_is_used():
    text = _summary(["Thanks all", "Status page off-cluster", "Separate v4/v6 health checks"])
    assert "we will separate v4/v6 health checks (2 more action items are tracked below)." in text


def test_a_technical_fix_with_actions_that_do_not_read_as_verbs_says_they_are_tracked():
    text = _summary(["Alert severity bump"], fix="kubectl rollout undo deploy/search-api -n prod")
    assert text.endswith("Service has been restored; the follow-up actions are tracked below.")
    assert _summary([], fix="kubectl rollout undo deploy/search-api -n prod").endswith("are still to be agreed.")


def test_a_fix_told_as_chat_is_not_quoted_to_leadership():
    from datetime import datetime, timezone

    from facilitator.render.executive import compose

    at = datetime(2024, 12, 3, 14, 0, tzinfo=timezone.utc)
    times = {"started_at": at, "detected_at": at, "mitigated_at": at.replace(hour=15), "resolved_at": None}
    fmt = lambda when, with_date=True: when.strftime("%H:%M")  # noqa: E731
    chat = compose("Checkout failed", times, "UTC", fmt, [], 0, "Here. The upgrade changed the consumer defaults… revert is faster.")
    assert "Service was restored by" not in chat and "Service has been restored" in chat
    plain = compose("Checkout failed", times, "UTC", fmt, [], 0, "Rolled back the consumer upgrade")
    assert "Service was restored by: Rolled back the consumer upgrade." in plain
