"""The workflow panes one by one: validation keeps forms, lints inline, LLM streaming and
cancel, jumps from the preview, Confluence publishing (and its failure) against local servers.

Services are the real client libraries pointed at the local fakes in tests/servers/.
"""

from __future__ import annotations

import pytest

from facilitator.sessions import SessionStore
from screens.actions import ActionsPane, ReasonScreen
from screens.export import ExportPane, ExportResultScreen
from screens.main import MainScreen
from screens.preview import PreviewPane
from screens.timeline import TimelinePane, TimelineEntryScreen
from screens.whys import WhysPane
from textual.widgets import DataTable, Input, Markdown, OptionList, Static, TextArea
from tests.interaction.apphelp import SIZE, demo_app, open_tab, settle, text_of, until, wait_for_screen
from tests.servers.anthropic_server import AnthropicServer, default_responder
from tests.servers.atlassian_server import AtlassianServer, AtlassianState


async def test_timeline_form_keeps_bad_input_then_edit_delete_undo():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await open_tab(pilot, "timeline", TimelinePane)
        table = pane.query_one(DataTable)
        table.focus()
        extracted = len(pane.entries())
        assert extracted and not screen.interview.session.timeline  # shows the extracted events until edited

        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TimelineEntryScreen))
        form = app.screen
        form.query_one("#tl-at", Input).value = "not a time"
        form.query_one("#tl-summary", Input).value = "Edited [bold]summary[/bold]"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "not a date and time" in text_of(form.query_one("#tl-error"))
        assert form.query_one("#tl-summary", Input).value == "Edited [bold]summary[/bold]"  # untouched
        form.query_one("#tl-at", Input).value = "2024-12-03 13:50"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen)
        saved = SessionStore().load(screen.interview.session.name)
        assert len(saved.timeline) == extracted  # the first edit kept every extracted row
        assert any(e.summary == "Edited [bold]summary[/bold]" for e in saved.timeline)  # text, not markup

        table.focus()
        table.move_cursor(row=0)
        first = pane.entries()[0].summary
        await pilot.press("delete")
        await pilot.pause()
        assert len(SessionStore().load(screen.interview.session.name).timeline) == extracted - 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        restored = SessionStore().load(screen.interview.session.name).timeline
        assert len(restored) == extracted and restored[0].summary == first

        # Tagging a message already on the timeline does not add it twice.
        cited = restored[1].message_ids[0]
        assert pane.add_message(cited) is None
        assert len(SessionStore().load(screen.interview.session.name).timeline) == extracted


async def test_action_form_lints_inline_and_rejects_bad_due_date():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await open_tab(pilot, "actions", ActionsPane)
        action = pane.query_one("#ac-action", Input)
        action.focus()
        action.value = "Improve monitoring"
        await pilot.pause()
        lint = text_of(pane.query_one("#ac-lint"))
        assert "Too vague" in lint and "Make it concrete" in lint and "no owner" in lint.lower()

        action.value = "Priya forgot to check the [red]canary[/red] so add a check"
        await pilot.pause()
        assert "Blame" in text_of(pane.query_one("#ac-lint"))

        action.value = "Add an alert on checkout 5xx above 2% for 5 minutes"
        pane.query_one("#ac-owner", Input).value = "Dana Okafor"
        pane.query_one("#ac-due", Input).value = "next blursday"
        await pilot.pause()
        assert "not a date" in text_of(pane.query_one("#ac-due-error"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.interview.session.actions == []
        assert "not a date" in text_of(pane.query_one("#ac-error"))
        assert action.value == "Add an alert on checkout 5xx above 2% for 5 minutes"  # the form is kept

        pane.query_one("#ac-due", Input).value = "2025-02-01"
        await pilot.pause()
        assert "Specific, owned and dated" in text_of(pane.query_one("#ac-lint"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = SessionStore().load(screen.interview.session.name)
        assert [a.action for a in saved.actions] == ["Add an alert on checkout 5xx above 2% for 5 minutes"]

        # Enter walks action -> owner -> due date, and saves from the due date.
        action.focus()
        action.value = "Document the pool size setting in the checkout runbook"
        await pilot.press("enter")
        assert app.focused is pane.query_one("#ac-owner", Input)
        app.focused.value = "Léon Brandt"
        await pilot.press("enter")
        assert app.focused is pane.query_one("#ac-due", Input)
        app.focused.value = "2025-02-15"
        await pilot.press("enter")
        await pilot.pause()
        assert len(SessionStore().load(screen.interview.session.name).actions) == 2

        table = pane.query_one("#ac-table", DataTable)
        table.focus()
        table.move_cursor(row=1)
        await pilot.press("shift+up")
        await pilot.pause()
        order = [a.action for a in SessionStore().load(screen.interview.session.name).actions]
        assert order[0].startswith("Document the pool size") and table.cursor_row == 0


async def test_rejecting_a_suggestion_records_the_reason():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen, pane = await open_tab(pilot, "actions", ActionsPane)
        suggestions = pane.query_one("#ac-suggestions", OptionList)
        before = suggestions.option_count
        assert before >= 1
        idea = pane._suggestions[0].action
        suggestions.focus()
        suggestions.highlighted = 0
        await pilot.press("ctrl+x")
        await until(pilot, lambda: isinstance(app.screen, ReasonScreen))
        reason_box = app.screen.query_one("#reason-input", Input)
        await until(pilot, lambda: app.focused is reason_box)
        await pilot.press("enter")  # an empty reason is refused
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen) and "Say why" in text_of(app.screen.query_one("#reason-error"))
        reason_box.value = "Covered by the canary work"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen and bool(screen.interview.session.rejected_actions))
        saved = SessionStore().load(screen.interview.session.name)
        assert [(r.action, r.reason) for r in saved.rejected_actions] == [(idea, "Covered by the canary work")]
        assert idea not in [s.action for s in pane._suggestions]


WHY = {
    "question": "Why did the new release read a stale pool size?",
    "candidates": [{"message_ids": [], "text": "placeholder", "confidence": 0.7}],
    "unactionable": False,
    "reason": "",
}


@pytest.fixture
def anthropic():
    """The fake API; ``server.why_reply`` answers propose_why calls, the default answers the rest.

    Replying by tool name (not by queue order) keeps the test independent of other LLM calls
    the app makes in the background, such as refining the findings after loading.
    """
    replies: dict = {}

    def respond(body: dict) -> dict:
        if (body.get("tool_choice") or {}).get("name") == "propose_why" and "why" in replies:
            return dict(replies["why"])
        return default_responder(body)

    with AnthropicServer(responder=respond) as server:
        server.why_replies = replies
        yield server


def llm_overrides(server) -> dict:
    return {"llm.api_key": server.api_key, "llm.base_url": server.base_url, "llm.max_retries": 0}


async def test_whys_streams_the_llm_proposal_and_offers_grounded_candidates(anthropic):
    app = demo_app(**llm_overrides(anthropic))
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        await settle(app)
        msg = next(m for m in screen.transcript.messages if "pool" in m.text.lower())
        proposal = dict(WHY, candidates=[{"message_ids": [msg.id], "text": "The pool size moved to a config file", "confidence": 0.8,
                                          "level": "contributing"}])
        anthropic.why_replies["why"] = {"tool": "propose_why", "input": proposal, "delay": 0.5, "chunk_delay": 0.01}
        screen.action_tab("whys")
        await pilot.pause()
        pane = screen.query_one(WhysPane)
        pane.query_one("#wy-tree").focus()
        await until(pilot, lambda: pane.query_one("#wy-tree").has_focus)  # the keys go to the 5 Whys, not the tab left
        await pilot.press("ctrl+r")
        # Wait for what the user ends with: the streamed proposal, and the spinner gone. (Under a
        # loaded full suite the spinner can show and hide between two polls, so it is not awaited.)
        md = pane.query_one("#wy-stream", Markdown)
        await until(pilot, lambda: "stale pool size" in md.source, what="the streamed proposal")
        await until(pilot, lambda: not pane.query_one("#wy-working").display, what="the spinner to go")
        candidates = pane.query_one("#wy-candidates", OptionList)
        assert candidates.option_count == 1 and pane.candidate_ids == [[msg.id]]
        assert screen.interview.session.llm_usage.calls >= 1
        # The facilitator's question is a suggestion: the chain keeps its own until Ctrl+G accepts it.
        turn = screen.interview.session.whys[0]
        assert turn.question != WHY["question"] and pane.proposed_question == WHY["question"]
        assert "Ctrl+G asks it instead" in text_of(pane.query_one("#wy-feedback"))
        pane.query_one("#wy-tree").focus()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert screen.interview.session.whys[0].question == WHY["question"]
        candidates.focus()
        candidates.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert pane.query_one("#wy-answer", TextArea).text == "The pool size moved to a config file"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not any(w.is_running for w in pane.workers))
        first = SessionStore().load(screen.interview.session.name).whys[0]
        assert first.answer == "The pool size moved to a config file" and first.message_ids == [msg.id]
        assert first.level == "contributing"  # the accepted candidate's level


async def test_whys_proposal_can_be_cancelled(anthropic):
    app = demo_app(**llm_overrides(anthropic))
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        await settle(app)
        anthropic.why_replies["why"] = {"tool": "propose_why", "input": WHY, "delay": 5}
        screen.action_tab("whys")
        await pilot.pause()
        pane = screen.query_one(WhysPane)
        pane.query_one("#wy-tree").focus()
        await pilot.press("ctrl+r")

        def asked() -> bool:
            return any((r.body.get("tool_choice") or {}).get("name") == "propose_why" for r in anthropic.message_requests)

        await until(pilot, asked)  # the request is in flight (the server holds it for 5 s)
        await until(pilot, lambda: pane.query_one("#wy-working").display, what="the spinner while it waits")
        await pilot.press("escape")
        await until(pilot, lambda: not pane.query_one("#wy-working").display)
        feedback = text_of(pane.query_one("#wy-feedback"))
        assert "cancelled" in feedback, (feedback, [n.message for n in app._notifications])
        assert screen.query_one("#tabs").active == "whys"  # Esc cancelled, it did not leave the pane


async def test_preview_fix_jumps_to_the_question():
    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        screen.action_tab("preview")
        pane = screen.query_one(PreviewPane)
        await until(pilot, lambda: pane.data is not None and pane.has_focus_within)  # may render while hidden
        todo_index, todo = next((i, f) for i, f in enumerate(pane.fixes) if f.target.startswith("question:"))
        await pilot.press("f")
        await pilot.pause()
        fixes = pane.query_one("#pv-fix-list", OptionList)
        assert app.focused is fixes
        fixes.highlighted = todo_index
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#tabs").active == "interview"
        assert screen.interview.current.id == todo.target.split(":", 1)[1]


@pytest.fixture
def confluence(monkeypatch):
    from facilitator.publish import confluence as client

    monkeypatch.setattr(client, "RETRY_BACKOFF", 0.01)  # the real retry policy, without the sleeping
    state = AtlassianState()
    with AtlassianServer(state) as server:
        server.parent_id = state.add_page("Incidents")
        yield server


def confluence_overrides(server, token: str = "api-token-123") -> dict:
    return {
        "confluence.url": server.url,
        "confluence.email": "pm@acme.test",
        "confluence.token": token,
        "confluence.space": "OPS",
        "confluence.parent_page_id": server.parent_id,
        "llm.enabled": False,
    }


async def _publish(pilot, screen) -> ExportPane:
    screen.action_tab("preview")
    pane = screen.query_one(PreviewPane)
    # the documents may be ready before the shown tab has taken the focus (rendered while hidden)
    await until(pilot, lambda: pane.data is not None and pane.has_focus_within)
    await pilot.press("x")
    await pilot.pause()
    export = pane.query_one(ExportPane)
    await pilot.press("ctrl+l")
    return export


async def test_publish_to_confluence_shows_the_result_and_records_the_page(confluence):
    app = demo_app(**confluence_overrides(confluence))
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        await _publish(pilot, screen)
        await until(pilot, lambda: isinstance(app.screen, ExportResultScreen))
        result = app.screen.result
        page_id = screen.interview.session.published.confluence_page_id
        assert result.published and result.url.endswith(page_id) and result.year_page == "Post-mortems 2024"
        assert confluence.state.pages[page_id]["title"].startswith("[2024-12-03]")
        assert confluence.state.attachment(page_id, "timeline.svg") is not None  # the pictures the page embeds
        assert SessionStore().load(screen.interview.session.name).published.confluence_url == result.url
        assert "Schedule the review meeting" in text_of(app.screen.query_one("#ex-steps"))


async def test_publish_failure_is_explained_and_changes_nothing(confluence):
    app = demo_app(**confluence_overrides(confluence, token="wrong-token"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        export = await _publish(pilot, screen)
        status = export.query_one("#ex-status", Static)
        await until(pilot, lambda: status.has_class("error"))
        assert app.screen is screen and not export.query_one("#ex-publish").disabled  # form given back
        assert "401" in text_of(status) or "rejected" in text_of(status).lower() or "token" in text_of(status).lower()
        assert screen.interview.session.published.confluence_page_id == ""
        assert [r for r in confluence.state.requests if r.method in ("POST", "PUT")] == []


async def test_preview_drafts_the_narrative_and_customer_version_with_the_llm_as_draft_does():
    sections = {"summary": "LLM SUMMARY: checkout failed for 40 minutes until the pool was raised.",
                "external": "LLM EXTERNAL: some customers could not complete purchases for a short time."}

    def respond(body: dict) -> dict:
        if (body.get("tool_choice") or {}).get("name") == "write_sections":
            return {"tool": "write_sections", "input": sections}
        return default_responder(body)

    with AnthropicServer(responder=respond) as server:
        app = demo_app(**llm_overrides(server))
        async with app.run_test(size=SIZE) as pilot:
            screen = await wait_for_screen(pilot, MainScreen)
            await settle(app)
            screen.interview.session.drafts["lessons"] = "My own lessons."
            screen.action_tab("preview")
            pane = screen.query_one(PreviewPane)
            await until(pilot, lambda: "LLM SUMMARY" in (pane.shown or ("", ""))[0])  # the documents on screen
            await until(pilot, lambda: "LLM EXTERNAL" in (pane.shown or ("", ""))[1])
            saved = SessionStore().load(screen.interview.session.name)
            assert saved.drafts["summary"] == sections["summary"] and saved.drafts["lessons"] == "My own lessons."
            calls = [r.body["tool_choice"]["name"] for r in server.message_requests if r.body.get("tool_choice", {}).get("name") == "write_sections"]
            assert len(calls) == 1
            asked = server.message_requests[-1].user_text
            assert "lessons" not in asked.split("Fill only these sections:", 1)[1].split(".", 1)[0]  # the user's section is left alone


async def test_whys_suggested_action_and_branches_wait_for_the_user(anthropic):
    from facilitator.session import WhyTurn

    app = demo_app(**llm_overrides(anthropic))
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        await settle(app)
        session = screen.interview.session
        session.whys.append(WhyTurn(id="w1", question="Why did checkout fail?", answer="The DB pool was capped at 5 by a config change"))
        anthropic.why_replies["why"] = {"tool": "propose_why", "input": {
            "question": "", "unactionable": True, "reason": "the last answer is systemic", "candidates": [],
            "branches": [{"layer": "process", "factor": "Config review does not show effective values", "message_ids": []}],
            "action": {"action": "Add a CI check that compares effective pool sizes", "category": "detect", "done_when": ""},
        }}
        screen.action_tab("whys")
        await pilot.pause()
        pane = screen.query_one(WhysPane)
        pane.query_one("#wy-tree").focus()
        await pilot.press("ctrl+r")
        await until(pilot, lambda: not pane.query_one("#wy-working").display and pane.proposed_action is not None)
        feedback = text_of(pane.query_one("#wy-feedback"))
        assert "process: Config review does not show effective values" in feedback and "(Ctrl+N adds it)" in feedback
        before = len(session.actions)
        assert before == len(SessionStore().load(session.name).actions)  # nothing added on its own
        pane.query_one("#wy-tree").focus()
        await pilot.press("ctrl+n")
        await pilot.pause()
        added = session.actions[-1]
        assert len(session.actions) == before + 1
        assert (added.action, added.category, added.addresses) == ("Add a CI check that compares effective pool sizes", "detect", "w1")


async def test_llm_preview_in_the_app_shows_the_masked_prompt_and_sends_nothing(anthropic):
    from screens.llm_preview import LLMPreviewScreen

    app = demo_app(**{"llm.enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_screen(pilot, MainScreen)
        screen._llm_preview()
        await until(pilot, lambda: isinstance(app.screen, LLMPreviewScreen) and bool(app.screen.query("#lp-text")))
        area = app.screen.query_one("#lp-text", TextArea)
        await until(pilot, lambda: "prompt as it would be sent" in area.text)
        assert "Wint3r-Sunset-42" not in area.text and "Responder A:" in area.text
        assert "input tokens" in text_of(app.screen.query_one("#lp-status"))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
    assert anthropic.requests == []
