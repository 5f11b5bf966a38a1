from loaders.parse.runs import distinct_values, split_run, total_is_sum


def r3(_g, vals):
    return total_is_sum(vals)


def test_unique_split_by_row_total():
    assert distinct_values(split_run("640020470", (7,), r3)) == [(64, 0, 0, 2, 0, 4, 70)]


def test_printed_spaces_are_cell_boundaries():
    assert distinct_values(split_run("500000 5", (7,), r3)) == [(5, 0, 0, 0, 0, 0, 5)]
    assert distinct_values(split_run("23 0 00 0 023", (7,), r3)) == [(23, 0, 0, 0, 0, 0, 23)]


def test_table_four_groups_each_checked():
    got = distinct_values(split_run("10203120001200000", (5, 5, 5), r3))
    assert got == [(1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)]


def test_no_constraint_leaves_several_candidates():
    got = distinct_values(split_run("693665", (3,)))
    assert (69, 3, 665) in got and len(got) > 1
    assert all(not str(v).startswith("0") or v == 0 for c in got for v in c)


def test_decimal_and_unit_in_last_cell():
    got = split_run("135 75394432.52元", (2,), decimal_ok=(False, True))
    assert [s.values for s in got] == [(135, 75394432.52)]
    assert got[0].units == (None, "元")


def test_impossible_split_is_empty():
    assert split_run("11", (7,), r3) == []


def test_dash_in_a_run_is_a_cell_of_its_own():
    got = distinct_values(split_run("0—213—0000000—0", (5, 5, 5), r3))
    assert got == [(0, None, 2, 1, 3, None, 0, 0, 0, 0, 0, 0, 0, None, 0)]


def test_minus_before_digits_is_a_sign_only_in_signed_columns():
    both = distinct_values(split_run("120-8112", (3,), signed_ok=(False, True, False)))
    assert (120, -8, 112) in both and (120, None, 8112) in both  # ambiguous: left to the caller
    assert distinct_values(split_run("120-8112", (3,))) == [(120, None, 8112)]
