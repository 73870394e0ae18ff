"""Mapping our sections to the headings of a company template page."""

from facilitator.publish.template_map import apply_template_headings, split_sections

DOC = "# T\n\nintro\n\n## Summary\n\nsum\n\n## Timeline\n\ntl\n\n## Action items\n\nact\n\n## Where we got lucky\n\nluck\n"


def test_order_and_names_follow_the_template_and_nothing_is_lost():
    out = apply_template_headings(DOC, ["T", "Follow-up actions", "Executive summary", "Customer comms plan", "Timeline"])
    preamble, sections = split_sections(out)
    assert preamble.strip() == "# T\n\nintro"
    assert [h for h, _ in sections] == ["Follow-up actions", "Executive summary", "Customer comms plan", "Timeline", "Where we got lucky"]
    bodies = dict(sections)
    assert bodies["Follow-up actions"] == "act" and bodies["Executive summary"] == "sum"
    assert bodies["Customer comms plan"].startswith("[TODO]")


def test_no_template_means_no_change():
    assert apply_template_headings(DOC, []) == DOC
