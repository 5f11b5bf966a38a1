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
