"""The Textual front door: a thin client of :class:`writers_tui.workspace.Workspace`.

Build the app with :func:`writers_tui.ui.app.make_app`. Nothing in this package imports
``writers_tui.storage``: every read and write goes through the Workspace.
"""
