"""Plotly figures from DataFrames. Never queries; every figure gets a title that says what it shows.

Fonts: the CJK family is set on every figure, so Chinese renders in the browser and in static
exports (kaleido uses the server's fonts: Noto Sans CJK SC / WenQuanYi Zen Hei are installed by
scripts/test.sh). Rates arrive as fractions with NaN where the denominator is 0; the hover and
the text labels print '—' there, never 0 %.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from .labels import FORMAT_CHANGE_YEAR, OUTCOME_COLOURS

CJK_FONT = "Noto Sans CJK SC, Noto Sans SC, WenQuanYi Zen Hei, Microsoft YaHei, PingFang SC, sans-serif"
SMALL_SAMPLE_COLOUR = "#BBBBBB"
MAIN_COLOUR = "#0072B2"


def rate_text(v: float | None) -> str:
    """A rate for display: '12.3%', or '—' when it has no denominator (never 0 %)."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return "—"
    return f"{float(v) * 100:.1f}%"


def _layout(fig: go.Figure, title: str, *, height: int = 380) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": CJK_FONT, "size": 13},
        height=height,
        margin={"l": 10, "r": 10, "t": 56, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0, "title": None},
        hoverlabel={"font": {"family": CJK_FONT}},
        separators=".,",
    )
    return fig


def mark_format_change(fig: go.Figure, years: Sequence[int]) -> go.Figure:
    """A dashed line between 2020 and 2021: the report format changed there (国办公开办函〔2021〕30号)."""
    if years and min(years) < FORMAT_CHANGE_YEAR <= max(years):
        fig.add_vline(x=FORMAT_CHANGE_YEAR - 0.5, line_dash="dash", line_color="#888888")
        fig.add_annotation(
            x=FORMAT_CHANGE_YEAR - 0.5, y=1, yref="paper", text=f"{FORMAT_CHANGE_YEAR}年起新格式",
            showarrow=False, xanchor="left", yanchor="bottom", font={"size": 11, "color": "#666666"},
        )
    return fig


def trend(df: pd.DataFrame, *, x: str, series: Mapping[str, str], title: str, rate: bool = False,
          y_title: str = "") -> go.Figure:
    """Lines over years, one per column in ``series`` (column → display name)."""
    fig = go.Figure()
    for col, name in series.items():
        ys = df[col].astype("Float64") if col in df else pd.Series(dtype="Float64")
        text = [rate_text(v) for v in ys] if rate else [("—" if pd.isna(v) else f"{v:,.0f}") for v in ys]
        fig.add_trace(go.Scatter(
            x=df[x], y=ys.astype(float), name=name, mode="lines+markers", text=text,
            hovertemplate=f"{name}<br>%{{x}}年：%{{text}}<extra></extra>", connectgaps=False,
        ))
    fig.update_xaxes(dtick=1, title=None, tickformat="d")
    fig.update_yaxes(title=y_title or None, rangemode="tozero", tickformat=".0%" if rate else ",d")
    _layout(fig, title)
    return mark_format_change(fig, [int(v) for v in df[x].dropna()] if len(df) else [])


def stacked_bar(df: pd.DataFrame, *, x: str, y: str, colour: str, title: str,
                colours: Mapping[str, str] | None = None, horizontal: bool = False,
                order: Sequence[str] | None = None, percent: bool = False, height: int = 420) -> go.Figure:
    """Stacked bars of ``y`` by ``colour`` (long frame). ``colours`` fixes a colour per category."""
    kwargs = {"color_discrete_map": dict(colours or OUTCOME_COLOURS), "category_orders": {colour: list(order)} if order else {}}
    if horizontal:
        fig = px.bar(df, y=x, x=y, color=colour, orientation="h", **kwargs)
        fig.update_yaxes(title=None, type="category", autorange="reversed")
        fig.update_xaxes(title=None, tickformat=".0%" if percent else ",d")
    else:
        fig = px.bar(df, x=x, y=y, color=colour, **kwargs)
        fig.update_xaxes(title=None, type="category")
        fig.update_yaxes(title=None, tickformat=".0%" if percent else ",d")
    fig.update_layout(barmode="stack")
    fmt = "%{x:.1%}" if percent and horizontal else "%{y:.1%}" if percent else "%{x:,}" if horizontal else "%{y:,}"
    fig.update_traces(hovertemplate=f"%{{fullData.name}}：{fmt}<extra></extra>")
    return _layout(fig, title, height=height)


def bar(df: pd.DataFrame, *, x: str, y: str, title: str, rate: bool = False, horizontal: bool = False,
        highlight: str | None = None, colour: str = MAIN_COLOUR, height: int = 380) -> go.Figure:
    """Plain bars; rates labelled '—' where undefined. ``highlight`` (bool column) greys small samples."""
    vals = df[y].astype("Float64") if len(df) else pd.Series(dtype="Float64")
    text = [rate_text(v) for v in vals] if rate else [("—" if pd.isna(v) else f"{v:,.0f}") for v in vals]
    colours = [SMALL_SAMPLE_COLOUR if (highlight and bool(f)) else colour for f in df[highlight]] if highlight and len(df) else colour
    trace = go.Bar(
        x=vals.astype(float) if horizontal else df[x], y=df[x] if horizontal else vals.astype(float),
        orientation="h" if horizontal else "v", text=text, textposition="auto", marker_color=colours,
        hovertemplate="%{" + ("y" if horizontal else "x") + "}：%{text}<extra></extra>",
    )
    fig = go.Figure(trace)
    axis = fig.update_xaxes if horizontal else fig.update_yaxes
    axis(tickformat=".0%" if rate else ",d", title=None, rangemode="tozero")
    if horizontal:
        fig.update_yaxes(autorange="reversed", type="category", title=None)
    else:
        fig.update_xaxes(type="category", title=None)
    return _layout(fig, title, height=height)


def grouped_bar(df: pd.DataFrame, *, x: str, y: str, colour: str, title: str, rate: bool = False,
                height: int = 380) -> go.Figure:
    """Side-by-side bars (e.g. the three review / litigation groups for each year)."""
    fig = go.Figure()
    for name, part in df.groupby(colour, sort=False):
        vals = part[y].astype("Float64")
        text = [rate_text(v) for v in vals] if rate else [("—" if pd.isna(v) else f"{v:,.0f}") for v in vals]
        fig.add_trace(go.Bar(x=part[x], y=vals.astype(float), name=str(name), text=text, textposition="auto",
                             hovertemplate=f"{name}<br>%{{x}}：%{{text}}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(tickformat=".0%" if rate else ",d", title=None, rangemode="tozero")
    return _layout(fig, title, height=height)


def small_multiples(df: pd.DataFrame, *, facet: str, x: str, y: str, title: str, rate: bool = False,
                    cols: int = 4) -> go.Figure:
    """One small line chart per agency (``facet``), same axes, for comparing shapes over years."""
    n = df[facet].nunique() if len(df) else 1
    fig = px.line(df, x=x, y=y, facet_col=facet, facet_col_wrap=cols, markers=True,
                  height=max(260, 200 * math.ceil(n / cols)))
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    fig.update_xaxes(dtick=1, tickformat="d", title=None)
    fig.update_yaxes(tickformat=".0%" if rate else ",d", title=None, rangemode="tozero")
    fig.update_traces(line_color=MAIN_COLOUR)
    return _layout(fig, title, height=max(260, 200 * math.ceil(n / cols)))


def to_png(fig: go.Figure, *, width: int = 1000, height: int | None = None) -> bytes:
    """Static export via kaleido with the CJK font family already on the figure."""
    return fig.to_image(format="png", width=width, height=height or fig.layout.height or 420, scale=1)
