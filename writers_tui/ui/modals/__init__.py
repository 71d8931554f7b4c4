"""Dialogs that stop the writer to ask one question: each returns the answer with
``dismiss`` and never touches the workspace itself (the App acts on the answer)."""
