"""The annual-report format, as data, in one place.

Every stage — readers, parser, validator, warehouse, dashboard — reads labels, cell keys,
rules and version markers from here; nothing downstream spells a label itself.
"""

from .agencies import CATEGORIES, CATEGORY_BY_CODE, LEVEL_NAMES, LEVELS
from .rules import ERROR, INFO, PARSE, RULE_BY_ID, RULES, SOURCE, WARNING, Rule, SumCheck, sum_checks
from .sections import SECTION_BY_CODE, SECTIONS, SectionSpec
from .tables import (
    CELL_BY_KEY,
    CELLS,
    T3_COLUMNS,
    T4_GROUPS,
    T4_RESULTS,
    TABLES,
    CellSpec,
    Label,
    RowSpec,
    SubTable,
    TableSpec,
    cell_keys,
    t3_rows,
    table_spec,
)
from .values import STATUS_NAMES, STATUSES, ValueStatus
from .versions import ALL_VERSIONS, DETECTION_RULES, F2019, F2021, FORMATS, LEGACY, VERSIONS, version_for_year

__all__ = [
    "ALL_VERSIONS",
    "CATEGORIES",
    "CATEGORY_BY_CODE",
    "CELLS",
    "CELL_BY_KEY",
    "DETECTION_RULES",
    "ERROR",
    "F2019",
    "F2021",
    "FORMATS",
    "INFO",
    "LEGACY",
    "LEVELS",
    "LEVEL_NAMES",
    "PARSE",
    "RULES",
    "RULE_BY_ID",
    "SECTIONS",
    "SECTION_BY_CODE",
    "SOURCE",
    "STATUSES",
    "STATUS_NAMES",
    "T3_COLUMNS",
    "T4_GROUPS",
    "T4_RESULTS",
    "TABLES",
    "VERSIONS",
    "WARNING",
    "CellSpec",
    "Label",
    "RowSpec",
    "Rule",
    "SectionSpec",
    "SubTable",
    "SumCheck",
    "TableSpec",
    "ValueStatus",
    "cell_keys",
    "sum_checks",
    "t3_rows",
    "table_spec",
    "version_for_year",
]
