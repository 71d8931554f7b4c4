"""Prose bytes ↔ text, and their hashes: how every prose file is read and written.

Files are UTF-8; bytes that are not UTF-8 are kept as surrogate escapes so a save writes
them back unchanged (never guess an encoding and write it back differently). Encoding a
whole manuscript is chunked so hashing can release the GIL between chunks.
"""

from __future__ import annotations

import hashlib
import re

#: Characters encoded per step. ``str.encode`` holds the GIL (1 MB of prose with curly
#: quotes takes ~1.3 ms); hashing each chunk right after releases it, so the event loop can
#: run between chunks instead of stalling for the whole manuscript.
ENCODE_CHUNK = 1 << 17


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: Surrogates other than surrogateescape's U+DC80–U+DCFF (which stand for raw bytes).
_UNWRITABLE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def _encode(text: str) -> bytes:
    """UTF-8, giving back any undecodable bytes the file was read with (surrogateescape).

    A lone surrogate of any other kind (pasted from a broken source) cannot be written
    as UTF-8 at all; it becomes U+FFFD rather than making the file unsaveable.
    """
    try:
        return text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:
        return _UNWRITABLE_SURROGATE.sub("\ufffd", text).encode("utf-8", errors="surrogateescape")


def decode(data: bytes) -> str:
    """Text of a prose file; bytes that are not UTF-8 survive a later save unchanged."""
    return data.decode("utf-8", errors="surrogateescape")


def encode_and_hash(text: str) -> tuple[bytes, str]:
    """UTF-8 bytes of ``text`` and their sha256, yielding the GIL every chunk."""
    digest = hashlib.sha256()
    chunks = []
    for start in range(0, len(text), ENCODE_CHUNK):
        chunk = _encode(text[start : start + ENCODE_CHUNK])
        digest.update(chunk)  # hashlib releases the GIL for buffers over 2 KiB
        chunks.append(chunk)
    return b"".join(chunks), digest.hexdigest()
