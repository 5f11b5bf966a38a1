"""The evaluator tells a wrong number (a reading stored that differs from the truth) from an unread
cell (no reading stored): only the first breaks the parser's promise."""

from loaders.evaluate import RIGHT, UNREAD, WRONG, cell_outcome, compare
from loaders.model import CellValue, Meta, empty_report
from loaders.spec import cell_keys
from loaders.spec.values import ValueStatus


def test_each_kind_of_cell_outcome():
    assert cell_outcome(3, ValueStatus.NUMBER, 3) == RIGHT
    assert cell_outcome(None, ValueStatus.BLANK, None) == RIGHT
    assert cell_outcome(None, ValueStatus.MISSING, None) == RIGHT
    assert cell_outcome(None, ValueStatus.MISSING, 7) == UNREAD
    assert cell_outcome(None, None, 7) == UNREAD  # no cell at all
    assert cell_outcome(4, ValueStatus.NUMBER, 7) == WRONG
    assert cell_outcome(0, ValueStatus.NUMBER, None) == WRONG  # a number where the truth is blank
    assert cell_outcome(None, ValueStatus.BLANK, 7) == WRONG  # "printed blank" where a number was


def _report(values: dict):
    rep = empty_report("x.txt", fmt="2021")
    rep.year = Meta(2021)
    for k, v in values.items():
        rep.cells[k] = v
    return rep


def test_compare_counts_unread_and_wrong_apart():
    keys = list(cell_keys("2021"))
    truth = {"file": "x.txt", "format": "2021", "year": 2021, "cells": dict.fromkeys(keys, 1)}
    rep = _report({k: CellValue(1, ValueStatus.NUMBER, "1") for k in keys})
    rep.cells[keys[0]] = CellValue.missing("识别存疑")
    rep.cells[keys[1]] = CellValue(2, ValueStatus.NUMBER, "2")
    rep.cells[keys[2]] = CellValue(None, ValueStatus.BLANK, "")
    res = compare(rep, truth)
    assert (res.cells_right, res.cells_unread, res.cells_wrong) == (len(keys) - 3, 1, 2)
    assert [w["key"] for w in res.wrong] == keys[1:3]
    assert res.unread[0]["key"] == keys[0]


def test_a_misread_format_counts_every_cell_wrong():
    keys = list(cell_keys("2021"))
    truth = {"file": "x.txt", "format": "2021", "year": 2021, "cells": dict.fromkeys(keys, 1)}
    rep = empty_report("x.txt", fmt="2019")
    res = compare(rep, truth)
    assert res.cells_wrong == len(keys) and res.cells_right == 0
