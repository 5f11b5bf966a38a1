"""loaders.parse.crossyear.decide: which candidate readings an adjacent year's figure leaves."""

from loaders.parse.crossyear import NOTE, Identity, decide

KEYS = ("issued", "repealed", "in_force")
STOCK_36 = Identity({"in_force": 1, "issued": -1, "repealed": 1}, -36, "W2", "2021年现行有效36件",
                    frozenset({"issued", "repealed"}))


def test_the_one_reading_keeping_the_stock_identity_is_decided():
    d = decide(KEYS, [(3, 0, 39), (30, 3, 9)], [STOCK_36])
    assert d is not None and d.reading == (3, 0, 39) and d.rules == ("W2",)
    assert d.note.startswith(NOTE) and "2021年现行有效36件" in d.note


def test_two_readings_keeping_it_decide_nothing():
    assert decide(KEYS, [(3, 0, 39), (4, 1, 39)], [STOCK_36]) is None


def test_a_blank_where_the_identity_needs_a_number_is_no_proof():
    # (30, 3, None) cannot be checked: it is not struck out, so (3, 0, 39) is not the only one left
    assert decide(KEYS, [(3, 0, 39), (30, 3, None)], [STOCK_36]) is None
    # blank 制发/废止 count 0 (the validator's reading): (None, None, 36) is checked and kept alone
    d = decide(KEYS, [(None, None, 36), (3, 6, None), (30, 3, 9)], [STOCK_36])
    assert d is None  # (3, 6, None) cannot be checked


def test_a_candidate_list_cut_short_decides_nothing():
    assert decide(KEYS, [(3, 0, 39), (30, 3, 9)], [STOCK_36], complete=False) is None


def test_carry_over_w1_per_column():
    w1 = Identity({"t3.carried_over.total": 1}, -12, "W1", "2022年表三「总计」列结转下年度为12")
    keys = ("t3.carried_over.natural_person", "t3.carried_over.total")
    d = decide(keys, [(1, 12), (11, 2)], [w1])
    assert d is not None and d.reading == (1, 12)
    assert decide(keys, [(1, 12), (11, 2)], []) is None  # no neighbour: nothing decided


def test_a_run_of_open_years_is_decided_when_one_chain_of_readings_keeps_the_stock():
    from loaders.parse.crossyear import YearRow, decide_stock_chain

    # 2022 "5022" = 5|0|22 or 50|2|2; 2023 "1320" = 1|3|20, 1|32|0 or 13|2|0; 2024 read 2|1|21:
    # only 5|0|22 → 1|3|20 → 2|1|21 keeps 现行有效 year to year (two pairs hold)
    rows = [YearRow(2022, ((5, 0, 22), (50, 2, 2))), YearRow(2023, ((1, 3, 20), (1, 32, 0), (13, 2, 0))),
            YearRow(2024, ((2, 1, 21),))]
    got = decide_stock_chain(rows)
    assert {y: r for y, (r, _n) in got.items()} == {2022: (5, 0, 22), 2023: (1, 3, 20)}
    assert all(n.startswith(NOTE) for _r, n in got.values())
    # one pair only (no second pair shows the agency keeping the identity): nothing decided
    assert decide_stock_chain(rows[1:]) == {}
    # two read years breaking it: the agency does not keep the stock identity, nothing decided
    broken = [YearRow(2020, ((1, 0, 10),)), YearRow(2021, ((1, 0, 99),)), *rows]
    assert decide_stock_chain(broken) == {}
    # a candidate list cut short decides nothing
    assert decide_stock_chain([YearRow(2022, rows[0].candidates, complete=False), *rows[1:]]) == {}
