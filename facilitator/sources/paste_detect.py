"""Which format a paste is in, and where each part of a paste made of several copies begins.

Every line that looks like a message start in some format scores for it, weighted by how
specific the shape is (``format_scores``); the best score names the paste's format. People
also paste several logs one after another: a channel's name on its own line ("#ops") starts a
block (``channel_blocks``), and so does a switch from one app's shape to another's with
nothing between them (``format_runs``), so each block is read in its own format.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from facilitator.sources.paste_chat_apps import starts_message
from facilitator.sources.paste_discourse import starts_post
from facilitator.sources.paste_github import starts_comment
from facilitator.sources.paste_formats import (
    CHANNEL_HEADER_RE,
    FENCE_RE,
    HD_RE,
    IRC_DAY_RE,
    IRC_RE,
    TL_RE,
    TS_RE,
    has_early_digit,
    named_rule,
)
from facilitator.sources.paste_lines import bare_time_label, timestamped_speaker
from facilitator.sources.paste_speakers import name_like
from facilitator.sources.paste_slack import (
    DATED_TIME_RE,
    EMOJI_CODE,
    SLACK_TIME_RE,
    header_name,
    inline_header,
    slack_header,
)
from facilitator.sources.paste_table import plain_table_header, table_header
from facilitator.sources.paste_time import preamble_zone

FORMATS = ("timestamped", "irc", "slack", "teams", "discord", "github", "discourse", "headings", "table", "timeline")
_WEIGHTS = {"timestamped": 1.3, "irc": 1.25, "slack": 1.2, "teams": 1.3, "discord": 1.3, "github": 2.0, "discourse": 2.0, "headings": 2.0, "table": 1.5,
            "timeline": 1.0}

def format_scores(lines: list[str], starts: list[tuple[int, str]] | None = None) -> dict[str, float]:
    """How many lines look like a message start in each format, weighted by how specific it is.

    ``starts``, when given, receives (line index, format) of every chat message start seen
    ("log" for a timestamped line that names nobody, as log lines quoted in a message do).
    """
    counts = dict.fromkeys(FORMATS, 0.0)
    in_fence = False
    previous = ""
    in_table = False
    plain_pipes = 0  # the pipes in each row of a table without a rule line, while in one
    ruled = -1  # the line of the rule under a table header whose rows open without a pipe
    for i, line in enumerate(lines):
        if FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        stripped = line.strip()
        if in_fence or not stripped:
            continue
        if stripped[0] == "|":
            if in_table:
                counts["table"] += 1
            elif i + 1 < len(lines) and table_header(stripped, lines[i + 1]) is not None:
                in_table = True
            previous = stripped
            continue
        in_table = False
        if plain_pipes and stripped.count("|") == plain_pipes:  # a row of a table without a rule line
            counts["table"] += 1
            if starts is not None:
                starts.append((i, "table"))
            continue
        if plain_pipes and i == ruled:
            continue  # the rule under a SQL client's header
        plain_pipes = 0
        if "|" in stripped and i + 1 < len(lines) and plain_table_header(stripped, lines[i + 1]) is not None:
            plain_pipes = stripped.count("|")  # "Entry | Time | Entered by | Detail"
            continue
        if "|" in stripped and i + 1 < len(lines) and table_header(stripped, lines[i + 1]) is not None:
            plain_pipes, ruled = stripped.count("|"), i + 1  # "Date/Time | Author | Entry" over "-----+-----+-----"
            continue
        label = ""
        if stripped[0] == "#":
            if HD_RE.match(stripped):
                counts["headings"] += 1
        elif (ts := TS_RE.match(stripped)) and ts.group("rest").strip() and (
            (named := timestamped_speaker(stripped, ts))
            or not (stripped[0] == "[" and starts_message(lines, i, stripped, "teams"))  # "[6/8/2021 10:42 AM] Dana"
        ) and not (("\u2014" in stripped or "\u2013" in stripped) and starts_message(lines, i, stripped, "discord")):  # "Tue, 8 Jun 2021, 12:11 — Bart V." over the text
            # A log line quoted in a message ("2024-12-03 10:30:01 ERROR ...") names nobody: weaker.
            counts["timestamped"] += 1 if named else 0.5
            label = "timestamped" if named else "log"
        elif starts_comment(stripped):  # "dana commented on Apr 22, 2026": specific, before Slack's shapes
            counts["github"] += 1
            label = "github"
        elif ((irc := IRC_RE.match(stripped)) and (stripped[0] in "[(" or not irc.group("cnick"))) or IRC_DAY_RE.match(stripped):
            # "14:02 Mateo: text" without brackets is a timeline note with a speaker, read there
            counts["irc"] += 1
            label = "irc"
        elif SLACK_TIME_RE.match(EMOJI_CODE.sub("", stripped).strip()) or DATED_TIME_RE.match(stripped):
            counts["slack"] += 1 if name_like(previous, strict=False) else 0.3
            label = "slack"
        elif ((m := slack_header(stripped)) and header_name(m)) or (
            inline_header(stripped) is not None  # "jdoe 10:42 AM text" (Slack's archive pages)
        ):
            counts["slack"] += 1
            label = "slack"
        elif starts_post(lines, i):  # "marta.lindqvist" over "9h": a forum post
            counts["discourse"] += 1
            label = "discourse"
        elif starts_message(lines, i, stripped, "teams"):
            counts["teams"] += 1
            label = "teams"
        elif starts_message(lines, i, stripped, "discord"):
            counts["discord"] += 1
            label = "discord"
        if label and starts is not None:
            starts.append((i, label))
        if has_early_digit(line) and (TL_RE.match(line) or bare_time_label(line)):
            counts["timeline"] += 1
            if not label and starts is not None:
                starts.append((i, "timeline"))  # an incident doc's timeline above the channel's log
        if EMOJI_CODE.sub("", stripped).strip():  # a status emoji line sits between name and time
            previous = stripped
    return {fmt: n * _WEIGHTS[fmt] for fmt, n in counts.items()}


def best_format(lines: list[str], starts: list[tuple[int, str]] | None = None) -> str:
    """The format that fits best ('unknown' when none fits); ``starts`` as in ``format_scores``."""
    starts = [] if starts is None else starts
    scores = format_scores(lines, starts)
    best = max(FORMATS, key=lambda f: scores[f])  # ties: earlier (more specific) formats win
    if scores[best] <= 0:
        return "unknown"
    return _enclosing(best, starts, scores)


_ENCLOSING_SHARE = 0.25  # the enclosing format needs at least this share of the quoted one's score


def _enclosing(best: str, starts: list[tuple[int, str]], scores: dict[str, float]) -> str:
    """The chat format whose messages surround every message start of ``best``, else ``best``.

    Messages quote lines of other shapes: a Slack message with two IRC lines or log lines in
    it. Such lines outnumber the headers around them in a short paste, yet every one of them
    sits between two headers of the paste's real format, none before the first or after the last.
    Log lines that name nobody (read as timestamped lines or as timeline notes) only need a
    conversation before them: they are what one of its messages quoted.
    """
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    count: dict[str, int] = {}
    logs: list[int] = []
    for i, shape in starts:
        if shape == "log":
            logs.append(i)
            continue
        first.setdefault(shape, i)
        last[shape] = i
        count[shape] = count.get(shape, 0) + 1
    if logs and best in ("timestamped", "timeline") and "timestamped" not in first:
        for shape in first:
            if count[shape] >= 2 and first[shape] < logs[0]:
                return shape
    inner = logs if best == "timestamped" and "timestamped" not in first else [i for i, s in starts if s == best]
    if not inner:  # notes (timeline, headings, tables) are not chat: nothing quotes them
        return best
    for shape in first:
        if (shape != best and first[shape] < inner[0] and last[shape] > inner[-1]
                and scores[shape] >= _ENCLOSING_SHARE * scores[best]):
            return shape
    return best


_MAX_RUNS = 6


def format_runs(lines: list[str], starts: list[tuple[int, str]]) -> tuple[list[tuple[int, int]], list[str]] | None:
    """Blocks of a paste made of copies in different shapes one after another (a Slack copy,
    then an IRC log), with no channel name between them; None for a paste in one shape.

    Each shape must hold at least two message starts in one unbroken run and appear in one run
    only (lines of one shape between two runs of another are quoted in a message there), so a
    message quoting lines of another shape never splits a paste. A block starts
    after the last blank line before its first message start (Slack's name line goes with it).
    """
    runs: list[list] = []  # [format, first index, last index, count]
    for i, shape in starts:
        if shape == "log":  # log lines quoted in messages never start a block of their own
            continue
        if runs and runs[-1][0] == shape:
            runs[-1][2], runs[-1][3] = i, runs[-1][3] + 1
        else:
            runs.append([shape, i, i, 1])
            if len(runs) > _MAX_RUNS:
                return None
    k = 1
    while k < len(runs) - 1:  # lines of another shape between two runs of one shape are quoted in it
        if runs[k - 1][0] == runs[k + 1][0]:
            runs[k - 1][2], runs[k - 1][3] = runs[k + 1][2], runs[k - 1][3] + runs[k + 1][3]
            del runs[k : k + 2]
        else:
            k += 1
    shapes = [run[0] for run in runs]
    if not 2 <= len(runs) <= _MAX_RUNS or len(set(shapes)) < len(shapes) or any(run[3] < 2 for run in runs):
        return None
    cuts = [0]
    for previous, run in zip(runs, runs[1:]):
        gap = range(run[1] - 1, previous[2], -1)
        blank = next((j for j in gap if not lines[j].strip()), None)
        if blank is not None:
            cuts.append(blank + 1)
        elif run[0] == "slack" and run[1] - 1 > previous[2] and name_like(lines[run[1] - 1].strip(), strict=False):
            cuts.append(run[1] - 1)  # "Carl Ng" over "  10:44 AM"
        else:
            cuts.append(run[1])
    blocks = list(zip(cuts, [*cuts[1:], len(lines)]))
    return blocks, shapes


def channel_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """[start, end) of each run of lines that begins at a channel's name on its own line ("#ops")
    or at a ruled line naming what follows ("----- incident.io export -----")."""
    starts = [0]
    for i, line in enumerate(lines):
        if i and (
            ("#" in line and CHANNEL_HEADER_RE.match(line.strip()))
            or named_rule(line)
        ):
            starts.append(i)
    return [(a, b) for a, b in zip(starts, [*starts[1:], len(lines)]) if a < b]


def block_zone(lines: list[str], a: int) -> tuple[tzinfo, str] | None:
    """The zone a log's first line (``lines[a]``: its name or a ruled line naming it) gives, or a
    line just above it ("pasted from Slack (my clock, London)" over "#inc-2291"), passing over
    blank lines and rules."""
    header = lines[a].strip()
    if (zone := preamble_zone(header)) is not None:  # "--- incident.io export (all times UTC) ---"
        return zone
    for line in reversed(lines[max(0, a - 3) : a]):
        line = line.strip()
        if line and not _RULE_RE.match(line):
            return preamble_zone(line)
    return None


_RULE_RE = re.compile(r"^[-=_*~\s]{3,}$")
