"""数据质量: the list a clerk works through — inconsistent reports with their cells, parse-uncertain
cells, reports missing against the roster, reports changed after publication, cross-year breaks."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from dashboard import components, data, state
from dashboard.labels import SEVERITY_NAMES
from dashboard.views import workbench
from loaders.spec import RULE_BY_ID

# (question, heading, what it means for the clerk, columns shown)
# lists whose reports a clerk acts on in 审查工作台: a picker of the list's reports and a link to the one chosen
ACTIONABLE = ("reports_to_return", "parse_uncertain")

SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("reports_to_return", "需退回核实的报告（按报告汇总）",
     "每份数字对不上的报告一行：问题数与每个不成立的等式，可直接下载作为退回单位核实的清单。"),
    ("inconsistent_reports", "不成立的勾稽关系（逐条，含涉及单元格）",
     "报告自身的表格数字不满足格式规定的勾稽关系（R1–R4）。这是源文件的问题：请联系单位核实并更正，"
     "看板不会“修正”原文数字。“涉及单元格”列出等式两边的规范键。"),
    ("parse_uncertain", "识别存疑的单元格",
     "程序读取该处表格时有多种可能或无法确定，需要人工对照原文核对。“可能的读法”列出程序无法取舍的几种读法"
     "（按单元格顺序，以“|”分隔）。"),
    ("missing_reports", "应报未报（对照应报名单）",
     "应报名单中有、但数据仓库中没有该年度年报的单位。"),
    ("changed_reports", "发布后被修改的报告",
     "同一单位同一年度有多个版本的年报；最新版本用于统计，旧版本保留备查。"),
    ("cross_year_breaks", "跨年度衔接问题",
     "本年“上年结转”与上一年“结转下年度继续办理”不一致，或规范性文件存量前后不衔接（W1、W2）。"),
    ("structure_problems", "报告结构问题（章节缺失、顺序、编号）",
     "报告的六个部分未找到、未按顺序排列或标题序号不符（S1–S3）。这是源文件的版式问题，不影响表格数字的读取。"),
    ("copied_reports", "内容雷同（与上一年度或同年度其他单位）",
     "第一、五、六部分正文在去除《条例》原文、标题和各报告通用的套话后，与同一单位上一年度或同年度其他单位的报告高度相似"
     "（C1，相似度为8字片段集合的 Jaccard 系数）。下方可逐份查看两份报告共有的段落（以底色标出）。"),
)


def _rule_names(df: pd.DataFrame) -> pd.DataFrame:
    if "rule" in df:
        df = df.assign(rule=df["rule"].map(lambda r: f"{r} {RULE_BY_ID[r].name}" if r in RULE_BY_ID else r))
    if "severity" in df:
        df = df.assign(severity=df["severity"].map(lambda s: SEVERITY_NAMES.get(s, s)))
    return df


def render() -> None:
    f = state.current()
    f = components.page_header("数据质量", f, "需要核对或退回的报告清单。每个清单都可以下载，交给经办人逐条处理。",
                               switch_applies=False)
    if not data.available() or data.ask_whole("report_years").empty:
        components.empty_state("数据仓库中还没有年报。")
        return
    st.page_link("views/workbench.py", label="到审查工作台逐份处理：核定存疑单元格、确认、退回、复核、归档",
                 icon=":material/fact_check:")
    frames = {name: data.ask(name, f) for name, _, _ in SECTIONS}
    cols = st.columns(len(SECTIONS))
    for col, (name, heading, _) in zip(cols, SECTIONS, strict=True):
        col.metric(heading.split("（")[0], f"{len(frames[name]):,}", border=True)

    sheets: dict[str, pd.DataFrame] = {}
    for name, heading, meaning in SECTIONS:
        df = _rule_names(frames[name])
        st.subheader(heading)
        st.caption(meaning)
        if df.empty:
            st.success("没有发现此类问题。", icon=":material/check_circle:")
            continue
        components.table(df, key=f"q_{name}", height=min(420, 38 + 35 * len(df)))
        if name in ACTIONABLE:
            _workbench_link(df, name)
        out = components.chinese_headers(df)
        sheets[heading.split("（")[0][:31]] = out
        components.download_buttons(out, f"数据质量_{heading.split('（')[0]}_{state.stem(f)}", key=f"q_{name}_dl")

    if not frames["copied_reports"].empty:
        _shared_passages(frames["copied_reports"])

    if sheets:
        st.divider()
        st.download_button("下载全部清单（Excel，每类一个工作表）", components.deferred_xlsx(sheets),
                           file_name=f"数据质量清单_{state.stem(f)}.xlsx", mime=components.XLSX_MIME,
                           key="q_all_xlsx", on_click="ignore", icon=":material/download:", type="primary")


def _workbench_link(df: pd.DataFrame, name: str) -> None:
    """Pick a report of this list and open it in 审查工作台 (where signed-in reviewers act on it)."""
    reports = df[["agency", "year"]].drop_duplicates()
    pairs = list(reports.itertuples(index=False, name=None))
    i = st.selectbox("在审查工作台处理其中一份报告", range(len(pairs)), key=f"q_{name}_pick",
                     format_func=lambda k: workbench.report_label(*pairs[k]))
    workbench.link(*pairs[int(i or 0)], label="打开该报告的审查工作台")


def _prose(report_id: int, f) -> str:
    df = data.ask("report_prose", f, int(report_id))
    return "\n".join(df["text"].fillna("")) if not df.empty else ""


def _shared_passages(copied: pd.DataFrame) -> None:
    """Two reports side by side, the sentences they share highlighted (text Markdown-escaped first)."""
    from warehouse.similarity import highlight_markdown, shared_sentences

    st.subheader("雷同段落对照")
    labels = [f"{r.agency}{r.year}年度 ↔ {r.other_agency}{r.other_year}年度（{r.similarity:.0%}）"
              for r in copied.itertuples(index=False)]
    i = st.selectbox("选择一对报告", range(len(labels)), format_func=lambda k: labels[k], key="q_copied_pick")
    row = copied.iloc[int(i or 0)]
    f = dataclasses.replace(state.current(), leave_out_failing=False)  # every report, as the page's lists
    mine, theirs = _prose(row["report_id"], f), _prose(row["related_report_id"], f)
    left, right = st.columns(2)
    for col, title, text, other in ((left, f"{row['agency']}{row['year']}年度", mine, theirs),
                                    (right, f"{row['other_agency']}{row['other_year']}年度", theirs, mine)):
        with col:
            st.text(title)  # plain text: an agency name is never read as Markdown or HTML
            with st.container(height=420):
                st.markdown(highlight_markdown(text, shared_sentences(text, other)))


if __name__ == "__main__":
    render()
