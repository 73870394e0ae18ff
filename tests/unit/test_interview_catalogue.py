"""The question catalogue is data: every entry valid, ids stable, bad catalogues refused clearly."""

from __future__ import annotations

import pytest

from facilitator.errors import ConfigError
from facilitator.interview.catalogue import CORE_IDS, QUESTION_TYPES, load_catalogue, parse_catalogue


def test_bundled_catalogue_is_complete_and_well_formed():
    questions = load_catalogue()
    assert set(CORE_IDS) <= {q.id for q in questions}
    for q in questions:
        assert q.text.endswith("?") and q.help and q.section, q.id
        assert q.type in QUESTION_TYPES
    assert load_catalogue() is not load_catalogue()  # callers may mutate their copy


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[question]\nid = 1", "not valid TOML"),
        ('[[question]]\nid = "a"\ntext = "A?"\ntype = "essay"\n', "invalid question"),
        ('[[question]]\nid = "a"\ntext = "A?"\ntype = "choice"\n', "invalid question"),
        ('[[question]]\nid = "a"\ntext = "A?"\n[[question]]\nid = "a"\ntext = "B?"\n', "repeats the id 'a'"),
    ],
)
def test_bad_catalogues_are_one_sentence_config_errors(text, message):
    with pytest.raises(ConfigError, match=message):
        parse_catalogue(text, "custom.toml")
