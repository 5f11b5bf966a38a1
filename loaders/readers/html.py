"""HTML pages (government CMS, Word "save as web page"): the report body as blocks, lxml.

Steps:
1. Decode: the page's declared charset when it decodes strictly, else detect.decode_text.
2. Drop chrome: scripts, styles, forms, iframes, nav/header/footer/aside, and elements whose
   class/id says navigation, breadcrumb, sharing, footer …; Word-only markup (``<o:p>``, ``<v:…>``)
   keeps its text but not its tag.
3. Find the body: from <body>, descend while one child holds most of the node's Chinese text
   (the CMS wrappers), stop where the text spreads over several children (the report itself).
4. Walk the body: every block element (p, h1–h6, li, div …) with its inline text joined — spans
   and fonts concatenate without separators, so ``自然</span>人`` reads 自然人 — split on <br>.
   ``<table>`` → a grid with rowspan/colspan expanded; a table holding other tables is layout and
   is walked into. Div grids (role=table/row/cell, CSS display:table…) → tables as well.
Every block carries its element path (``body/div[2]/table[1]/tr[4]/td[2]``).
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from ..detect import decode_damaged, decode_text
from ..document import Document, Location, SourceInfo, Table
from ..errors import CorruptFile, UndecodableText
from .common import check_table_size, expand_grid, names_report, paragraph
from .text import damage_warning, guess_title

_DROP_TAGS = {"script", "style", "noscript", "iframe", "form", "input", "select", "button", "textarea", "nav",
              "header", "footer", "aside", "head", "link", "meta", "object", "embed", "svg", "canvas", "template",
              "map", "video", "audio"}
# Class/id words of site chrome. Matched as whole tokens (split on -, _ and camelCase) so
# "article-head" in a content wrapper is not mistaken for the site header.
_CHROME_WORDS = {"nav", "navbar", "menu", "breadcrumb", "crumb", "crumbs", "position", "location", "footer", "foot",
                 "header", "topbar", "sidebar", "share", "toolbar", "copyright", "friendlink", "links", "search",
                 "login", "banner", "bdshare", "print", "related", "xggj", "fontsize"}
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
               "article", "main", "blockquote", "pre", "center", "address", "figure", "figcaption", "caption",
               "tbody", "thead", "tfoot", "body", "html", "ucapcontent", "hr", "table", "tr", "td", "th", "fieldset"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u3000]+")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DESCEND_SHARE = 0.7


def read_html(data: bytes, source: SourceInfo) -> Document:
    try:
        text, encoding = _decode(data, source.name)
        damaged = 0
    except UndecodableText:
        text, encoding, damaged = decode_damaged(data, source.name)  # or UndecodableText again
    source.encoding = encoding
    doc = parse_html(text, source)
    if damaged:
        doc.warnings.append(damage_warning(damaged, encoding))
    return doc


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:3] == b"\xef\xbb\xbf":
        return decode_text(data, name)  # a byte-order mark outranks the <meta> declaration
    try:
        # Valid UTF-8 is UTF-8 whatever the <meta> says (pages re-saved as UTF-8 keep an old
        # gb2312 declaration; GBK text practically never validates as UTF-8).
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = _CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii").lower()
        if declared in {"gb2312", "gbk"}:
            declared = "gb18030"  # what "gb2312" pages really contain
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass  # the declaration lies (common after re-saving); detect instead
    return decode_text(data, name)


def parse_html(text: str, source: SourceInfo) -> Document:
    text = _XML_DECL.sub("", text)
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise CorruptFile(source.name, f"HTML 无法解析：{e}") from None
    doc = Document(source=source)
    title_el = root.find(".//title")
    page_title = _clean(title_el.text_content()) if title_el is not None else None
    h1s = [_clean(h.text_content()) for h in root.iter("h1")]
    _drop_chrome(root)
    body = root.find("body")
    if body is None:
        body = root
    main = _find_main(body)
    tree = root.getroottree()
    walker = _Walker(tree, doc)
    # The report's own title often sits just above the body (an h1 the descent stepped past).
    if not any(el.tag == "h1" for el in main.iter()) and h1s:
        heading = next((h for h in h1s if h), None)
        if heading:
            doc.blocks.append(paragraph(heading, Location(path="h1"), kind="heading", level=1))
    walker.walk(main)
    walker.flush()
    doc.title = (next((h for h in h1s if names_report(h)), None) or page_title
                 or guess_title(doc))
    if page_title:
        doc.meta["html_title"] = page_title
    return doc


def _tokens(el) -> set[str]:
    raw = f"{el.get('class', '')} {el.get('id', '')}"
    raw = re.sub(r"([a-z])([A-Z])", r"\1 \2", raw)
    return {t.lower() for t in re.split(r"[\s\-_]+", raw) if t}


def _drop_chrome(root) -> None:
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove_keep_tail(el)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in _DROP_TAGS or (tag not in {"body", "html", "table", "tr", "td", "th"} and _tokens(el) & _CHROME_WORDS):
            # Never drop an element that holds most of the page (a badly-named wrapper).
            if tag not in _DROP_TAGS and _cjk_len(el) > 2000:
                continue
            _remove_keep_tail(el)
        elif ":" in tag:  # Word namespaces: o:p, v:shape, w:sdt … keep the text, lose the tag
            el.drop_tag()


def _remove_keep_tail(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _cjk_len(el) -> int:
    return len(_CJK.findall(el.text_content()))


def _find_main(body):
    node = body
    while True:
        total = _cjk_len(node)
        if total == 0:
            return node
        children = [c for c in node if isinstance(c.tag, str)]
        best, best_len = None, 0
        for c in children:
            n = _cjk_len(c)
            if n > best_len:
                best, best_len = c, n
        own = len(_CJK.findall((node.text or "") + "".join(c.tail or "" for c in children)))
        if best is None or best_len < _DESCEND_SHARE * total or own > 0.3 * total:
            return node
        if best.tag == "table" and _is_data_table(best):
            return node
        node = best


def _clean(s: str) -> str:
    s = _CJK_GAP.sub("", s)
    return _WS.sub(" ", s).strip()


def _path(tree, el) -> str:
    p = tree.getpath(el)
    return p.removeprefix("/html/").lstrip("/")


def _is_data_table(el) -> bool:
    return el.find(".//table") is None


def _display(el) -> str:
    m = re.search(r"display\s*:\s*([a-z\-]+)", el.get("style", ""), re.I)
    return m.group(1).lower() if m else ""


def _is_div_table(el) -> bool:
    if el.tag in {"table", "tr", "td", "th"}:
        return False
    role = (el.get("role") or "").lower()
    if role in {"table", "grid"} or _display(el) == "table":
        return True
    toks = _tokens(el)
    if toks & {"table", "tbl"} and el.tag in {"div", "ul", "section"}:
        rows = [c for c in el if isinstance(c.tag, str)]
        return bool(rows) and all(_is_div_row(r) for r in rows)
    return False


def _is_div_row(el) -> bool:
    role = (el.get("role") or "").lower()
    return role == "row" or _display(el) == "table-row" or bool(_tokens(el) & {"row", "tr"})


class _Walker:
    def __init__(self, tree, doc: Document) -> None:
        self.tree = tree
        self.doc = doc
        self.buf: list[str] = []
        self.buf_el = None

    def flush(self) -> None:
        if self.buf and self.buf_el is not None:
            text = "".join(self.buf)
            for line in text.split("\n"):
                line = _clean(line)
                if line:
                    self.doc.blocks.append(paragraph(line, Location(path=_path(self.tree, self.buf_el))))
        self.buf = []
        self.buf_el = None

    def add_text(self, s: str | None, el) -> None:
        if s:
            if self.buf_el is None:
                self.buf_el = el
            self.buf.append(s)

    def walk(self, el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "table":
            self.flush()
            if _is_data_table(el):
                self.table(el)
            else:
                # A layout table: its cells are page regions; walk them in order.
                self._walk_layout(el)
            self.add_text_tail(el)
            return
        if _is_div_table(el):
            self.flush()
            self.div_table(el)
            self.add_text_tail(el)
            return
        if tag in _HEADINGS:
            self.flush()
            text = _clean(_inline_text(el))
            if text:
                self.doc.blocks.append(paragraph(text, Location(path=_path(self.tree, el)), kind="heading",
                                                 level=_HEADINGS[tag]))
            self.add_text_tail(el)
            return
        if tag == "br":
            self.add_text("\n", el)
            self.add_text(el.tail, el.getparent())
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
            self.buf_el = el  # the paragraph's path is its block element, not the first span
        self.add_text(el.text, el)
        for child in el:
            if isinstance(child.tag, str):
                self.walk(child)
            else:
                self.add_text(child.tail, el)
        if block:
            self.flush()
        self.add_text_tail(el)

    def add_text_tail(self, el) -> None:
        self.add_text(el.tail, el.getparent() if el.getparent() is not None else el)

    def _walk_layout(self, table_el) -> None:
        own = _own_rows(table_el)
        check_table_size(len(own), 0)
        for row in own:
            for c in row:
                self.walk(c)
                self.flush()

    def table(self, el) -> None:
        own = _own_rows(el)
        # refuse a huge table before its cells are read: each cell's path costs a walk over its siblings
        check_table_size(len(own), 0)
        rows = []
        for tr in own:
            row = []
            for td in tr:
                row.append((_cell_text(td), _span(td.get("rowspan")), _span(td.get("colspan")),
                            Location(path=_path(self.tree, td))))
            rows.append(row)
        self._emit_table(rows, el)
        caption = el.find("caption")
        if caption is not None and _clean(caption.text_content()):
            self.doc.blocks.insert(len(self.doc.blocks) - 1,
                                   paragraph(_clean(caption.text_content()), Location(path=_path(self.tree, caption))))

    def div_table(self, el) -> None:
        check_table_size(sum(isinstance(r.tag, str) for r in el), 0)
        rows = []
        for r in el:
            if not isinstance(r.tag, str):
                continue
            cells = [c for c in r if isinstance(c.tag, str)]
            if not cells:
                continue
            rows.append([(_cell_text(c), _span(c.get("rowspan") or c.get("data-rowspan")),
                          _span(c.get("colspan") or c.get("data-colspan")), Location(path=_path(self.tree, c)))
                         for c in cells])
        self._emit_table(rows, el)

    def _emit_table(self, rows, el) -> None:
        grid = expand_grid(rows)
        if grid:
            self.doc.blocks.append(Table(rows=grid, loc=Location(path=_path(self.tree, el))))


def _own_rows(table_el) -> list:
    """The table's rows (through thead/tbody/tfoot), not those of nested tables; cells only."""
    rows = []
    for child in table_el:
        if not isinstance(child.tag, str):
            continue
        if child.tag in {"thead", "tbody", "tfoot"}:
            rows.extend(r for r in child if isinstance(r.tag, str) and r.tag == "tr")
        elif child.tag == "tr":
            rows.append(child)
    return [[c for c in r if isinstance(c.tag, str) and c.tag in {"td", "th"}] for r in rows]


def _span(v: str | None) -> int:
    try:
        return max(1, int(str(v).strip()))
    except (TypeError, ValueError):
        return 1


def _inline_text(el) -> str:
    """Text of an element with <br> as newline; tags are joined with nothing between them."""
    parts: list[str] = []

    def rec(e):
        if isinstance(e.tag, str) and e.tag == "br":
            parts.append("\n")
        elif isinstance(e.tag, str):
            if e.text:
                parts.append(e.text)
            for c in e:
                rec(c)
                if c.tail:
                    parts.append(c.tail)
        # comments/PIs were removed earlier

    rec(el)
    return "".join(parts)


def _cell_text(td) -> str:
    """A cell's text: its paragraphs on separate lines, inline markup joined."""
    lines: list[str] = []
    buf: list[str] = []

    def flush():
        s = _clean("".join(buf))
        if s:
            lines.append(s)
        buf.clear()

    def rec(e):
        tag = e.tag.lower() if isinstance(e.tag, str) else ""
        if tag == "br":
            flush()
        else:
            block = tag in _BLOCK_TAGS and e is not td
            if block:
                flush()
            if e.text:
                buf.append(e.text)
            for c in e:
                rec(c)
            if block:
                flush()
        if e is not td and e.tail:
            buf.append(e.tail)

    rec(td)
    flush()
    return "\n".join(lines)
