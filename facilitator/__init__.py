"""facilitator: turn the record of a handled incident into a blameless post-mortem.

This package is the core: transcripts, extraction, the interview, the LLM layer,
rendering, redaction, publishing, sessions and config. It never imports Textual or Rich;
the UI lives in the top-level ``screens`` package and is found through the
``facilitator.ui`` entry point.
"""

__version__ = "0.1.0"
