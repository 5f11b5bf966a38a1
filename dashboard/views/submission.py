"""报送情况: per year and region, units required / received / on time / late / date unknown /
missing against the roster (应报名单); the list of units to chase, downloadable, and a 催报 notice."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import actions, auth, charts, components, data, state
from dashboard.chase_notice import chase_notice_docx
from loaders.spec.agencies import CATEGORIES, LEVEL_NAMES, LEVELS
from loaders.spec.deadlines import ANY_CLASS, DEADLINE_CLASS_BY_CODE, DEADLINE_CLASSES
from warehouse import inbox, roster_edit
from warehouse.filters import Filters
from warehouse.roster import CANDIDATE_SCORE

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIGURES = (("required", "应报"), ("received", "已报"), ("on_time", "按时"), ("late", "逾期"),
           ("date_unknown", "日期不明"), ("missing", "未报送"), ("to_confirm", "相似名称待确认"))
# A fixed colour per status (Okabe–Ito, as the other charts).
STATUS_COLOURS = {"按时": "#009E73", "逾期": "#D55E00", "日期不明": "#E69F00", "未报送": "#999999"}
ENTRY_SHOWN = ["agency", "year", "region", "level", "deadline_class", "deadline", "publish_date", "date_source",
               "status", "days_late", "basis"]


def _classes(df: pd.DataFrame) -> pd.DataFrame:
    if "deadline_class" in df:
        df = df.assign(deadline_class=df["deadline_class"].map(
            lambda c: DEADLINE_CLASS_BY_CODE[c].name if c in DEADLINE_CLASS_BY_CODE else c))
    return df


def render() -> None:
    f = state.current()
    f = components.page_header(
        "报送情况", f,
        "对照应报名单，看各单位是否按期公布上一年度的年度报告。截止日期按《条例》第四十九条（部门及机构为次年1月31日，"
        "县级以上人民政府本级为次年3月31日），或按本机关为某一层级设定的日期。", switch_applies=False)
    if not data.available():
        components.empty_state("尚未找到数据仓库。")
        return
    _roster_import()
    _roster_edit()
    s = data.ask("summary", f)
    if s.empty:
        components.empty_state("当前范围内没有应报名单。请先导入名单：`python -m warehouse roster --db 仓库.duckdb 应报名单.xlsx`。")
        return
    totals = s[[c for c, _ in FIGURES]].sum()
    cols = st.columns(len(FIGURES))
    for col, (c, name) in zip(cols, FIGURES, strict=True):
        col.metric(name, f"{int(totals[c]):,}", border=True)
    st.caption("“已报”= 按时 + 逾期 + 日期不明。发布日期取各单位首次发布的报告，来源依次为网页发布日期（CMS）、收件清单、报告落款日期；"
               "都没有时记为“日期不明”，不作推测。名称相近但不完全一致的报告不算已报，需经办人确认。")

    st.subheader("历年报送情况")
    by_year = s.groupby("year", as_index=False)[["on_time", "late", "date_unknown", "missing"]].sum()
    long = by_year.melt(id_vars="year", var_name="status", value_name="units")
    names = dict(FIGURES)
    long = long.assign(status=long["status"].map(names), year=long["year"].astype(int).astype(str) + "年")
    fig = charts.stacked_bar(long, x="year", y="units", colour="status", title="各年度应报单位的报送状态（个）",
                             colours=STATUS_COLOURS, order=[names[c] for c in ("on_time", "late", "date_unknown", "missing")])
    components.chart_block(fig, by_year, key="sub_years", stem=f"报送情况_历年_{state.stem(f)}",
                           definition="应报 = 名单中该年度的单位数；已报 = 按时 + 逾期 + 日期不明；未报送 = 应报 − 已报。")

    st.subheader("按年度和地区")
    components.table(s, key="sub_summary")
    components.download_buttons(components.chinese_headers(s), f"报送情况_汇总_{state.stem(f)}", key="sub_summary_dl")

    st.subheader("催报名单（未报送与逾期）")
    chase = data.ask("chase_list", f)
    if chase.empty:
        st.success("当前范围内所有应报单位均已按时报送。", icon=":material/check_circle:")
    else:
        shown = _classes(chase[ENTRY_SHOWN]).astype(object)
        shown = shown.where(shown.notna(), "—")  # no date / not late: a dash, never "None" or 0
        components.table(shown, key="sub_chase", height=min(420, 38 + 35 * len(shown)))
        out = components.chinese_headers(components.display_table(shown))
        components.download_buttons(out, f"催报名单_{state.stem(f)}", key="sub_chase_dl")
        st.download_button("生成催报通知（Word）", lambda: chase_notice_docx(chase), file_name=f"催报通知_{state.stem(f)}.docx",
                           mime=DOCX_MIME, key="sub_notice", on_click="ignore", icon=":material/description:",
                           type="primary")

    st.subheader("名称相近、待确认的报告")
    st.caption(f"名单单位在该年度没有同名报告，但有名称相似度不低于 {CANDIDATE_SCORE:.0f}（满分100）的报告。确认后计为已报；"
               "命令：`python -m warehouse roster-confirm --db 仓库.duckdb --agency 单位 --year 年度 --province 省 --city 市 "
               "--report-id 编号`（加 `--reject` 为否定）。")
    cand = data.ask("match_candidates", f)
    if cand.empty:
        st.success("没有待确认的相近名称。", icon=":material/check_circle:")
    else:
        components.table(cand, key="sub_cand")
        components.download_buttons(components.chinese_headers(cand), f"待确认匹配_{state.stem(f)}", key="sub_cand_dl")
        if auth.can_current_act():
            _confirm(cand)

    st.subheader("不在名单中的报告")
    st.caption("名单所列年度中收到、但与名单中任何单位都对应不上的报告（最新版本）。")
    un = data.ask("unmatched_reports", f)
    if un.empty:
        st.success("所有报告都对应到了名单中的单位。", icon=":material/check_circle:")
    else:
        components.table(un, key="sub_unmatched")
        components.download_buttons(components.chinese_headers(un), f"名单外报告_{state.stem(f)}", key="sub_unmatched_dl")

    with st.expander("报送期限", expanded=False):
        rows = [{"期限类别": c.name, "截止日期": f"次年{c.month}月{c.day}日", "依据": c.basis} for c in DEADLINE_CLASSES]
        st.dataframe(pd.DataFrame(rows), hide_index=True)
        ov = data.ask("deadline_settings", f)
        if ov.empty:
            st.caption("本机关未另行设定期限。设定命令：`python -m warehouse deadline --db 仓库.duckdb --level 县级 --date 02-28`。")
        else:
            st.dataframe(pd.DataFrame({
                "层级": ov["level"].map(lambda v: LEVEL_NAMES.get(v, v)),
                "期限类别": ov["deadline_class"].map(
                    lambda c: "全部" if c == ANY_CLASS else DEADLINE_CLASS_BY_CODE[c].name if c in DEADLINE_CLASS_BY_CODE else c),
                "截止日期": [f"次年{m}月{d}日" for m, d in zip(ov["month"], ov["day"], strict=True)],
            }), hide_index=True)


def _roster_import() -> None:
    """Signed-in reviewers load a roster file here; the writer imports it (replaces those years)."""
    if not auth.can_current_act():
        return
    with st.expander("导入应报名单（Excel 或 CSV）", icon=":material/upload_file:"):
        st.caption("表头：单位名称、年度（必填），地区、层级、类别、期限类别（可选）。导入后替换文件中所列年度的名单。")
        with st.form("sub_roster_form", clear_on_submit=True, border=False):
            up = st.file_uploader("名单文件", type=["xlsx", "csv"], key="sub_roster_file")
            go = st.form_submit_button("导入名单", icon=":material/upload:")
        if go:
            if up is None:
                st.error("请选择名单文件。")
            else:
                actions.submit(inbox.ROSTER, files=[(up.name, up.getvalue())])
    actions.status()


_KEEP = "（不变）"


def _roster_edit() -> None:
    """Signed-in reviewers edit the roster here (the writer carries it out); everyone sees its history."""
    if auth.can_current_act():
        with st.expander("编辑应报名单（新增、停报、更名、修改属性）", icon=":material/edit_note:"):
            _edit_form()
    hist, names = data.ask("roster_history", Filters()), data.ask("roster_former_names", Filters())
    if not hist.empty or not names.empty:
        with st.expander("名单变更记录与曾用名", icon=":material/history:"):
            if not names.empty:
                st.caption("更名单位的曾用名：以曾用名发布的报告仍计入该单位。")
                st.dataframe(names.rename(columns={"agency": "现名称", "old_name": "曾用名", "from_year": "自年度起更名",
                                                   "renamed_by": "操作人", "renamed_at": "时间"}), hide_index=True,
                             key="sub_former_names")
            if not hist.empty:
                st.dataframe(hist.assign(action=hist["action"].map(lambda a: roster_edit.ACTION_NAMES.get(a, a)))
                             .rename(columns={"edit_id": "序号", "action": "操作", "agency": "单位", "from_year": "自年度起",
                                              "detail": "内容", "edited_by": "操作人", "edited_at": "时间"}),
                             hide_index=True, key="sub_roster_history")


def _edit_form() -> None:
    units = data.ask("roster_units", Filters())
    action = st.radio("操作", list(roster_edit.ACTION_NAMES), format_func=roster_edit.ACTION_NAMES.get,
                      horizontal=True, key="sub_edit_action")
    levels = [_KEEP, *[n for _, n in LEVELS]]
    cats = [_KEEP, *[c.name for c in CATEGORIES]]
    classes = [_KEEP, *[c.name for c in DEADLINE_CLASSES]]
    with st.form("sub_edit_form", clear_on_submit=True, border=False):
        params: dict = {"action": action}
        if action == roster_edit.ADD:
            params["agency"] = st.text_input("单位名称", key="sub_edit_name")
            years = st.text_input("应报年度（多个用逗号分隔）", key="sub_edit_years")
        else:
            units = units.assign(region=units["region"].map(lambda v: v if isinstance(v, str) and v else None))
            labels = [f"{r.agency}（{r.region or '地区未注明'}，{r.first_year}–{r.last_year}年度）"
                      for r in units.itertuples(index=False)]
            k = st.selectbox("单位", range(len(labels)), format_func=lambda i: labels[i], key="sub_edit_unit",
                             index=None, placeholder="选择名单中的单位")
            if k is not None:
                params.update(agency=units.iloc[k]["agency"], unit_region=units.iloc[k]["region"])
            params["from_year"] = st.number_input("自年度起生效", min_value=2000, max_value=2100, value=2024, step=1,
                                                  key="sub_edit_from")
        if action == roster_edit.RENAME:
            params["new_name"] = st.text_input("新名称", key="sub_edit_new_name")
        if action in (roster_edit.ADD, roster_edit.UPDATE):
            region = st.text_input("地区（如 某某省某某市）", key="sub_edit_region")
            c1, c2, c3 = st.columns(3)
            level = c1.selectbox("层级", levels, key="sub_edit_level")
            cat = c2.selectbox("类别", cats, key="sub_edit_category")
            cls = c3.selectbox("期限类别", classes, key="sub_edit_class")
            params["attrs"] = {"region": region, "level": None if level == _KEEP else level,
                               "category": None if cat == _KEEP else cat,
                               "deadline_class": None if cls == _KEEP else cls}
        go = st.form_submit_button("提交修改", icon=":material/save:")
    if go:
        if action == roster_edit.ADD:
            try:
                params["years"] = [int(y) for y in years.replace("，", ",").split(",") if y.strip()]
            except ValueError:
                st.error("年度应为数字，如 2024,2025。")
                return
        elif not params.get("agency"):
            st.error("请选择单位。")
            return
        else:
            params["from_year"] = int(params["from_year"])
        actions.submit(inbox.ROSTER_EDIT, params=params)


def _confirm(cand: pd.DataFrame) -> None:
    """A clerk's decision on one candidate: the same unit (counts as received) or not (not offered again)."""
    labels = [f"{r.agency}（{r.year}年度）↔ {r.report_agency}（报告 {r.report_id}，相似度 {r.score:.0f}）"
              for r in cand.itertuples(index=False)]
    i = st.selectbox("选择一条候选", range(len(labels)), format_func=lambda k: labels[k], key="sub_cand_pick")
    row = cand.iloc[int(i or 0)]
    params = {"agency": row["agency"], "year": int(row["year"]), "province": row["province"] or None,
              "city": row["city"] or None, "report_id": int(row["report_id"])}
    c1, c2 = st.columns(2)
    if c1.button("确认为同一单位", key="sub_cand_yes", icon=":material/check:"):
        actions.submit(inbox.CONFIRM, params={**params, "decision": "confirmed"})
    if c2.button("不是同一单位", key="sub_cand_no", icon=":material/close:"):
        actions.submit(inbox.CONFIRM, params={**params, "decision": "rejected"})


if __name__ == "__main__":
    render()
