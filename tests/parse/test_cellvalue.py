from loaders.parse.cellvalue import parse_cell
from loaders.spec import ValueStatus


def test_blank_dash_slash_text_are_not_zero():
    for text, status in [("", ValueStatus.BLANK), ("  ", ValueStatus.BLANK), ("—", ValueStatus.DASH),
                         ("-", ValueStatus.DASH), ("／", ValueStatus.SLASH), ("无", ValueStatus.TEXT),
                         ("未收取", ValueStatus.TEXT)]:
        cv = parse_cell(text)
        assert cv.status == status, text
        assert cv.value is None, text


def test_numbers_units_and_signs():
    assert parse_cell("0").value == 0
    cv = parse_cell("251000元")
    assert (cv.value, cv.unit, cv.status) == (251000, "元", ValueStatus.NUMBER)
    assert parse_cell("2792220.8元").value == 2792220.8
    assert parse_cell("1,234").value == 1234
    assert parse_cell("-8").value == -8
    assert parse_cell("０.００").value == 0.0
    assert parse_cell("20.3").raw == "20.3"
