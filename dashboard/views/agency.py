"""单位详情: one agency across years — its tables as published, indicators, findings, source documents."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components, data, state
from dashboard.labels import FINDING_KIND_NAMES, SEVERITY_NAMES
from dashboard.views import workbench
from loaders.spec import CELLS, F2021, STATUS_NAMES, TABLES, VERSIONS, ValueStatus
from warehouse.filters import HARD_RULES
from warehouse.indicators import INDICATOR_BY_KEY, format_value

# "表二" and "表二 主动公开政府信息情况", from the spec's table titles ("二、主动公开政府信息情况").
_TABLE_NAMES = {t.code: "表" + t.title.split("、", 1)[0] for t in TABLES[F2021]}
_TABLE_TITLES = {t.code: f"{_TABLE_NAMES[t.code]} {t.title.split('、', 1)[1]}" for t in TABLES[F2021]}
# Marks a number that was not read straight out of its own printed cell (split from a run of
# digits, aligned to a detached label, put back by the table's sums …); the notes list says how.
READ_MARK = "※"


def _has_note(c: pd.Series) -> bool:
    return isinstance(c["note"], str) and bool(c["note"]) and str(c["status"]) == ValueStatus.NUMBER


def published_table(cells: pd.DataFrame, fmt: str, table: str) -> pd.DataFrame:
    """One statistical table laid out as the format prints it: rows × columns of the printed text.

    A cell shows exactly what the source printed; a cell not found says so (never a made-up 0).
    """
    by_key = cells.set_index("key")
    rows: dict[str, dict[str, str]] = {}
    for spec in CELLS[fmt]:
        if spec.table != table:
            continue
        row = rows.setdefault(spec.row_label, {})
        if spec.key in by_key.index:
            c = by_key.loc[spec.key]
            status = str(c["status"])
            text = str(c["raw"]) if c["raw"] not in (None, "") and not pd.isna(c["raw"]) else ""
            if status == ValueStatus.MISSING:
                text = f"（{STATUS_NAMES[ValueStatus.MISSING]}）"
            elif not text:
                text = f"（{STATUS_NAMES.get(ValueStatus(status), status)}）"
            elif _has_note(c):
                text = f"{text} {READ_MARK}"
        else:
            text = f"（{STATUS_NAMES[ValueStatus.MISSING]}）"
        row[spec.col_label] = text
    # A row the format prints with fewer columns has no cell under the others: blank, not "None".
    return pd.DataFrame.from_dict(rows, orient="index").fillna("").rename_axis("项目").reset_index()


def reading_notes(cells: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """The numbers marked ※ in the published tables: where each is and how it was read."""
    spec = {c.key: c for c in CELLS[fmt]}
    rows = [
        {"表": _TABLE_NAMES[spec[c["key"]].table], "项目": spec[c["key"]].row_label,
         "列": spec[c["key"]].col_label, "读作": c["value"], "原文": c["raw"], "读取方式": c["note"],
         "位置": c["location"], "规范键": c["key"]}
        for _, c in cells.iterrows() if c["key"] in spec and _has_note(c)
    ]
    return pd.DataFrame(rows, columns=["表", "项目", "列", "读作", "原文", "读取方式", "位置", "规范键"])


def _agency_choice(f) -> tuple[dict[str, str], int]:
    """The agencies to choose from on this page: the one chosen (kept while it is in the sidebar's
    slice) and the first ``state.SEARCH_LIMIT`` of the slice whose name contains the typed text —
    searched in the warehouse, never the whole list. Returns key → display name and the number of
    matches in all."""
    text = st.text_input("搜索单位", key="unit_q", placeholder="输入单位名称中的字词")
    found = data.ask("search_agencies", f, text.strip(), state.SEARCH_LIMIT, True)
    names = dict(zip(found["agency_key"], found["agency"], strict=True)) if len(found) else {}
    current = st.session_state.get("unit") or st.query_params.get("unit")
    if current and current not in names:
        kept = data.ask("agencies_by_key", f, (str(current),))
        if len(kept):  # still in the slice: stays chosen (first), whatever the search shows
            names = {str(kept["agency_key"].iloc[0]): str(kept["agency"].iloc[0]), **names}
    return names, int(found["matches"].iloc[0]) if len(found) else 0


def failing_years(findings: pd.DataFrame, reports: pd.DataFrame) -> dict[int, tuple[int, str]]:
    """year → (current report id, the R1–R4 rules it breaks) for the agency's years whose report's
    own numbers don't add up (``agency_findings`` are the current reports')."""
    if findings.empty:
        return {}
    hard = findings[(findings["kind"] == "source") & findings["rule"].isin(HARD_RULES)]
    current = reports[reports["is_current"]].set_index("year")["report_id"]
    return {int(y): (int(current[y]), "、".join(sorted(set(g["rule"])))) for y, g in hard.groupby("year")
            if y in current.index}


def render() -> None:
    f = state.current()
    # one agency's own documents as published: every report of it is listed, failing ones marked
    f = components.page_header("单位详情", f, switch_applies=False)
    if data.ask_whole("filter_options").empty:
        components.empty_state("数据仓库中还没有任何单位。")
        return
    names, matches = _agency_choice(f)
    if not names:
        components.empty_state("当前筛选条件下没有单位。" if not st.session_state.get("unit_q")
                               else "没有名称含所输入字词的单位。")
        return
    agency_key = st.selectbox("选择单位（可输入名称搜索）", list(names), format_func=names.get, key="unit",
                              bind="query-params")
    if matches > state.SEARCH_LIMIT:
        st.caption(f"符合条件的单位共 {matches:,} 个，列出前 {state.SEARCH_LIMIT} 个；在上方输入名称中的字词可缩小范围。")
    agency = names[agency_key]
    reports = data.ask("agency_reports", f, agency_key)
    if reports.empty:
        components.empty_state("该单位没有入库的年报。")
        return
    stem = agency

    st.subheader("源文件与版本")
    listing = reports[["year", "format", "version", "n_versions", "is_current", "publish_date", "source_name",
                       "file_type", "size_bytes", "ingested_at", "n_errors", "n_warnings", "is_demo"]].copy()
    listing["format"] = listing["format"].map(lambda v: VERSIONS[v].name if v in VERSIONS else v)
    listing["publish_date"] = listing["publish_date"].map(lambda d: "—" if pd.isna(d) else str(d)[:10])
    components.table(listing.rename(columns={"file_type": "文件类型", "size_bytes": "大小（字节）",
                                             "n_errors": "错误数", "n_warnings": "警告数", "is_demo": "示例数据"}),
                     key="ag_reports")
    labels = {int(r.report_id): f"{int(r.year)}年 · 第{int(r.version)}版" + ("（最新）" if r.is_current else "（旧版）")
              + ("" if pd.isna(r.source_name) else f" · {r.source_name}") for r in reports.itertuples()}
    report_id = st.selectbox("查看报告", list(labels), format_func=labels.get, key="ag_report")
    chosen = reports[reports["report_id"] == report_id].iloc[0]
    if chosen["is_current"]:
        workbench.link(names[agency_key], chosen["year"])
    stored = chosen["stored_path"]
    original = None if pd.isna(stored) else data.file_bytes(str(data.original_file(str(stored))), data.version())
    if original is None:
        st.caption("该报告的原始文件未保存在数据仓库中（如快速导入的示例数据），无法下载。")
    else:
        st.download_button(f"下载原始文件：{chosen['source_name']}", original, file_name=str(chosen["source_name"]),
                           key="ag_original", on_click="ignore", icon=":material/download:")

    st.subheader(f"{int(chosen['year'])}年报告的统计表（按原文）")
    fmt = str(chosen["format"])
    cells = data.ask("report_cells", f, int(report_id))
    if fmt not in CELLS:
        st.caption("该报告为2019年以前的格式，没有统一的统计表格。")
    elif cells.empty:
        st.caption("数据仓库中没有该报告的逐单元格记录（如快速导入的示例数据），请看下方的历年指标。")
    else:
        for t, title in _TABLE_TITLES.items():
            with st.expander(title, expanded=t == "t3"):
                pub = published_table(cells, fmt, t)
                components.table(pub, key=f"ag_tbl_{t}")
                components.download_buttons(pub, f"{stem}_{int(chosen['year'])}_{t}", key=f"ag_tbl_{t}_dl")
        notes = reading_notes(cells, fmt)
        if not notes.empty:
            with st.expander(f"{READ_MARK} 读取方式说明（{len(notes)} 个数字不是从单独的表格单元格直接读出）"):
                st.caption("这些数字来自原文，但原文的排版使其不能逐格直接读取：例如一行数字连写在一起、"
                           "标签与数字分离、一行多印了一个数字，程序按下列方式确定其位置。请需要时对照原文核对。")
                components.table(notes, key="ag_read_notes")

    st.subheader("历年指标")
    inds = data.ask("agency_indicators", f, agency_key)
    findings = data.ask("agency_findings", f, agency_key)
    failing = failing_years(findings, reports)
    if inds.empty:
        st.caption("没有可计算的指标。")
    else:
        inds = inds.assign(显示=[format_value(v, u) for v, u in zip(inds["value"], inds["unit"], strict=True)])
        wide = inds.pivot_table(index="name", columns="year", values="显示", aggfunc="first", sort=False)
        wide.columns = [f"{int(y)}年" + (f" {components.MARK}" if int(y) in failing else "") for y in wide.columns]
        wide = wide.reset_index().rename(columns={"name": "指标"})
        components.table(wide, key="ag_indicators")
        with st.expander("指标定义"):
            defs = pd.DataFrame([{"指标": INDICATOR_BY_KEY[k].name, "定义": components.definition(k)}
                                 for k in dict.fromkeys(inds["indicator"])])
            components.table(defs, key="ag_definitions")
        components.download_buttons(wide, f"{stem}_历年指标", key="ag_ind_dl")
        if failing:
            st.caption("；".join(f"{components.MARK} {y}年报告（报告编号 {rid}）表格勾稽关系不成立（{rules}），"
                                 "该年指标按报告原数计算，请对照下方校验发现"
                                 for y, (rid, rules) in sorted(failing.items())) + "。")

    st.subheader("校验发现")
    if findings.empty:
        st.success("该单位的报告没有校验发现：表格勾稽关系全部成立。", icon=":material/check_circle:")
    else:
        findings = findings.assign(severity=findings["severity"].map(lambda v: SEVERITY_NAMES.get(v, v)),
                                   kind=findings["kind"].map(lambda v: FINDING_KIND_NAMES.get(v, v)))
        components.table(findings.rename(columns={"kind": "类型", "scope": "范围"}), key="ag_findings")
        components.download_buttons(components.chinese_headers(findings), f"{stem}_校验发现", key="ag_findings_dl")


if __name__ == "__main__":
    render()
