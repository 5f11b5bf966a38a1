"""On-screen tables show level/category codes by their Chinese names and rates without a denominator as '—'."""

import pandas as pd

from dashboard.components import display_table


def test_display_table_names_codes_and_dashes_rates():
    df = pd.DataFrame({"level": ["county", "devzone"], "category": ["agriculture", "nonexistent"], "rate": [None, 0.5]})
    out = display_table(df, rate_cols=["rate"])
    assert list(out["level"]) == ["县级", "开发区"]
    assert list(out["category"]) == ["农业农村", "nonexistent"]
    assert out["rate"].iloc[0] == "—"
    assert list(df["level"]) == ["county", "devzone"]  # the source frame is untouched
