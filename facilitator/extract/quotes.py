"""A message's sentence as a cited fact: the sentence as written (inline code and links kept,
a short message quoted whole), with the message it came from."""

from __future__ import annotations

import re

from facilitator.extract.signals import MessageSignals
from facilitator.extract.written import readable, summary_of
from facilitator.findings import Fact

_LIST_MARKER_RE = re.compile(r"(?m)^\s*(?:[-*+•]|\d+[.)])\s+")


def with_code(sentence: str, whole: str) -> str:
    """The sentence as written, inline code words kept: the finders read prose with code cut out
    ("reads config.yaml ."), but a fact must keep "database.pool.max_size"."""
    if "`" not in whole and "[link]" not in sentence:
        return sentence
    words = sentence.split()
    if not words:
        return sentence
    prose = " ".join(_LIST_MARKER_RE.sub("", readable(whole)).split())
    # The code-free sentence's words, in order, with anything (the code) allowed between them;
    # a "[link]" placeholder stands for the link's host in the readable text.
    gaps = r"(?:\s+\S+){0,6}?\s*"
    pattern = gaps.join(r"\S+" if "[link]" in w else re.escape(w) for w in words)
    match = re.search(pattern + r"[^\s.!?]*[.!?]?", prose)
    if not match:
        return sentence
    text, rest = match.group(0), prose[match.end() :]
    for code in _CODE_SPAN_RE.findall(whole):  # code that ends the sentence: "... dont have `type`"
        code = " ".join(readable(code).split())
        if code and not text.endswith((".", "!", "?")) and rest.lstrip().startswith(code):
            text, rest = f"{text} {code}", rest.lstrip()[len(code) :]
    return text


_CODE_SPAN_RE = re.compile(r"`([^`\n]{1,80})`")


_SYMBOL_LEAD_RE = re.compile(r"^(?:[^\w\s\"'\u201c(\[#@~`<$]\s*)+")


def quote_fact(sentence: str, sig: MessageSignals, confidence: float = 0.5, whole: bool = True) -> Fact:
    """A fact quoting the sentence; a short chat message is quoted whole (unless ``whole`` is
    False: a cause is quoted from the sentence that states it, not from "db looks fine." before
    it), code and links kept."""
    if not whole:
        # the sentence, or the sentence with the ones after it (``with_context``)
        at = next((i for i, x in enumerate(sig.prep.sentences) if sentence.startswith(x)), 0)
        sentence = " ".join(sig.prep.sentences[at:]) if len(sentence) < 60 else sentence
    whole_text = sig.message.text
    if whole and len(whole_text) <= 200 and len(sig.prep.sentences) <= 3 and "```" not in whole_text:
        text = _SYMBOL_LEAD_RE.sub("", " ".join(readable(whole_text).split()))  # "✅ rollback complete"
        return Fact(text=text, message_ids=[sig.message.id], confidence=confidence)
    return Fact(text=summary_of(quoted(sentence, whole_text), limit=200), message_ids=[sig.message.id], confidence=confidence)


def quoted(sentence: str, text: str) -> str:
    """``sentence`` as a document quotes it from the message ``text``: code and link hosts kept
    (``with_code``), a bare "[link]" mark shortened to "…" and a bracketed one dropped."""
    return with_code(sentence, text).replace(" ([link])", "").replace("[link]", "…")


def with_context(sentence: str, sig: MessageSignals) -> str:
    """A short sentence ("Found it.") with the sentences that follow it, up to ~200 characters."""
    if len(sentence) >= 60:
        return sentence
    sentences = sig.prep.sentences
    start = sentences.index(sentence)
    text = sentence
    for nxt in sentences[start + 1 :]:
        if len(text) >= 60:
            break
        if not re.search(r"[^\W\d_]", nxt):
            continue  # a bare list number ("1.") left by the split adds nothing
        text = f"{text} {nxt}"
    return text
