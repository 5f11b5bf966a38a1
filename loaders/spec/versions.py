"""Format versions and how to tell them apart (format.md §0 and §4)."""

from __future__ import annotations

from dataclasses import dataclass

LEGACY = "legacy"
F2019 = "2019"
F2021 = "2021"
FORMATS = (F2019, F2021)  # the versions with standard tables
ALL_VERSIONS = (LEGACY, F2019, F2021)


@dataclass(frozen=True)
class VersionSpec:
    code: str
    name: str
    document: str
    first_year: int | None
    last_year: int | None


VERSIONS = {
    LEGACY: VersionSpec(LEGACY, "2019年以前（无统一表格）", "《政府信息公开条例》（2008）", None, 2018),
    F2019: VersionSpec(
        F2019,
        "2019年试行格式",
        "《中华人民共和国政府信息公开工作年度报告格式（试行）》国办公开办函〔2019〕60号",
        2019,
        2020,
    ),
    F2021: VersionSpec(
        F2021,
        "2021年格式",
        "《中华人民共和国政府信息公开工作年度报告格式》国办公开办函〔2021〕30号",
        2021,
        None,
    ),
}


@dataclass(frozen=True)
class DetectionRule:
    """§4: checked in order; the first rule whose marker occurs in the given table text decides."""

    order: int
    table: str  # where to look: t2 | t3
    markers: tuple[str, ...]
    version: str
    # When set, the marker must be directly followed by this text (t3 （六） followed by （七）).
    followed_by: str | None = None


DETECTION_RULES: tuple[DetectionRule, ...] = (
    DetectionRule(1, "t2", ("本年制发件数", "本年处理决定数量", "本年收费金额"), F2021),
    DetectionRule(2, "t2", ("本年新制作数量", "上一年项目数量", "第二十条第（九）项", "政府集中采购"), F2019),
    DetectionRule(3, "t3", ("逾期不补正", "未按收费通知要求缴纳费用"), F2021),
    DetectionRule(3, "t3", ("（六）其他处理",), F2019, followed_by="（七）总计"),
)


def version_for_year(year: int | None) -> str | None:
    """§4 rule 4, the fallback: by report year alone."""
    if year is None:
        return None
    if year <= 2018:
        return LEGACY
    if year <= 2020:
        return F2019
    return F2021
