"""Dev tool, run by hand: copy the demo's chapters of *Pride and Prejudice* into the package.

The demo project (``writers-tui demo``) ships a few real chapters as package data under
``writers_tui/data/demo/manuscript/``. This script made them once from the shared corpus
(Project Gutenberg's plain text, public domain); the app itself never reads the corpus.
Re-run it only to change which chapters the demo carries::

    .venv/bin/python scripts/extract_demo_chapters.py ../shared/corpus/pride_and_prejudice.txt

Gutenberg's hard-wrapped lines are joined into one line per paragraph (how a writer's
editor stores prose), ``_emphasis_`` is kept (it is already Markdown), and the Gutenberg
header and licence are left out, as its licence asks of stripped copies.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

CHAPTERS = 8
TARGET = Path(__file__).resolve().parent.parent / "writers_tui" / "data" / "demo" / "manuscript"
_HEADING = re.compile(r"^Chapter (\d+)\s*$", re.M)


def chapters(text: str, count: int) -> list[tuple[int, str]]:
    """The first ``count`` chapters as (number, body) with the body's paragraphs unwrapped."""
    marks = list(_HEADING.finditer(text))
    found: list[tuple[int, str]] = []
    for index, mark in enumerate(marks[:count]):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        body = text[mark.end() : end]
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]
        found.append((int(mark.group(1)), "\n\n".join(paragraphs)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="pride_and_prejudice.txt (Gutenberg #1342)")
    args = parser.parse_args()
    text = args.corpus.read_text(encoding="utf-8").replace("\r\n", "\n")
    TARGET.mkdir(parents=True, exist_ok=True)
    for number, body in chapters(text, CHAPTERS):
        target = TARGET / f"{number} Chapter {number}.md"
        target.write_text(f"# Chapter {number}\n\n{body}\n", encoding="utf-8")
        print(f"{target.relative_to(TARGET.parent.parent.parent.parent)}: {len(body):,} chars")


if __name__ == "__main__":
    main()
