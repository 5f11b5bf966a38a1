"""上传年报: a signed-in reviewer uploads files or zips; they go to the inbox and the one writer
ingests them in the background while this page shows live progress and, at the end, every
failure with its reason. Viewing the page needs no account; uploading does (checked on the
server when the upload is submitted, not only by hiding the form)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, data
from warehouse import inbox

_MY_BATCHES = "_upload_batches"  # this session's batch ids, newest last
_SEEN_DONE = "_upload_seen_done"  # batches whose completion already triggered a full rerun


def render() -> None:
    st.title("上传年报")
    db = data.db_path()
    st.markdown(
        f"上传年报文件（HTML、PDF、Word、WPS、文本）或 zip 压缩包，可一次选择多个。文件进入收件箱后由后台入库程序逐批处理，"
        f"与命令行入库依次进行；处理期间可以继续浏览其他页面。每次最多 {inbox.MAX_FILES} 个文件，单个文件不超过 "
        f"{inbox.MAX_FILE_BYTES // 1048576} MB，合计不超过 {inbox.MAX_BATCH_BYTES // 1048576} MB。")
    if not data.available() or data.ask_whole("report_years").empty:
        st.info("数据仓库中还没有年报：审查员登录后可在此上传第一批。", icon=":material/inbox:")
    if not auth.can_current_act():
        st.info("上传年报需要以审查员账号登录（侧栏「审查员登录」）。", icon=":material/lock:")
        _recent(db)
        return
    with st.form("upload_form", clear_on_submit=True):
        files = st.file_uploader("选择文件或压缩包", accept_multiple_files=True, key="upload_files")
        submitted = st.form_submit_button("提交入库", type="primary", icon=":material/upload:")
    if submitted:
        user = auth.require(db, "reviewer")  # the server-side check: stops the run if not allowed
        try:
            batch = inbox.submit(db, [(f.name, f.getvalue()) for f in files or []], by=user.name)
        except inbox.UploadRejected as e:
            st.error(str(e), icon=":material/error:")
        else:
            st.session_state.setdefault(_MY_BATCHES, []).append(batch)
            inbox.start_runner(db)
            st.success(f"已提交 {len(files)} 个文件，正在排队入库。", icon=":material/inbox:")
    if st.session_state.get(_MY_BATCHES):
        _progress(db)
    _recent(db)


def _recent(db: str) -> None:
    """Every batch in the inbox, newest first: when, by whom, how far (viewing needs no account)."""
    if not inbox.batches(db) and (not data.available() or data.ask_whole("report_years").empty):
        return  # a new, empty warehouse: nothing uploaded, nothing to list
    st.subheader("最近的上传")
    rows = [{"提交时间": b.submitted_at.replace("T", " ")[:19], "提交人": b.by, "类型": inbox.KIND_NAMES.get(b.kind, b.kind),
             "文件数": len(b.files),
             "状态": inbox.STATE_NAMES.get(b.state, b.state), "成功": b.status.get("ok"),
             "有校验发现": b.status.get("with_findings"), "失败": b.status.get("failed")}
            for b in reversed(inbox.batches(db)[-20:])]
    st.dataframe(pd.DataFrame(rows, columns=["提交时间", "提交人", "类型", "文件数", "状态", "成功", "有校验发现", "失败"]),
                 hide_index=True, key="upload_recent")


@st.fragment(run_every=1.0)
def _progress(db: str) -> None:
    """Re-drawn every second from the batches' status files (the runner writes them)."""
    seen = st.session_state.setdefault(_SEEN_DONE, set())
    for batch in reversed(st.session_state.get(_MY_BATCHES, [])):
        b = inbox.status(db, batch)
        if b is None:
            continue
        s = b.status
        st.subheader(f"上传批次 {b.submitted_at.replace('T', ' ')[:19]}（{len(b.files)} 个文件）")
        total, done = max(int(s.get("total", 0)), 1), int(s.get("done", 0))
        st.progress(min(done / total, 1.0), text=f"{inbox.STATE_NAMES.get(b.state, b.state)}：已处理 {done} 个文件")
        c = st.columns(4)
        c[0].metric("成功", s.get("ok", 0))
        c[1].metric("有校验发现", s.get("with_findings", 0))
        c[2].metric("失败", s.get("failed", 0))
        c[3].metric("已入库过（未变化）", s.get("unchanged", 0))
        if b.state == inbox.FAILED:
            st.error(f"本批入库出错：{s.get('error', '')}", icon=":material/error:")
        if b.state == inbox.DONE:
            st.caption(f"入库完成（数据版本 {s.get('data_version', '')}），新报告在各页面刷新后即可看到。")
            failures = s.get("failures") or []
            if failures:
                st.dataframe(pd.DataFrame(failures).rename(columns={"file": "文件", "reason": "原因", "detail": "说明"}),
                             hide_index=True, key=f"upload_failures_{batch}")
            if batch not in seen:
                seen.add(batch)
                st.rerun(scope="app")  # this session's pages and sidebar pick up the new snapshot


if __name__ == "__main__":
    render()
