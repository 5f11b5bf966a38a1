"""The extracted document: what every reader produces, whatever the file type.

A ``Document`` is an ordered list of blocks — paragraphs (headings included) and tables as grids
of cell text — each with where it came from. Readers build it; the parser reads it; nothing in it
is interpreted yet. Original text is kept; ``norm`` holds the matching form (see normalize.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal


@dataclass(frozen=True)
class OcrReading:
    """How sure the OCR was of a cell's text: the weakest character's probability, and for each
    doubtful character (printed, runner-up, probability) — the OCR's alternatives."""

    confidence: float
    alternatives: tuple[tuple[str, str, float], ...] = ()
    inked: bool = True  # the crop held ink (False: a blank cell, certain)

    def to_dict(self) -> dict:
        return {"confidence": self.confidence, "alternatives": [list(a) for a in self.alternatives]}


@dataclass(frozen=True)
class Location:
    """Where a block or cell came from. Fields not meaningful for a format stay None."""

    page: int | None = None  # PDF page, 1-based
    bbox: tuple[float, float, float, float] | None = None  # PDF points (x0, top, x1, bottom)
    path: str | None = None  # HTML/DOCX element path, e.g. "body/div[3]/table[1]/tr[4]/td[2]"
    line: int | None = None  # text: 1-based line number
    member: str | None = None  # zip member name, when read from an archive
    ocr: OcrReading | None = None  # set when the text was read by OCR from a page image (bbox: its box)

    def describe(self) -> str:
        if self.member is None and self.page is None and self.path is None:  # text: a line or nothing
            return "" if self.line is None else f"第{self.line}行"
        parts = []
        if self.member:
            parts.append(self.member)
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        if self.path:
            parts.append(self.path)
        return " ".join(parts)

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if v is not None and k != "ocr"}
        if self.ocr is not None:
            d["ocr"] = self.ocr.to_dict()
        return d


@dataclass
class Cell:
    text: str
    norm: str = ""
    loc: Location | None = None
    # A merged cell is expanded into every grid position it covers; copies point at the origin.
    merged_from: tuple[int, int] | None = None  # (row, col) of the origin cell, None if it is the origin
    rowspan: int = 1
    colspan: int = 1

    @property
    def is_merged_copy(self) -> bool:
        return self.merged_from is not None


@dataclass
class Paragraph:
    text: str
    norm: str = ""
    loc: Location | None = None
    kind: Literal["heading", "paragraph"] = "paragraph"
    level: int | None = None  # heading level where the source says (h1…h6, Word styles)


@dataclass
class Table:
    rows: list[list[Cell]]
    loc: Location | None = None
    # Set when a reader joined a table that continued across pages (PDF) — the pages it spans.
    pages: tuple[int, ...] = ()

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def texts(self) -> list[list[str]]:
        return [[c.text for c in r] for r in self.rows]


Block = Paragraph | Table

DocStatus = Literal["ok", "scanned"]


@dataclass
class SourceInfo:
    """The file a document was read from."""

    name: str  # file name as given (path for CLI, member path inside a zip)
    sha256: str
    size: int
    file_type: str  # html | pdf | docx | doc | txt | md
    encoding: str | None = None  # detected text encoding, for text-like formats
    member_of: str | None = None  # the archive a member came from
    pages: int | None = None  # PDF page count


@dataclass
class Document:
    source: SourceInfo
    blocks: list[Block] = field(default_factory=list)
    status: DocStatus = "ok"
    title: str | None = None  # <title>, PDF metadata title, first heading …
    meta: dict[str, str] = field(default_factory=dict)  # reader-found metadata (publish date, crawler header …)
    warnings: list[str] = field(default_factory=list)  # reader notes (Chinese), e.g. "表格跨页已合并"

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """All text in reading order, tables as tab-separated lines — for searching prose."""
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                out.extend("\t".join(c.text for c in row if not c.is_merged_copy) for row in b.rows)
        return "\n".join(out)
