"""The ``facilitator`` command line.

Parses arguments, builds the settings (defaults < file < environment < flags) and hands off
to the core. The Textual app is found through the ``facilitator.ui`` entry point so that
this package never imports the UI. Every ``UserError`` ends as one sentence on stderr and
exit code 2, never a traceback.

Imports are made where they are used, so that short commands stay short: ``--version`` and
``--help`` load argparse and nothing else of weight, and each subcommand loads only its own
modules (tests/unit/test_lazy_imports.py holds this).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from facilitator import __version__
from facilitator.errors import FacilitatorError, UserError, redact_secrets, strip_userinfo

if TYPE_CHECKING:
    from facilitator.config import Settings
    from facilitator.session import SourceSpec


def _add_source_options(p: argparse.ArgumentParser, required: bool) -> None:
    group = p.add_argument_group("source (one of)")
    src = group.add_mutually_exclusive_group(required=required)
    src.add_argument("--demo", action="store_true", help="the bundled sample incident")
    src.add_argument("--transcript", metavar="FILE", help="a saved or pasted transcript ('-' = stdin)")
    src.add_argument("--slack-export", metavar="PATH", help="a Slack workspace export (zip or unpacked folder)")
    src.add_argument("--slack-channel", metavar="NAME_OR_ID", help="live from Slack (token from SLACK_TOKEN)")
    group.add_argument("--channel", metavar="NAME", help="channel to read from a Slack export")
    common = p.add_argument_group("common options")
    common.add_argument("--tz", metavar="IANA_NAME", help="timezone for display and for times without a zone")
    common.add_argument(
        "--date", metavar="YYYY-MM-DD",
        help="the day the messages were written, for transcripts whose times have no date (a copy's 'Yesterday at' messages are that day)",
    )
    common.add_argument("--since", metavar="ISO", help="ignore messages before this time")
    common.add_argument("--until", metavar="ISO", help="ignore messages after this time")
    common.add_argument("--no-llm", action="store_true", help="never call the LLM, even with a key")
    common.add_argument(
        "--evidence", metavar="FILE", action="append", default=[],
        help="Alertmanager/amtool JSON, PagerDuty log entries JSON, or timestamped log lines to add to the timeline; "
        "'pagerduty:INCIDENT_ID' fetches the log entries (needs PAGERDUTY_TOKEN); repeatable",
    )


_SHOW_VERSION = "show-program-version"


class _Parser(argparse.ArgumentParser):
    """argparse with one-sentence errors (the usage block is what --help is for)."""

    def error(self, message: str) -> NoReturn:
        """Print one line naming the problem and where help is, then exit with code 2."""
        self.exit(2, f"{self.prog}: {message}; see `{self.prog} --help`.\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and for --help)."""
    version = f"facilitator {__version__}"
    parser = _Parser(
        prog="facilitator",
        description="Turn the record of a handled incident into a blameless post-mortem.",
    )
    parser.add_argument("--version", action="version", version=version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str, doc_version: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        if doc_version:
            # render/publish: `--version internal|external` picks the document; a bare
            # `--version` still prints the program version like every other subcommand.
            p.add_argument(
                "--version",
                dest="doc_version",
                nargs="?",
                const=_SHOW_VERSION,
                default="internal",
                choices=["internal", "external", _SHOW_VERSION],
                metavar="internal|external",
                help="which document: internal (default) or external; bare --version prints the version",
            )
        else:
            p.add_argument("--version", action="version", version=version)
        return p

    p = add("interview", "guided interview on an incident (the app, or --plain for line mode)")
    _add_source_options(p, required=False)
    p.add_argument("--session", metavar="NAME", help="resume (or name) a saved session")
    p.add_argument("--plain", action="store_true", help="line-by-line prompts instead of the full-screen app")

    p = add("extract", "what the tool read and found in a channel")
    _add_source_options(p, required=True)
    p.add_argument("--json", action="store_true", help="print JSON on stdout")

    p = add("draft", "run the interview non-interactively and write the documents")
    _add_source_options(p, required=False)
    p.add_argument("--out", metavar="DIR", required=True, help="folder for internal.md, external.md and the session")
    p.add_argument("--answers", metavar="FILE.toml", help="answers that win over suggestions")
    p.add_argument("--session", metavar="NAME", help="start from (and save to) this session")
    p.add_argument("--template", metavar="PATH", help="a Jinja2 Markdown template of your own")
    p.add_argument("--external-override", metavar="REASON",
                   help="release the external version despite internal wording its gate refuses; the reason is recorded")

    p = add("sessions", "list, show or remove saved sessions")
    p.add_argument("action", nargs="?", choices=["list", "show", "rm"], default="list")
    p.add_argument("name", nargs="?", help="session name (show, rm)")

    p = add("init", "write a config file interactively (timezone, Slack, Confluence, Anthropic)")
    p.add_argument("--path", metavar="FILE", help="where to write it (default: the user config path)")

    p = add("render", "render a session as Markdown or Confluence storage format", doc_version=True)
    p.add_argument("session", metavar="SESSION", nargs="?")
    p.add_argument("--format", choices=["markdown", "confluence"], default="markdown")
    p.add_argument("--template", metavar="PATH", help="a Jinja2 Markdown template of your own")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")

    p = add("publish", "publish a session to Confluence (and action items to Jira)", doc_version=True)
    p.add_argument("session", metavar="SESSION", nargs="?")
    p.add_argument("--dry-run", action="store_true", help="show what would be published, change nothing")
    p.add_argument("--jira", metavar="PROJECT", help="also file one Jira issue per action item")
    p.add_argument("--github", metavar="OWNER/REPO", help="also file one GitHub issue per action item (needs GITHUB_TOKEN)")
    p.add_argument("--title", metavar="TEXT", default="", help="publish under this title (when another page has ours)")
    p.add_argument("--adopt-page", metavar="ID", default="", help="take over this existing Confluence page as this session's")

    p = add("checklist", "review and tick the redaction checklist of a session (before publishing the external version)")
    p.add_argument("session", metavar="SESSION", nargs="?")
    p.add_argument("--tick", metavar="ID", nargs="+", default=[], help="tick these items (ids or numbers from the list)")
    p.add_argument("--untick", metavar="ID", nargs="+", default=[], help="untick these items")
    p.add_argument("--json", action="store_true", help="print the items, ticks and evidence as JSON")
    p.add_argument("--external-override", metavar="REASON",
                   help="record why the external version may leave despite internal wording its gate refuses ('' clears it)")

    p = add("review", "review an existing post-mortem (Markdown file, '-', Confluence page) or a whole tree of them")
    p.add_argument("source", metavar="SOURCE", nargs="?", help="a Markdown file, '-' for stdin, a folder, or a Confluence page id or URL")
    p.add_argument("--confluence-tree", metavar="PARENT_ID", help="review every post-mortem under this Confluence page")
    p.add_argument("--session", metavar="NAME", help="also open the document as a session to continue in the interview")
    p.add_argument("--json", action="store_true", help="print the review as JSON")
    audience = p.add_mutually_exclusive_group()
    audience.add_argument("--external", dest="external", action="store_true", default=None,
                          help="read it as a customer-facing document (adds the leak checks)")
    audience.add_argument("--internal", dest="external", action="store_false", help="read it as an internal document")

    p = add("llm-preview", "show the masked prompt an LLM call would send, its size and cost, and the calls made so far")
    p.add_argument("session", metavar="SESSION", nargs="?")
    p.add_argument("--task", choices=["findings", "draft", "why"], default="findings", help="which call to preview")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    return parser


def source_spec(args: argparse.Namespace, settings: Settings) -> SourceSpec | None:
    """The SourceSpec the flags name, or None when no source flag was given."""
    from facilitator.session import SourceSpec

    common = {
        "timezone": settings.timezone,
        "date": args.date or "",
        "since": args.since or "",
        "until": args.until or "",
        "evidence": list(getattr(args, "evidence", None) or []),
    }
    _refuse_options_that_cannot_apply(args)
    if getattr(args, "demo", False):
        return SourceSpec(kind="demo", **common)
    if args.transcript:
        return SourceSpec(kind="transcript", ref=args.transcript, **common)
    if args.slack_export:
        return SourceSpec(kind="slack-export", ref=args.slack_export, channel=args.channel or "", **common)
    if args.slack_channel:
        return SourceSpec(kind="slack", ref=args.slack_channel, channel=args.slack_channel, **common)
    if args.channel:
        raise UserError("--channel only applies with --slack-export PATH; add the export path.")
    return None


def _refuse_options_that_cannot_apply(args: argparse.Namespace) -> None:
    """No silent acceptance: an option the chosen source cannot use is an error, not ignored."""
    source = next((flag for flag, attr in (("--demo", "demo"), ("--transcript", "transcript"),
                                           ("--slack-export", "slack_export"), ("--slack-channel", "slack_channel"))
                   if getattr(args, attr, None)), None)
    if source is None:
        return
    if getattr(args, "date", None) and source != "--transcript":
        raise UserError(f"--date only applies to --transcript (pasted times without a date); {source} has its own dates, drop --date.")
    if getattr(args, "channel", None) and source != "--slack-export":
        raise UserError(f"--channel only applies with --slack-export PATH, not with {source}; drop it.")


def _settings(args: argparse.Namespace) -> Settings:
    from facilitator.config import load_settings

    overrides: dict[str, Any] = {"timezone": getattr(args, "tz", None)}
    if getattr(args, "no_llm", False):
        overrides["llm.enabled"] = False
    settings = load_settings(overrides=overrides)
    for warning in settings.warnings:  # once per run: every command loads the settings once, here
        sys.stderr.write(f"facilitator: warning: {warning}\n")
    return settings


def cmd_extract(args: argparse.Namespace) -> int:
    """facilitator extract SOURCE [--json]."""
    import json

    from facilitator.sources import load_source

    settings = _settings(args)
    spec = source_spec(args, settings)
    assert spec is not None  # the parser requires a source
    transcript = load_source(spec, settings, progress=_stderr_progress() if spec.kind == "slack" else None)

    from facilitator.extract import extract_findings
    from facilitator.report import extract_report, format_extract_summary

    findings = extract_findings(transcript)
    report = extract_report(transcript, findings)
    from facilitator.evidence.gather import evidence_wanted

    record = None
    if evidence_wanted(settings, spec.evidence):  # the same rule as a session's start: a file or a token
        from facilitator.evidence.gather import gather_evidence

        record = gather_evidence(transcript, findings, settings, spec.evidence, spec.timezone)
        report["evidence"] = record.model_dump(mode="json")
    if args.json:
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_extract_summary(report))
        if record is not None:
            sys.stdout.write(f"Evidence  {len(record.rows)} timeline row(s) from outside the channel, "
                             f"{len(record.candidates)} key-time candidate(s), {record.duplicates} already posted by a bot\n")
            for note in record.notes:
                sys.stdout.write(f"          warning: {note}\n")
    return 0


def _stderr_progress():
    """A progress callback that redraws one line on stderr (only when it is a terminal)."""
    if not sys.stderr.isatty():
        return None

    def progress(messages: int, threads: int, note: str) -> None:
        sys.stderr.write(f"\r\x1b[2KFetched {messages} messages, {threads} threads{' - ' + note if note else ''}")
        sys.stderr.flush()

    return progress


def cmd_interview(args: argparse.Namespace) -> int:
    """facilitator interview SOURCE [--plain] [--session NAME]."""
    settings = _settings(args)
    spec = source_spec(args, settings)
    if args.plain:
        from facilitator.plain import run_plain_interview

        return run_plain_interview(settings, spec, args.session)
    return launch_ui(settings, spec, args.session)


def launch_ui(settings: Settings, spec: SourceSpec | None, session_name: str | None) -> int:
    """Start the Textual app through the ``facilitator.ui`` entry point."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal the app would paint escape codes into a pipe and wait forever.
        raise UserError("The full-screen app needs a terminal; run it in one, or use --plain (or `facilitator draft`) in scripts.")
    from importlib.metadata import entry_points

    found = entry_points(group="facilitator.ui", name="tui")
    if not found:
        raise UserError("The full-screen app is not installed; reinstall facilitator, or use --plain.")
    run = next(iter(found)).load()
    return int(run(settings=settings, spec=spec, session_name=session_name) or 0)


def cmd_draft(args: argparse.Namespace) -> int:
    """facilitator draft SOURCE --out DIR."""
    from facilitator.draft import run_draft

    settings = _settings(args)
    spec = source_spec(args, settings)
    return run_draft(settings, spec, out=args.out, answers=args.answers, session_name=args.session, template=args.template,
                     external_override=args.external_override)


def cmd_sessions(args: argparse.Namespace) -> int:
    """facilitator sessions [list | show NAME | rm NAME]."""
    from facilitator.sessions_cli import sessions_command

    return sessions_command(args.action, args.name)


def cmd_init(args: argparse.Namespace) -> int:
    """facilitator init."""
    from facilitator.plain import run_init_wizard

    return run_init_wizard(args.path)


def cmd_render(args: argparse.Namespace) -> int:
    """facilitator render SESSION."""
    from facilitator.render import render_command

    return render_command(_settings(args), args.session, args.doc_version, args.format, args.template, args.output)


def cmd_publish(args: argparse.Namespace) -> int:
    """facilitator publish SESSION."""
    from facilitator.publish import publish_command

    settings = _settings(args)
    code = 0
    # --github alone files issues only; with Confluence configured the page goes first, so the issues link to it.
    if not args.github or settings.confluence.url or args.jira:
        code = publish_command(settings, args.session, args.doc_version, args.dry_run, args.jira,
                               title=args.title, adopt_page=args.adopt_page)
    if args.github and code == 0:
        from facilitator.publish.github import github_publish_command

        code = github_publish_command(settings, args.session, args.github, args.dry_run)
    return code


def cmd_checklist(args: argparse.Namespace) -> int:
    """facilitator checklist SESSION [--tick ID ...] [--untick ID ...] [--json]."""
    from facilitator.checklist import checklist_command

    return checklist_command(_settings(args), args.session, args.tick, args.untick, args.json,
                             override=args.external_override)


def cmd_review(args: argparse.Namespace) -> int:
    """facilitator review SOURCE | --confluence-tree PARENT_ID."""
    from facilitator.review.command import review_command

    if args.source and args.confluence_tree:
        raise UserError("Give either a SOURCE or --confluence-tree PARENT_ID, not both.")
    return review_command(_settings(args), args.source, args.json, args.external, args.session, args.confluence_tree)


def cmd_llm_preview(args: argparse.Namespace) -> int:
    """facilitator llm-preview SESSION [--task findings|draft|why] [--json]: no call is made."""
    from facilitator.llm.preview import preview_command

    return preview_command(_settings(args), args.session, args.task, args.json)


COMMANDS = {
    "extract": cmd_extract,
    "interview": cmd_interview,
    "draft": cmd_draft,
    "sessions": cmd_sessions,
    "init": cmd_init,
    "render": cmd_render,
    "publish": cmd_publish,
    "checklist": cmd_checklist,
    "review": cmd_review,
    "llm-preview": cmd_llm_preview,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``facilitator`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "doc_version", None) == _SHOW_VERSION:
        print(f"facilitator {__version__}")
        return 0
    if args.command in ("render", "publish", "checklist", "llm-preview") and not args.session:
        sys.stderr.write(f"facilitator: {args.command} needs a SESSION name; `facilitator sessions list` shows them.\n")
        return 2
    try:
        if args.command is None:
            return launch_ui(_settings(args), None, None)
        return COMMANDS[args.command](args)
    except UserError as exc:
        sys.stderr.write(f"facilitator: {exc}\n")
        return exc.exit_code
    except FacilitatorError as exc:
        sys.stderr.write(f"facilitator: {exc}\n")
        return 1
    except KeyboardInterrupt:
        saved = "; your answers so far are saved" if args.command in (None, "interview", "draft") else ""
        sys.stderr.write(f"facilitator: interrupted{saved}.\n")
        return 130
    except BrokenPipeError:
        # `facilitator render X | head`: the reader left; stop quietly like other Unix tools.
        _silence_stdout()
        return 141
    except Exception as exc:  # noqa: BLE001 - the last guard: one sentence, never a traceback
        if os.environ.get("FACILITATOR_DEBUG"):
            raise
        detail = redact_secrets(strip_userinfo(" ".join(f"{exc.__class__.__name__}: {exc}".split())))[:300]
        sys.stderr.write(
            f"facilitator: unexpected internal error ({detail}); answers already given are saved, "
            "please report this (FACILITATOR_DEBUG=1 shows the details).\n"
        )
        return 1


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (tests): nothing left to flush


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
