"""The statistical tables of both report formats, as data.

Source: ../shared/spec/format.md §1 (2021, 国办公开办函〔2021〕30号) and §3 (2019 trial,
国办公开办函〔2019〕60号). Every label below is verbatim from the format (full-width punctuation);
``variants`` lists the other spellings met in real reports (§8). Cell keys are *derived* from the
row and column codes, never typed twice: ``t2.<subtable>.<row>.<col>``, ``<t3 row code>.<col>``,
``t4.<group>.<result>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Value kinds, as in cells.csv.
INT = "int"
SIGNED_INT = "signed_int"
DECIMAL_WAN_YUAN = "decimal_wan_yuan"
AMOUNT_WITH_UNIT = "amount_with_unit"


@dataclass(frozen=True)
class Label:
    """A row or column of a table: its code, its verbatim label and the variants seen."""

    code: str
    label: str
    variants: tuple[str, ...] = ()
    kind: str = INT  # for columns: value kind of the cells under this column

    @property
    def all_labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass(frozen=True)
class RowSpec:
    """A data row. ``group`` is the heading row it sits under (t3 （三）–（六）), if any."""

    code: str
    label: str
    variants: tuple[str, ...] = ()
    group: Label | None = None
    # Per-row column restriction (t2 sub-tables); None = all columns of the table.
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def all_labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)

    @property
    def full_label(self) -> str:
        """The label as cells.csv writes it: group label, a space, the item label."""
        return f"{self.group.label} {self.label}" if self.group else self.label


@dataclass(frozen=True)
class SubTable:
    """One block of a table: t2 sub-tables (第二十条第（X）项) or the single t3/t4 block."""

    code: str  # t2: art20_1 …; t3/t4: ""
    header: str  # header row text (t2) or the table title
    columns: tuple[Label, ...]
    rows: tuple[RowSpec, ...]
    header_variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    code: str  # t2 | t3 | t4
    title: str
    blocks: tuple[SubTable, ...]
    note: str = ""


@dataclass(frozen=True)
class CellSpec:
    """One canonical cell: the unit of every later stage."""

    format: str
    table: str
    key: str
    row_code: str
    col_code: str
    row_label: str
    col_label: str
    kind: str
    block: str = ""


# ---------------------------------------------------------------- table 二 --------------------
# Column header of the label column of every t2 sub-table.
T2_CONTENT_HEADER = "信息内容"

def _t2_header(item: str) -> tuple[str, tuple[str, ...]]:
    return f"第二十条第（{item}）项", (f"第二十条第({item})项", f"第二十条第{item}项")


_REGULATION = ("regulation", "规章", ())
_NORMATIVE_2021 = ("normative_doc", "行政规范性文件", ("规范性文件", "規範性檔案", "行政規範性檔案"))
_NORMATIVE_2019 = ("normative_doc", "规范性文件", ("行政规范性文件", "規範性檔案", "行政規範性檔案"))


def _rows(*specs: tuple[str, str, tuple[str, ...]]) -> tuple[RowSpec, ...]:
    return tuple(RowSpec(code, label, variants) for code, label, variants in specs)


T2_2021 = TableSpec(
    code="t2",
    title="二、主动公开政府信息情况",
    blocks=(
        SubTable(
            "art20_1",
            _t2_header("一")[0],
            columns=(
                Label("issued", "本年制发件数"),
                Label("repealed", "本年废止件数"),
                Label("in_force", "现行有效件数"),
            ),
            rows=_rows(_REGULATION, _NORMATIVE_2021),
            header_variants=_t2_header("一")[1],
        ),
        SubTable(
            "art20_5",
            _t2_header("五")[0],
            columns=(Label("decisions", "本年处理决定数量"),),
            rows=_rows(("admin_license", "行政许可", ())),
            header_variants=_t2_header("五")[1],
        ),
        SubTable(
            "art20_6",
            _t2_header("六")[0],
            columns=(Label("decisions", "本年处理决定数量"),),
            rows=_rows(("admin_penalty", "行政处罚", ()), ("admin_coercion", "行政强制", ())),
            header_variants=_t2_header("六")[1],
        ),
        SubTable(
            "art20_8",
            _t2_header("八")[0],
            columns=(
                Label(
                    "fee_amount",
                    "本年收费金额（单位：万元）",
                    ("本年收费金额（单位：万元，保留4位小数）", "本年收费金额", "本年收费金额(万元)"),
                    kind=DECIMAL_WAN_YUAN,
                ),
            ),
            rows=_rows(("admin_fee", "行政事业性收费", ())),
            header_variants=_t2_header("八")[1],
        ),
    ),
)

_T2_2019_3COLS = (
    Label("prev_year_items", "上一年项目数量", ("上一年项目数量(指2019年事项数)",)),
    Label("change", "本年增/减", ("本年增/", "本年增减", "本年增（减）"), kind=SIGNED_INT),
    Label("decisions", "处理决定数量", ("本年处理决定数量",)),
)

T2_2019 = TableSpec(
    code="t2",
    title="二、主动公开政府信息情况",
    blocks=(
        SubTable(
            "art20_1",
            _t2_header("一")[0],
            columns=(
                Label("new_made", "本年新制作数量", ("本年新", "本年新 制作数量")),
                Label("new_published", "本年新公开数量"),
                Label("total_published", "对外公开总数量"),
            ),
            rows=_rows(_REGULATION, _NORMATIVE_2019),
            header_variants=_t2_header("一")[1],
        ),
        SubTable(
            "art20_5",
            _t2_header("五")[0],
            columns=_T2_2019_3COLS,
            rows=_rows(("admin_license", "行政许可", ()), ("other_mgmt_service", "其他对外管理服务事项", ())),
            header_variants=_t2_header("五")[1],
        ),
        SubTable(
            "art20_6",
            _t2_header("六")[0],
            columns=_T2_2019_3COLS,
            rows=_rows(("admin_penalty", "行政处罚", ()), ("admin_coercion", "行政强制", ())),
            header_variants=_t2_header("六")[1],
        ),
        SubTable(
            "art20_8",
            _t2_header("八")[0],
            columns=_T2_2019_3COLS[:2],
            rows=_rows(("admin_fee", "行政事业性收费", ())),
            header_variants=_t2_header("八")[1],
        ),
        SubTable(
            "art20_9",
            _t2_header("九")[0],
            columns=(
                Label("project_count", "采购项目数量"),
                Label("total_amount", "采购总金额", kind=AMOUNT_WITH_UNIT),
            ),
            rows=_rows(("central_procurement", "政府集中采购", ())),
            header_variants=_t2_header("九")[1],
        ),
    ),
)

# ---------------------------------------------------------------- table 三 --------------------
T3_HEADER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANT = "申请人情况"
T3_LEGAL_GROUP = "法人或其他组织"

T3_COLUMNS = (
    Label("natural_person", "自然人"),
    Label("legal.commercial", "商业企业", ("商业 企业",)),
    Label("legal.research", "科研机构", ("科研 机构",)),
    Label("legal.public_interest", "社会公益组织", ("社会公益 组织",)),
    Label("legal.legal_service", "法律服务机构", ("法律服务 机构",)),
    Label("legal.other", "其他"),
    Label("total", "总计", ("合计",)),
)
# Columns some reports add that the format does not have (format.md §1.2: a 法人或其他组织 小计
# derived by third-party templates): recognised so they can be left out, never mapped.
T3_EXTRA_COLUMNS = ("小计",)
# The applicant-type columns that R3 adds up to 总计.
T3_PART_COLUMNS = tuple(c.code for c in T3_COLUMNS if c.code != "total")
T3_LEGAL_COLUMNS = tuple(c.code for c in T3_COLUMNS if c.code.startswith("legal."))

G_RESULT = Label("t3.result", "三、本年度办理结果")
G_DENY = Label("t3.result.deny", "（三）不予公开")
G_UNABLE = Label("t3.result.unable", "（四）无法提供")
G_NOT_PROCESSED = Label("t3.result.not_processed", "（五）不予处理")
G_OTHER = Label("t3.result.other", "（六）其他处理")

_T3_HEAD = (
    RowSpec("t3.new_received", "一、本年新收政府信息公开申请数量"),
    RowSpec("t3.carried_over", "二、上年结转政府信息公开申请数量"),
    RowSpec("t3.result.grant", "（一）予以公开"),
    RowSpec(
        "t3.result.partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ("（二）部分公开",),
    ),
    RowSpec("t3.result.deny.state_secret", "1.属于国家秘密", group=G_DENY),
    RowSpec("t3.result.deny.law_prohibited", "2.其他法律行政法规禁止公开", ("2.其他法律行政止公开",), group=G_DENY),
    RowSpec("t3.result.deny.security_stability", "3.危及“三安全一稳定”", ("3.危及三安全一稳定",), group=G_DENY),
    RowSpec("t3.result.deny.third_party_rights", "4.保护第三方合法权益", group=G_DENY),
    RowSpec("t3.result.deny.internal_affairs", "5.属于三类内部事务信息", group=G_DENY),
    RowSpec("t3.result.deny.process_info", "6.属于四类过程性信息", group=G_DENY),
    RowSpec("t3.result.deny.enforcement_file", "7.属于行政执法案卷", group=G_DENY),
    RowSpec("t3.result.deny.admin_inquiry", "8.属于行政查询事项", group=G_DENY),
    RowSpec("t3.result.unable.not_held", "1.本机关不掌握相关政府信息", group=G_UNABLE),
    RowSpec("t3.result.unable.needs_creation", "2.没有现成信息需要另行制作", group=G_UNABLE),
    RowSpec("t3.result.unable.still_unclear", "3.补正后申请内容仍不明确", group=G_UNABLE),
    RowSpec("t3.result.not_processed.petition", "1.信访举报投诉类申请", group=G_NOT_PROCESSED),
    RowSpec("t3.result.not_processed.duplicate", "2.重复申请", group=G_NOT_PROCESSED),
    RowSpec("t3.result.not_processed.publication", "3.要求提供公开出版物", group=G_NOT_PROCESSED),
    RowSpec("t3.result.not_processed.excessive", "4.无正当理由大量反复申请", group=G_NOT_PROCESSED),
    RowSpec(
        "t3.result.not_processed.confirm_reissue",
        "5.要求行政机关确认或重新出具已获取信息",
        group=G_NOT_PROCESSED,
    ),
)
_T3_TAIL = (
    RowSpec("t3.result.total", "（七）总计"),
    RowSpec("t3.carry_forward", "四、结转下年度继续办理"),
)
_T3_OTHER_2021 = (
    RowSpec(
        "t3.result.other.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("1.申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请",),
        group=G_OTHER,
    ),
    RowSpec(
        "t3.result.other.fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("2.申请人逾期未按收费通知要求缴纳费用，行政机关不再处理其政府信息公开申请",),
        group=G_OTHER,
    ),
    RowSpec("t3.result.other.other", "3.其他", group=G_OTHER),
)
_T3_OTHER_2019 = (RowSpec("t3.result.other", "（六）其他处理"),)


def _t3(other_rows: tuple[RowSpec, ...]) -> TableSpec:
    return TableSpec(
        code="t3",
        title="三、收到和处理政府信息公开申请情况",
        note=T3_HEADER_NOTE,
        blocks=(SubTable("", "三、收到和处理政府信息公开申请情况", T3_COLUMNS, _T3_HEAD + other_rows + _T3_TAIL),),
    )


T3_2021 = _t3(_T3_OTHER_2021)
T3_2019 = _t3(_T3_OTHER_2019)

# ---------------------------------------------------------------- table 四 --------------------
T4_RESULTS = (
    Label("upheld", "结果维持"),
    Label("corrected", "结果纠正"),
    Label("other", "其他结果"),
    Label("pending", "尚未审结"),
    Label("total", "总计"),
)
# Header over the two litigation groups of table 四.
T4_LITIGATION = "行政诉讼"
T4_GROUPS = (
    Label("review", "行政复议"),
    Label("lit_direct", "行政诉讼 未经复议直接起诉", ("未经复议直接起诉",)),
    Label("lit_after_review", "行政诉讼 复议后起诉", ("复议后起诉",)),
)
T4_PART_RESULTS = ("upheld", "corrected", "other", "pending")

T4 = TableSpec(
    code="t4",
    title="四、政府信息公开行政复议、行政诉讼情况",
    # Table 四 has one unlabelled data row; groups play the role of rows so that keys stay
    # t4.<group>.<result> and cells.csv's row_label is the group label.
    blocks=(
        SubTable(
            "",
            "四、政府信息公开行政复议、行政诉讼情况",
            T4_RESULTS,
            tuple(RowSpec(g.code, g.label, g.variants) for g in T4_GROUPS),
        ),
    ),
)

TABLES: dict[str, tuple[TableSpec, ...]] = {
    "2019": (T2_2019, T3_2019, T4),
    "2021": (T2_2021, T3_2021, T4),
}


def _cells_of(fmt: str, table: TableSpec) -> list[CellSpec]:
    out: list[CellSpec] = []
    for block in table.blocks:
        for row in block.rows:
            for col in block.columns:
                if table.code == "t2":
                    key, row_code = f"t2.{block.code}.{row.code}.{col.code}", f"t2.{block.code}.{row.code}"
                elif table.code == "t3":
                    key, row_code = f"{row.code}.{col.code}", row.code
                else:
                    key, row_code = f"t4.{row.code}.{col.code}", f"t4.{row.code}"
                out.append(
                    CellSpec(
                        format=fmt,
                        table=table.code,
                        key=key,
                        row_code=row_code,
                        col_code=col.code,
                        row_label=row.full_label,
                        col_label=col.label,
                        kind=col.kind,
                        block=block.code,
                    )
                )
    return out


CELLS: dict[str, tuple[CellSpec, ...]] = {
    fmt: tuple(c for t in tables for c in _cells_of(fmt, t)) for fmt, tables in TABLES.items()
}
CELL_BY_KEY: dict[str, dict[str, CellSpec]] = {fmt: {c.key: c for c in cells} for fmt, cells in CELLS.items()}


def cell_keys(fmt: str) -> tuple[str, ...]:
    """Every canonical cell key of a format, in table order. Legacy reports have none."""
    return tuple(c.key for c in CELLS.get(fmt, ()))


def table_spec(fmt: str, code: str) -> TableSpec:
    return next(t for t in TABLES[fmt] if t.code == code)


def t3_rows(fmt: str) -> tuple[RowSpec, ...]:
    return table_spec(fmt, "t3").blocks[0].rows
