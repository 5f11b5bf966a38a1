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
import plotly.graph_objects as go

from .labels import FORMAT_CHANGE_YEAR, OUTCOME_COLOURS

CJK_FONT = "Noto Sans CJK SC, Noto Sans SC, WenQuanYi Zen Hei, Microsoft YaHei, PingFang SC, sans-serif"
SMALL_SAMPLE_COLOUR = "#BBBBBB"
MAIN_COLOUR = "#0072B2"
# Lines of one chart, in order: the Okabe–Ito colours, one blue only (Streamlit's own palette
# starts with two blues that look alike on a projector).
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#000000", "#999999")


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
        x = FORMAT_CHANGE_YEAR - 0.5
        fig.update_layout(
            shapes=[{"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "xref": "x", "yref": "paper",
                     "line": {"dash": "dash", "color": "#888888"}}],
            annotations=[{"x": x, "y": 1, "yref": "paper", "text": f"{FORMAT_CHANGE_YEAR}年起新格式",
                          "showarrow": False, "xanchor": "left", "yanchor": "bottom",
                          "font": {"size": 11, "color": "#666666"}}],
        )
    return fig


def trend(df: pd.DataFrame, *, x: str, series: Mapping[str, str], title: str, rate: bool = False,
          y_title: str = "") -> go.Figure:
    """Lines over years, one per column in ``series`` (column → display name)."""
    fig = go.Figure()
    for i, (col, name) in enumerate(series.items()):
        ys = df[col].astype("Float64") if col in df else pd.Series(dtype="Float64")
        text = [rate_text(v) for v in ys] if rate else [("—" if pd.isna(v) else f"{v:,.0f}") for v in ys]
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        fig.add_trace(go.Scatter(
            x=df[x], y=ys.astype(float), name=name, mode="lines+markers", text=text,
            line={"color": colour}, marker={"color": colour},
            hovertemplate=f"{name}<br>%{{x}}年：%{{text}}<extra></extra>", connectgaps=False,
        ))
    fig.update_xaxes(dtick=1, title=None, tickformat="d")
    fig.update_yaxes(title=y_title or None, rangemode="tozero", tickformat=".0%" if rate else ",d")
    _layout(fig, title)
    return mark_format_change(fig, [int(v) for v in df[x].dropna()] if len(df) else [])


def stacked_bar(df: pd.DataFrame, *, x: str, y: str, colour: str, title: str,
                colours: Mapping[str, str] | None = None, horizontal: bool = False,
                order: Sequence[str] | None = None, percent: bool = False, height: int = 420) -> go.Figure:
    """Stacked bars of ``y`` by ``colour`` (long frame). ``colours`` fixes a colour per category.

    Built with graph_objects (one trace per category), not plotly.express: express costs ~5× more
    per figure, and every page run pays it.
    """
    palette = dict(colours or OUTCOME_COLOURS)
    present = list(dict.fromkeys(df[colour])) if len(df) else []
    cats = [c for c in (order or []) if c in present] + [c for c in present if c not in (order or [])]
    fmt = ".1%" if percent else ",.0f"
    traces = []
    for cat in cats:
        part = df[df[colour] == cat]
        vals = part[y].astype(float)
        pos, val = (part[x], vals) if not horizontal else (vals, part[x])
        traces.append(go.Bar(
            x=pos, y=val, name=str(cat), orientation="h" if horizontal else "v", marker_color=palette.get(cat),
            hovertemplate=f"{cat}<br>%{{{'y' if horizontal else 'x'}}}：%{{{'x' if horizontal else 'y'}:{fmt}}}<extra></extra>",
        ))
    fig = go.Figure(traces)
    # Legend in the order the eye meets the stack: top segment first on upright bars (the first
    # trace is at the bottom), left segment first on lying bars.
    fig.update_layout(barmode="stack", legend_traceorder="normal" if horizontal else "reversed")
    cat_axis = {"type": "category", "title": None}
    val_axis = {"tickformat": ".0%" if percent else ",d", "title": None}
    if horizontal:
        fig.update_layout(yaxis={**cat_axis, "autorange": "reversed"}, xaxis=val_axis)
    else:
        fig.update_layout(xaxis=cat_axis, yaxis=val_axis)
    return _layout(fig, title, height=height)


def bar(df: pd.DataFrame, *, x: str, y: str, title: str, rate: bool = False, horizontal: bool = False,
        highlight: str | None = None, colour: str = MAIN_COLOUR, height: int = 380, points: bool = False) -> go.Figure:
    """Plain bars; rates labelled '—' where undefined. ``highlight`` (bool column) greys small samples.
    ``points``: ``y`` is a change of a rate (a fraction), drawn and labelled in 百分点 ('+1.2')."""
    vals = df[y].astype("Float64") if len(df) else pd.Series(dtype="Float64")
    if points:
        vals, rate = vals * 100, False
    text = [rate_text(v) for v in vals] if rate else [("—" if pd.isna(v) else (f"{v:+.1f}" if points else f"{v:,.0f}"))
                                                      for v in vals]
    colours = [SMALL_SAMPLE_COLOUR if (highlight and bool(f)) else colour for f in df[highlight]] if highlight and len(df) else colour
    trace = go.Bar(
        x=vals.astype(float) if horizontal else df[x], y=df[x] if horizontal else vals.astype(float),
        orientation="h" if horizontal else "v", text=text, textposition="auto", marker_color=colours,
        hovertemplate="%{" + ("y" if horizontal else "x") + "}：%{text}<extra></extra>",
    )
    fig = go.Figure(trace)
    axis = fig.update_xaxes if horizontal else fig.update_yaxes
    axis(tickformat=".0%" if rate else (",.1f" if points else ",d"), title=None, rangemode="tozero")
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
                    cols: int = 4, shared_y: bool = True) -> go.Figure:
    """One small line chart per agency (``facet``), for comparing shapes over years. ``shared_y``:
    one y range for all (sizes compare); otherwise each panel its own (a small agency's shape shows).

    Axes are laid out by hand in one layout dict (make_subplots / express facets cost ~10× more).
    """
    panels = list(dict.fromkeys(df[facet])) if len(df) else []
    n = max(1, len(panels))
    rows = math.ceil(n / cols)
    height = max(260, 190 * rows + 70)
    gap_x, gap_y = 0.04, 0.32 / rows
    w, h = (1 - gap_x * (cols - 1)) / cols, (1 - gap_y * (rows - 1)) / rows
    ymax = float(df[y].max()) if len(df) and df[y].notna().any() else 1.0
    layout: dict = {"showlegend": False, "annotations": []}
    traces = []
    for i, name in enumerate(panels):
        r, c = divmod(i, cols)
        ax = "" if i == 0 else str(i + 1)
        x0, y1 = c * (w + gap_x), 1 - r * (h + gap_y)
        layout[f"xaxis{ax}"] = {"domain": [x0, x0 + w], "anchor": f"y{ax}", "dtick": 1, "tickformat": "d",
                                "tickfont": {"size": 10}}
        layout[f"yaxis{ax}"] = {"domain": [y1 - h, y1], "anchor": f"x{ax}", "range": [0, ymax * 1.1 or 1],
                                "tickformat": ".0%" if rate else ",d", "tickfont": {"size": 10}}
        layout["annotations"].append({"text": str(name), "x": x0 + w / 2, "y": y1, "xref": "paper", "yref": "paper",
                                      "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                                      "font": {"size": 11}})
        part = df[df[facet] == name]
        vals = part[y].astype(float)
        if not shared_y:
            own = float(vals.max()) if vals.notna().any() else 0.0
            layout[f"yaxis{ax}"]["range"] = [0, own * 1.1 or 1]
        text = [rate_text(v) if rate else ("—" if pd.isna(v) else f"{v:,.0f}") for v in vals]
        traces.append(go.Scatter(x=part[x], y=vals, mode="lines+markers", line={"color": MAIN_COLOUR}, text=text,
                                 xaxis=f"x{ax}", yaxis=f"y{ax}", connectgaps=False,
                                 hovertemplate=f"{name}<br>%{{x}}年：%{{text}}<extra></extra>"))
    fig = go.Figure(traces, layout)
    return _layout(fig, title, height=height)


def to_png(fig: go.Figure, *, width: int = 1000, height: int | None = None) -> bytes:
    """Static export via kaleido with the CJK font family already on the figure."""
    return fig.to_image(format="png", width=width, height=height or fig.layout.height or 420, scale=1)


def choropleth(geojson: dict, codes: Sequence[str], names: Sequence[str], values: Sequence[float], *, title: str,
               rate: bool = False) -> go.Figure:
    """Regions coloured by one indicator, drawn as filled shapes on plain axes (lon/lat).

    Not ``go.Choropleth``: plotly.js fetches a world base map from its CDN for every geo chart
    with locations, and nothing is to be downloaded at run time. Shapes come from
    ``dashboard.boundaries`` (feature ids = adcodes); each region is one trace whose ``meta``
    carries its adcode and value, with a colour bar from a hidden marker trace.
    """
    from plotly.colors import sample_colorscale

    shapes = {f["id"]: f["geometry"] for f in geojson.get("features", [])}
    nums = [float(v) for v in values if not pd.isna(v)]
    lo, hi = (min(nums), max(nums)) if nums else (0.0, 1.0)
    # Blues without its near-white end, so the lowest region still stands out from the page
    scale = [[i / 10, c] for i, c in enumerate(sample_colorscale("Blues", [0.2 + 0.08 * i for i in range(11)]))]
    fig = go.Figure()
    lats = []
    for code, name, v in zip(codes, names, values, strict=True):
        geom = shapes.get(code)
        if geom is None:
            continue
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        xs, ys = [], []
        for poly in polygons:
            ring = poly[0]  # the outline (holes are left filled: a map of regions, not of lakes)
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
        lats += [y for y in ys if y is not None]
        t = ((float(v) - lo) / (hi - lo) if hi > lo else 1.0) if not pd.isna(v) else None
        colour = sample_colorscale(scale, [t])[0] if t is not None else "#DDDDDD"
        text = rate_text(v) if rate else ("—" if pd.isna(v) else f"{v:,.0f}")
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour, line={"color": "#FFFFFF", "width": 0.8},
            name=name, hoveron="fills", text=f"{name}：{text}", hoverinfo="text", showlegend=False,
            meta={"adcode": code, "value": None if pd.isna(v) else float(v)},
        ))
    fig.add_trace(go.Scatter(  # the colour bar
        x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
        marker={"color": [lo, hi], "colorscale": scale, "cmin": lo, "cmax": hi, "showscale": True,
                "colorbar": {"tickformat": ".0%" if rate else ",d", "title": None}},
    ))
    mid = (min(lats) + max(lats)) / 2 if lats else 0.0
    fig.update_xaxes(visible=False)
    # equal distances east–west and north–south at the map's middle latitude
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / max(0.2, math.cos(math.radians(mid))))
    _layout(fig, title, height=520)
    fig.update_layout(meta={"kind": "choropleth"}, margin={"l": 0, "r": 0, "t": 48, "b": 0},
                      plot_bgcolor="rgba(0,0,0,0)")
    return fig


# Plotly's own words (the chart toolbar's tooltips and notices) in Chinese: plotly.js takes a
# locale dictionary in the chart's config, so no English is shown where Chinese is possible.
ZH_PLOTLY = {
    "Download plot as a PNG": "下载为 PNG 图片", "Download plot": "下载图片", "Zoom": "缩放", "Pan": "平移",
    "Box Select": "框选", "Lasso Select": "套索选择", "Zoom in": "放大", "Zoom out": "缩小", "Autoscale": "自动缩放",
    "Reset axes": "重置坐标轴", "Reset view": "重置视图", "Reset views": "重置视图", "Reset": "重置",
    "Toggle Spike Lines": "显示或隐藏参考线", "Show closest data on hover": "悬停时显示最近的数据",
    "Compare data on hover": "悬停时比较数据", "Toggle show closest data on hover": "切换悬停显示方式",
    "Double-click to zoom back out": "双击恢复原始比例", "Double-click on legend to isolate one trace": "双击图例只显示该项",
    "Preparing image - this may take a few seconds": "正在生成图片，请稍候", "Image download succeeded": "图片已下载",
    "Sorry, there was a problem downloading your image!": "抱歉，图片下载失败",
    "Download plot as JSON": "下载为 JSON", "Share chart...": "分享图表",
}
PLOTLY_CONFIG = {"displaylogo": False, "locale": "zh-CN", "locales": {"zh-CN": {"dictionary": ZH_PLOTLY}}}


def plotly_config(**extra) -> dict:
    """The config every chart is shown with (Chinese toolbar, no Plotly logo) plus ``extra``."""
    return {**PLOTLY_CONFIG, **extra}
