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
