"""A fictional province, 示例省: cities, counties/districts, townships, development zones and the
agencies each level has.

Every place name is built from the characters 示/样/范/演/模/虚 ("example", "sample", "model" …) so
that demo data can never be mistaken for a real place. Levels and categories are the codes of
``loaders.spec.agencies``; ``size`` is the agency's expected number of new disclosure
applications per year (see ``values.py`` for how it was calibrated).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..spec.agencies import CATEGORY_BY_CODE, LEVEL_NAMES

PROVINCE = "示例省"
DEMO_MARK = "（示例数据）"

# City roots: one fictional character each; cities beyond the six get a numbered root.
_CITY_ROOTS = ("示例", "样例", "范例", "演示", "模拟", "虚构")
_COUNTY_SUFFIX = ("东区", "西区", "南县", "北县", "中区", "新县", "安县", "宁区")
_TOWN_WORDS = ("安", "宁", "和", "平", "兴", "丰", "泰", "康", "乐", "福", "源", "清")

# Departments by level: (name suffix, spec category code, size multiplier).
# The size multipliers are relative to the level's base size (below); they encode what the
# corpus shows: land/housing bureaus and governments draw most applications, most line
# departments very few.
_CITY_DEPTS: tuple[tuple[str, str, float], ...] = (
    ("人民政府办公室", "gov_office", 0.08),
    ("发展和改革委员会", "development_reform", 0.03),
    ("公安局", "public_security", 0.10),
    ("教育局", "education", 0.02),
    ("自然资源和规划局", "natural_resources", 0.40),
    ("住房和城乡建设局", "housing", 0.30),
    ("卫生健康委员会", "health", 0.02),
    ("人力资源和社会保障局", "human_resources", 0.04),
    ("生态环境局", "ecology", 0.03),
    ("交通运输局", "transport", 0.02),
    ("农业农村局", "agriculture", 0.015),
    ("市场监督管理局", "market", 0.04),
    ("财政局", "finance", 0.02),
    ("民政局", "civil_affairs", 0.01),
    ("司法局", "justice", 0.01),
    ("应急管理局", "emergency", 0.01),
    ("文化广电和旅游局", "culture", 0.005),
    ("城市管理局", "urban_mgmt", 0.03),
    ("商务局", "commerce", 0.005),
)
_COUNTY_DEPTS: tuple[tuple[str, str, float], ...] = (
    ("人民政府办公室", "gov_office", 0.05),
    ("发展和改革局", "development_reform", 0.02),
    ("公安局", "public_security", 0.05),
    ("教育局", "education", 0.02),
    ("自然资源局", "natural_resources", 0.25),
    ("住房和城乡建设局", "housing", 0.15),
    ("卫生健康委员会", "health", 0.01),
    ("人力资源和社会保障局", "human_resources", 0.02),
    ("市场监督管理局", "market", 0.02),
    ("农业农村局", "agriculture", 0.01),
    ("财政局", "finance", 0.01),
    ("民政局", "civil_affairs", 0.01),
)
_DEVZONE_DEPTS: tuple[tuple[str, str, float], ...] = (
    ("党政办公室", "gov_office", 0.05),
    ("住房和城乡建设局", "housing", 0.10),
    ("自然资源局", "natural_resources", 0.15),
    ("市场监督管理局", "market", 0.02),
)
_PROVINCE_DEPTS: tuple[tuple[str, str, float], ...] = (
    ("人民政府办公厅", "gov_office", 0.10),
    ("发展和改革委员会", "development_reform", 0.05),
    ("公安厅", "public_security", 0.05),
    ("教育厅", "education", 0.05),
    ("自然资源厅", "natural_resources", 0.20),
    ("住房和城乡建设厅", "housing", 0.15),
    ("卫生健康委员会", "health", 0.04),
    ("生态环境厅", "ecology", 0.04),
)

# Base size (expected new applications per year in 2019) of the people's government at each level.
# Calibration (../shared/corpus/truth): 淮安市人民政府 2024 3,119 new; 沭阳县人民政府 2025 713;
# 洪泽区人民政府 2023/2024 21/95; 平潭综合实验区 2019→2025 23→154; 三门峡 devzone office 0;
# 沭阳县发改局 26; 上海市科委 34. Governments of cities: ~1,000–3,000; counties ~100–700;
# townships a handful; devzones tens.
_BASE_SIZE = {"province": 1500.0, "city": 900.0, "county": 140.0, "township": 2.0, "devzone": 20.0}


@dataclass(frozen=True)
class Agency:
    agency_id: str  # stable id, e.g. "C01-D03-gov"
    name: str  # full name, e.g. "示例市示东区人民政府"
    short_name: str  # the name a report title often uses
    level: str  # spec.agencies LEVELS code
    category: str  # spec.agencies CATEGORIES code
    province: str
    city: str | None
    county: str | None
    region: str  # e.g. "示例省示例市示东区"
    size: float  # expected new applications per year in the first year
    # 1 when the agency enforces/licences at scale (drives table 二 decision counts)
    enforcement: float = 1.0

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]

    @property
    def category_name(self) -> str:
        return CATEGORY_BY_CODE[self.category].name

    @property
    def is_government(self) -> bool:
        return self.category == "government"


# Which categories decide licences / penalties at scale (table 二 art20_5/art20_6), relative units.
_ENFORCEMENT = {
    "government": 1.0, "market": 0.8, "public_security": 1.2, "urban_mgmt": 0.6, "transport": 0.5,
    "ecology": 0.3, "natural_resources": 0.3, "housing": 0.3, "health": 0.3, "agriculture": 0.2,
    "emergency": 0.2, "culture": 0.1, "human_resources": 0.1, "commerce": 0.1,
}


def _enforcement(category: str) -> float:
    return _ENFORCEMENT.get(category, 0.02)


def _city_root(i: int) -> str:
    if i < len(_CITY_ROOTS):
        return _CITY_ROOTS[i]
    return f"示例第{i + 1}"


def build_province(n_cities: int = 6, counties_per_city: int = 4, townships_per_county: int = 6,
                   seed: int = 0) -> list[Agency]:
    """All agencies of 示例省, in a stable hierarchical order. ``seed`` only varies sizes."""
    rows: list[tuple] = []

    def add(agency_id: str, name: str, short: str, level: str, category: str, city: str | None,
            county: str | None, region: str, size: float) -> None:
        rows.append((agency_id, name, short, level, category, city, county, region, size))

    base = _BASE_SIZE
    add("P", f"{PROVINCE}人民政府", f"{PROVINCE}人民政府", "province", "government", None, None, PROVINCE,
        base["province"])
    for j, (suffix, cat, mult) in enumerate(_PROVINCE_DEPTS):
        add(f"P-d{j:02d}", f"{PROVINCE}{suffix}", suffix, "province", cat, None, None, PROVINCE,
            base["province"] * mult)
    for ci in range(n_cities):
        root = _city_root(ci)
        city = f"{root}市"
        creg = f"{PROVINCE}{city}"
        cid = f"C{ci + 1:02d}"
        add(cid, f"{city}人民政府", f"{city}人民政府", "city", "government", city, None, creg, base["city"])
        for j, (suffix, cat, mult) in enumerate(_CITY_DEPTS):
            add(f"{cid}-d{j:02d}", f"{city}{suffix}", suffix, "city", cat, city, None, creg, base["city"] * mult)
        for ki in range(counties_per_city):
            county = f"{root[0]}{_COUNTY_SUFFIX[ki % len(_COUNTY_SUFFIX)]}"
            if ki >= len(_COUNTY_SUFFIX):
                county = f"{root[0]}{ki + 1}{_COUNTY_SUFFIX[ki % len(_COUNTY_SUFFIX)]}"
            kreg = f"{creg}{county}"
            kid = f"{cid}-K{ki + 1:02d}"
            add(kid, f"{city}{county}人民政府", f"{county}人民政府", "county", "government", city, county, kreg,
                base["county"])
            for j, (suffix, cat, mult) in enumerate(_COUNTY_DEPTS):
                add(f"{kid}-d{j:02d}", f"{county}{suffix}", suffix, "county", cat, city, county, kreg,
                    base["county"] * mult)
            for ti in range(townships_per_county):
                w = _TOWN_WORDS[(ti + ki * 3) % len(_TOWN_WORDS)]
                if county.endswith("区") and ti % 2 == 0:
                    town, suffix = f"{county[0]}{w}街道", "办事处"
                else:
                    town, suffix = f"{county[0]}{w}镇", "人民政府"
                name = f"{city}{county}{town}{suffix}"
                add(f"{kid}-T{ti + 1:02d}", name, f"{town}{suffix}", "township", "government", city, county,
                    f"{kreg}{town}", base["township"])
        # One development zone per city (管理委员会 + its departments).
        zone = f"{root}经济技术开发区"
        zreg = f"{creg}{zone}"
        zid = f"{cid}-Z"
        add(zid, f"{zone}管理委员会", f"{zone}管委会", "devzone", "government", city, zone, zreg, base["devzone"])
        for j, (suffix, cat, mult) in enumerate(_DEVZONE_DEPTS):
            add(f"{zid}-d{j:02d}", f"{zone}{suffix}", suffix, "devzone", cat, city, zone, zreg,
                base["devzone"] * mult * 10)
    # Agencies of one kind still differ a lot (corpus: 21 vs 95 for one district in two years).
    rng = np.random.default_rng([seed, 7])
    size_jitter = rng.lognormal(0.0, 0.5, len(rows)).tolist()
    enforcement_jitter = rng.lognormal(0.0, 0.4, len(rows)).tolist()
    return [
        Agency(aid, name, short, level, cat, PROVINCE, city, county, region, size * sj, _enforcement(cat) * ej)
        for (aid, name, short, level, cat, city, county, region, size), sj, ej in zip(
            rows, size_jitter, enforcement_jitter, strict=True)
    ]


def agencies_for(n: int, seed: int = 0) -> list[Agency]:
    """``n`` agencies of 示例省 with a realistic mix of levels (deterministic for a seed).

    The province is built large enough (about 140 agencies per city) and sampled; the province
    government and the first city government are always included so small demos still show the
    big reporters next to the many small ones.
    """
    per_city = 1 + len(_CITY_DEPTS) + 4 * (1 + len(_COUNTY_DEPTS) + 6) + 1 + len(_DEVZONE_DEPTS)
    n_cities = max(2, math.ceil(n / per_city))
    everyone = build_province(n_cities=n_cities, seed=seed)
    if n >= len(everyone):
        return everyone
    rng = np.random.default_rng([seed, 11])
    keep = {0, 1 + len(_PROVINCE_DEPTS)}  # 示例省人民政府, 示例市人民政府
    order = [i for i in rng.permutation(len(everyone)) if i not in keep]
    chosen = sorted(keep | set(order[: n - len(keep)]))
    return [everyone[i] for i in chosen]
