"""Data, not code: LLM prompts, the question catalogue, document templates and the demo incident.

A package only so that ``importlib.resources`` can find these files after ``pip install``;
read them through ``facilitator.resources``.
"""
