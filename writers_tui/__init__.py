"""writers-tui: a keyboard-first terminal writing studio for novelists."""

__version__ = "0.1.0"
