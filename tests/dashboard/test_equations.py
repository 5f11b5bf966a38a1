"""The workbench's equation check (the warning before a save, the notice's lines) judges exactly
as the parser's check does (loaders.validate.check_rules), blanks included: a decided value the
warning lets through is never flagged afterwards by the findings in force, and vice versa."""

from __future__ import annotations

import random

import pytest

from dashboard import equations
from loaders.spec import FORMATS, sum_checks
from loaders.validate import check_rules


@pytest.mark.parametrize("fmt", FORMATS)
def test_holds_fails_exactly_where_the_parser_finds_a_failing_equation(fmt):
    rng = random.Random(5)
    keys = sorted({k for c in sum_checks(fmt) for k in c.keys})
    seen_blank_term = False
    for _ in range(400):
        values = {k: (None if rng.random() < 0.3 else float(rng.randint(0, 3))) for k in keys}
        failing = {(f.rule, f.where, tuple(f.keys)) for f in check_rules(fmt, values)}
        mine = {(c.rule, c.where, tuple(c.keys)) for c in sum_checks(fmt) if equations.holds(c, values) is False}
        assert mine == failing
        seen_blank_term |= any(equations.holds(c, values) is not None and any(values[k] is None for k in c.keys)
                               for c in sum_checks(fmt))
    assert seen_blank_term  # the case the two used to disagree on (a blank term beside printed ones)


def test_a_blank_term_counts_as_zero_in_the_warning_and_the_notice():
    check = next(c for c in sum_checks("2021") if c.rule == "R3")
    total, *parts = (check.left + check.right)
    values = {total: 7.0, parts[0]: 7.0}  # the other applicant columns blank
    assert equations.holds(check, values) is True
    after = {**values, parts[0]: 5.0}
    assert equations.newly_broken("2021", values, after) == [check]
    assert "左边合计 7，右边合计 5" in equations.describe("2021", check, after)
    assert equations.holds(check, {total: 7.0}) is None  # nothing printed on the right: not checkable
