"""The interview engine: questions, suggested answers, 5 whys, action items and lints.

No UI lives here. The Textual app (``screens/``), the plain line mode (``facilitator.plain``)
and the non-interactive ``draft`` command all drive the same objects:

* ``catalogue``  the question catalogue (``prompts/questions.toml``) as ``Question`` models
* ``suggest``    pre-filled answers built from the extracted findings, with citations
* ``engine``     ``Interview``: navigation, validation, immediate saving, order check, metrics
* ``whys``       ``WhyChain``: the 5-whys chain with branches, edits and a stop
* ``actions``    ``ActionBook``: action items, suggestions, rejected ideas
* ``lint``       blameless-language and action-quality lints
"""
