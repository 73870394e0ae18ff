"""Chat lines made readable as suggested answers: the facts kept, the conversation dropped.

A suggestion quotes the channel, and the channel talks: "Found it. v2.31.0 reads the pool
size from `database.pool.max_size`" is a fact wrapped in a lead-in and Markdown. Documents
want "v2.31.0 reads the pool size from database.pool.max_size." This module holds those rules
so every suggestion (causes, luck, scope, action items, the why chain) reads the same way.

It reuses the existing helpers rather than re-implementing them: ``readable`` (code quotes
dropped, the code's words kept; links shown by host) from the extractor, and ``display``
(Slack emoji codes dropped) from the renderer. The phrase lists people tune live in
``prompts/suggest_patterns.toml``. Cleaning never empties a text: when everything would go,
the original (made readable) is returned.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache

from facilitator.resources import read_text

_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=\S)")
_FORMAT_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")


@lru_cache(maxsize=1)
def _phrases() -> dict[str, re.Pattern[str]]:
    data = tomllib.loads(read_text("suggest_patterns.toml"))
    lead = "|".join(f"(?:{p})" for p in data.get("lead_ins", []))
    chatter = "|".join(f"(?:{p})" for p in data.get("chatter", []))
    meta = "|".join(f"(?:{p})" for p in data.get("channel_meta", []))
    return {
        "lead": re.compile(rf"^(?:{lead})(?=[\s,.!:]|$)[\s,.!:]*", re.IGNORECASE),
        "chatter": re.compile(rf"^(?:{chatter})[\s.!]*$", re.IGNORECASE),
        "meta": re.compile(meta, re.IGNORECASE),
    }


@lru_cache(maxsize=1)
def _markup_helpers():
    """(readable, display), imported on first use: the interview opens without loading the
    extractor's patterns or the renderer (jinja2) until a suggestion is worded."""
    from facilitator.extract.written import readable
    from facilitator.render.text import display

    return readable, display


def plain(text: str) -> str:
    """Chat markup gone, words kept: inline code unquoted, *bold*/_italic_ unwrapped, emoji codes dropped."""
    readable, display = _markup_helpers()
    text = display(readable(text or ""))
    text = _FORMAT_RE.sub(lambda m: m.group(1) or m.group(2), text)
    text = _EMOTICON_RE.sub("", text)  # "we don't alert on worker count :(" reads without the face
    return " ".join(text.replace(" .", ".").replace(" ,", ",").split())


_EMOTICON_RE = re.compile(r"(?<!\S)[:;=]-?[()DPp/\\|]+(?=\s|$|[.,!?])|(?<!\S)\^_?\^(?=\s|$)")


def _only_lead_in(sentence: str) -> bool:
    """True when the whole sentence is conversational ('Found it.', 'ok so')."""
    text = sentence.strip()
    for _ in range(6):
        cut = _phrases()["lead"].sub("", text, count=1).strip()
        if not cut:
            return True
        if cut == text:
            return False
        text = cut
    return False


def _capitalised(text: str) -> str:
    """First letter upper-cased when it starts a word, not 'v2.31.0', 'config.yaml' or 'db-login-2'."""
    if text[:1].islower() and not re.match(r"^[a-z][\w-]*[._/]\w|^[a-z][\w-]*\d", text):
        return text[:1].upper() + text[1:]
    return text


_ASIDE_RE = re.compile(r"^\((?:[^()]{1,40})\)\s+(?=\w)")


def drop_lead_ins(sentence: str) -> str:
    """'ok so I think the pool is too small' -> 'The pool is too small' (never empties).
    A leading aside ('(time approximate) Launches drop') goes too."""
    lead = _phrases()["lead"]
    text = _ASIDE_RE.sub("", sentence.strip())
    for _ in range(6):
        cut = lead.sub("", text, count=1)
        if cut == text or not cut.strip():
            break
        text = cut.strip()
    return _capitalised(text) if text != sentence.strip() else text


def is_chatter(sentence: str) -> bool:
    """True for a sentence that carries no fact ('follow-up for me', 'on it')."""
    return bool(_phrases()["chatter"].match(sentence.strip()))


def is_channel_meta(text: str) -> bool:
    """True for lines about the channel itself ('Opening this channel for the alert')."""
    return bool(_phrases()["meta"].search(text))


def sentences(text: str) -> list[str]:
    """The sentences of a line of prose."""
    return [s for s in _SENTENCE_RE.split(text.strip()) if s.strip()]


def clean_fact(text: str, *, keep: int | None = None) -> str:
    """A chat line as a fact: markup, lead-ins and chatter sentences gone; at most ``keep`` sentences."""
    base = plain(text)
    kept = []
    for sentence in sentences(base):
        if _only_lead_in(sentence):
            continue
        stripped = drop_lead_ins(sentence)
        if kept:
            stripped = _capitalised(stripped)  # a later sentence starts a sentence in the result
        if not stripped or is_chatter(stripped) or not re.search(r"\w", stripped):
            continue
        if stripped == sentence.strip() or len(stripped.split()) >= 2:
            kept.append(stripped)
    if keep is not None:
        kept = kept[:keep]
    result = " ".join(kept)
    return result or base


def as_statement(text: str) -> str:
    """A chat line as a statement of fact: cleaned, its question or exclamation marks dropped
    ("nothing paged me??" reads "Nothing paged me.")."""
    return as_sentence(clean_fact(text).rstrip("?! "))


def as_sentence(text: str) -> str:
    """One line ending in a full stop, first letter capitalised when it is a word."""
    text = " ".join(text.split()).rstrip(" ,;:")
    if not text:
        return text
    text = _capitalised(text)
    return text if text[-1] in ".!?…" else text + "."
