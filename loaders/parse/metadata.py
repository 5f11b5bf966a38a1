"""Report metadata — year, agency, region, level, category, publish date — each with where it was found.

Sources, most trusted first: the manifest (清单), the report title (标题), the crawler / CMS header
(爬虫头: 标题/发布机构/发布时间 lines, the 名称/发布机构/公开日期 box), the body (本报告由…编制,
"…编制完成了本报告", section 六, the signature and date at the end), and inference from the
gazetteer (推断). Nothing is invented: a value not stated anywhere is None or marked 推断 with a
low confidence.

Agency rule: the title names the agency ("淮安市洪泽区人民政府2024年…"). A short title name
("党政办公室", "洪泽区人民政府") is extended to the longest form the text prints with place names
before it ("三门峡经济开发区党政办公室"). A title that names only a region ("平潭综合实验区2019年…")
belongs to that region's government report, compiled — as the preface says — by a named office
("区管委会办公室编制完成了本报告"); when the preface says only "我区", the region's general office
printed in the text is taken, failing that the region's government (推断).
"""

from __future__ import annotations

import re
from collections import Counter

from ..document import Document
from ..manifest import MANIFEST_SOURCE, manifest_values
from ..model import Meta
from ..normalize import norm
from ..spec.agencies import (
    AGENCY_ABBREVIATIONS,
    AGENCY_SUFFIXES,
    CATEGORIES,
    GENERAL_OFFICES,
    GOVERNMENT_BY_REGION_KIND,
    LEVEL_MARKERS,
    SELF_REFERENCES,
    TOWNSHIP_SUFFIXES,
)
from ..spec.sections import NOT_REPORT_TITLE_ENDINGS, REPORT_MARKERS
from .regions import Place, Token, gazetteer
from .sections import Sections

SRC_TITLE = "标题"
SRC_HEADER = "爬虫头"
SRC_PREFACE = "正文开头(编制说明)"
SRC_SIGNATURE = "落款"
SRC_BODY = "正文"
SRC_INFER = "推断"
SRC_FILE = "文件属性(修改日期)"  # PDF/DOCX metadata: the publish date's last resort (deadlines.DATE_SOURCES)
FILE_DATE = "file_date"  # Document.meta key the PDF and DOCX readers put the file's own date under
SRC_NAME = "机构名称"  # read from the agency's name (wherever the name itself was found)

META_KEYS = ("year", "agency", "region", "province", "city", "county", "level", "category", "publish_date")

_CJK = r"\u4e00-\u9fff"
_SELF_WORDS = "我本该其各全"
_QUOTE_LEADS = ("根据", "按照", "依据", "依照", "《")  # a sentence citing a document, not a name  # "我办", "本局": a report speaking of itself, not a name
# "key: value" lines of a crawler header and label/value pairs of a CMS metadata box.
_HEADER_KEYS = {
    "标题": "title", "名称": "title", "文章标题": "title",
    "发布机构": "publisher", "发文机关": "publisher", "发布单位": "publisher", "单位": "unit", "来源": "unit",
    "发布时间": "date", "发布日期": "date", "公开日期": "date", "成文日期": "date", "日期": "date",
}
_HEADER_LINE = re.compile(rf"^\s*({'|'.join(_HEADER_KEYS)})\s*[:：]\s*(.*?)\s*$", re.M)
# Words of site navigation that crawlers glue before a title (breadcrumbs, column names).
_PAGE_CHROME = re.compile(r"(?:当前位置|首页|您的位置|栏目|政务公开|信息公开年报|年报|正文)+")
_YEAR_TITLE = re.compile(r"((?:19|20)\d{2})年(?:度)?")
_REPORT_WORDS = re.compile(r"(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:年度)?(?:工作)?报告|年度报告|年报")
_PERIOD = re.compile(r"统计(?:期限|时限|周期|期间|时间)[^。]{0,12}?((?:19|20)\d{2})年\s*1\s*月\s*1\s*日")
_ISO_DATE = re.compile(r"((?:19|20)\d{2})[-/.年]\s*(\d{1,2})[-/.月]\s*(\d{1,2})日?")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_DATE = re.compile(r"([〇○零O一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_COMPILED_BY = (
    re.compile(rf"本报告由([{_CJK}（）()]{{2,40}}?)(?:根据|依据|按照|结合|汇总|负责|组织|编制|制作)"),
    re.compile(rf"([{_CJK}]{{2,40}}?)(?:负责)?编制(?:完成)?了?本(?:年度)?报告"),
)


# --- small helpers ------------------------------------------------------------------------


def _cn_number(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGITS[s[1]]
    if "十" in s:
        a, _, b = s.partition("十")
        return _CN_DIGITS[a] * 10 + (_CN_DIGITS[b] if b else 0)
    return _CN_DIGITS[s]


def _valid_date(y: int, m: int, d: int) -> str | None:
    if 1 <= m <= 12 and 1 <= d <= 31 and 1990 <= y <= 2100:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


def parse_date(text: str) -> str | None:
    """The first date in a text as ISO (2022-01-20), Arabic or Chinese numerals (二〇一二年二月二十日)."""
    m = _ISO_DATE.search(text)
    if m:
        return _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _CN_DATE.search(text)
    if m:
        y = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
        return _valid_date(y, _cn_number(m.group(2)), _cn_number(m.group(3)))
    return None


def header_fields(doc: Document, sections: Sections) -> dict[str, str]:
    """title / publisher / unit / date from reader metadata, crawler header lines and a CMS box."""
    out: dict[str, str] = {}
    for k, v in (doc.meta or {}).items():
        field = _HEADER_KEYS.get(str(k).strip()) or (str(k) if k in ("title", "publisher", "date") else None)
        if field and v and field not in out:
            out[field] = str(v).strip()
    head = sections.preface[:4000]
    for m in _HEADER_LINE.finditer(head):
        field = _HEADER_KEYS[m.group(1)]
        if m.group(2) and field not in out:
            out[field] = m.group(2)
    for t in doc.tables[:3]:  # a CMS metadata box: label cell followed by its value
        for row in t.rows:
            cells = [c.text.strip() for c in row if not c.is_merged_copy]
            for i, c in enumerate(cells[:-1]):
                field = _HEADER_KEYS.get(c.replace(" ", "").rstrip(":："))
                if field and cells[i + 1] and field not in out:
                    out[field] = cells[i + 1]
    if "publisher" not in out:  # a box flattened into text: "发布机构 沭阳县发展和改革局 公开日期 2024-01-17"
        m = re.search(rf"发布机构[:：\s]+([{_CJK}（）()]{{2,40}})", head)
        if m:
            out["publisher"] = m.group(1)
    if "date" not in out:
        m = re.search(r"(?:发布时间|发布日期|公开日期)[:：\s]+(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2})", head)
        if m:
            out["date"] = m.group(1)
    return out


def _title_text(doc: Document, sections: Sections, header: dict[str, str]) -> tuple[str | None, str]:
    """The report title (whitespace removed) and where it came from."""
    cands: list[tuple[str, str]] = []
    if header.get("title"):
        cands.append((header["title"], SRC_HEADER))
    if doc.title:
        cands.append((doc.title, SRC_TITLE))
    # The first sentence-like run of the preface that names a year and a report.
    # A letter / notice titled as such is not a report: its body quoting a notice about annual
    # reports must not become its title.
    for text, src in cands:
        if is_non_report_title(text):
            return norm(text), src
    pre = norm(sections.preface[:3000])
    for m in _REPORT_WORDS.finditer(pre):
        start = max(pre.rfind(c, 0, m.start()) for c in "。；:：>") + 1
        seg = pre[max(start, m.start() - 60) : m.end()]
        seg = seg[seg.rfind("》") + 1 :]  # a quoted document's title before the report is not ours
        if "《" in seg or seg.startswith(_QUOTE_LEADS):
            continue  # inside a quotation ("根据《…关于做好…年度报告有关事项的通知》")
        if _YEAR_TITLE.search(seg):
            cands.append((seg, SRC_TITLE))
            break
    for text, src in cands:
        t = norm(text)
        if _YEAR_TITLE.search(t) and _REPORT_WORDS.search(t):
            return t, src
    return (norm(cands[0][0]), cands[0][1]) if cands else (None, "")


def _strip_junk(name: str) -> str:
    """Drop leading page chrome before a name: "正文", "#", breadcrumbs ending in a space/marker."""
    name = re.sub(r"^.*?(?:正文|标题|当前位置[^》]*?年报|-->|>)", "", name) if re.search(r"正文|标题|-->|>", name) else name
    name = re.sub(rf"^[^{_CJK}]+", "", name)
    return name


def title_name(title: str) -> str | None:
    """The name a title gives before (or after) the year: 党政办公室 / 平潭综合实验区 / 上海市科委."""
    m = _YEAR_TITLE.search(title)
    if not m:
        return None
    before = _strip_junk(title[: m.start()])
    # "站点名-机关名2022年…" (a page title): the name is the last segment
    segments = [seg for seg in re.split(r"[-_|—–·:]+", before) if len(seg) >= 2]
    before = segments[-1] if segments else before
    before = re.sub(rf"[^{_CJK}]+$", "", before)
    # "A关于B2022年…": A publishes a report about B; A is the agency when it is one
    if "关于" in before:
        publisher, _, subject = before.partition("关于")
        before = publisher if is_agency_name(publisher) else subject
    before = re.sub(r"(?:关于|的)+$", "", before)
    if len(before) >= 2 and _PAGE_CHROME.search(before):
        # page chrome glued before the name ("当前位置首页…年报平潭综合实验区地方税务局"):
        # the name is the longest tail after the chrome that starts with a known place
        for i in range(_PAGE_CHROME.search(before).end(), len(before) - 1):
            tail = before[i:]
            if (is_agency_name(tail) or _is_region_only(tail)) and _head_tokens(tail):
                return tail
    if len(before) >= 2:
        return before
    after = title[m.end() :]
    r = _REPORT_WORDS.search(after)
    name = after[: r.start()] if r else after
    name = re.sub(r"(?:政府)?(?:信息公开|政务公开).*$", "", name)
    name = re.sub(r"(?:工作)?(?:年度)?(?:报告|年报)$", "", name)
    return name if len(name) >= 2 else None


def is_non_report_title(title: str | None) -> bool:
    """A title naming another kind of document (…的函, …的通知, …工作要点) and no report."""
    t = re.sub(r"[\W_]+$", "", norm(title or ""))
    return bool(t) and t.endswith(NOT_REPORT_TITLE_ENDINGS) and not any(norm(w) in t for w in REPORT_MARKERS[1])


def is_agency_name(name: str) -> bool:
    """Ends like an agency (局, 委员会, 人民政府 …), is more than a bare word, and isn't "我办"/"本局"
    or a piece of a sentence quoting a document ("根据《福建省人民政府办公厅")."""
    if len(name) < 3 or name[0] in _SELF_WORDS:
        return False
    if name.startswith(_QUOTE_LEADS) or "《" in name or "》" in name:
        return False
    return any(name.endswith(s) for s in AGENCY_SUFFIXES) and not _is_region_only(name)


def _is_region_only(name: str) -> bool:
    chain = gazetteer().parse_chain(name)
    return bool(chain) and sum(len(t.text) for t in chain) == len(name)


def expand_abbreviation(name: str) -> str:
    for short, full in AGENCY_ABBREVIATIONS:
        if name.endswith(short) and not name.endswith(full):
            return name[: -len(short)] + full
    return name


def _longest_prefixed(name: str, text: str) -> str:
    """The longest "<place chain><name>" the text prints (三门峡经济开发区 + 党政办公室).

    Only places *above* what the name already says are added, and a province only to a name with
    no place of its own below it: 洪泽区人民政府 → 淮安市洪泽区人民政府, but 淮安市人民政府 stays
    as it is even where the text prints 江苏省淮安市人民政府 (not part of the official name).
    """
    g = gazetteer()
    own = _head_tokens(name)
    if own and own[0].kind in ("province", "city"):
        return name
    best = name
    for m in re.finditer(re.escape(name), text):
        chain = g.parse_chain(text[max(0, m.start() - 24) : m.start()])
        if own:  # a county / zone name: only its city may be added
            chain = [t for t in chain if t.kind == "city"][-1:]
        elif any(t.kind != "province" for t in chain):
            chain = [t for t in chain if t.kind != "province"]
        if chain:
            full = "".join(t.text for t in chain) + name
            if len(full) > len(best):
                best = full
    return best


def _resolve_self(name: str, region: str) -> str:
    """我区管委会办公室 → <region>管委会办公室 (a report's "we" is its own region)."""
    for ref in SELF_REFERENCES:
        if name.startswith(ref) and region:
            return region + name[len(ref) :]
    return name


def _compiler(text: str) -> str | None:
    for pat in _COMPILED_BY:
        m = pat.search(text)
        if m:
            name = m.group(1)
            # cut at the last clause break: "…通知》要求，区管委会办公室" → "区管委会办公室"
            name = re.split(r"[，,。；、》）)]", name)[-1]
            name = re.sub(r"^(?:要求|规定|精神|的)+", "", name)
            if len(name) >= 2:
                return name
    return None


# --- region --------------------------------------------------------------------------------


def _region_parts(agency: str | None, text: str) -> dict[str, Meta]:
    """province / city / county / level from the place tokens at the head of the agency name."""
    g = gazetteer()
    out: dict[str, Meta] = {k: Meta(None) for k in ("province", "city", "county", "level", "region")}
    if not agency:
        return out
    tokens = _head_tokens(agency)
    if not tokens:  # no known place: read the name by its suffixes, nothing inferred
        parts = split_region(agency)
        src = SRC_NAME + "(按后缀)"
        for k in ("province", "city", "county"):
            if parts.get(k):
                out[k] = Meta(parts[k], 0.5, src)
        named_parts = [parts[k] for k in ("province", "city", "county") if parts.get(k)]
        if named_parts:
            out["region"] = Meta("".join(named_parts), 0.5, src)
        level = next((k for k in ("township", "county", "city", "province") if parts.get(k)), None)
        level = _level_by_markers(agency) if level is None or _level_by_markers(agency) == "devzone" else level
        out["level"] = Meta(level, 0.5 if level else 0.0, src if level else "")
        return out
    named = {t.kind: t for t in tokens}  # kind → token as printed in the name
    placed = [t for t in tokens if t.places]
    place = _pick_place(placed[-1], text) if placed else None
    province = city = county = None
    p_src = c_src = SRC_NAME
    if "province" in named:
        province = named["province"].text
    if "city" in named:
        city = named["city"].text
    if "county" in named:
        county = named["county"].text
    if "devzone" in named:
        base = place
        if base is not None and base.kind == "county":
            county = named["devzone"].text  # a zone named after a county stands in its place
        elif base is not None and base.kind == "city":
            city = city or base.name
            c_src = SRC_INFER
    if place is not None:
        if city is None and place.kind == "county" and "devzone" not in named:
            c = g.city_of(place)
            if c is not None:
                city, c_src = c.name, SRC_INFER
        if province is None:
            pv = g.province_of(place) if place.kind != "province" else place
            if pv is not None:
                province, p_src = pv.name, SRC_INFER
    if province is not None and "province" in named:
        p_src = SRC_NAME
    stated = _mentioned(text, province) if province and p_src == SRC_INFER else False
    out["province"] = Meta(province, 0.95 if p_src == SRC_NAME else (0.85 if stated else 0.7),
                           p_src if p_src != SRC_INFER else ("推断(行政区划表，正文提及)" if stated else "推断(行政区划表)"))
    if city:
        out["city"] = Meta(city, 0.95 if c_src == SRC_NAME else 0.7, c_src if c_src != SRC_INFER else "推断(行政区划表)")
    if county:
        out["county"] = Meta(county, 0.95, SRC_NAME)
    # A municipality (上海市) is a province: don't print it twice.
    parts = [p for p in (province, city if city != province else None, county) if p]
    region = "".join(parts) if parts else None
    conf = min(m.confidence for m in (out["province"], out["city"], out["county"]) if m.value) if parts else 0.0
    out["region"] = Meta(region, conf, "机构名称+行政区划表" if region else "")
    last = tokens[-1]
    level = last.kind if last.kind in ("province", "city", "county", "devzone", "township") else None
    if level == "city" and place is not None and place.kind == "province":
        level = "province"
    if level is None:
        level = _level_by_markers(agency)
    if place is not None and place.kind == "province" and last.kind != "devzone":
        level = "province"
    out["level"] = Meta(level, 0.9 if level else 0.0, "机构名称" if level else "")
    return out


def _mentioned(text: str, name: str) -> bool:
    return name in text


def _head_tokens(agency: str) -> list[Token]:
    """Place tokens at the start of an agency name, read forwards greedily."""
    g = gazetteer()
    tokens: list[Token] = []
    i = 0
    while i < len(agency):
        hit = None
        for j in range(min(len(agency), i + 16), i + 1, -1):
            t = g.read_token(agency[i:j])
            if t is not None:
                hit = t
                break
        if hit is None and tokens and tokens[-1].kind in ("county", "city", "devzone"):
            hit = _township_token(agency, i)
        if hit is None:
            break
        tokens.append(hit)
        i += len(hit.text)
    return tokens


_PART = rf"(?:(?![省市县区旗镇乡])[{_CJK}])"  # a name character that is not itself a level suffix
_SUFFIX_SPLIT = re.compile(
    rf"^(?P<province>{_PART}{{2,8}}?(?:省|自治区))?"
    rf"(?P<city>{_PART}{{2,6}}?(?:市|自治州|盟|地区))?"
    rf"(?P<county>{_PART}{{2,10}}?(?:县|区|旗))?"
    # a township only where the name goes on as its government (…镇人民政府), not 城乡建设厅
    rf"(?P<township>{_PART}{{2,5}}?(?:镇|乡|街道)(?=人民政府|政府|办事处|党|办公室|$))?"
)


def split_region(name: str) -> dict[str, str]:
    """province / city / county / township of a name by the gazetteer, else by official suffixes.

    The suffix split reads names the gazetteer doesn't hold (new districts, 示例省 test data):
    "示例省样例市样东区样宁镇" → 示例省 / 样例市 / 样东区 / 样宁镇. Parts are only what is printed.
    """
    tokens = _head_tokens(name)
    if tokens:
        out: dict[str, str] = {}
        for t in tokens:
            kind = "county" if t.kind == "devzone" and "county" not in out else t.kind
            out.setdefault(kind, t.text)
        return out
    m = _SUFFIX_SPLIT.match(name)
    if not m:
        return {}
    return {k: v for k, v in m.groupdict().items() if v}


def _township_token(agency: str, i: int) -> Token | None:
    """A township / street after a county: 西湖区 + 三墩镇, 福田区 + 华富街道 (not in the gazetteer)."""
    for suf in TOWNSHIP_SUFFIXES:
        for n in range(2, 6):
            end = i + n + len(suf)
            if agency[i + n : end] == suf and (end == len(agency) or any(agency[end:].startswith(a) for a in AGENCY_SUFFIXES)):
                return Token(agency[i:end], "township", ())
    return None


def _pick_place(token: Token, text: str) -> Place | None:
    """The gazetteer entry a token is; an ambiguous name (朝阳区) is settled by the parent the text names."""
    if len(token.places) == 1:
        return token.places[0]
    g = gazetteer()
    scored = []
    for p in token.places:
        parents = [x for x in (g.city_of(p), g.province_of(p)) if x is not None]
        scored.append((sum(text.count(x.name) for x in parents), p))
    scored.sort(key=lambda t: -t[0])
    if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


def _level_by_markers(agency: str) -> str | None:
    for level, markers in LEVEL_MARKERS:
        if any(m in agency for m in markers):
            return level
    return None


def category_of(agency: str | None) -> str | None:
    """spec.agencies category code from the part of the name after its place tokens."""
    if not agency:
        return None
    rest = agency[sum(len(t.text) for t in _head_tokens(agency)) :] or agency
    for c in CATEGORIES:
        if any(k in rest for k in c.keywords):
            return c.code
    return "other"


# --- the entry point -----------------------------------------------------------------------


def _year(title: str | None, text: str, header: dict[str, str]) -> Meta:
    if title:
        m = _YEAR_TITLE.search(title)
        if m:
            return Meta(int(m.group(1)), 0.95, SRC_TITLE)
    m = _PERIOD.search(norm(text[:20000]))
    if m:
        return Meta(int(m.group(1)), 0.9, SRC_BODY + "(统计期限)")
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})年", text[:20000]))
    if years:
        y, _ = years.most_common(1)[0]
        return Meta(y, 0.5, SRC_INFER + "(正文最常见年份)")
    d = parse_date(header.get("date", ""))
    if d:
        return Meta(int(d[:4]) - 1, 0.4, SRC_INFER + "(发布年份减一)")
    return Meta(None)


def _publish_date(text: str, header: dict[str, str], sections: Sections, file_date: str | None = None,
                  year: object = None) -> Meta:
    d = parse_date(header.get("date", ""))
    if d:
        return Meta(d, 0.9, SRC_HEADER)
    # The date line of a signature: a line that is only a date, near the start or the end.
    tail = text[-400:]
    lines = [ln.strip(" ()（）\t") for ln in text.splitlines() if ln.strip()]
    for ln in lines[-6:] + lines[:8]:
        if len(ln) <= 16:
            d = parse_date(ln)
            if d:
                return Meta(d, 0.8, SRC_SIGNATURE)
    for m in list(_CN_DATE.finditer(tail)) + list(_CN_DATE.finditer(text[-3000:])):
        d = parse_date(m.group(0))
        if d:
            return Meta(d, 0.6, SRC_SIGNATURE)
    # Last resort, and said so: the file's own modification (or creation) date — only when it falls
    # after the period the report covers (a template's old date says nothing about publication).
    d = parse_date(file_date or "")
    if d and isinstance(year, int) and int(d[:4]) > year:
        return Meta(d, 0.2, SRC_FILE)
    return Meta(None)


def _agency(title: str | None, title_src: str, text: str, header: dict[str, str], sections: Sections) -> Meta:
    ntext = norm(text)
    name = title_name(title) if title else None
    publisher = norm(header.get("publisher", "")) or None
    if name and is_agency_name(name):
        full = expand_abbreviation(_longest_prefixed(name, ntext))
        conf = 0.9 if full == name else 0.85
        src = title_src if full == name else f"{title_src}+正文全称"
        return Meta(full, conf, src)
    region = name if name and _is_region_only(name) else None
    pre = norm(sections.preface[-2000:] if sections.by_code else text[:3000])
    compiler = _compiler(pre)
    if compiler:
        resolved = _resolve_self(compiler, region or "")
        if resolved != region and is_agency_name(resolved):
            full = _longest_prefixed(resolved, ntext) if not region else resolved
            return Meta(expand_abbreviation(full), 0.8, SRC_PREFACE)
    if publisher and is_agency_name(publisher):
        return Meta(expand_abbreviation(_longest_prefixed(publisher, ntext)), 0.8, SRC_HEADER + "(发布机构)")
    if region:
        for office in GENERAL_OFFICES:
            if region + office in ntext:
                return Meta(region + office, 0.6, SRC_BODY + "(本级办公室)")
        last = gazetteer().parse_chain(region)[-1]
        return Meta(region + GOVERNMENT_BY_REGION_KIND[last.kind], 0.4, SRC_INFER + "(本级政府)")
    if name and is_agency_name(name):
        return Meta(expand_abbreviation(name), 0.5, title_src)
    sig = _signature_name(text)
    if sig:
        return Meta(sig, 0.6, SRC_SIGNATURE)
    return Meta(None)


def _signature_name(text: str) -> str | None:
    """An agency name alone on one of the last lines, before the date line."""
    lines = [norm(ln) for ln in text.splitlines() if ln.strip()][-4:]
    for ln in reversed(lines):
        if 4 <= len(ln) <= 30 and is_agency_name(ln) and not parse_date(ln):
            return ln
    return None


def extract_metadata(doc: Document, sections: Sections, manifest_row: dict | None = None) -> dict[str, Meta]:
    """year, agency, region, province, city, county, level, category, publish_date → Meta."""
    text = sections.text
    header = header_fields(doc, sections)
    title, title_src = _title_text(doc, sections, header)
    out: dict[str, Meta] = {k: Meta(None) for k in META_KEYS}
    out["year"] = _year(title, text, header)
    out["agency"] = _agency(title, title_src, text, header, sections)
    parts = _region_parts(out["agency"].value, norm(text))
    out.update(parts)
    cat = category_of(out["agency"].value)
    out["category"] = Meta(cat, 0.8 if cat and cat != "other" else 0.3, "机构名称") if cat else Meta(None)
    out["publish_date"] = _publish_date(text, header, sections, (doc.meta or {}).get(FILE_DATE), out["year"].value)
    given = manifest_values(manifest_row)
    for key, value in given.items():
        out[key] = Meta(value, 1.0, MANIFEST_SOURCE)
    if "region" in given:  # the manifest's region also sets the parts it doesn't give itself
        parts = split_region(str(given["region"]))
        for key in ("province", "city", "county"):
            if key not in given:
                out[key] = Meta(parts.get(key), 1.0 if parts.get(key) else 0.0, MANIFEST_SOURCE + "地区拆分")
    return out


def report_title(doc: Document, sections: Sections) -> str | None:
    """The title as found (normalised form), for ParsedReport.title."""
    return _title_text(doc, sections, header_fields(doc, sections))[0]


__all__ = ["META_KEYS", "extract_metadata", "header_fields", "parse_date", "report_title", "title_name"]
