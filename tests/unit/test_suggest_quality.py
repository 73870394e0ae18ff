"""Suggested answers read like a post-mortem, not like the chat: facts kept (inline code words
included), lead-ins and chatter dropped, customer effect built from impact figures, every
suggestion citing the messages it rests on."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from facilitator.extract import extract_findings
from facilitator.extract.impact import clause_of, count_phrase
from facilitator.findings import Fact, Findings, ImpactHint, KeyTime, MessagingItem
from facilitator.interview.action_wording import imperative
from facilitator.interview.catalogue import load_catalogue
from facilitator.interview.suggest import suggest
from facilitator.interview.wording import clean_fact, is_channel_meta, plain
from facilitator.sources.paste import parse_transcript
from facilitator.transcript import Message, Transcript

UTC = timezone.utc
Q = {q.id: q for q in load_catalogue()}
T0 = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
SECOND_CHANNEL = Path(__file__).parent.parent / "data" / "suggest" / "queue-backlog.txt"


def _hint(kind: str, text: str, value: float | None, mid: str) -> ImpactHint:
    return ImpactHint(kind=kind, text=text, value=value, message_ids=[mid])


def _kt(minutes: int, mid: str) -> KeyTime:
    return KeyTime(at=T0 + timedelta(minutes=minutes), message_ids=[mid], reason="", confidence=0.6)


# -- wording ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chat", "fact"),
    [
        ("Found it. v2.31.0 reads the pool size from `database.pool.max_size`.", "v2.31.0 reads the pool size from database.pool.max_size."),
        ("ok so I think the pool is *too* small :fire:", "The pool is too small"),
        ("honestly we got lucky. lol", "We got lucky."),
        ("agreed. also lucky the deploy log was handy", "Lucky the deploy log was handy"),
        ("Rotate the key. follow-up for me", "Rotate the key."),
        ("first suspect is last night's deploy train, checking", "Last night's deploy train, checking"),
        ("my initial guess was DNS, then the LB", "DNS, then the LB"),
    ],
)
def test_clean_fact_keeps_the_fact_and_drops_the_conversation(chat, fact):
    assert clean_fact(chat) == fact


def test_clean_fact_never_empties_a_text_and_plain_keeps_code_words():
    assert clean_fact("ok") == "ok"
    assert plain("set `DB_POOL_MAX=50` in _values.yaml_") == "set DB_POOL_MAX=50 in values.yaml"


def test_channel_meta_lines_are_recognised():
    assert is_channel_meta("Opening this channel for the checkout 5xx alert.")
    assert is_channel_meta("creating this channel for the queue alert")
    assert not is_channel_meta("Checkout returns 500 for 12% of requests")


# -- extraction: code words survive, channel-opening lines are not the customer effect ---------


def _transcript(*texts: str) -> Transcript:
    msgs = [Message(id=f"m{i}", at=T0 + timedelta(minutes=i), author="Ana" if i % 2 else "Ben", text=t) for i, t in enumerate(texts)]
    return Transcript(messages=msgs, source="transcript", channel="inc-1", timezone="UTC")


def test_a_cause_in_a_long_message_keeps_its_inline_code():
    long_tail = " ".join(["Helm still sets the env var, which the new loader ignores."] * 4)
    findings = extract_findings(_transcript(
        "checkout errors are up, customers see 500s",
        f"Found it. The root cause: v2.31 reads the pool size from `database.pool.max_size`. {long_tail}",
    ))
    cause = findings.causes[0]
    assert "database.pool.max_size" in cause.text and cause.message_ids == ["m1"]
    suggested = suggest(Q["actual_cause"], findings)
    assert "database.pool.max_size" in suggested.value and not suggested.value.startswith("Found it")


def test_customer_effect_skips_the_line_that_opens_the_channel():
    findings = extract_findings(_transcript(
        "Opening this channel for the checkout 5xx alert.",
        "customers see errors at checkout, payments failing",
    ))
    assert findings.customer_effect is not None and findings.customer_effect.message_ids == ["m1"]


# -- customer effect ---------------------------------------------------------------------------


def test_the_channels_own_impact_statement_wins_and_is_cited():
    findings = Findings(impact_hints=[
        _hint("error_rate", "impact so far: 5% of logins failing", 5, "a"),
        _hint("regions", "Customer impact 08:00–08:40 UTC: ~12% of logins failed in 3 regions.", 3, "b"),
        _hint("error_rate", "Customer impact 08:00–08:40 UTC: ~12% of logins failed in 3 regions.", 12, "b"),
    ])
    s = suggest(Q["customer_effect"], findings)
    assert s.value == "~12% of logins failed in 3 regions."  # the window is said once, by the key times
    assert s.message_ids == ["b"]


def test_customer_effect_is_composed_from_rate_scope_and_failed_work():
    findings = Findings(
        detected_at=_kt(5, "d"),
        mitigated_at=_kt(58, "m"),
        customer_effect=Fact(text="Opening this channel for the alert", message_ids=["o"]),
        impact_hints=[
            _hint("error_rate", "[Triggered] api 5xx rate > 5% (threshold 5%)", 5, "alert"),  # a threshold, not an effect
            _hint("error_rate", "ok so ~12% of checkout requests failing at the peak per the SLO dashboard", 12, "r"),
            _hint("error_rate", "us-east-1 dropping, 11% -> 3%", 11, "r2"),
            _hint("regions", "so 3 regions, probably not AWS", 3, "g"),
            _hint("regions", "no events in any of the 3 regions", 3, "neg"),
            _hint("failed_jobs", "~180 failed capture jobs, retryable", 180, "j"),
        ],
    )
    s = suggest(Q["customer_effect"], findings)
    # when is said once, by the key times and their durations, not again here
    assert s.value == "~12% of checkout requests failing at the peak, across 3 regions; ~180 failed capture jobs."
    assert set(s.message_ids) == {"r", "g", "j"}


def test_without_figures_the_symptom_is_used_and_a_channel_opening_line_never_is():
    symptom = Findings(customer_effect=Fact(text="lol users get a blank page on login. weird", message_ids=["s"]))
    s = suggest(Q["customer_effect"], symptom)
    assert s.value == "Users get a blank page on login." and s.message_ids == ["s"]
    meta = Findings(customer_effect=Fact(text="Opening this channel for the checkout alert.", message_ids=["o"]))
    assert suggest(Q["customer_effect"], meta) is None


def test_a_start_the_symptom_states_is_left_to_the_key_times():
    f = Findings(
        customer_effect=Fact(text="the repository was unavailable since 02:20 UTC", message_ids=["s"]),
        detected_at=_kt(0, "d"),
        mitigated_at=_kt(215, "m"),
    )
    s = suggest(Q["customer_effect"], f, tz="UTC")
    assert s.value == "The repository was unavailable."


def test_a_rate_that_eases_or_measures_load_is_not_the_customer_effect():
    f = Findings(
        customer_effect=Fact(text="users can't open the dashboard", message_ids=["s"]),
        impact_hints=[
            _hint("error_rate", "5xx back to baseline (0.02%)", 0.02, "b"),
            _hint("error_rate", "db cpu on that shard dropped to 30%", 30, "c"),
            _hint("error_rate", "5xx at 1.5% and falling", 1.5, "f"),
        ],
    )
    s = suggest(Q["customer_effect"], f)
    assert s.value == "Users can't open the dashboard." and s.message_ids == ["s"]


def test_customers_who_wrote_in_or_confirmed_are_no_scope_of_the_effect():
    findings = Findings(
        impact_hints=[
            _hint("error_rate", "~40% of dashboard requests failing", 40, "r"),
            _hint("customers", "3 customers confirmed it's back for them", 3, "c"),
        ],
    )
    assert suggest(Q["customer_effect"], findings).value == "~40% of dashboard requests failing."
    hit = findings.model_copy(update={"impact_hints": [*findings.impact_hints, _hint("customers", "12 customers can't log in", 12, "h")]})
    assert suggest(Q["customer_effect"], hit).value == "~40% of dashboard requests failing, across 12 customers."


def test_the_first_status_page_post_says_what_customers_saw():
    f = Findings(
        customer_effect=Fact(text="dashboard is down for me too", message_ids=["s"]),
        messaging=[
            MessagingItem(at=_kt(3, "p").at, channel="status page", summary="Investigating — We are investigating DNS resolution failures affecting domains on the CDN. More soon.", message_ids=["p"]),
            MessagingItem(at=_kt(9, "q").at, channel="status page", summary="Identified — a fix is being rolled out", message_ids=["q"]),
        ],
    )
    s = suggest(Q["customer_effect"], f)
    assert s.value == "DNS resolution failures affecting domains on the CDN." and s.message_ids == ["p"]
    told = f.model_copy(update={"messaging": [f.messaging[1]]})
    assert suggest(Q["customer_effect"], told).message_ids == ["s"]  # a later stage tells what was done, not the effect


def test_the_status_page_post_is_told_afterwards_without_its_reporting_words():
    f = Findings(
        customer_effect=Fact(text="can't send anything", message_ids=["s"]),
        messaging=[MessagingItem(
            at=_kt(3, "p").at, channel="status page",
            summary="Investigating - We are investigating reports that some customers on the Dublin 3 cluster are unable to send or receive emails. Further updates to follow.",
            message_ids=["p"],
        )],
    )
    s = suggest(Q["customer_effect"], f)
    assert s.value == "Some customers on the Dublin 3 cluster were unable to send or receive emails."


@pytest.mark.parametrize("now", ["currently", "now", "at the moment"])
def test_the_status_page_post_told_afterwards_drops_what_only_the_present_says(now):
    post = MessagingItem(at=_kt(3, "p").at, channel="status page", message_ids=["p"],
                         summary=f"Investigating — Function execution is {now} unavailable.")
    s = suggest(Q["customer_effect"], Findings(customer_effect=Fact(text="runs stuck", message_ids=["s"]), messaging=[post]))
    assert s.value == "Function execution was unavailable."


def test_support_contacts_the_channel_counts_answer_the_support_question_when_no_ticket_is_named():
    msgs = [
        Message(id=f"m{i}", author=a, text=t, at=T0 + timedelta(minutes=i))
        for i, (a, t) in enumerate([
            ("Dana", "heads up: 5 tickets in ~10 min, shoppers say they never get the login code"),
            ("Sam", "looking. is it 20 tickets already?"),
            ("Dana", "11 convos now, mostly EU stores"),
        ])
    ]
    s = suggest(Q["support_requests"], extract_findings(Transcript(source="paste", messages=msgs)))
    assert s is not None and s.value == ["At least 11 support conversations, as counted in the channel (11 convos now)"]
    assert s.message_ids == ["m2"]
    more = [*msgs, Message(id="m3", author="Dana", text="2 more tickets, same thing", at=T0 + timedelta(minutes=5))]
    s = suggest(Q["support_requests"], extract_findings(Transcript(source="paste", messages=more)))
    assert s is not None and s.value[0].startswith("At least 13 support") and s.message_ids == ["m2", "m3"]


def test_the_cause_as_the_status_page_put_it_when_the_channel_names_none():
    posts = [
        MessagingItem(at=_kt(3, "p").at, channel="status page", summary="Investigating - We are currently investigating this issue.", message_ids=["p"]),
        MessagingItem(at=_kt(9, "q").at, channel="status page", message_ids=["q"],
                      summary="Identified - The issue was caused due to flooding from one customer account that starved resources within the ingestion pipeline. We have deployed an ad-hoc flooding control."),
    ]
    s = suggest(Q["actual_cause"], Findings(messaging=posts))
    assert s is not None and s.message_ids == ["q"]
    assert s.value == "The issue was caused due to flooding from one customer account that starved resources within the ingestion pipeline."
    assert suggest(Q["actual_cause"], Findings(messaging=posts[:1])) is None


@pytest.mark.parametrize("stage", ["[Investigating]", "Investigating -", "[Update]"])
def test_a_cause_the_page_names_under_its_bracketed_stage_is_the_cause_as_it_put_it(stage):
    said = "We are experiencing outages across multiple product lines due to an ongoing AWS incident in us-east-1."
    posts = [MessagingItem(at=_kt(9, "q").at, channel="status page", message_ids=["q"], summary=f"{stage} {said}")]
    s = suggest(Q["actual_cause"], Findings(messaging=posts))
    assert s is not None and s.message_ids == ["q"] and s.value == said


def test_what_the_chat_says_of_the_data_answers_the_data_question():
    msgs = [
        Message(id=f"m{i}", author=a, text=t, at=T0 + timedelta(minutes=i))
        for i, (a, t) in enumerate([
            ("Ann", "mails sent between 16:05 and 18:40 never left the queue"),
            ("Bo", "was anything lost?"),
            ("Cy", "those are gone, nothing in the dead letter. 1,284 emails dropped"),
        ])
    ]
    s = suggest(Q["data_impact"], extract_findings(Transcript(source="paste", messages=msgs)))
    assert s is not None and s.message_ids == ["m2"] and "gone" in s.value
    quiet = [Message(id="m0", author="Ann", text="checkout 502s for everyone", at=T0),
             Message(id="m1", author="Bo", text="people are asking if there's data loss for the weekend :/", at=T0)]
    assert suggest(Q["data_impact"], extract_findings(Transcript(source="paste", messages=quiet))) is None


# -- affected, clauses -------------------------------------------------------------------------


def test_affected_gives_one_line_per_scope_the_best_clause_citing_every_mention():
    findings = Findings(impact_hints=[
        _hint("regions", "so 3 regions, probably not a regional AWS thing", 3, "a"),
        _hint("regions", "AWS Health: no events in any of the 3 regions.", 3, "b"),
        _hint("regions", "Customer impact: ~12% of checkout requests failed in 3 regions, 342 jobs failed.", 3, "c"),
        _hint("customers", "is it 40 customers?", 40, "d"),
    ])
    s = suggest(Q["affected"], findings)
    assert s.value == ["~12% of checkout requests failed in 3 regions"]
    assert s.message_ids == ["a", "c"]


def test_affected_reads_where_it_hurt_not_where_it_came_back():
    transcript = parse_transcript(
        "[09:55] Dana: tickets are flooding in: customers can't reach the management console, several regions\n"
        "[10:27] Priya: restoring routes from the IaC definitions now\n"
        "[16:05] Tom: console access restored in all regions and the customer-facing services are back\n",
        tz="UTC", default_date=date(2025, 5, 29), origin="paste",
    )
    s = suggest(Q["affected"], extract_findings(transcript))
    assert s is not None and s.value == ["several regions"]


def test_clause_and_count_phrase_cut_the_chat_around_a_number():
    hint = _hint("failed_jobs", "impact so far from payments: ~180 failed capture jobs, they're retryable", 180, "x")
    assert clause_of(hint) == "~180 failed capture jobs"
    assert count_phrase(_hint("regions", "Rollback complete in all 3 regions at 15:00 UTC.", 3, "y")) == "3 regions"


# -- action items ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chat", "action"),
    [
        ("Rotate the checkout_app password once we're stable. follow-up for me", "Rotate the checkout_app password"),  # when is the due date's business
        ("Add an alert for pool saturation (> 80% for 5 min). we had no signal at all", "Add an alert for pool saturation (> 80% for 5 min)"),
        ("Make config loader fail startup on unread env vars. and log the pool size at boot",
         "Make config loader fail startup on unread env vars, and log the pool size at boot"),
        ("Rotate the DB password (pasted above) + the AWS key. doing the DB one tomorrow morning", "Rotate the DB password + the AWS key"),
        ("we should add a `max_size` check. Also add a canary load step.", "Add a max_size check. Add a canary load step"),
    ],
)
def test_action_items_keep_the_action_and_drop_rationale_and_chatter(chat, action):
    assert imperative(chat) == action


# -- a second channel, end to end --------------------------------------------------------------


def test_suggestions_on_a_second_channel_read_as_facts_with_citations():
    transcript = parse_transcript(SECOND_CHANNEL.read_text(encoding="utf-8"), tz="UTC", default_date=date(2025, 6, 2), origin="paste")
    findings = extract_findings(transcript)
    got = {qid: suggest(Q[qid], findings, transcript) for qid in ("customer_effect", "actual_cause", "luck", "action_owners", "affected")}
    effect = got["customer_effect"]
    assert "30% of password reset emails" in effect.value and "4,200 emails failed" in effect.value
    assert not effect.value.lower().startswith("ok so") and "channel" not in effect.value
    assert got["actual_cause"].value.startswith("The 08:00 deploy set smtp.pool_size to 1")
    assert got["luck"].value == ["We got lucky it was not the Monday newsletter run."]
    assert not any("I'll take it" in line for line in got["action_owners"].value)
    assert got["affected"].value == ["2 regions affected"]
    for s in got.values():  # every suggestion cites messages of this channel
        assert s.message_ids and all(mid in transcript for mid in s.message_ids)


def test_a_hypothesis_names_the_link_host_not_a_placeholder():
    findings = extract_findings(_transcript(
        "users see 502 errors on every launch",
        "Suggestion that it might be related to https://status.cloud.google.com/incident/storage/17006. All nodes show Ready.",
    ))
    texts = [h.text for h in findings.hypotheses]
    assert texts and "[link]" not in texts[0] and "status.cloud.google.com" in texts[0]


def test_lead_ins_about_noticing_are_dropped():
    assert clean_fact("We realized that there's a high usage on the deployment") == "There's a high usage on the deployment"


@pytest.mark.parametrize(
    "line, fact",
    [
        ("late here — users on the forum say explorer shows cert error", "Users on the forum say explorer shows cert error"),
        ("heads up, just got a report from an anonymous reporter", "Just got a report from an anonymous reporter"),
        ("morning all, db is down", "Db is down"),
        ("sorry state of affairs", "sorry state of affairs"),
        ("We see it too, RPKI core was also unavailable since 02:20 UTC.", "RPKI core was also unavailable since 02:20 UTC."),
        ("same for me: login spins forever", "Login spins forever"),
        ("we see it on the eu cluster only", "we see it on the eu cluster only"),
    ],
)
def test_greetings_and_asides_that_open_a_chat_line_are_dropped(line, fact):
    assert clean_fact(line, keep=1) == fact


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("EU CSM here, 2 customers say their rules run is stuck", "2 customers say their rules run is stuck"),
        ("I can reproduce, login page spins then 503.", "Login page spins then 503."),
        ("@Dana Whitfield db-login-2 wedged at 100% cpu, logins timing out", "db-login-2 wedged at 100% cpu, logins timing out"),
    ],
)
def test_who_is_speaking_and_whom_they_address_are_no_part_of_the_fact(said, kept):
    from facilitator.interview.wording import drop_lead_ins

    assert drop_lead_ins(said) == kept


def test_job_failures_count_jobs_that_failed_or_waited_not_runs_that_passed():
    findings = Findings(impact_hints=[
        _hint("jobs", "integration suite green 2 runs in a row.", 2, "ok"),
        _hint("jobs", "400 builds queued behind the stuck runner", 400, "q"),
        _hint("failed_jobs", "~180 failed capture jobs, retryable", 180, "j"),
    ])
    s = suggest(Q["job_failures"], findings)
    assert s.value == ["400 builds queued behind the stuck runner", "~180 failed capture jobs"]
    assert "ok" not in s.message_ids


def test_job_failures_put_the_final_count_first_and_leave_a_question_out():
    transcript = parse_transcript(
        "[14:30] Dana: ~180 failed capture jobs, they're retryable and sitting in the DLQ\n"
        "[15:35] Dana: 342 failed payment jobs in total, all recovered except 3 real declines?\n"
        "[15:41] Priya: Customer impact: ~12% of checkout requests failed in 3 regions, 342 payment jobs failed and were replayed.\n",
        tz="UTC", default_date=date(2024, 12, 3), origin="paste",
    )
    findings = extract_findings(transcript)
    assert [(h.kind, h.value) for h in findings.impact_hints if h.value == 342] == [("failed_jobs", 342.0)] * 2
    s = suggest(Q["job_failures"], findings, transcript)
    assert s is not None and s.value == ["342 payment jobs failed and were replayed", "~180 failed capture jobs"]


def test_what_went_well_or_badly_and_luck_come_from_what_the_channel_said():
    transcript = parse_transcript(
        "[10:00] Dana: checkout is failing for everyone\n"
        "[10:05] Sam: nobody got paged because we don't alert on worker count :(\n"
        "[10:06] Ioana: nice catch that you were watching the rollout\n"
        "[10:07] Seb: we don't have 24/7 so this was luck that I saw the call\n"
        "[10:30] Nell: can someone write up the couldn't merge bit, that cost us ~20 min\n"
        "[10:31] Nell: the alert worked perfectly.\n",
        tz="UTC", default_date=date(2025, 5, 29), origin="paste",
    )
    findings = extract_findings(transcript)
    well = suggest(Q["went_well"], findings, transcript)
    badly = suggest(Q["went_badly"], findings, transcript)
    luck = suggest(Q["luck"], findings, transcript)
    assert well is not None and well.value == ["Nice catch that you were watching the rollout.", "The alert worked perfectly."]
    assert badly is not None and badly.value[0] == "Nobody got paged because we don't alert on worker count."
    assert any("cost us ~20 min" in line for line in badly.value)
    assert luck is not None and luck.value == ["We don't have 24/7 so this was luck that I saw the call."]


@pytest.mark.parametrize(
    ("said", "question", "expected"),
    [
        # blind until customers failed, an alarm that came late: each told in its own sentence,
        # without the action proposed beside it or a "follow-up:" label
        ("we should add an alert for pool saturation. we had no signal at all until customers failed",
         "went_badly", "We had no signal at all until customers failed."),
        ("follow-up: the capture DLQ alert fired 30 min after the first failure. should page payments directly",
         "went_badly", "The capture DLQ alert fired 30 min after the first failure."),
        # a short one keeps the sentence that says what it is about
        ("and the ac.nz email this afternoon was the same thing. should have caught that",
         "went_badly", "And the ac.nz email this afternoon was the same thing. Should have caught that."),
        ("the runbook saved us ~20 min", "went_well", "The runbook saved us ~20 min."),
    ],
)
def test_what_went_well_or_badly_is_quoted_from_its_own_sentence(said, question, expected):
    transcript = parse_transcript(
        f"[10:00] Dana: checkout is failing for everyone\n[10:05] Sam: {said}\n",
        tz="UTC", default_date=date(2025, 5, 29), origin="paste",
    )
    s = suggest(Q[question], extract_findings(transcript), transcript)
    assert s is not None and s.value == [expected]


def test_luck_that_saved_time_is_told_once_as_luck_not_again_as_going_well():
    transcript = parse_transcript(
        "[10:00] Dana: checkout is failing for everyone\n"
        "[10:05] Sam: lucky Leon had the deploy log handy, that saved us time\n",
        tz="UTC", default_date=date(2025, 5, 29), origin="paste",
    )
    findings = extract_findings(transcript)
    assert [f.text for f in findings.luck] == ["lucky Leon had the deploy log handy, that saved us time"]
    assert findings.went_well == []


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("cases 03318841, 03318857 and 03318902", ["#03318841", "#03318857", "#03318902"]),
        ("seeing a bunch of forum posts + 2 github issues", ["At least 2 user reports, as counted in the channel (seeing a bunch of forum posts + 2 github issues)"]),
        ("~15 reports now", ["At least 15 user reports, as counted in the channel (~15 reports now)"]),
    ],
)
def test_support_requests_listed_by_number_or_counted_as_reports(said, expected):
    transcript = parse_transcript(
        f"[10:00] Dana: checkout is failing for everyone\n[10:05] Sup: {said}\n",
        tz="UTC", default_date=date(2025, 5, 29), origin="paste",
    )
    s = suggest(Q["support_requests"], extract_findings(transcript), transcript)
    assert s is not None and s.value == expected


@pytest.mark.parametrize(
    "said",
    [
        "monitors are evaluating but notifications are delayed. data isn't lost",
        "say data intake is still working, we're not dropping data as far as we know",
        "runs that failed between 18:45 and 19:45 wont come back by themselves",
        "reconciliation done: 0 double charges, 3 declines, 339 orders captured late",
        "checked the ledger: no duplicate payments anywhere",
    ],
)
def test_what_the_channel_says_of_the_data_is_the_data_impact(said):
    transcript = parse_transcript(
        f"[10:00] Dana: checkout is failing for everyone\n[10:05] Sam: {said}\n",
        tz="UTC", default_date=date(2025, 5, 29), origin="paste",
    )
    s = suggest(Q["data_impact"], extract_findings(transcript), transcript)
    assert s is not None and said.split()[1] in str(s.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we don't alert on worker count :(", "we don't alert on worker count"),
        ("nice ;-) done", "nice done"),
        ("ratio=3:1 ok", "ratio=3:1 ok"),
    ],
)
def test_plain_drops_emoticons_not_ratios(text, expected):
    assert plain(text) == expected


def test_a_reviewers_good_catch_on_wording_is_not_what_went_well():
    transcript = parse_transcript(
        "[10:00] Dana: checkout is failing for everyone\n"
        '[10:05] Sam: good catch, changed to "some customers may see a temporary hold"\n',
        tz="UTC", default_date=date(2025, 5, 29), origin="paste",
    )
    assert suggest(Q["went_well"], extract_findings(transcript), transcript) is None


@pytest.mark.parametrize(
    ("said", "question"),
    [
        ("it worked as designed, that's the problem. it throttles the whole realm", "went_well"),
        ("so the failover worked as designed, the change just followed it there", "went_well"),
        ("it has everything up to then, daily backup would cost us ~18h more", "went_badly"),
    ],
)
def test_a_design_that_is_the_problem_or_a_cost_weighed_is_neither_well_nor_badly(said, question):
    transcript = parse_transcript(
        f"[10:00] Dana: checkout is failing for everyone\n[10:05] Sam: {said}\n",
        tz="UTC", default_date=date(2025, 5, 29), origin="paste",
    )
    assert suggest(Q[question], extract_findings(transcript), transcript) is None
