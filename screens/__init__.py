"""The Textual UI. Screens ask the core (``facilitator``) to do work and show the results."""
