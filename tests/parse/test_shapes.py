"""Each table shape met in real reports, from small hand-built fixtures."""

from loaders.parse import parse_document
from loaders.parse.tables import NOTE_ALIGNED, NOTE_EXTRA, NOTE_JOINED, NOTE_SPLIT, NOTE_SPLIT_JOINT
from loaders.spec import F2019, F2021, cell_keys, t3_rows
from loaders.spec.values import ValueStatus

from .builders import doc_of, grid, t2_2021_grid, t3_grid_rows, t3_values, t4_grid, text_doc, title

T4_VALUES = ["1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0"]


def _consistent_t3(fmt: str) -> dict[str, list[str]]:
    """A table 三 whose numbers satisfy R1–R3: 5 new + 1 carried = 5 handled + 1 carried forward."""
    v = t3_values(fmt)
    v["t3.new_received"] = ["4", "1", "0", "0", "0", "0", "5"]
    v["t3.carried_over"] = ["1", "0", "0", "0", "0", "0", "1"]
    v["t3.result.grant"] = ["3", "1", "0", "0", "0", "0", "4"]
    v["t3.result.unable.not_held"] = ["1", "0", "0", "0", "0", "0", "1"]
    v["t3.result.total"] = ["4", "1", "0", "0", "0", "0", "5"]
    v["t3.carry_forward"] = ["1", "0", "0", "0", "0", "0", "1"]
    return v


def _grid_doc(fmt=F2021, t3=None, t4=None, name="2022年某县测试局政府信息公开工作年度报告.html"):
    t3 = t3 or _consistent_t3(fmt)
    blocks = [title(name.rsplit(".", 1)[0]), title("二、主动公开政府信息情况"), *t2_2021_grid({}),
              title("三、收到和处理政府信息公开申请情况"), grid(t3_grid_rows(fmt, t3)),
              title("四、政府信息公开行政复议、行政诉讼情况"), t4_grid(t4 or T4_VALUES)]
    return doc_of(blocks, name, "html")


def test_real_grid_with_merged_cells_maps_every_key():
    r = parse_document(_grid_doc())
    assert r.fmt == F2021
    assert set(r.values()) == set(cell_keys(F2021))
    assert r.value("t3.new_received.natural_person") == 4
    assert r.value("t3.new_received.legal.commercial") == 1
    assert r.value("t3.result.grant.total") == 4
    assert r.value("t3.result.unable.not_held.total") == 1
    assert r.value("t4.lit_direct.upheld") == 12 and r.value("t4.review.total") == 3
    assert all(r.cells[k].status == ValueStatus.NUMBER for k in cell_keys(F2021))
    assert not [f for f in r.findings if f.kind == "source"]


def test_blank_cells_stay_blank_and_checks_skip_them():
    v = _consistent_t3(F2021)
    v["t3.result.grant"] = ["3", "1", "", "", "", "", "4"]
    r = parse_document(_grid_doc(t3=v))
    cv = r.cells["t3.result.grant.legal.research"]
    assert cv.status == ValueStatus.BLANK and cv.value is None
    assert r.value("t3.result.grant.total") == 4


def test_source_inconsistency_is_a_source_finding_not_fixed():
    v = _consistent_t3(F2021)
    v["t3.result.grant"] = ["3", "1", "0", "0", "0", "0", "9"]
    r = parse_document(_grid_doc(t3=v))
    assert r.value("t3.result.grant.total") == 9
    assert any(f.rule == "R3" and f.kind == "source" for f in r.findings)


def test_grid_split_across_pages():
    rows = t3_grid_rows(F2021, _consistent_t3(F2021))
    cut = 14
    blocks = [title("三、收到和处理政府信息公开申请情况"), grid(rows[:cut]), title("- 3 -"), grid(rows[cut:]),
              title("四、政府信息公开行政复议、行政诉讼情况"), t4_grid(T4_VALUES)]
    r = parse_document(doc_of([*t2_2021_grid({}), *blocks]))
    assert r.value("t3.result.total.total") == 5
    assert r.value("t3.carry_forward.natural_person") == 1
    assert r.value("t3.result.grant.legal.commercial") == 1


def test_per_row_fragments_with_generic_headers():
    lines = ["三、收到和处理政府信息公开申请情况"]
    for row in t3_rows(F2021):
        vals = _consistent_t3(F2021)[row.code]
        lines += ["", "| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |", "|---|---|---|---|---|---|---|---|",
                  f"| {row.label} | " + " | ".join(vals) + " |"]
    lines += ["四、政府信息公开行政复议、行政诉讼情况"]
    for g in range(3):
        lines += ["", "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |", "|---|---|---|---|---|",
                  "| " + " | ".join(T4_VALUES[5 * g: 5 * g + 5]) + " |"]
    r = parse_document(text_doc("\n".join(lines), "2022年测试局报告.md"))
    assert r.value("t3.new_received.total") == 5
    assert r.value("t3.result.grant.natural_person") == 3
    assert r.value("t4.lit_direct.total") == 12 and r.value("t4.review.other") == 2


def test_labels_detached_from_values_are_aligned_between_anchors():
    v = _consistent_t3(F2021)
    rows = t3_rows(F2021)
    detached = {"t3.result.partial", "t3.result.deny.law_prohibited", "t3.result.unable.not_held",
                "t3.result.unable.needs_creation"}
    lines = ["三、收到和处理政府信息公开申请情况"]
    for row in rows:
        if row.code in detached:
            lines += [row.label[:6], "| " + " | ".join(v[row.code]) + " |", "|---|---|---|---|---|---|---|"]
        else:
            lines += ["| " + row.label + " | " + " | ".join(v[row.code]) + " |"]
    r = parse_document(text_doc("\n".join(lines), "2022年测试局报告.md"))
    assert r.value("t3.result.unable.not_held.total") == 1
    assert r.value("t3.result.unable.needs_creation.total") == 0
    assert NOTE_ALIGNED in r.cells["t3.result.unable.not_held.total"].note
    assert r.value("t3.result.grant.total") == 4


def test_unalignable_gap_is_parse_uncertain():
    v = _consistent_t3(F2021)
    lines = ["三、收到和处理政府信息公开申请情况"]
    for row in t3_rows(F2021):
        if row.code == "t3.result.partial":
            lines += ["| 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "|---|---|---|---|---|---|---|", "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |"]
        else:
            lines += ["| " + row.label + " | " + " | ".join(v[row.code]) + " |"]
    r = parse_document(text_doc("\n".join(lines)))
    assert r.value("t3.result.partial.total") is None
    assert any(f.rule == "P1" and "t3.result.partial.total" in f.keys for f in r.findings)
    # equations over the unread row are not reported as the source's inconsistency
    assert not [f for f in r.findings if f.kind == "source" and "t3.result.partial.total" in f.keys]


FLAT = (
    "二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章 000行政规范性文件693665"
    "第二十条第（五）项信息内容本年处理决定数量行政许可2293 第二十条第（六）项信息内容 本年处理决定数量行政处罚1282行政强制42"
    "第二十条第（八）项信息内容 本年收费金额（单位：万元）行政事业性收费24252.311082"
    "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人法人或其他组织总计"
    " 商业企业科研机构社会公益组织法律服务机构其他一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000"
    "三、本年度办理结果（一）予以公开270020130（二）部分公开（区分处理的，只计这一情形，不计其他情形）500000 5（三）不予公开1.属于国家秘密0000000"
    "2.其他法律行政法规禁止公开00000003.危及“三安全一稳定”00000004.保护第三方合法权益00000005.属于三类内部事务信息1000001"
    "6.属于四类过程性信息00000007.属于行政执法案卷60000068.属于行政查询事项1000001（四）无法提供1.本机关不掌握相关政府信息220000325"
    "2.没有现成信息需要另行制作00000003.补正后申请内容仍不明确0000000（五）不予处理1.信访举报投诉类申请00000002.重复申请0000000"
    "3.要求提供公开出版物00000004.无正当理由大量反复申请00000005.要求行政机关确认或重新出具已获取信息0000000（六）其他处理"
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请00000002.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请0000000"
    "3.其他1000001（七）总计630020469四、结转下年度继续办理1000001 四、政府信息公开行政复议、行政诉讼情况 行政复议行政诉讼"
    "结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
    "10203120001200000五、存在的主要问题及改进情况 无。"
)


def test_flattened_digit_runs_unique_and_joint_splits():
    r = parse_document(text_doc("2021年某区政府信息公开工作年度报告\n一、总体情况\n本年度共收到申请70件。\n" + FLAT, "2021_x.txt"))
    assert r.fmt == F2021
    assert [r.value(f"t3.new_received.{c}") for c in ("natural_person", "legal.public_interest", "legal.other", "total")] == [64, 2, 4, 70]
    assert r.cells["t3.new_received.total"].note == NOTE_SPLIT
    assert r.value("t3.result.partial.total") == 5
    # "220000325" splits two ways by its own row total (2/20/…/25 and 22/0/…/25); the column sums decide
    assert r.value("t3.result.unable.not_held.natural_person") == 22
    assert r.cells["t3.result.unable.not_held.natural_person"].note == NOTE_SPLIT_JOINT
    assert r.value("t4.lit_direct.upheld") == 12 and r.value("t4.review.total") == 3
    assert r.value("t2.art20_8.admin_fee.fee_amount") == 24252.311082
    assert r.value("t2.art20_5.admin_license.decisions") == 2293


def test_ambiguous_digit_run_gives_candidates_and_no_value():
    r = parse_document(text_doc("2021年某区政府信息公开工作年度报告\n" + FLAT, "2021_x.txt"))
    keys = ("t2.art20_1.normative_doc.issued", "t2.art20_1.normative_doc.repealed", "t2.art20_1.normative_doc.in_force")
    assert all(r.value(k) is None for k in keys)
    assert all(r.cells[k].status == ValueStatus.MISSING for k in keys)
    p1 = [f for f in r.findings if f.rule == "P1" and set(keys) <= set(f.keys)]
    assert len(p1) == 1 and [69, 3, 665] in p1[0].candidates and len(p1[0].candidates) > 1
    assert r.value("t2.art20_1.regulation.issued") == 0


def test_one_number_too_many_resolved_by_row_total():
    lines = ["三、收到和处理政府信息公开申请情况"]
    v = _consistent_t3(F2021)
    for row in t3_rows(F2021):
        vals = v[row.code]
        if row.code == "t3.result.grant":
            vals = [*vals, "0"]  # a stray ninth number: only dropping the last keeps 总计 = sum
        lines.append(row.label + "\t\t\t" + "\t".join(vals) + "\t")
    r = parse_document(text_doc("\n".join(lines)))
    assert r.value("t3.result.grant.total") == 4
    assert r.cells["t3.result.grant.total"].note.startswith(NOTE_EXTRA)


def test_seed_like_eight_zeros_for_seven_columns(seed_report):
    from loaders.parse import parse_file

    r = parse_file(seed_report)
    assert r.fmt == F2021
    assert all(r.value(k) == 0 for k in cell_keys(F2021))
    assert r.agency.value


def test_number_split_across_two_cells_is_joined():
    v = _consistent_t3(F2021)
    v["t3.new_received"] = ["12", "1", "0", "0", "0", "0", "13"]
    v["t3.result.grant"] = ["11", "1", "0", "0", "0", "0", "12"]
    v["t3.result.total"] = ["12", "1", "0", "0", "0", "0", "13"]
    lines = ["三、收到和处理政府信息公开申请情况"]
    for row in t3_rows(F2021):
        vals = v[row.code]
        if row.code == "t3.new_received":
            vals = ["1", "2", "1", "0", "0", "0", "0", "13"]  # "12" broken over two cells
        lines.append("| " + row.label + " | " + " | ".join(vals) + " |")
    r = parse_document(text_doc("\n".join(lines)))
    # by the row alone "1|2|1" reads 12,1 or 1,21→no, or 1,2,10 (the 1 joined with a 0): the
    # column sums (R1/R2) then decide for 12
    assert r.value("t3.new_received.natural_person") == 12
    assert r.value("t3.new_received.legal.commercial") == 1
    assert r.cells["t3.new_received.natural_person"].note == NOTE_SPLIT_JOINT


def test_number_split_across_two_cells_unique_by_row():
    v = _consistent_t3(F2021)
    lines = ["三、收到和处理政府信息公开申请情况"]
    for row in t3_rows(F2021):
        vals = v[row.code]
        if row.code == "t3.result.grant":
            vals = ["3", "1", "", "", "", "", "", "4"]
        lines.append("| " + row.label + " | " + " | ".join(vals) + " |")
    r = parse_document(text_doc("\n".join(lines)))
    # 8 cells for 7 columns with blanks inside: not guessed
    assert r.value("t3.result.grant.total") is None
    assert any(f.rule == "P1" and "t3.result.grant.total" in f.keys for f in r.findings)
    lines = [ln if "予以公开" not in ln else "| （一）予以公开 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 37 |" for ln in lines]
    r = parse_document(text_doc("\n".join(lines)))
    assert [r.value(f"t3.result.grant.{c}") for c in ("natural_person", "legal.commercial", "total")] == [12, 3, 37]
    assert r.cells["t3.result.grant.natural_person"].note == NOTE_JOINED


def test_2021_table_printing_other_as_one_row_leaves_subrows_missing():
    v = _consistent_t3(F2019)
    v["t3.result.other"] = ["7", "0", "0", "0", "0", "0", "7"]
    blocks = [*t2_2021_grid({}), title("三、收到和处理政府信息公开申请情况"), grid(t3_grid_rows(F2019, v)),
              t4_grid(T4_VALUES)]
    r = parse_document(doc_of(blocks, "2023年某区人民政府政府信息公开工作年度报告.pdf", "pdf"))
    assert r.fmt == F2021  # table 二 says 2021
    for k in ("t3.result.other.no_correction.total", "t3.result.other.fee_unpaid.total", "t3.result.other.other.total"):
        assert r.value(k) is None and r.cells[k].status == ValueStatus.MISSING
    assert 7 not in [r.value(k) for k in cell_keys(F2021) if k.startswith("t3.result.other")]
    assert any(f.rule == "P1" and "（六）其他处理" in f.message for f in r.findings)
    assert r.value("t3.result.grant.total") == 4


def test_version_kept_when_it_contradicts_the_year():
    v = _consistent_t3(F2019)
    blocks = [title("2021年某县测试局政府信息公开工作年度报告"), grid([["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
                                                        ["规章", "1", "1", "5"]]),
              grid(t3_grid_rows(F2019, v)), t4_grid(T4_VALUES)]
    r = parse_document(doc_of(blocks, "2021年某县测试局政府信息公开工作年度报告.html", "html"))
    assert r.year.value == 2021
    assert r.fmt == F2019
    assert r.value("t2.art20_1.regulation.total_published") == 5
    assert r.value("t3.result.other.total") == 0
    assert set(r.values()) == set(cell_keys(F2019))


def test_legacy_report_has_no_cells():
    text = ("2015年某县人民政府政府信息公开工作年度报告\n一、概述\n本年度主动公开政府信息1200条，其中政府集中采购信息7条。\n"
            "二、依申请公开情况\n共收到政府信息公开申请15件。\n")
    r = parse_document(text_doc(text, "2015_x.txt"))
    assert r.fmt == "legacy"
    assert r.cells == {}
    assert r.to_json()["cells"] == {}


PDF_TEXT_LINES = """2024年某市人民政府政府信息公开工作年度报告
三、收到和处理政府信息公开申请情况
申请人情况
（本列数据的勾稽关系为：第一项加第二项之和， 法人或其他组织
等于第三项加第四项之和）
自然人 总计
商业企 科研机 社会公益 法律服务
其他
业 构 组织 机构
一、本年新收政府信息公开申请数量 4 1 0 0 0 0 5
二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1
（一）予以公开 3 1 0 0 0 0 4
（二）部分公开（区分处理的，只计这一情
0 0 0 0 0 0 0
形，不计其他情形）
1.属于国家秘密 0 0 0 0 0 0 0
三、
本 2.其他法律行政法规禁止公开 0 0 0 0 0 0 0
年
3.危及“三安全一稳定” 0 0 0 0 0 0 0
（三）不 4.保护第三方合法权益 0 0 0 0 0 0 0
5.属于三类内部事务信息 0 0 0 0 0 0 0
6.属于四类过程性信息 0 0 0 0 0 0 0
7.属于行政执法案卷 0 0 0 0 0 0 0
8.属于行政查询事项 0 0 0 0 0 0 0
（四）无 1.本机关不掌握相关政府信息 1 0 0 0 0 0 1
- 4 -
法提供 2.没有现成信息需要另行 0 0 0 0 0 0 0
3.补正后申请内容仍不明确 0 0 0 0 0 0 0
1.信访举报投诉类申请 0 0 0 0 0 0 0
2.重复申请 0 0 0 0 0 0 0
（五）不 3.要求提供公开出版物 0 0 0 0 0 0 0
4.无正当理由大量反复申请 0 0 0 0 0 0 0
5.要求行政机关确认或重新出
0 0 0 0 0 0 0
具已获取信息
1、申请人无正当理由逾期不补
正、行政机关不再处理其政府信 0 0 0 0 0 0 0
息公开申请
2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理 0 0 0 0 0 0 0
3、其他 0 0 0 0 0 0 0
（七）总计 4 1 0 0 0 0 5
四、结转下年度继续办理 1 0 0 0 0 0 1
四、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼
结 果 结果 其他 尚未 结果 结果 其他 尚未审
维持 纠正 果 审结
总计 总计
1 0 2 0 3 12 0 0 0 12 0 0 0 0 0
五、存在的主要问题及改进情况
"""


def test_pdf_text_lines_with_wrapped_and_cut_labels():
    r = parse_document(text_doc(PDF_TEXT_LINES, "2024_x.txt"))
    values = r.values()
    assert values["t3.result.partial.total"] == 0  # numbers on a line of their own between label halves
    assert values["t3.result.unable.needs_creation.total"] == 0  # label cut short on its line
    assert values["t3.result.unable.not_held.total"] == 1
    assert values["t3.result.not_processed.confirm_reissue.total"] == 0
    assert values["t3.result.other.no_correction.total"] == 0
    assert values["t3.carry_forward.total"] == 1
    assert values["t4.review.total"] == 3 and values["t4.lit_direct.upheld"] == 12
    assert all(v is not None for k, v in values.items() if k.startswith(("t3.", "t4.")))
    assert not [f for f in r.findings if f.kind == "source"]


def test_label_interrupted_by_its_numbers_in_flattened_text():
    flat = " ".join(PDF_TEXT_LINES.splitlines())
    r = parse_document(text_doc(flat, "2024_x.txt"))
    assert r.value("t3.result.not_processed.confirm_reissue.total") == 0
    assert r.value("t3.result.other.no_correction.natural_person") == 0
    assert r.value("t3.new_received.total") == 5
    assert r.value("t4.review.other") == 2  # numbers after stacked header letters


def test_prose_figures_are_not_table_rows():
    text = ("2022年某县测试局政府信息公开工作年度报告\n一、总体情况\n本年制发规章 1 件，行政规范性文件 8 件，办理行政许可 300 项。\n"
            "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n"
            "规章\t1\t0\t11\n行政规范性文件\t8\t2\t66\n第二十条第（五）项\n信息内容\t本年处理决定数量\n行政许可\t447\n")
    r = parse_document(text_doc(text, "2022_x.txt"))
    assert [r.value(f"t2.art20_1.regulation.{c}") for c in ("issued", "repealed", "in_force")] == [1, 0, 11]
    assert r.value("t2.art20_5.admin_license.decisions") == 447
    assert r.value("t2.art20_6.admin_penalty.decisions") is None
    assert r.cells["t2.art20_6.admin_penalty.decisions"].status == ValueStatus.MISSING


def test_table_four_digit_run_left_open_by_sums_is_decided_by_prose():
    run = "10001020102020106012122026"  # R4 allows 1/0/0/0/1 | 0/20/1020/20/1060 | … and 10/0/0/10/20 | 10/20/20/10/60 | …
    head = ("四、政府信息公开行政复议、行政诉讼情况 行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
            "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计")
    silent = parse_document(text_doc("2022年某区报告\n" + head + run + "五、存在的主要问题及改进情况", "2022_x.txt"))
    assert silent.value("t4.review.total") is None
    p1 = [f for f in silent.findings if f.rule == "P1" and "t4.review.total" in f.keys]
    assert len(p1) == 1 and len(p1[0].candidates) == 2
    prose = "一、总体情况\n本年度发生政府信息公开行政复议20件、行政诉讼86件。\n"
    told = parse_document(text_doc("2022年某区报告\n" + prose + head + run + "五、存在的主要问题及改进情况", "2022_x.txt"))
    assert [told.value(f"t4.review.{c}") for c in ("upheld", "pending", "total")] == [10, 10, 20]
    assert told.value("t4.lit_direct.total") == 60
    assert "正文" in told.cells["t4.review.total"].note


def test_flattened_row_whose_cut_breaks_its_total_is_not_read():
    # 7 digits for 7 cells cut one way only, but 3+0+…+0 ≠ 4: blank cells may have vanished from the
    # text ("3", blank×5, "0004"?), so no number is invented — the row is unread, with the cut offered
    flat = FLAT.replace("（一）予以公开270020130", "（一）予以公开3000004").replace("规章 000", "规章—00")
    r = parse_document(text_doc("2021年某区政府信息公开工作年度报告\n" + flat, "2021_x.txt"))
    assert r.value("t3.result.grant.natural_person") is None and r.value("t3.result.grant.total") is None
    p1 = [f for f in r.findings if f.rule == "P1" and "t3.result.grant.total" in f.keys]
    assert len(p1) == 1 and [3, 0, 0, 0, 0, 0, 4] in p1[0].candidates
    assert not [f for f in r.findings if f.kind == "source" and "t3.result.grant.total" in f.keys]
    assert r.cells["t2.art20_1.regulation.issued"].status == ValueStatus.DASH
    assert r.value("t2.art20_1.regulation.repealed") == 0


def test_full_width_digits_in_flattened_text():
    wide = FLAT.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    r = parse_document(text_doc("2021年某区政府信息公开工作年度报告\n" + wide, "2021_x.txt"))
    assert r.value("t3.new_received.total") == 70
    assert r.value("t4.lit_direct.upheld") == 12


def test_2019_report_printing_a_2021_column_name_stays_2019():
    # Hubei-style 2019 tables print 本年处理决定数量 (a 2021 marker) next to 上一年项目数量 (2019 only)
    blocks = [title("2020年某县测试局政府信息公开工作年度报告"),
              grid([["第二十条第（五）项"], ["信息内容", "上一年项目数量", "本年增/减", "本年处理决定数量"],
                    ["行政许可", "10", "-2", "300"]]),
              grid(t3_grid_rows(F2019, _consistent_t3(F2019))), t4_grid(T4_VALUES)]
    r = parse_document(doc_of(blocks, "2020年某县测试局政府信息公开工作年度报告.html", "html"))
    assert r.fmt == F2019
    assert [r.value(f"t2.art20_5.admin_license.{c}") for c in ("prev_year_items", "change", "decisions")] == [10, -2, 300]


def _t3_grid_with_columns(order: list[str], extra_after: str | None = None) -> list[list]:
    """Table 三 whose header prints the applicant columns in ``order`` (labels), optionally with a
    derived 小计 column after ``extra_after``; data cells follow the same order."""
    from loaders.spec import T3_COLUMNS

    label_of = {c.code: c.label for c in T3_COLUMNS}
    codes = [next(c.code for c in T3_COLUMNS if c.label == lab) for lab in order]
    if extra_after:
        codes.insert(codes.index(extra_after) + 1, "subtotal")
    v = _consistent_t3(F2021)
    legal_sum = {r: sum(int(x) for x in vals[1:6]) for r, vals in v.items()}
    header = [[(T3_HEADER_NOTE_TEXT, 1, 1), *[("小计" if c == "subtotal" else label_of[c], 1, 1) for c in codes]]]
    body = []
    for row in t3_rows(F2021):
        by_code = dict(zip([c.code for c in T3_COLUMNS], v[row.code], strict=True))
        by_code["subtotal"] = str(legal_sum[row.code])
        body.append([row.label, *[by_code[c] for c in codes]])
    return header + body


T3_HEADER_NOTE_TEXT = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def test_columns_follow_the_header_not_the_position():
    order = ["总计", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    blocks = [*t2_2021_grid({}), grid(_t3_grid_with_columns(order)), t4_grid(T4_VALUES)]
    r = parse_document(doc_of(blocks, "2022年某县测试局政府信息公开工作年度报告.html", "html"))
    assert r.value("t3.new_received.total") == 5
    assert r.value("t3.new_received.natural_person") == 4
    assert r.value("t3.new_received.legal.commercial") == 1
    assert not [f for f in r.findings if f.kind == "source"]


def test_derived_subtotal_column_is_left_out():
    order = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    blocks = [*t2_2021_grid({}), grid(_t3_grid_with_columns(order, extra_after="legal.other")), t4_grid(T4_VALUES)]
    r = parse_document(doc_of(blocks, "2022年某县测试局政府信息公开工作年度报告.html", "html"))
    assert r.value("t3.new_received.legal.other") == 0
    assert r.value("t3.new_received.total") == 5
    assert r.value("t3.result.grant.legal.commercial") == 1
    assert not [f for f in r.findings if f.kind == "source"]


def test_row_with_unknown_label_is_placed_between_known_rows():
    v = _consistent_t3(F2021)
    rows = t3_grid_rows(F2021, v)
    for row in rows:
        if row and row[-7:] == v["t3.result.unable.not_held"] and "本机关不掌握" in str(row):
            row[-8] = "1.■■■■■■■■"  # label lost to a bad font / OCR
    blocks = [*t2_2021_grid({}), grid(rows), t4_grid(T4_VALUES)]
    r = parse_document(doc_of(blocks, "2022年某县测试局政府信息公开工作年度报告.html", "html"))
    assert r.value("t3.result.unable.not_held.total") == 1
    assert NOTE_ALIGNED in r.cells["t3.result.unable.not_held.total"].note


def test_numbers_after_table_three_without_table_four_header_are_not_table_four():
    blocks = [*t2_2021_grid({}), grid(t3_grid_rows(F2021, _consistent_t3(F2021))),
              title("附表：政务新媒体运行情况"), grid([["账号数", "发布量", "阅读量", "粉丝数", "互动数"],
                                             ["3", "1200", "50000", "8000", "300"]])]
    r = parse_document(doc_of(blocks, "2022年某县测试局政府信息公开工作年度报告.html", "html"))
    t4 = [k for k in cell_keys(F2021) if k.startswith("t4.")]
    assert all(r.cells[k].status == ValueStatus.MISSING for k in t4)
    assert any(f.rule == "P2" and "表四" in f.message for f in r.findings)


def test_item_printed_without_its_number_is_still_placed():
    v = _consistent_t3(F2021)
    v["t3.result.other.other"] = ["1", "0", "0", "0", "0", "0", "1"]
    v["t3.result.unable.not_held"] = ["0"] * 7
    lines = ["三、收到和处理政府信息公开申请情况"]
    for row in t3_rows(F2021):
        label = "其他" if row.code == "t3.result.other.other" else row.label
        lines.append("| " + label + " | " + " | ".join(v[row.code]) + " |")
    r = parse_document(text_doc("\n".join(lines)))
    assert r.value("t3.result.other.other.natural_person") == 1
    assert r.value("t3.result.other.other.total") == 1


def test_rows_are_not_cut_when_the_text_lost_its_blank_cells():
    # crawler text of a table with empty cells: "12113" is 12, blank×3, 1, blank, 13 — fewer digits
    # than cells. Then "832131201867" (832, 13, blank, 1, 20, 1, 867) must not be read as the cut
    # 832/1/31/2/0/1/867 that happens to add up too.
    flat = FLAT.replace("640020470", "832131201867").replace("二、上年结转政府信息公开申请数量0000000",
                                                                   "二、上年结转政府信息公开申请数量12113")
    r = parse_document(text_doc("2021年某区政府信息公开工作年度报告\n" + flat, "2021_x.txt"))
    assert r.value("t3.new_received.legal.commercial") is None
    assert r.value("t3.carried_over.total") is None
    assert any(f.rule == "P1" and "t3.new_received.total" in f.keys for f in r.findings)
    assert r.value("t3.result.grant.total") is None or r.value("t3.result.grant.total") == 30


def _md_t3_with_a_blank_and_a_lone_number(lone: str, blank_rows: tuple[str, ...] = ("t3.carry_forward",)) -> str:
    """PDF→Markdown shape: one row's 总计 cell printed empty, one number alone on a line of its
    own between two rows of table 三 (pushed out of its cell by the conversion)."""
    v = _consistent_t3(F2021)
    lines = ["三、收到和处理政府信息公开申请情况"]
    for row in t3_rows(F2021):
        vals = list(v[row.code])
        if row.code in blank_rows:
            vals[-1] = ""
        if row.code == "t3.result.total":
            lines.append(lone)
        lines.append("| " + row.label + " | " + " | ".join(vals) + " |")
    return "\n".join(lines)


def test_a_number_pushed_out_of_its_cell_is_put_back_only_by_the_sums():
    from loaders.parse.tables import NOTE_DISPLACED

    r = parse_document(text_doc(_md_t3_with_a_blank_and_a_lone_number("1"), "2022年测试局报告.md"))
    cv = r.cells["t3.carry_forward.total"]
    assert (cv.value, cv.status, cv.note) == (1, ValueStatus.NUMBER, NOTE_DISPLACED)
    assert not any(f.kind == "source" and f.rule.startswith("R") for f in r.findings)
    p1 = [f for f in r.findings if f.rule == "P1" and "t3.carry_forward.total" in f.keys]
    assert p1 and "游离" in p1[0].message  # the placement is shown to the clerk, never silent

    # a lone number the sums do not place stays where it is: the cell is blank, R1 is the source's
    r = parse_document(text_doc(_md_t3_with_a_blank_and_a_lone_number("7"), "2022年测试局报告.md"))
    assert r.cells["t3.carry_forward.total"].status == ValueStatus.BLANK
    assert any(f.kind == "source" and f.rule == "R1" for f in r.findings)

    # two blank cells: blank may be how this table writes 0 — nothing is moved
    text = _md_t3_with_a_blank_and_a_lone_number("1", ("t3.carry_forward", "t3.carried_over"))
    r = parse_document(text_doc(text, "2022年测试局报告.md"))
    assert r.cells["t3.carry_forward.total"].status == ValueStatus.BLANK


def test_traditional_crawler_text_reads_like_the_simplified(tmp_path):
    """A zh-TW mirror of a crawler page: labels that convert only as phrases (反覆 → 反复,
    規範性檔案 → 规范性文件) must still cut the flattened text into its rows."""
    import opencc

    from loaders.parse import parse_file
    from loaders.synth import generate_reports
    from loaders.synth.truth import write_report

    rec = next(r for r in generate_reports(agencies=12, years="2022", seed=9, defect_rate=0.0)
               if r.clean_values["t3.new_received.total"] > 30)
    row = write_report(tmp_path, rec, "txt-crawler")
    simplified = (tmp_path / "raw" / row["file"]).read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(simplified).replace("規範性文件", "規範性檔案")
    assert "反覆" in traditional and "規範性檔案" in traditional
    src = tmp_path / "traditional.txt"
    src.write_text(traditional, encoding="utf-8")
    want = parse_file(tmp_path / "raw" / row["file"]).values()
    got = parse_file(src).values()
    assert got == want
    assert got["t3.result.not_processed.excessive.total"] == rec.values["t3.result.not_processed.excessive.total"]
