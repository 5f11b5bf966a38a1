"""File names as text that can be stored, printed and put in JSON whatever their bytes.

On Linux a file name is bytes; Python hands a name that is not UTF-8 over with each bad byte as a
lone surrogate (PEP 383), which DuckDB, JSON output and terminals refuse. ``safe_name`` writes each
such byte as ``\\xNN`` — lossless (``os.fsencode(unsafe)`` is recoverable from it) and readable.
"""

from __future__ import annotations


def safe_name(name: str) -> str:
    """``name`` with every undecodable byte (a lone surrogate) written as ``\\xNN``; valid text unchanged."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate not from a byte (U+D800…U+DC7F): its code point, escaped
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
