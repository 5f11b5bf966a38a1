"""审查工作台: the review queue per report and the actions on it — resolve a cell, judge a finding,
send back (退回 notice DOCX + batch XLSX), re-check a corrected version, archive; undo and history.

Viewing needs no account. Every action calls ``auth.require`` on the server before it records
anything (a hidden button is not the check). Decisions go to the journal (``warehouse.review``):
the source values stay as read; the page shows the decided values at once.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from dashboard import auth, components, data, equations, notice, original, state
from loaders.spec import PARSE, RULE_BY_ID
from loaders.spec.tables import CELL_BY_KEY
from warehouse import review, review_file

_FLASH = "_wb_flash"
STATUS_NAMES = {s: (review.CORRECTED_LABEL if s == review.CORRECTED else s) for s in review.CASE_STATUSES}
EFFECTS = {"resolved": "按人工核定值已成立", "introduced": "按人工核定值不成立（新）"}
TYPED = "__typed__"  # the "type the value" choice among the candidate readings
QUEUE_COLUMNS = {"agency": "单位", "year": "年度", "status": "状态", "n_errors": "错误数", "n_warnings": "警告数",
                 "n_copied": "内容雷同", "n_parse_issues": "待核识别存疑",
                 "n_source_changed": "读取已变化", "version": "版本", "deadline": "整改期限", "reviewer": "审查人"}


def report_label(agency: object, year: object) -> str:
    """How 选择报告 names a report; also the value of ``?report=`` (Streamlit binds a selectbox to
    the URL by the shown label), so other pages link straight to a report with it."""
    return f"{agency} · {int(year) if pd.notna(year) else '—'}年"


def link(report_agency: object, report_year: object, label: str = "在审查工作台处理该报告") -> None:
    """A link from another page (数据质量, 单位详情) to this report in the workbench."""
    st.page_link("views/workbench.py", label=label, icon=":material/fact_check:",
                 query_params={"report": report_label(report_agency, report_year)})


def _flash(message: str) -> None:
    st.session_state[_FLASH] = message


def _act(**fields: object) -> review.Decision:
    """Record one decision as the signed-in reviewer (checked on the server, now)."""
    db = data.db_path()
    user = auth.require(db, "reviewer")
    return review.record(db, reviewer=user.name, **fields)  # type: ignore[arg-type]


def _parse_value(text: str) -> tuple[str, float | None]:
    """A typed cell value: a number, or 空白 (blank). Raises ValueError with a Chinese message."""
    t = (text or "").strip().replace(",", "").replace("，", "")
    if t in ("", "空白", "空"):
        return "blank", None
    try:
        v = float(t)
    except ValueError:
        raise ValueError(f"「{text}」不是数字（留空或填“空白”表示该格空白）") from None
    if v != v or abs(v) > 1e12:
        raise ValueError(f"「{text}」不是有效数字")
    return "number", v


def _values(cells: pd.DataFrame) -> dict[str, float | None]:
    """The report's values in force: a decided value where a reviewer decided one, else as read."""
    out: dict[str, float | None] = {}
    for c in cells.itertuples():
        decided = isinstance(c.decision_id, str)
        v = c.reviewed_value if decided else c.value
        out[c.key] = None if pd.isna(v) else float(v)
    return out


def render() -> None:
    f = state.current()
    f = components.page_header("审查工作台", f, "逐份报告处理：核定识别存疑的单元格，判断校验发现，退回整改，复核新版本，归档。",
                               switch_applies=False)
    if msg := st.session_state.pop(_FLASH, None):
        st.success(msg, icon=":material/check_circle:")
    queue = data.ask("review_queue", f)
    if queue.empty:
        components.empty_state("当前筛选范围内没有需要审查的报告。")
        return
    counts = queue["status"].value_counts()
    for col, s in zip(st.columns(len(review.CASE_STATUSES)), review.CASE_STATUSES, strict=True):
        col.metric(s, int(counts.get(s, 0)))
    if n_changed := int(queue["n_source_changed"].sum()):
        st.warning(f"有 {n_changed} 个人工核定的单元格在重新解析后读取值已变化（见队列「读取已变化」列），请复核这些核定。",
                   icon=":material/sync_problem:")
    if not auth.can_current_act():
        st.info("查看不需要登录；核定、判断、退回、复核等操作需要在侧栏以审查员账号登录。", icon=":material/lock:")

    chosen = st.multiselect("按状态筛选", list(review.CASE_STATUSES), format_func=STATUS_NAMES.get,
                            placeholder="全部状态", key="wb_status")
    shown = queue[queue["status"].isin(chosen)] if chosen else queue
    table = shown.assign(status=shown["status"].map(STATUS_NAMES))
    components.table(table[list(QUEUE_COLUMNS)].rename(columns=QUEUE_COLUMNS), key="wb_queue")
    if shown.empty:
        st.caption("没有该状态的报告。")
        _round_downloads(f)
        return

    # The label carries no status: an action changes the status, and a changed label would make
    # Streamlit treat the selectbox as a new widget and drop the clerk back to the first report.
    labels = {str(r.report_id): report_label(r.agency, r.year) for r in shown.itertuples()}
    rid = st.selectbox("选择报告", list(labels), format_func=labels.get, key="report", bind="query-params")
    row = shown[shown["report_id"].astype(str) == rid].iloc[0]
    _report(f, row)
    _round_downloads(f)


def _report(f, row: pd.Series) -> None:
    rid = int(row["report_id"])
    doc = data.ask("report_document", f, rid).iloc[0]
    cells = data.ask("report_cells_reviewed", f, rid)
    findings = data.ask("report_review_findings", f, rid)
    fmt = str(doc["format"])
    values = _values(cells)
    can = auth.can_current_act()
    st.subheader(f"{doc['agency']} · {int(doc['year']) if pd.notna(doc['year']) else '—'}年 · 第{int(doc['version'])}版")
    st.caption(f"文件：{doc['source_name']}　·　状态：{STATUS_NAMES[row['status']]}")

    parse = findings[findings["kind"] == PARSE]
    source = findings[findings["kind"] != PARSE]
    _uncertain_cells(doc, fmt, parse, cells, values, can)
    _findings(doc, fmt, source, values, can)
    _cell_editor(doc, fmt, cells, values, can)
    _case(f, row, doc, fmt, source, values, can)
    _history(f, doc, row, can)


# ------------------------------------------------------------------ 识别存疑的单元格


def _readings(fi: pd.Series) -> list[list[float | None]]:
    try:
        rs = json.loads(fi["candidates"]) if isinstance(fi["candidates"], str) else []
    except ValueError:
        return []
    keys = list(fi["keys"])
    return [r for r in rs if isinstance(r, list) and len(r) == len(keys)]


def _run_of(readings: list[list[float | None]], cells: pd.DataFrame, keys: list[str]) -> str:
    """The printed run of digits to look for in the original: the raw text of the cells, or the
    digits every reading splits."""
    raws = [str(r) for r in cells[cells["key"].isin(keys)]["raw"].dropna() if str(r).strip()]
    if raws:
        return raws[0]
    if readings:
        return "".join(equations.number(v) for v in readings[0] if v is not None)
    return ""


@st.cache_data(max_entries=64, show_spinner=False)
def _excerpt(path: str, file_type: str, run: str, near: str, location: str, version: str) -> original.Excerpt:
    from pathlib import Path

    try:
        return original.excerpt(Path(path), file_type, run, near, location)
    except Exception:  # an original the readers cannot open again: say so, do not fail the page
        return original.Excerpt("none")


def _show_original(doc: pd.Series, run: str, near: str, location: str) -> None:
    if pd.isna(doc["stored_path"]):
        st.caption("原始文件未保存在数据仓库中，无法对照原文。")
        return
    ex = _excerpt(str(data.original_file(str(doc["stored_path"]))), str(doc["file_type"]), run, near, location,
                  data.version())
    if ex.kind == "image":
        st.image(ex.png, caption=f"原文第 {ex.page} 页（红框为「{run}」）")
    elif ex.kind == "text":
        st.caption("原文摘录（【】内为待核对的文字）" if ex.found else f"原文中未找到「{run}」，以下为该行附近的原文：")
        st.text(ex.text)
    else:
        st.caption("无法显示原文。")


def _uncertain_cells(doc, fmt, parse: pd.DataFrame, cells, values, can: bool) -> None:
    st.markdown("#### 识别存疑的单元格")
    resolvable = parse[parse["keys"].map(len) > 0]
    if resolvable.empty:
        st.caption("没有识别存疑的单元格。")
        return
    labels = {i: f"{fi['location']}：{fi['message']}" + ("（已核定）" if _decided(cells, fi["keys"]) else "")
              for i, fi in resolvable.iterrows()}
    i = st.selectbox("存疑项", list(labels), format_func=labels.get, key="wb_uncertain")
    fi = resolvable.loc[i]
    keys = list(fi["keys"])
    readings = _readings(fi)
    grid = pd.DataFrame({"单元格": [equations.cell_label(fmt, k) for k in keys],
                         "当前值": [equations.number(values.get(k)) for k in keys],
                         **{f"读法{n}": [equations.number(v) for v in r] for n, r in enumerate(readings, 1)}})
    st.dataframe(grid, hide_index=True, key="wb_readings")
    run = _run_of(readings, cells, keys)
    near = CELL_BY_KEY.get(fmt, {}).get(keys[0]).row_label if keys[0] in CELL_BY_KEY.get(fmt, {}) else ""
    _show_original(doc, run, near.split("（")[0][-6:], str(fi["location"] or ""))
    if not can:
        return
    options = [*range(len(readings)), TYPED]
    with st.form("wb_resolve"):
        pick = st.radio("选择读法", options, key="wb_pick", horizontal=True,
                        format_func=lambda o: "自己输入" if o == TYPED else
                        f"读法{o + 1}：" + " | ".join(equations.number(v) for v in readings[o]))
        typed = [st.text_input(f"自己输入：{equations.cell_label(fmt, k)}", key=f"wb_typed_{n}")
                 for n, k in enumerate(keys)]
        note = st.text_input("说明（可选）", key="wb_resolve_note", max_chars=500)
        force = st.checkbox("即使破坏原本成立的勾稽关系也保存", key="wb_resolve_force")
        submitted = st.form_submit_button("保存核定")
    if submitted:
        try:
            chosen = ([_parse_value(t) for t in typed] if pick == TYPED else
                      [("blank", None) if v is None else ("number", float(v)) for v in readings[int(pick)]])
        except ValueError as e:
            st.error(str(e))
            return
        _save_cells(doc, fmt, cells, values, dict(zip(keys, chosen, strict=True)), note, force)


def _decided(cells: pd.DataFrame, keys) -> bool:
    sub = cells[cells["key"].isin(list(keys))]
    return bool(len(sub)) and sub["decision_id"].map(lambda v: isinstance(v, str)).all()


def _save_cells(doc, fmt, cells, values, chosen: dict[str, tuple[str, float | None]], note: str, force: bool) -> None:
    after = {**values, **{k: v for k, (_, v) in chosen.items()}}
    broken = equations.newly_broken(fmt, values, after)
    if broken and not force:
        st.warning("这样保存会使下列原本成立的勾稽关系不再成立；请核对原文。确认无误请勾选“即使破坏…也保存”后再保存：\n\n"
                   + "\n".join(f"- {equations.describe(fmt, c, after)}" for c in broken), icon=":material/warning:")
        return
    source = cells.set_index("key")
    for key, (status, v) in chosen.items():
        pv = source["value"].get(key) if key in source.index else None
        _act(kind=review.CELL, target=key, sha256=str(doc["sha256"]), action=status, value=v,
             parser_value=None if pv is None or pd.isna(pv) else float(pv),
             parser_status=str(source["status"].get(key)) if key in source.index else None, note=note)
    _flash(f"已保存 {len(chosen)} 个单元格的核定值（人工核定）。")
    st.rerun()


# ------------------------------------------------------------------ 任意单元格


def _cell_editor(doc, fmt, cells: pd.DataFrame, values, can: bool) -> None:
    st.markdown("#### 人工核定的单元格")
    decided = cells[cells["decision_id"].map(lambda v: isinstance(v, str))]
    if decided.empty:
        st.caption("该报告还没有人工核定的单元格。")
    else:
        shown = pd.DataFrame({
            "单元格": [equations.cell_label(fmt, k) for k in decided["key"]],
            "原文读取值": [equations.number(None if pd.isna(v) else v) for v in decided["value"]],
            "人工核定值": [equations.number(None if pd.isna(v) else v) for v in decided["reviewed_value"]],
            "核定人": decided["reviewer"], "核定时间": decided["decided_at"].astype(str).str[:16],
            "说明": decided["review_note"],
            "原文读取已变化": decided["source_changed"].map({True: "是（重新解析后读取值变化）", False: ""}),
        })
        st.dataframe(shown, hide_index=True, key="wb_decided")
    if not can or cells.empty or fmt not in CELL_BY_KEY:
        return
    with st.expander("更正一个单元格（读取问题）"):
        with st.form("wb_cell"):
            key = st.selectbox("单元格", list(cells["key"]), format_func=lambda k: equations.cell_label(fmt, k),
                               key="wb_cell_key")
            text = st.text_input("原文中的数值（留空或“空白”表示空白）", key="wb_cell_value")
            note = st.text_input("说明（可选）", key="wb_cell_note", max_chars=500)
            force = st.checkbox("即使破坏原本成立的勾稽关系也保存", key="wb_cell_force")
            submitted = st.form_submit_button("保存更正")
        if submitted:
            try:
                chosen = {key: _parse_value(text)}
            except ValueError as e:
                st.error(str(e))
                return
            _save_cells(doc, fmt, cells, values, chosen, note, force)


# ------------------------------------------------------------------ 校验发现


def _findings(doc, fmt, source: pd.DataFrame, values, can: bool) -> None:
    st.markdown("#### 校验发现")
    if source.empty:
        st.caption("没有校验发现。")
        return
    shown = pd.DataFrame({
        "规则": [f"{r} {RULE_BY_ID[r].name}" if r in RULE_BY_ID else r for r in source["rule"]],
        "说明": source["message"], "位置": source["location"],
        "按核定值复核": source["review_effect"].map(EFFECTS).fillna(""),
        "判断": source["verdict"].map(lambda v: review.VERDICTS.get(v, "未判断") if isinstance(v, str) else "未判断"),
        "判断人": source["verdict_by"], "理由": source["verdict_note"],
    })
    st.dataframe(shown, hide_index=True, key="wb_findings")
    if not can:
        return
    labels = {i: f"{fi['rule']} {fi['location']}" for i, fi in source.iterrows()}
    with st.form("wb_judge"):
        i = st.selectbox("校验发现", list(labels), format_func=labels.get, key="wb_judge_which")
        verdict = st.radio("判断", list(review.VERDICTS), format_func=review.VERDICTS.get, key="wb_verdict")
        note = st.text_input("理由 / 说明（驳回时必填）", key="wb_judge_note", max_chars=500)
        submitted = st.form_submit_button("保存判断")
    if submitted:
        fi = source.loc[i]
        if verdict == review.DISMISSED and not note.strip():
            st.error("驳回需要说明理由。")
            return
        _act(kind=review.FINDING, target=str(fi["ref"]), sha256=str(doc["sha256"]), action=verdict, note=note)
        extra = "；请在下方「更正一个单元格」中填入正确的数值" if verdict == review.READING_PROBLEM else ""
        _flash(f"已保存判断：{review.VERDICTS[verdict]}{extra}。")
        st.rerun()


def _to_send(source: pd.DataFrame) -> pd.DataFrame:
    """The findings a notice lists: the report's own errors, minus those judged a reading problem
    or dismissed; warnings only when a reviewer confirmed them as the source's error; none that
    holds on the values in force (a decided cell fixed the reading)."""
    verdict = source["verdict"]
    errors = (source["severity"] == "error") & ~verdict.isin([review.READING_PROBLEM, review.DISMISSED])
    return source[(errors | (verdict == review.SOURCE_ERROR)) & (source["review_effect"] != "resolved")]


# ------------------------------------------------------------------ 案件：确认、退回、复核、归档


def _case(f, row, doc, fmt, source, values, can: bool) -> None:
    st.markdown("#### 案件处理")
    status = row["status"]
    case_key = str(row["case_key"])
    sha = str(doc["sha256"])
    if pd.notna(row.get("decided_at")):
        st.caption(f"当前状态：{STATUS_NAMES[status]}（{row['reviewer']}，{str(row['decided_at'])[:16]}"
                   + (f"，整改期限 {row['deadline']}" if isinstance(row.get("deadline"), str) else "") + "）")
    send = _to_send(source)
    if status in (review.RETURNED, review.CORRECTED) and pd.notna(row.get("case_report_id")):
        old_id = int(row["case_report_id"])
        _notice_download(f, old_id, row)
    if status == review.CORRECTED:
        _recheck(f, int(row["case_report_id"]), int(row["report_id"]))
    if not can:
        return
    cols = st.columns(4)
    if status == review.PENDING and cols[0].button("确认：源文件自身错误", key="wb_confirm", disabled=send.empty):
        _act(kind=review.CASE, target=case_key, sha256=sha, action=review.CONFIRMED)
        _flash("已确认：该报告自身数字有误，待退回。")
        st.rerun()
    if status in (review.PENDING, review.CONFIRMED) and not send.empty:
        with st.form("wb_return"):
            deadline = st.date_input("整改期限", value=dt.date.today() + dt.timedelta(days=15), key="wb_deadline")
            note = st.text_input("审查意见（写入通知，可选）", key="wb_return_note", max_chars=1000)
            if st.form_submit_button(f"退回（{len(send)} 处问题）"):
                _act(kind=review.CASE, target=case_key, sha256=sha, action=review.RETURNED,
                     deadline=deadline.isoformat(), note=note)
                _flash("已退回：可在下方下载整改通知（DOCX），本轮退回清单见页底。")
                st.rerun()
    if status == review.CORRECTED:
        if cols[0].button("复核通过（关闭）", key="wb_recheck_ok"):
            _act(kind=review.CASE, target=case_key, sha256=sha, action=review.RECHECKED)
            _flash("已复核。")
            st.rerun()
        if cols[1].button("重新打开", key="wb_reopen"):
            _act(kind=review.CASE, target=case_key, sha256=sha, action=review.PENDING, note="复核未通过，重新打开")
            _flash("已重新打开，状态为待复核。")
            st.rerun()
    if status in (review.RECHECKED, review.CONFIRMED, review.PENDING) and cols[2].button("归档", key="wb_archive"):
        _act(kind=review.CASE, target=case_key, sha256=sha, action=review.ARCHIVED)
        _flash("已归档。")
        st.rerun()
    if status in (review.ARCHIVED, review.RECHECKED) and cols[3].button("重新打开", key="wb_reopen_closed"):
        _act(kind=review.CASE, target=case_key, sha256=sha, action=review.PENDING, note="重新打开")
        _flash("已重新打开。")
        st.rerun()


def _notice_download(f, old_id: int, row: pd.Series) -> None:
    old_doc = data.ask("report_document", f, old_id).iloc[0]
    old_findings = data.ask("report_review_findings", f, old_id)
    old_values = _values(data.ask("report_cells_reviewed", f, old_id))
    send = _to_send(old_findings[old_findings["kind"] != PARSE])
    lines = notice.problem_lines(str(old_doc["format"]), send.to_dict("records"), old_values)
    body = notice.notice_docx(
        agency=str(old_doc["agency"]), year=int(old_doc["year"]) if pd.notna(old_doc["year"]) else None,
        source_name=str(old_doc["source_name"]), title=old_doc["title"] if isinstance(old_doc["title"], str) else None,
        lines=lines, deadline=str(row.get("deadline") or "—"), reviewer=str(row.get("reviewer") or ""),
        issued_on=str(row.get("decided_at"))[:10], note=str(row.get("note") or ""))
    st.download_button("下载整改通知（DOCX）", body, file_name=f"整改通知_{old_doc['agency']}_{old_doc['year']}.docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       key="wb_notice", on_click="ignore", icon=":material/description:")


def _recheck(f, old_id: int, new_id: int) -> None:
    st.markdown("##### 复核：退回的版本与新版本对照")
    both = data.ask("version_findings", f, old_id, new_id)
    if both.empty:
        st.success("两个版本都没有校验发现。")
        return
    gone, remaining, new = both[both["in_old"] & ~both["in_new"]], both[both["in_old"] & both["in_new"]], both[~both["in_old"]]
    c1, c2 = st.columns(2)
    c1.metric("已消除的问题", len(gone))
    c2.metric("仍存在的问题", len(remaining) + len(new))
    shown = pd.DataFrame({"规则": both["rule"], "位置": both["location"],
                          "退回的版本": both["old_message"].fillna("（无）"), "新版本": both["new_message"].fillna("（已消除）")})
    st.dataframe(shown, hide_index=True, key="wb_compare")


# ------------------------------------------------------------------ 历史与撤销


def _history(f, doc, row, can: bool) -> None:
    hist = data.ask("review_history", f, str(doc["sha256"]), str(row["case_key"]))
    with st.expander(f"决定记录（{len(hist)} 条）"):
        if hist.empty:
            st.caption("还没有任何决定。")
            return
        shown = pd.DataFrame({"时间": hist["decided_at"].astype(str).str[:19], "审查人": hist["reviewer"],
                              "类型": hist["kind"], "对象": hist["target"], "决定": hist["action"],
                              "核定值": hist["value"], "原读取值": hist["parser_value"], "说明": hist["note"],
                              "有效": hist["in_force"].map({True: "是", False: "已撤销"})})
        st.dataframe(shown, hide_index=True, key="wb_history")
        if not can:
            return
        undoable = hist[hist["kind"] != review.UNDO]
        if undoable.empty:
            return
        labels = {d: f"{str(t)[:19]} {k} {tg}" for d, t, k, tg in
                  zip(undoable["decision_id"], undoable["decided_at"], undoable["kind"], undoable["target"], strict=True)}
        which = st.selectbox("撤销哪一条决定", list(labels), format_func=labels.get, key="wb_undo_which")
        if st.button("撤销", key="wb_undo"):
            user = auth.require(data.db_path(), "reviewer")
            review.undo(data.db_path(), user.name, which)
            _flash("已撤销（记录保留）。")
            st.rerun()


# ------------------------------------------------------------------ 本轮退回清单、导出与导入


def _round_downloads(f) -> None:
    st.markdown("#### 本轮退回清单与审查决定")
    since = st.date_input("本轮起始日期（退回日期不早于此日；留空为全部已退回）", value=None, key="wb_round_since")
    returned = data.ask("returned_reports", f, since.isoformat() if since else None)
    c1, c2, c3 = st.columns(3)
    c1.download_button(f"下载退回清单（XLSX，{len(returned)} 份）", lambda: notice.batch_xlsx(returned),
                       file_name="退回清单.xlsx", mime=components.XLSX_MIME, key="wb_batch", on_click="ignore",
                       disabled=returned.empty, icon=":material/table:")
    db = data.db_path()
    c2.download_button("导出全部审查决定（CSV，Excel 可打开）", lambda: review_file.export_csv(db),
                       file_name="审查决定.csv", mime="text/csv", key="wb_export_csv", on_click="ignore",
                       icon=":material/download:")
    c3.download_button("导出全部审查决定（JSON）", lambda: review_file.export_json(db), file_name="审查决定.json",
                       mime="application/json", key="wb_export", on_click="ignore", icon=":material/download:")
    if auth.can_current_act():
        with st.expander("导入审查决定（由原件重建数据仓库后）"):
            up = st.file_uploader("审查决定（CSV 或 JSON，由上面的按钮导出）", type=["csv", "json"], key="wb_import")
            if up is not None and st.button("导入", key="wb_import_go"):
                auth.require(db, "reviewer")
                try:
                    n = review_file.import_file(db, up.getvalue(), up.name)
                except review.DecisionError as e:
                    st.error(f"{up.name}：{e}（未导入任何决定）")
                else:
                    _flash(f"已导入 {n} 条审查决定。")
                    st.rerun()

if __name__ == "__main__":
    render()
