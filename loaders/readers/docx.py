"""DOCX (python-docx) and legacy .doc/.wps (LibreOffice headless → DOCX).

Body elements in document order: paragraphs (runs joined, so a label split across runs reads as
one word; Heading styles / outline levels → headings) and tables as grids — ``w:gridSpan``
(colspan) and ``w:vMerge`` (rowspan) expanded into every position with copies flagged.
Headers and footers are not part of the body, so page furniture never enters the document.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.oxml.ns import qn

from ..archive import check_package
from ..document import Cell, Document, Location, SourceInfo, Table
from ..errors import ConverterMissing, CorruptFile, EncryptedFile
from .common import cell as make_cell
from .common import check_table_size, paragraph, respan
from .text import guess_title

_HEADING_STYLE = re.compile(r"^(heading|标题)\s*(\d)$", re.I)
CONVERT_TIMEOUT_S = 120


def read_docx(data: bytes, source: SourceInfo) -> Document:
    check_package(data, source.name)  # before python-docx inflates every part in memory
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises bare KeyError/ValueError on damaged packages
        raise CorruptFile(source.name, f"DOCX 无法打开：{type(e).__name__}: {e}") from None
    doc = Document(source=source)
    styles = {s.style_id: s.name for s in d.styles if s.type == 1}  # paragraph styles
    counters = {"p": 0, "tbl": 0}
    _walk(d.element.body, doc, styles, counters, "body")
    core_title = (d.core_properties.title or "").strip()
    stamp = d.core_properties.modified or d.core_properties.created
    if stamp is not None:
        doc.meta["file_date"] = stamp.date().isoformat()  # the publish date's last resort (parse.metadata)
    heads = [p for p in doc.paragraphs if p.kind == "heading" and p.level == 1]
    doc.title = (heads[0].text if heads else None) or guess_title(doc) or core_title or None
    return doc


def _walk(parent, doc: Document, styles: dict, counters: dict, path: str) -> None:
    for child in parent.iterchildren():
        tag = child.tag
        if tag == qn("w:p"):
            counters["p"] += 1
            _paragraph(child, doc, styles, f"{path}/p[{counters['p']}]")
        elif tag == qn("w:tbl"):
            counters["tbl"] += 1
            _table(child, doc, f"{path}/tbl[{counters['tbl']}]")
        elif tag in (qn("w:sdt"), qn("w:customXml")):
            content = child.find(qn("w:sdtContent"))
            _walk(content if content is not None else child, doc, styles, counters, path)


def _text(el) -> str:
    """Visible text of a paragraph: runs joined; tabs as tabs, breaks as newlines."""
    out: list[str] = []
    for node in el.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:delText")):
        if node.tag == qn("w:t"):
            out.append(node.text or "")
        elif node.tag == qn("w:tab"):
            out.append("\t")
        elif node.tag in (qn("w:br"), qn("w:cr")):
            out.append("\n")
        # w:delText is tracked-deleted text: not shown, not read
    return "".join(out)


def _paragraph(p, doc: Document, styles: dict, path: str) -> None:
    text = _text(p).strip()
    if not text:
        return
    kind, level = "paragraph", None
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        style = ppr.find(qn("w:pStyle"))
        name = styles.get(style.get(qn("w:val")), "") if style is not None else ""
        m = _HEADING_STYLE.match(name or "")
        if m:
            kind, level = "heading", int(m.group(2))
        elif (name or "").lower() == "title":
            kind, level = "heading", 1
        outline = ppr.find(qn("w:outlineLvl"))
        if outline is not None and kind == "paragraph":
            try:
                lvl = int(outline.get(qn("w:val"))) + 1
            except (TypeError, ValueError):
                lvl = 0
            if 1 <= lvl <= 6:
                kind, level = "heading", lvl
    for line in text.split("\n"):
        line = line.strip()
        if line:
            doc.blocks.append(paragraph(line, Location(path=path), kind=kind, level=level))


def _cell_text(tc) -> str:
    lines = []
    for p in tc.iter(qn("w:p")):
        t = _text(p).strip()
        if t:
            lines.append(t)
    return "\n".join(lines)


def _int_attr(el, name: str, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(qn(name)))
    except (TypeError, ValueError):
        return default


def _table(tbl, doc: Document, path: str) -> None:
    """Expand gridSpan / vMerge into a rectangular grid with merged copies flagged."""
    grid: list[list[Cell]] = []
    origins: dict[int, tuple[int, int]] = {}  # column → origin of the vertical merge running there
    trs = tbl.findall(qn("w:tr"))
    check_table_size(len(trs), 0)
    for r, tr in enumerate(trs):
        row: list[Cell] = []
        trpr = tr.find(qn("w:trPr"))
        before = max(0, _int_attr(trpr.find(qn("w:gridBefore")) if trpr is not None else None, "w:val", 0))
        check_table_size(len(trs), before)
        row.extend(make_cell("") for _ in range(before))
        for k, tc in enumerate(tr.findall(qn("w:tc"))):
            tcpr = tc.find(qn("w:tcPr"))
            span = max(1, _int_attr(tcpr.find(qn("w:gridSpan")) if tcpr is not None else None, "w:val", 1))
            check_table_size(len(trs), len(row) + span)  # gridSpan 10^8 would be 10^8 cells
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            c0 = len(row)
            loc = Location(path=f"{path}/tr[{r + 1}]/tc[{k + 1}]")
            if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue") and c0 in origins:
                o = origins[c0]
                for _ in range(span):
                    row.append(Cell(text="", loc=loc, merged_from=o))
                continue
            origin = make_cell(_cell_text(tc), loc)
            row.append(origin)
            for _ in range(span - 1):
                row.append(Cell(text="", loc=loc, merged_from=(r, c0)))
            if vmerge is not None and vmerge.get(qn("w:val")) == "restart":
                origins[c0] = (r, c0)
            else:
                origins.pop(c0, None)
        grid.append(row)
    if not grid:
        return
    width = max(len(r) for r in grid)
    check_table_size(len(grid), width)
    rows = [r + [make_cell("") for _ in range(width - len(r))] for r in grid]  # short rows padded
    respan(rows)  # copies take the origin's text; spans are where the copies reach
    doc.blocks.append(Table(rows=rows, loc=Location(path=path)))


def read_legacy_word(data: bytes, source: SourceInfo) -> Document:
    """.doc / .wps: converted to DOCX by LibreOffice headless, then read as DOCX."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ConverterMissing(source.name, "未安装 LibreOffice（soffice），无法转换 .doc/.wps")
    with tempfile.TemporaryDirectory(prefix="gongkai-convert-") as tmp:
        src = Path(tmp) / f"input.{source.file_type}"
        src.write_bytes(data)
        try:
            proc = subprocess.run(
                [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                 "--convert-to", "docx", "--outdir", tmp, str(src)],
                capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise CorruptFile(source.name, f"LibreOffice 转换超时（{CONVERT_TIMEOUT_S} 秒）") from None
        out = Path(tmp) / "input.docx"
        if not out.exists():
            err = (proc.stderr or b"").decode("utf-8", "replace")
            if "password" in err.lower():
                raise EncryptedFile(source.name, "旧版 Word 文件需要密码")
            # LibreOffice's own words, without its start-up chatter ("Warning: failed to launch javaldx …")
            lines = [ln.strip() for ln in err.splitlines() if ln.strip()]
            detail = "；".join([ln for ln in lines if ln.lower().startswith("error")] or lines[-1:])[-300:]
            raise CorruptFile(source.name, f"LibreOffice 无法转换：{detail or proc.returncode}")
        converted = out.read_bytes()
    doc = read_docx(converted, source)
    doc.warnings.append("旧版 Word/WPS 文件，经 LibreOffice 转换为 DOCX 后读取")
    return doc
