"""Joint decoding of table 三 (parse.joint): rows that no single row decides are read when the
table's equations leave exactly one reading, stay unread with every reading left when they leave
two, and a source whose own numbers break an equation is read as printed and reported."""

from loaders.parse import parse_document
from loaders.parse.joint import (
    BY_PROSE,
    INCONSISTENT,
    INFEASIBLE,
    OPEN,
    UNIQUE,
    Equation,
    RowOptions,
    Stated,
    decode_jointly,
)
from loaders.parse.tables import NOTE_JOINT_PROSE, NOTE_SPLIT_JOINT
from loaders.spec import SOURCE, T3_COLUMNS
from loaders.spec.values import ValueStatus
from loaders.validate import validate_report

from .builders import text_doc
from .test_shapes import FLAT

GRANT = "t3.result.grant"
PARTIAL = "t3.result.partial"
ZERO = "0000000"


def _flat(grant: str, partial: str, new: str, total: str, carry: str = ZERO) -> str:
    """FLAT's table 三 with the given runs for 予以公开, 部分公开, 本年新收, 总计 and 结转下年度; every
    other row zero."""
    return (FLAT.replace("（一）予以公开270020130", "（一）予以公开" + grant)
            .replace("不计其他情形）500000 5", "不计其他情形）" + partial)
            .replace("申请数量640020470", "申请数量" + new)
            .replace("（七）总计630020469", "（七）总计" + total)
            .replace("四、结转下年度继续办理1000001", "四、结转下年度继续办理" + carry)
            .replace("内部事务信息1000001", "内部事务信息" + ZERO)
            .replace("执法案卷6000006", "执法案卷" + ZERO)
            .replace("查询事项1000001", "查询事项" + ZERO)
            .replace("相关政府信息220000325", "相关政府信息" + ZERO)
            .replace("3.其他1000001", "3.其他" + ZERO))


def _parse(flat: str, prose: str = ""):
    return parse_document(text_doc("2021年某区政府信息公开工作年度报告\n一、总体情况\n" + prose + "\n" + flat, "2021_x.txt"))


def _row(r, code: str) -> list:
    return [r.value(f"{code}.{c.code}") for c in T3_COLUMNS]


def test_rows_each_ambiguous_are_read_when_the_table_decides_them_jointly():
    # "220000325" is 22|0|0|0|0|3|25 or 2|20|0|0|0|3|25 by its own row sum, in both rows; only
    # 22 and 22 give the printed column totals 44|0 (20+20, 2+22, 22+2 do not)
    r = _parse(_flat("220000325", "220000325", "44 0 0 0 0 6 50", "440000650"))
    assert _row(r, GRANT) == [22, 0, 0, 0, 0, 3, 25]
    assert _row(r, PARTIAL) == [22, 0, 0, 0, 0, 3, 25]
    assert r.cells[f"{GRANT}.natural_person"].note == NOTE_SPLIT_JOINT
    assert not [f for f in r.findings if f.rule == "P1" and f"{GRANT}.total" in f.keys]


def test_two_joint_solutions_leave_both_rows_unread_with_both_readings():
    # 2|20 + 22|0 and 22|0 + 2|20 give the same column totals: the table cannot tell the rows apart
    r = _parse(_flat("220000325", "220000325", "24 20 0 0 0 6 50", "2420000650"))
    for code in (GRANT, PARTIAL):
        assert all(v is None for v in _row(r, code))
        assert r.cells[f"{code}.total"].status == ValueStatus.MISSING
        p1 = next(f for f in r.findings if f.rule == "P1" and f"{code}.total" in f.keys)
        assert sorted(p1.candidates) == [[2, 20, 0, 0, 0, 3, 25], [22, 0, 0, 0, 0, 3, 25]]
    assert r.value("t3.result.total.natural_person") == 24  # the rest of the table is read


def test_prose_decides_what_the_table_leaves_open():
    # a prose figure about the received total cannot tell the two rows apart either; one stating
    # the received total that only one reading of an ambiguous 本年新收 row gives decides it
    flat = _flat("220000325", "220000325", "440000650", "44 0 0 0 0 6 50")
    r = _parse(flat)
    assert r.value("t3.new_received.natural_person") == 44  # R1 against the printed total decides it
    dec = decode_jointly(
        [RowOptions(("a", "b", "t"), ((1, 2, 3), (2, 1, 3)))], {}, [Equation(("t",), ("a", "b"))],
        [Stated(1, (("a",),))])
    assert dec.status == UNIQUE and dec.decided[0] == (1, 2, 3) and dec.how[0] == BY_PROSE
    assert NOTE_JOINT_PROSE.startswith("由连写数字拆分")


def test_inconsistent_source_is_read_as_printed_and_reported_not_repaired():
    # 本年新收 44 + 上年结转 0 ≠ 总计 44 + 结转下年度 1 in the 自然人 and 总计 columns (R1 broken by the
    # printed numbers themselves) and in the 商业企业 column too (0 ≠ 0 + 1): every column the two
    # readings 22|0 and 2|20 differ in is touched by the break, so nothing decides the rows; the
    # printed rows are read as printed and the source's error reported
    r = _parse(_flat("220000325", "220000325", "44 0 0 0 0 6 50", "44 0 0 0 0 6 50", "1 1 0 0 0 0 2"))
    assert r.value("t3.carry_forward.natural_person") == 1 and r.value("t3.result.total.natural_person") == 44
    assert r.value("t3.carry_forward.legal.commercial") == 1
    assert all(v is None for v in _row(r, GRANT) + _row(r, PARTIAL))
    p1 = next(f for f in r.findings if f.rule == "P1" and f"{GRANT}.total" in f.keys)
    assert "不合计" in p1.message and [22, 0, 0, 0, 0, 3, 25] in p1.candidates
    v = validate_report(r)
    assert any(f.rule == "R1" and f.kind == SOURCE for f in v.findings)


def test_a_break_in_other_columns_leaves_the_untouched_columns_as_evidence():
    # the same break in the 自然人 and 总计 columns only: the 商业企业 column is untouched and its
    # printed total 0 decides 22|0 for both rows; the break is still read as printed and reported
    r = _parse(_flat("220000325", "220000325", "44 0 0 0 0 6 50", "44 0 0 0 0 6 50", "1 0 0 0 0 0 1"))
    assert r.value("t3.carry_forward.natural_person") == 1 and r.value("t3.result.total.natural_person") == 44
    assert _row(r, GRANT) == [22, 0, 0, 0, 0, 3, 25] and _row(r, PARTIAL) == [22, 0, 0, 0, 0, 3, 25]
    assert r.cells[f"{GRANT}.natural_person"].note == NOTE_SPLIT_JOINT
    v = validate_report(r)
    assert any(f.rule == "R1" and f.kind == SOURCE for f in v.findings)
    # decoder level: an equation through a cell of a broken one is not used
    eq = [Equation(("t",), ("a", "b")), Equation(("t",), ("u",)), Equation(("s",), ("b",))]
    rows = [RowOptions(("a", "b"), ((1, 2), (2, 1)))]
    assert decode_jointly(rows, {"t": 3, "u": 4, "s": 1}, eq).decided[0] == (2, 1)  # by s = b only
    assert decode_jointly(rows, {"t": 3, "u": 4}, eq[:2]).status == INCONSISTENT


def test_decoder_statuses_on_small_tables():
    eq = [Equation(("t",), ("a", "b"))]
    two = RowOptions(("a", "b"), ((1, 2), (2, 1)))
    assert decode_jointly([two], {"t": 3}, eq).status == OPEN
    assert decode_jointly([two], {"t": 3}, eq).remaining[0] == [(1, 2), (2, 1)]
    assert decode_jointly([two], {"t": 4}, eq).status == INFEASIBLE
    # printed cells already breaking an equation: no equation through their cells is used
    broken = [*eq, Equation(("t",), ("u",))]
    assert decode_jointly([RowOptions(("a", "b"), ((1, 2), (3, 0)))], {"t": 3, "u": 4}, broken).status == INCONSISTENT
    # a blank side is not checked, as in validation: (None, None) passes against any total
    blank = RowOptions(("a", "b"), ((None, None), (5, 5)))
    dec = decode_jointly([blank], {"t": 3}, eq)
    assert dec.status == UNIQUE and dec.decided[0] == (None, None)


def test_a_figure_no_reading_gives_is_no_evidence_and_the_prose_then_decides_nothing():
    # no equation (a table 二 row): the prose's figures are the only evidence. a = 1 leaves one
    # reading; b = 5 fits none, so it is not about these cells (or misprinted) — the prose is then
    # not proof enough: the readings are narrowed by a = 1, none is decided
    row = RowOptions(("a", "b"), ((1, 2), (2, 1), (3, 0)))
    fits, false = Stated(1, (("a",),)), Stated(5, (("b",),))
    assert decode_jointly([row], {}, [], [fits]).decided == {0: (1, 2)}
    assert decode_jointly([row], {}, [], [fits]).how == {0: BY_PROSE}
    dec = decode_jointly([row], {}, [], [fits, false])
    assert dec.decided == {} and dec.remaining[0] == [(1, 2)]
    assert dec.fitting == [fits] and dec.contradicted == [false]
    # two figures each fitting some reading but no reading both: neither is used
    both = decode_jointly([row], {}, [], [fits, Stated(0, (("b",),))])
    assert both.decided == {} and not both.prose_used and sorted(both.remaining[0]) == [(1, 2), (2, 1), (3, 0)]


def test_amounts_with_decimals_are_decoded_exactly():
    row = RowOptions(("n", "amount"), ((1, 4432.52), (13, 432.52)))
    assert decode_jointly([row], {}, [], [Stated(432.52, (("amount",),))]).decided == {0: (13, 432.52)}
