"""Parse settings: every threshold of the table parser, resolved in one place.

``resolve_settings`` is the only place defaults, environment overrides and explicit arguments meet,
so the CLI, the evaluator and library callers read tables the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class ParseSettings:
    # Fuzzy label matching: SequenceMatcher ratio a row/column label must reach when neither the
    # spec label contains the source text nor the other way round.
    label_ratio: float = 0.82
    # A truncated source label (PDF cell cut off, "本年新") must cover this share of the spec label.
    label_prefix_share: float = 0.5
    label_prefix_min_chars: int = 4
    # Digit runs (tables flattened into text): longest number one cell may hold, and how many
    # candidate splits are kept for a parse-uncertain finding.
    max_digits_per_cell: int = 7
    max_candidates: int = 12
    # An unlabelled row of numbers counts as a table row only with at least this many numbers
    # (page footers such as "- 2 -" are not rows).
    min_anonymous_values: int = 5
    # OCR-read cells (loaders/parse/ocrcheck.py): below ocr_doubt a reading is doubtful and must be
    # settled by the table's equations; below ocr_sure it is doubtful when an equation through it
    # fails (at or above, a failing equation is the source's own finding). Measured on generated
    # scans: see BENCHMARKS.md.
    ocr_doubt: float = 0.9
    ocr_sure: float = 0.98
    # strict: a parse-uncertain finding (P1) is an error instead of a warning.
    strict: bool = False


ENV_PREFIX = "GONGKAI_PARSE_"


def resolve_settings(settings: ParseSettings | None = None, **overrides: object) -> ParseSettings:
    """Defaults ← environment (GONGKAI_PARSE_<FIELD>) ← ``settings`` ← explicit ``overrides``."""
    base = settings or ParseSettings()
    if settings is None:
        env: dict[str, object] = {}
        for f in fields(ParseSettings):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            default = getattr(base, f.name)
            if isinstance(default, bool):
                env[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            else:
                env[f.name] = type(default)(raw)
        base = replace(base, **env)
    clean = {k: v for k, v in overrides.items() if v is not None}
    return replace(base, **clean) if clean else base
