"""Administrative levels and agency categories, recognised from an agency's name.

Order matters: the first matching entry wins, so specific names come before generic ones.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS: tuple[tuple[str, str], ...] = (
    ("province", "省级"),
    ("city", "市级"),
    ("county", "县级"),
    ("township", "乡镇街道"),
    ("devzone", "开发区"),
)
LEVEL_NAMES = dict(LEVELS)

# Name suffix → level, checked on the agency's region part.
LEVEL_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("devzone", ("开发区", "高新区", "高新技术产业开发区", "综合实验区", "新区", "园区", "保税区", "试验区")),
    ("township", ("街道办事处", "街道", "镇人民政府", "乡人民政府", "镇政府", "乡政府", "镇", "乡")),
    ("county", ("县", "区", "县级市")),
    ("city", ("市", "州", "盟", "地区")),
    ("province", ("省", "自治区")),
)


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    keywords: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category("gov_office", "政府办公室", ("人民政府办公室", "人民政府办公厅", "政府办", "党政办公室", "管委会办公室", "办公室")),
    Category("government", "人民政府", ("人民政府", "管理委员会", "管委会", "街道办事处", "行政公署")),
    Category("public_security", "公安", ("公安",)),
    Category("education", "教育", ("教育", "体育局")),
    Category("natural_resources", "自然资源", ("自然资源", "国土资源", "规划和自然资源", "国土")),
    Category("housing", "住房城乡建设", ("住房和城乡建设", "住房城乡建设", "住建", "房产", "住房保障")),
    Category("development_reform", "发展改革", ("发展和改革", "发展改革", "发改")),
    Category("health", "卫生健康", ("卫生健康", "卫生和计划生育", "卫健", "医疗保障")),
    Category("human_resources", "人力资源社会保障", ("人力资源和社会保障", "人力资源社会保障", "人社")),
    Category("ecology", "生态环境", ("生态环境", "环境保护", "环保")),
    Category("transport", "交通运输", ("交通运输", "交通")),
    Category("agriculture", "农业农村", ("农业农村", "农业", "林业", "水利", "乡村振兴")),
    Category("market", "市场监管", ("市场监督管理", "市场监管", "工商", "质量技术监督", "药品监督")),
    Category("finance", "财政税务", ("财政", "税务", "地方税务", "国家税务", "审计")),
    Category("civil_affairs", "民政", ("民政", "退役军人")),
    Category("justice", "司法", ("司法", "法制办")),
    Category("commerce", "商务", ("商务", "工业和信息化", "工信", "科学技术", "科技", "科委")),
    Category("emergency", "应急管理", ("应急管理", "安全生产监督")),
    Category("culture", "文化旅游", ("文化", "旅游", "广电")),
    Category("urban_mgmt", "城市管理", ("城市管理", "城管", "综合执法")),
    Category("other", "其他部门", ()),
)
CATEGORY_BY_CODE = {c.code: c for c in CATEGORIES}

# --- Region and agency names (metadata extraction, loaders/parse/metadata.py) ---------------

# Suffixes of official region names, longest first: stripped to get a short name (淮安市 → 淮安).
REGION_NAME_SUFFIXES: tuple[str, ...] = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗",
    "林区", "特区", "地区", "省", "市", "县", "区", "旗", "盟", "州",
)
# Kinds of development zone, longest first; a zone is <place> [qualifier] <kind>.
DEVZONE_KINDS: tuple[str, ...] = (
    "高新技术产业开发区", "经济技术开发区", "综合实验区", "综合试验区", "经济开发区", "工业园区",
    "高新区", "开发区", "实验区", "试验区", "保税区", "新区", "园区",
)
DEVZONE_QUALIFIERS: tuple[str, ...] = ("高新技术产业", "经济技术", "高新技术", "国家级", "省级", "经济", "高新", "综合")
TOWNSHIP_SUFFIXES: tuple[str, ...] = ("街道办事处", "街道", "镇", "乡")

# How an agency's name ends (a name ending so is an agency, not just a place).
AGENCY_SUFFIXES: tuple[str, ...] = (
    "人民政府办公室", "人民政府办公厅", "人民政府", "管理委员会", "管委会", "行政公署", "办事处",
    "委员会", "办公室", "办公厅", "政府", "局", "厅", "委", "办", "署", "院", "中心", "所", "站", "队", "馆",
    "处", "会", "部", "社", "司", "室", "科", "庭",
)
# A region's own government, by the kind of its last place token.
GOVERNMENT_BY_REGION_KIND: dict[str, str] = {
    "province": "人民政府",
    "city": "人民政府",
    "county": "人民政府",
    "township": "人民政府",
    "devzone": "管委会",
}
# The general office that compiles a government's report, as named in the text.
GENERAL_OFFICES: tuple[str, ...] = ("管委会办公室", "管理委员会办公室", "人民政府办公室", "人民政府办公厅", "党政办公室")
# Words by which a report refers to its own region ("我区管委会办公室", "区管委会办公室").
SELF_REFERENCES: tuple[str, ...] = ("我省", "我市", "我州", "我县", "我区", "我镇", "我乡", "本省", "本市", "本县", "本区",
                                   "全省", "全市", "全县", "全区", "省", "市", "州", "县", "区", "镇", "乡")
# Common abbreviations inside agency names → the official wording (市科委 → 市科学技术委员会).
AGENCY_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("科委", "科学技术委员会"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"),
    ("经信委", "经济和信息化委员会"),
    ("卫健委", "卫生健康委员会"),
    ("教委", "教育委员会"),
    ("住建委", "住房和城乡建设委员会"),
    ("住建局", "住房和城乡建设局"),
    ("人社局", "人力资源和社会保障局"),
    ("市监局", "市场监督管理局"),
    ("民宗委", "民族宗教事务委员会"),
    ("商委", "商务委员会"),
    ("交委", "交通委员会"),
    ("规自局", "规划和自然资源局"),
    ("农业农村委", "农业农村委员会"),
    ("政府办", "人民政府办公室"),
)
