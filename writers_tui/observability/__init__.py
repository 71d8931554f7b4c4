"""Structured logs (and, in a later issue, metrics) for the app. No Textual imports."""
