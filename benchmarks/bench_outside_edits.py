"""Outside edits lost in the save window: how often a save overwrites someone else's edit
without keeping it anywhere.

Each round, the buffer holds the writer's text and a save starts; meanwhile a second
"editor" (a thread, so it can land anywhere inside the save) writes its own text to the
same file at a random moment within about one save's duration — by rename (as most
editors and sync tools do) or in place (``open(…, "w")``, as ``vim`` with backupcopy=yes
does). After the round, that outside text must be in the file or in a
``NAME.conflict-*.md`` copy; if it is in neither, it was lost. The same rounds run
against whichever ``writers_tui`` is on ``PYTHONPATH``, so the old code (``git archive
HEAD``) and the new can be compared on the same disk in the same conditions.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_outside_edits.py [-n 1000] [--dir PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from writers_tui.storage.buffers import BufferStore


def outside_edit(path: Path, text: str, in_place: bool) -> None:
    if in_place:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return
    staging = path.with_name(".their-editor.tmp")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)


def later(delay: float, path: Path, text: str, in_place: bool) -> None:
    time.sleep(delay)
    outside_edit(path, text, in_place)


def kept(folder: Path, path: Path, text: str) -> bool:
    copies = [p for p in folder.iterdir() if ".conflict-" in p.name]
    return any(p.read_text(encoding="utf-8") == text for p in [path, *copies])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="rounds per kind of outside edit")
    parser.add_argument("--dir", type=Path, default=None, help="folder on the disk to test")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        folder = root / "manuscript"
        folder.mkdir()
        path = folder / "chapter.md"
        body = "The letter came on the third day of rain. " * 400  # ~17 KB, a scene

        # How long a save takes here, with nobody else around.
        path.write_text(body, encoding="utf-8")
        store = BufferStore(root)
        buffer = store.open_sync(path)
        durations = []
        for tick in range(50):
            buffer.set_text(f"{body}{tick}\n")
            began = time.perf_counter()
            store.save_sync(buffer)
            durations.append(time.perf_counter() - began)
        save_time = statistics.median(durations)

        print(f"save of a {len(body)} byte scene: median {save_time * 1000:.2f} ms; ", end="")
        print(f"{args.n} rounds per kind, outside edit at a random moment in 0-1.5x that")
        for in_place in (False, True):
            lost = conflicts = 0
            for round_ in range(args.n):
                for stale in folder.iterdir():
                    stale.unlink()
                path.write_text(body, encoding="utf-8")
                store = BufferStore(root)
                buffer = store.open_sync(path)
                buffer.set_text(f"{body}mine {round_}\n")
                theirs = f"{body}theirs {round_}\n"
                delay = rng.uniform(0, 1.5 * save_time)
                editor = threading.Thread(target=later, args=(delay, path, theirs, in_place))
                editor.start()
                result = store.save_sync(buffer)
                editor.join()
                conflicts += type(result).__name__ == "Conflict"
                if not kept(folder, path, theirs):
                    lost += 1
            kind = "in place" if in_place else "by rename"
            print(
                f"outside edit {kind:9}: lost {lost}/{args.n} ({lost / args.n:.1%}), "
                f"conflict reported {conflicts}"
            )


if __name__ == "__main__":
    main()
