"""The roster file (应报名单): the headings an office's spreadsheet may use, as data.

Offices keep the list in Excel/WPS with Chinese headings; the English column names of the older
CSV input are accepted too. Every heading is matched after stripping spaces and full-width
brackets; the first column whose heading is in a field's list is that field.
"""

from __future__ import annotations

ROSTER_HEADINGS: dict[str, tuple[str, ...]] = {
    "agency": ("agency", "单位名称", "机关名称", "单位", "机关", "名称", "报送单位"),
    "year": ("year", "年度", "报告年度", "年份"),
    "region": ("region", "地区", "所属地区", "行政区划"),
    "province": ("province", "省", "省份", "省级"),
    "city": ("city", "市", "地市", "市级"),
    "county": ("county", "县区", "区县", "县"),
    "level": ("level", "层级", "行政层级", "级别"),
    "category": ("category", "类别", "单位类别", "机构类别"),
    "deadline_class": ("deadline_class", "期限类别", "报送期限类别", "截止类别", "报送期限"),
}
REQUIRED_FIELDS: tuple[str, ...] = ("agency", "year")


def normalise_heading(text: str | None) -> str:
    return (text or "").strip().lower().replace(" ", "").replace("（", "(").replace("）", ")").replace("\u3000", "")


def field_of_heading(text: str | None) -> str | None:
    h = normalise_heading(text)
    for field, names in ROSTER_HEADINGS.items():
        if h in names:
            return field
    return None
