"""Allow ``python -m writers_tui``."""

from writers_tui.cli import main

if __name__ == "__main__":
    main()
