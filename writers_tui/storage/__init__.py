"""File-based storage that never loses work: plain Python, no Textual imports."""
