"""Look-alike characters and split secrets never reach the external version or any file, and a
secret known in one form is masked in all of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.redact import Redactor, mask_secrets
from facilitator.redact_detect import learn_secrets
from facilitator.redact_normal import normalise, normalised, original_range
from facilitator.sessions import SessionStore

SYSTEM = "ledger-writer"
HOST = "db-primary-03"
# Built from pieces so no credential-shaped literal sits in the source.
KEY = "AKIA" + "Z3MPLE7Q2RXW4N5T"
PASSWORD = "Tr0ub4dor" + "-Zq81"
LABELLED = "S9v" + "-pq7Lk2"

VARIANTS = {
    "cyrillic e": "ledger-writ\u0435r",
    "fullwidth": "\uff4c\uff45\uff44\uff47\uff45\uff52-writer",
    "non-breaking hyphen": "ledger\u2011writer",
    "zero-width inside": "ledger-wr\u200biter",
    "soft hyphen": "ledger-wri\u00adter",
    "en dash": "ledger\u2013writer",
    "greek o in host": "db-primary-03.in\u03bfternal".replace("in\u03bfternal", "internal").replace("primary", "prim\u0430ry"),
}


@pytest.mark.parametrize(("what", "text"), sorted(VARIANTS.items()))
def test_look_alikes_read_as_the_ascii_they_imitate(what, text):
    assert normalise(text) in (SYSTEM, f"{HOST}.internal")


def test_ascii_text_is_returned_as_it_is():
    text = "plain ascii, nothing to do"
    assert normalised(text) == (text, None) and normalise(text) is text


def test_spans_map_back_to_the_users_characters():
    text = "x \uff4c\uff45\u200bd y"
    norm, index = normalised(text)
    assert norm == "x led y"
    start, end = original_range(index, 2, 5)
    assert text[start:end] == "\uff4c\uff45\u200bd"


@pytest.mark.parametrize(("what", "variant"), sorted(VARIANTS.items()))
def test_redaction_and_leak_scan_see_through_look_alikes(what, variant):
    redactor = Redactor()
    redactor._learn(f"we restarted `{SYSTEM}` and {HOST}.internal paged", mentions_are_people=True)
    text = f"Around 10:40 the {variant} stopped."
    redacted = redactor.redact(text).text
    assert normalise(SYSTEM) not in normalise(redacted).casefold() and HOST not in normalise(redacted)
    assert redacted.startswith("Around 10:40 the ") and redacted.endswith(" stopped.")  # the rest is the user's text
    assert redactor.leak_scan(text), "the scan must report the look-alike"


def test_a_key_split_by_an_invisible_character_is_masked():
    for split in (KEY[:4] + "\u200b" + KEY[4:], KEY[:8] + "\u2060" + KEY[8:], KEY[:4] + "\ufeff" + KEY[4:]):
        masked = mask_secrets(f"key {split} pasted")
        assert masked == "key [secret] pasted"


def test_a_secret_seen_in_a_url_is_masked_in_every_other_form():
    masked = mask_secrets(f"db at postgres://app:{PASSWORD}@db.internal/x\nlog in as app:{PASSWORD} or paste {PASSWORD}")
    assert PASSWORD not in masked and masked.count("[secret]") == 3
    assert mask_secrets(f"later, in another text: {PASSWORD}") == "later, in another text: [secret]"


def test_a_value_on_the_line_after_its_label_is_a_secret():
    assert LABELLED not in mask_secrets(f"db password:\n{LABELLED}\nthanks")
    assert mask_secrets("the token: expired") == "the token: [secret]" and mask_secrets("it expired") == "it expired"


def test_plain_words_are_not_remembered_as_secrets():
    learn_secrets("password: rotated")
    assert mask_secrets("the key was rotated yesterday") == "the key was rotated yesterday"


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


def test_look_alikes_and_split_secrets_never_reach_the_external_version_or_any_file(tmp_path):
    lines = [
        "[2024-12-03 10:30] Alice: checkout errors are up, declaring an incident",
        f"[2024-12-03 10:31] Alice: the `{SYSTEM}` on {HOST}.internal is crash looping",
        f"[2024-12-03 10:32] Bob: yes {VARIANTS['cyrillic e']} is down, {VARIANTS['fullwidth']} too",
        "[2024-12-03 10:33] Bob: db\u2011primary\u201103.internal is out of connections",
        f"[2024-12-03 10:34] Carol: dsn postgres://app:{PASSWORD}@{HOST}.internal/ledger",
        f"[2024-12-03 10:35] Carol: or log in as app:{PASSWORD} directly",
        f"[2024-12-03 10:36] Dave: key {KEY[:4]}\u200b{KEY[4:]} was in the config",
        "[2024-12-03 10:37] Dave: db password:",
        f"[2024-12-03 10:37] Dave: {LABELLED}",
        "[2024-12-03 10:50] Alice: rolled back, errors are gone, resolved",
    ]
    chat = tmp_path / "chat.txt"
    chat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["draft", "--transcript", str(chat), "--no-llm", "--out", str(out), "--session", "lookalike"]) == 0
    files = _files(out) | {f"session/{k}": v for k, v in _files(SessionStore().folder("lookalike")).items()}
    assert "internal.md" in files and "source.txt" in "".join(files) and "transcript.json" in "".join(files)
    for name, text in files.items():
        for secret in (PASSWORD, KEY, LABELLED):
            assert secret not in normalise(text), f"a secret reached {name}"
        if name.endswith(".json"):
            body = json.loads(text)
            assert PASSWORD not in normalise(json.dumps(body, ensure_ascii=False))
    # external.md is withheld while its customer questions are open; the text the gate judged is checked then.
    if "external.md" not in files:
        from facilitator.config import load_settings
        from facilitator.render import render_both
        from facilitator.session_start import open_session

        session, transcript = open_session("lookalike", SessionStore())
        files["external.md"] = render_both(session, transcript, load_settings()).external
    external = normalise(files["external.md"]).casefold()
    assert SYSTEM not in external and HOST not in external


def test_a_transcript_is_masked_with_what_any_of_its_messages_revealed():
    from facilitator.redact import mask_transcript
    from tests.servers.anthropic_server import chat

    tr = chat(
        ("carol", f"log in as app:{PASSWORD} for now"),  # before the message that reveals it
        ("dave", "db password:"),
        ("dave", LABELLED),
        ("carol", f"dsn postgres://app:{PASSWORD}@db.internal/ledger"),
        ("erin", f"I pasted {LABELLED} by mistake?"),
        ("erin", "thanks"),
    )
    mask_transcript(tr)
    texts = [m.text for m in tr.messages]
    assert texts[0] == "log in as app:[secret] for now" and texts[2] == "[secret]"
    assert PASSWORD not in " ".join(texts) and LABELLED not in " ".join(texts) and texts[5] == "thanks"
