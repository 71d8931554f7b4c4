"""The real app, as ``writers-tui PROJECT`` runs it, with optional benchmark instruments.

    python benchmarks/_app_bench.py PROJECT

This is ``writers_tui.cli.main`` with ``sys.argv = ["writers-tui", PROJECT]``: the same
click entry point, settings loading, ``make_app`` and ``App.run`` as the installed
command. Before it starts, :func:`benchmarks._instrument.install` switches on what the
``WRITERS_BENCH_*`` environment variables ask for (see ``_instrument.py``) by patching
Textual classes in this process only — the product code never reads those variables.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # last: a PYTHONPATH to a scratch copy of the product wins

from benchmarks._instrument import install  # noqa: E402


def main() -> None:
    install()
    from writers_tui.cli import main as cli_main

    sys.argv = ["writers-tui", *sys.argv[1:]]
    cli_main()


if __name__ == "__main__":
    main()
