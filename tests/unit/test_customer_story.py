"""The customer story claims an action only when the fix says it was taken and finished."""

from __future__ import annotations

import pytest

from facilitator.interview.customer import customer_story

GENERIC = "We found what caused the problem and took steps to resolve it, and service recovered."
NO_CAUSE = "We took steps to resolve the problem, and service recovered."
ROLLBACK = "We reversed that change"
RESTART = "We restarted it"
FAILOVER = "We switched to a standby system"
CAPACITY = "We added capacity"
VENDOR = "A service we depend on had a problem"


@pytest.mark.parametrize(("fix", "claim"), [
    ("Rolled back checkout-service to v2.30.4", ROLLBACK),
    ("Reverted.", ROLLBACK),
    ("Rollback complete: messaging-api 4.30.2 on 48/48 pods.", ROLLBACK),
    ("Revert is live in prod, edit modal opens again.", ROLLBACK),
    ("Failed over to the replica", FAILOVER),
    ("Failover done, db-2 is primary. Latency dropping fast.", FAILOVER),
    ("All servers restarted, error ratio back at baseline, p99 normal.", RESTART),
    ("Restart done, cluster reports healthy.", RESTART),
    ("Db scaled up, workers now 16. Queue depth going down.", CAPACITY),
    ("Rollback landed, api pods restarted with direct connections.", ROLLBACK),  # the first action said
])
def test_a_finished_action_chooses_its_story(fix, claim):
    assert claim in customer_story(fix)


@pytest.mark.parametrize("fix", [
    # negated or did not help
    "Restarting just drops in-flight polls, they'd re-queue. Scaling out instead: director replicas 4 -> 10.",
    "Checked, controller hasn't restarted since friday and the REST endpoint is fine. Probably not.",
    "Reboots did nothing. Mean page response is ~13s.",
    "Rollback done, no change. Not that.",
    "Rollback done, still 503.",
    "Restarted the workers, no difference.",
    "Rolled back without any effect on the errors.",
    "Restart was rejected, it drops in-flight jobs.",
    "Rolling back the whole security update would take ~40 min and re-open the vuln. I'd rather fix the config forward.",
    "Restarting coredns won't help if the conntrack table is full.",
    "Scaled out rather than restarting.",
    "Rolled back instead of a hotfix?",
    # doubted or only planned
    "Restart the custom metrics adapter? Cheap to try.",
    "Restarting the rust processor on 3, that usually clears it.",
    "Feed updates restarted, it's going to crawl 16h of backlog.",
    "Let's roll back the deploy.",
    "Should we fail over to the replica",
    "We will restart the workers after the backlog drains.",
    "Restart with a higher connection limit and let's see if it holds.",
    # under way or asked for, not done
    "Rolling back, standard rollback.",
    "Asked them to reboot the load balancer first.",
    "Rollback in progress.",
    "Failover started.",
    "Upgrade done, rebooting.",
    # a past participle naming a thing
    "584 orders got stuck in the rolled back txn. Writing a fix script.",
])
def test_a_negated_doubted_or_planned_action_claims_nothing(fix):
    assert customer_story(fix) == NO_CAUSE  # nor, with the cause still open, that it was found
    assert customer_story(fix, "A config change cut the pool to 10 connections.") == GENERIC
    assert customer_story(fix, "[TODO] What turned out to be the cause?") == NO_CAUSE


def test_an_action_the_cause_names_did_not_fix_it():
    # the rollback caused the outage: "we reversed that change" would be false
    assert customer_story("Rolled back.", "The rollback at 17:33 left the nav cache cold and the db pegged.") == GENERIC
    assert customer_story("Restart done, cluster reports healthy.",
                          "Connections went to the read-only endpoint since the restart.") == GENERIC
    assert ROLLBACK in customer_story("Rolled back.", "A config change cut the pool to 10 connections.")


def test_only_a_provider_named_as_the_cause_chooses_the_vendor_story():
    assert VENDOR in customer_story("", "Portal logins degraded because of a third party, publish not affected.")
    assert VENDOR in customer_story("", "Our DNS provider had an outage.")
    assert VENDOR in customer_story("", "The root cause is related to an infrastructure incident outside of our systems.")
    assert VENDOR in customer_story("", "Traced to a networking disruption at one of our infrastructure partners.")
    for cause in ("It is not the DNS provider, our config broke.", "Vendor says no issue on their side.",
                  "Is it the CDN provider having an outage?", "Nginx upstream timed out on our api pods.",
                  "The terraform provider upgrade broke the plan.", "The bug was outside of our test coverage."):
        assert customer_story("", cause) == GENERIC, cause


def test_the_cause_never_chooses_an_action_story():
    # what the cause says happened is not what fixed it
    assert customer_story("", "A config value got reset on the node restart last night.") == GENERIC
    assert customer_story("", "The failover didn't re-advertise some ranges.") == GENERIC


def test_customers_are_told_changes_not_findings():
    from facilitator.interview.customer import customer_changes
    from facilitator.session import ActionItem

    told = customer_changes([
        ActionItem(id="a1", action="Canary needs enough traffic to exercise the pool", prevents_recurrence="yes"),
        ActionItem(id="a2", action="Add an alert when pool connections are above 80% for 5 minutes", prevents_recurrence="yes"),
    ])
    assert told == ["We are improving our monitoring so that we notice problems like this sooner."]


@pytest.mark.parametrize(
    ("action", "category", "told"),
    [
        # plain words are told as written
        ("Add a second payment provider we can switch to", "prevent", "We will add a second payment provider we can switch to."),
        # the team's words are told as what the change does for customers
        ("Make the capture DLQ alert page payments directly", "detect", "We are improving our monitoring so that we notice problems like this sooner."),
        ("Give canary enough traffic to exercise the pool", "prevent", "We are improving how we test changes before they reach customers."),
        ("Make config loader fail startup when DB_POOL_MAX is set", "prevent", "We are adding safeguards so that this problem does not happen again."),
        ("Pre-warm the cache pods before failover", "mitigate future", "We are making it faster to recover from problems like this."),
        ("Add LimitRange governance to every namespace", "prevent", "We are adding safeguards so that this problem does not happen again."),
        # an investigation changes nothing yet; a topic is no change; nor a step for the next hours,
        # nor words about what the chat had just shown
        ("Find out why the replica lagged", "investigate", None),
        ("The nil handling in fl1", "repair", None),
        ("Keep port disabled until then", "repair", None),
        ("Fix how we word these", "repair", None),
    ],
)
def test_changes_in_the_teams_words_are_told_as_what_they_do_for_customers(action, category, told):
    from facilitator.interview.customer import customer_changes
    from facilitator.session import ActionItem

    assert customer_changes([ActionItem(id="a1", action=action, category=category)]) == ([told] if told else [])


def test_several_changes_of_one_kind_are_told_once():
    from facilitator.interview.customer import customer_changes
    from facilitator.session import ActionItem

    told = customer_changes([
        ActionItem(id="a1", action="Add an alert for DB pool saturation", category="detect"),
        ActionItem(id="a2", action="Make the capture DLQ alert page payments directly", category="detect"),
    ])
    assert told == ["We are improving our monitoring so that we notice problems like this sooner."]


def test_a_step_that_left_part_of_the_harm_tells_no_specific_story():
    from facilitator.interview.customer import customer_story

    half = "restarted, it's processing again. the stuck messages from before the restart are still not showing"
    assert customer_story(half) == NO_CAUSE
    assert customer_story("restarted the sync workers, everything is processing again") not in (GENERIC, NO_CAUSE)


@pytest.mark.parametrize(
    ("impact", "told"),
    [
        ("~12% of checkout requests failed in 3 regions, 342 payment jobs failed and were replayed.",
         "~12% of checkout requests failed in 3 regions."),
        ("the DLQ filled up, and about 300 merchants could not take card payments for 40 minutes",
         "About 300 merchants could not take card payments for 40 minutes."),
        # nothing but the team's view, or nothing of it: told as it is
        ("342 payment jobs failed and were replayed", "342 payment jobs failed and were replayed"),
        ("Logins failed for all EU users for 20 minutes.", "Logins failed for all EU users for 20 minutes."),
    ],
)
def test_customers_are_told_the_impact_without_the_teams_queues_and_jobs(impact, told):
    from facilitator.interview.customer import customer_clauses

    assert customer_clauses(impact) == told
