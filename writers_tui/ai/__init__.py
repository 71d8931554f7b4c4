"""AI help: model naming, pricing and (later) providers. No Textual imports."""
