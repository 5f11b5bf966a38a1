"""Writes from the app go through the inbox to the one writer (warehouse.inbox): the page submits
an action, a runner carries it out, and this fragment shows how far it is and reruns the app once
it is published, so the page shows the new snapshot."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data
from warehouse import inbox

_ACTIONS = "_inbox_actions"  # this session's action batch ids
_SEEN = "_inbox_actions_seen"


def submit(kind: str, *, files=(), params: dict | None = None) -> str | None:
    """Check the signed-in reviewer on the server, then hand the action to the writer."""
    db = data.db_path()
    user = auth.require(db, "reviewer")  # stops this run if not allowed
    try:
        batch = inbox.submit(db, list(files), by=user.name, kind=kind, params=params)
    except inbox.UploadRejected as e:
        st.error(str(e), icon=":material/error:")
        return None
    st.session_state.setdefault(_ACTIONS, []).append(batch)
    inbox.start_runner(db)
    return batch


@st.fragment(run_every=1.0)
def status() -> None:
    db = data.db_path()
    seen = st.session_state.setdefault(_SEEN, set())
    for batch in reversed(st.session_state.get(_ACTIONS, [])[-3:]):
        b = inbox.status(db, batch)
        if b is None:
            continue
        what = inbox.KIND_NAMES.get(b.kind, b.kind)
        if b.state == inbox.DONE:
            st.success(f"{what}：{b.status.get('message', '已完成')}", icon=":material/check_circle:")
        elif b.state == inbox.FAILED:
            st.error(f"{what}未能完成：{b.status.get('error', '')}", icon=":material/error:")
        else:
            st.info(f"{what}：{inbox.STATE_NAMES.get(b.state, b.state)}…", icon=":material/hourglass_top:")
        if b.state in (inbox.DONE, inbox.FAILED) and batch not in seen:
            seen.add(batch)
            if b.state == inbox.DONE:
                st.rerun(scope="app")  # show the newly published snapshot
