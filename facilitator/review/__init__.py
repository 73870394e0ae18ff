"""Reviewing post-mortems a team already has: one document, a folder, or a Confluence tree.

``document`` reads Markdown into the parts of the document model, ``facts`` reads the times,
timeline, actions and people it states, ``checks`` holds it to the rules the interview applies
to its own documents, ``sources`` fetches (files, stdin, Confluence), ``history`` reviews many
and remembers them for "has this happened before?", ``to_session`` continues one in the
interview, and ``command`` is ``facilitator review``.
"""
