"""One screen per place of the app (see :mod:`writers_tui.ui.stages`)."""
