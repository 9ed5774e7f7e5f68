"""Figure and table builders: pure functions from DataFrames to what the browser shows.

Plotly figures are built with `plotly.graph_objects` or plain dicts (never plotly.express on
hot paths) on one shared `base_layout()`; grid rows are lists of plain dicts with display
text already formatted. Builders read no data and hold no data literals: labels come from
`dashboard.i18n`, and every builder takes the language it should speak.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

# Local fonts only (the app runs offline): CJK first so Chinese never falls back to boxes.
FONT_FAMILY = (
    '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei", '
    '"PingFang SC", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
)


def base_layout(**overrides: Any) -> dict[str, Any]:
    """The layout every figure starts from (fonts, margins, transparent background).

    Args:
        **overrides: layout keys to set or replace.

    Returns:
        A plotly layout dict.
    """
    layout: dict[str, Any] = {
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#1f2d3d"},
        "margin": {"l": 48, "r": 16, "t": 36, "b": 40},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
    }
    layout.update(overrides)
    return layout


def empty_figure(message: str) -> go.Figure:
    """A blank figure that says why it is blank ("no data for this range").

    Args:
        message: the text to show, already translated.

    Returns:
        A figure with hidden axes and the message in the middle.
    """
    return go.Figure(
        layout=base_layout(
            xaxis={"visible": False},
            yaxis={"visible": False},
            annotations=[
                {
                    "text": message,
                    "showarrow": False,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "font": {"size": 15, "color": "#6c757d"},
                }
            ],
        )
    )
