"""The agency pickers search the warehouse: a bounded list, the typed text narrows it, a choice survives
a new search, a link's unknown agency is reported (real AppTest sessions on a real warehouse with more
agencies than one list shows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import state
from warehouse import queries
from warehouse.connect import open_reader
from warehouse.fastpath import load
from warehouse.filters import Filters


@pytest.fixture(scope="module")
def many_agencies(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("many") / "gongkai.duckdb"
    load(db, 2000, seed=5)
    return db


@pytest.fixture(scope="module")
def full(many_agencies):
    con = open_reader(many_agencies)
    try:
        return queries.agency_options(con, Filters())
    finally:
        con.close()


def test_sidebar_agency_picker_is_bounded_and_searches(make_app, many_agencies, full):
    assert len(full) > 3 * state.SEARCH_LIMIT  # more agencies than one list shows
    at = make_app(many_agencies)
    at.run()
    assert not at.exception, at.exception
    picker = at.sidebar.multiselect(key=state.AGENCY)
    assert 0 < len(picker.options) <= state.SEARCH_LIMIT
    assert list(picker.options) == list(dict.fromkeys(full["name"]))[: len(picker.options)]  # the first by name
    assert any(f"共 {len(full):,} 个" in c.value for c in at.sidebar.caption)  # says how many there are
    word = full["name"].iloc[len(full) // 2][-4:]
    at.sidebar.text_input(key=state.AGENCY_SEARCH).input(word).run()
    picker = at.sidebar.multiselect(key=state.AGENCY)
    expected = sorted(set(full.loc[full["name"].str.contains(word, regex=False), "name"]))
    assert 0 < len(picker.options) <= state.SEARCH_LIMIT
    assert set(picker.options) <= set(expected) and all(word in o for o in picker.options)
    chosen = picker.options[0]
    picker.set_value([chosen]).run()
    assert at.session_state["_gongkai_filters"].agencies == (chosen,)  # the slice every page gets
    # another search: the chosen agency stays chosen (and offered) although it does not match
    at.sidebar.text_input(key=state.AGENCY_SEARCH).input("不会匹配任何单位的字词").run()
    picker = at.sidebar.multiselect(key=state.AGENCY)
    assert picker.value == [chosen] and list(picker.options) == [chosen]
    assert any("没有名称含" in c.value for c in at.sidebar.caption)
    assert not at.exception


def test_a_links_unknown_agency_is_reported(make_app, many_agencies, full):
    at = make_app(many_agencies)
    known = full["name"].iloc[-1]  # last by name: not in the first list shown
    at.query_params[state.AGENCY] = [known, "并不存在的单位"]
    at.run()
    assert not at.exception, at.exception
    assert at.sidebar.multiselect(key=state.AGENCY).value == [known]
    assert "「并不存在的单位」不在数据中" in " ".join(w.value for w in at.sidebar.warning)


def test_agency_page_picker_is_bounded_and_keeps_a_linked_agency(make_app, many_agencies, full):
    from test_pages import open_page

    last = full.iloc[-1]
    at = open_page(make_app(many_agencies), "agency.py", unit=last["agency_key"])
    unit = at.selectbox(key="unit")
    assert unit.value == last["agency_key"]  # a link to an agency beyond the first list opens on it
    assert len(unit.options) <= state.SEARCH_LIMIT + 1
    at.text_input(key="unit_q").input(full["name"].iloc[3][-4:]).run()
    unit = at.selectbox(key="unit")
    assert unit.value == last["agency_key"] and len(unit.options) <= state.SEARCH_LIMIT + 1
