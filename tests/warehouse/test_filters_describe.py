"""The filter statement on export sheets names levels and categories in Chinese."""

from warehouse.filters import Filters


def test_describe_names_levels_and_categories_in_chinese():
    rows = dict(Filters(levels=("county", "devzone"), categories=("agriculture", "unknown_code")).describe())
    assert rows["层级"] == "县级、开发区"
    assert rows["类别"] == "农业农村、unknown_code"
    assert dict(Filters().describe())["层级"] == "全部"
