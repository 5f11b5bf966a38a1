"""全省汇总: the office's own deliverable — tables 二, 三 and 四 of one year summed over every report
in the selection, in that year's official layout, with the reports summed and those left out and
why, the standard summary sentences (each number traceable), and XLSX / DOCX downloads."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from dashboard import components, data, state
from loaders.spec import VERSIONS
from warehouse import export, summary
from warehouse.quality_marks import INFLUENCE_SHARE

_REASONS = {"format": "报告格式与该年度的统计表格式不同，不能并入同一张表",
            "failing": "报告自身的表格勾稽关系不成立（R1–R4），已按设置剔除"}


def scope_name(f) -> str:
    """How the sentences name the selection: 全省, the city or county chosen, or 所选单位."""
    if f.agencies:
        return "所选单位"
    for chosen in (f.counties, f.cities):
        if chosen:
            return "、".join(chosen)
    return "全省"


def _shown(df: pd.DataFrame) -> pd.DataFrame:
    """For the screen grid: every cell as text (numbers with thousands separators)."""
    return df.map(lambda v: v if isinstance(v, str) else f"{v:,}")


def _quality_frame(marks: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """One row per (cell, failing report) of ``quality_marks.summary_influence``: where the cell is,
    the sum with and without the report, which report."""
    cols = ["表", "项目", "列", "含该报告", "不含该报告", "单位", "报告编号", "说明", "规范键"]
    rows = []
    for m in marks.itertuples(index=False):
        table, row, col = summary.cell_place(fmt, m.alias)
        note = f"{m.agency}（报告编号 {m.report_id}）表格勾稽关系不成立，含该报告为 {m.value:,.0f}，不含为 {m.without:,.0f}"
        rows.append((table, row, col, m.value, m.without, m.agency, m.report_id, note, m.alias))
    return pd.DataFrame(rows, columns=cols)


def quality_lines(quality: pd.DataFrame) -> list[str]:
    """The marks as sentences for the Word file (where the tables carry no symbol)."""
    return [f"{r.表}“{r.项目}”·{r.列}：{r.说明}。" for r in quality.itertuples(index=False)]


def render() -> None:
    f = state.current()
    components.page_header("全省汇总", f, "按当年统计表的格式，把所选范围内各单位年报的表二、表三、表四逐格相加，"
                                          "得出本地区的汇总表，可直接用于编写年度报告。")
    years_df = data.ask_whole("report_years")
    years = [int(y) for y in years_df["year"]] if not years_df.empty else []
    years = [y for y in years if (f.year_from is None or y >= f.year_from) and (f.year_to is None or y <= f.year_to)]
    years = [y for y in years if summary.format_of_year(y)]
    if not years:
        components.empty_state("所选年份没有2019年及以后格式的年报。")
        return
    year = st.selectbox("汇总年度", years[::-1], format_func=lambda y: f"{y}年", key="sm_year", bind="query-params")
    # The sidebar's quality switch decides; the reports it leaves out are listed below with why,
    # so the queries see the slice with them and mark them (never silently absent).
    leave_out = f.leave_out_failing
    f = dataclasses.replace(f, leave_out_failing=False)
    fmt = summary.format_of_year(year)
    # The page counts the reports summed and lists those left out; the list of every report (one row per
    # agency: ~150k in a national slice) is asked when the workbook is downloaded.
    counts = data.ask("summary_report_counts", f, year, leave_out).iloc[0]
    n_included = int(counts["included"])
    if not n_included:
        components.empty_state(f"{year}年在当前筛选条件下没有可汇总的年报。")
        return
    cells = data.ask("summary_cells", f, year, leave_out)
    values = dict(zip(cells["key"], cells["value"], strict=True))
    left_out = data.ask("summary_reports", f, year, leave_out, True)

    m1, m2 = st.columns(2)
    m1.metric("汇总的报告数", f"{n_included:,}", border=True)
    m2.metric("未计入的报告数", f"{len(left_out):,}", border=True)
    st.caption(f"{year}年度按《{VERSIONS[fmt].name}》的表格汇总；每格为所选报告该格数字之和，"
               f"“{summary.NOT_PRINTED}”表示所选报告均未填报该格（不计为0），空白表示该格式没有此格。")

    # a summed cell one failing report (R1–R4, counted: the switch is off) moves by more than the set share
    marks = data.ask("summary_influence", dataclasses.replace(f, leave_out_failing=leave_out), year)
    marked = set(marks["alias"])
    titles = summary.table_titles(fmt)
    tables = [(titles[t], summary.layout(values, fmt, t)) for t in titles]
    for i, ((title, df), t) in enumerate(zip(tables, titles, strict=True)):
        st.subheader(title)
        st.dataframe(summary.mark_cells(_shown(df), fmt, t, marked, components.MARK), hide_index=True,
                     key=f"sm_table_{i}")
    quality = _quality_frame(marks, fmt)
    if not quality.empty:
        st.caption(f"{components.MARK} 标记的 {len(marked)} 个数字中，有一份表格勾稽关系不成立（R1–R4）的报告"
                   f"使该数字变化超过 {INFLUENCE_SHARE:.0%}：")
        components.table(quality, key="sm_quality")

    st.subheader("汇总说明（自动生成）")
    prev_fmt = summary.format_of_year(year - 1)
    n_prev = int(data.ask("summary_report_counts", f, year - 1, leave_out).iloc[0]["included"]) if prev_fmt else 0
    prev = None
    if n_prev:
        prev_cells = data.ask("summary_cells", f, year - 1, leave_out)
        prev = dict(zip(prev_cells["key"], prev_cells["value"], strict=True))
    same = None
    if prev is not None and st.toggle("同比用同口径（只比较两年都有年报的单位）", key="sm_same", bind="query-params",
                                      help="两年报送年报的单位不完全相同时，总数的同比含单位增减的影响"):
        keys = tuple(data.ask("summary_same_agencies", f, year, leave_out)["agency_key"])
        if keys:
            both = dataclasses.replace(f, agency_keys=keys)
            now_cells = data.ask("summary_cells", both, year, leave_out)
            before_cells = data.ask("summary_cells", both, year - 1, leave_out)
            same = summary.SameAgencies(dict(zip(now_cells["key"], now_cells["value"], strict=True)),
                                        dict(zip(before_cells["key"], before_cells["value"], strict=True)), len(keys))
        else:
            st.caption(f"没有{year - 1}年和{year}年都有年报的单位，无法按同口径比较。")
    said = summary.sentences(values, prev, fmt=fmt, prev_fmt=prev_fmt if prev else None, scope=scope_name(f),
                             year=year, n_cur=n_included, n_prev=n_prev, same=same)
    for text, _ in said:
        st.text(text)
    trace = summary.trace_frame(said)
    notes_by_key = quality.groupby("规范键")["说明"].agg("；".join) if not quality.empty else pd.Series(dtype=str)
    keys = [fg.key for _, figs in said for fg in figs]
    trace["数据质量"] = [notes_by_key.get(k, "") if k else "" for k in keys]
    with st.expander("每个数字的来源"):
        components.table(trace, key="sm_trace")

    notes = [text for text, _ in said]
    scope_lines = [f"{k}：{v}" for k, v in state.describe(f) if v != "全部"]
    scope_lines += [f"汇总年度：{year}年（{VERSIONS[fmt].name}）", f"汇总报告数：{n_included}份；未计入：{len(left_out)}份",
                    f"数据版本：{data.version()}"]
    if not left_out.empty:
        st.subheader("未计入的报告")
        shown = left_out.assign(reason=left_out["reason"].map(_REASONS)).drop(columns=["included"])
        components.table(shown.rename(columns={"reason": "未计入原因"}), key="sm_left_out")

    stem = f"全省汇总_{year}_{state.stem(f)}"
    sheets = {title.split("、", 1)[0] and f"表{title.split('、', 1)[0]}": df for title, df in tables}
    sheets["汇总说明"] = pd.DataFrame({"汇总说明": notes})
    if not quality.empty:
        sheets["数据质量标记"] = quality
    sheets["数字来源"] = trace
    every_report = data.later("summary_reports", f, year, leave_out)

    def workbook() -> bytes:  # on click, off the script thread: the list of every report asked then
        reports = every_report()
        listed = components.chinese_headers(
            reports.assign(included=reports["included"].map({True: "计入", False: "未计入"}),
                           reason=reports["reason"].map(_REASONS)).rename(columns={"included": "是否计入",
                                                                                  "reason": "未计入原因"}))
        return export.to_xlsx_bytes({**sheets, "计入与未计入的报告": listed}, f, data_version=version)

    version = data.version()
    d1, d2 = st.columns(2)
    d1.download_button("下载汇总表 Excel", workbook,
                       file_name=f"{stem}.xlsx", mime=components.XLSX_MIME, key="sm_xlsx", on_click="ignore",
                       icon=":material/download:")
    d2.download_button("下载汇总表 Word", lambda: summary.to_docx_bytes(f"{year}年度政府信息公开工作年度报告汇总表",
                                                                      scope_lines, tables, notes,
                                                                      quality_lines(quality)),
                       file_name=f"{stem}.docx", key="sm_docx", on_click="ignore", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


if __name__ == "__main__":
    render()
