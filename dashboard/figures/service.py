"""Enterprise Service figures: pure builders from the facade's frames to plotly dicts/rows.

Codes (channels, categories, topics, districts, offices, training types) are shown by
their names in the page's language, never bare.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from dashboard.figures import base_layout, empty_figure
from dashboard.i18n import district_names, t
from dashboard.reference import load_reference

CODE_TABLES = {
    "channel": "inquiry_channel",
    "category": "inquiry_category",
    "topic": "inquiry_topic",
    "type": "training_type",
}
# Figures are plain dicts: building plotly.graph_objects validates every property, which
# costs more than the queries behind a panel (DESIGN.md section 4).
Figure = dict[str, Any]
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


def _fig(data: list[dict[str, Any]], layout: dict[str, Any]) -> Figure:
    return {"data": data, "layout": layout}


def _empty(lang: str) -> Figure:
    return dict(empty_figure(t("svc.empty", lang)).to_plotly_json())


def _wide(frame: pd.DataFrame, index: str, columns: str, values: str) -> pd.DataFrame:
    """Sum of `values` with `index` down and `columns` across, 0 where missing (a groupby:
    `pivot_table` costs several times more)."""
    return frame.groupby([index, columns])[values].sum().unstack(fill_value=0).sort_index()


def names(dim: str, lang: str) -> dict[str, str]:
    """Code -> display name for a dimension (district, office or a code table)."""
    if dim in ("district_code", "declare_district"):
        return district_names(lang)
    if dim in ("first_contact_unit", "office"):
        return load_reference().names("office", "zh" if lang == "zh" else "en")
    return load_reference().names(CODE_TABLES[dim], "zh" if lang == "zh" else "en")


def pct(value: float) -> str:
    """0.123 -> '12.3%' ('—' for NaN)."""
    return "—" if value is None or math.isnan(value) else f"{100 * value:.1f}%"


def hours_text(value: float, lang: str) -> str:
    """Hours with one decimal ('—' for NaN); minutes under an hour."""
    if value is None or math.isnan(value):
        return "—"
    if value < 1:
        return t("svc.minutes", lang, n=f"{value * 60:.0f}")
    return t("svc.hours", lang, n=f"{value:.1f}")


def commitment_text(days: float, lang: str) -> str:
    """'1 working day(s)' or 'no commitment'."""
    if days is None or math.isnan(days):
        return t("svc.commitment.none", lang)
    return t("svc.commitment", lang, n=int(days))


def _dates(values: pd.Series) -> list[str]:
    return [d.strftime("%Y-%m-%d") for d in pd.to_datetime(values)]


def volume_figure(weekly: pd.DataFrame, dim: str, lang: str) -> Figure:
    """Stacked weekly bars of inquiries received, one trace per value of `dim`."""
    if weekly.empty or weekly["received_n"].sum() == 0:
        return _empty(lang)
    label = names(dim, lang)
    wide = _wide(weekly, "week", dim, "received_n")
    order = wide.sum().sort_values(ascending=False).index
    x = _dates(wide.index.to_series())
    data = [
        {
            "type": "bar",
            "name": label.get(code, code),
            "x": x,
            "y": wide[code].astype(int).tolist(),
            "marker": {"color": PALETTE[i % len(PALETTE)]},
        }
        for i, code in enumerate(order)
    ]
    layout = base_layout(
        barmode="stack",
        yaxis={"title": {"text": t("svc.volume.y", lang)}},
        xaxis={"type": "date"},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 56, "r": 16, "t": 16, "b": 40},
        height=340,
    )
    return _fig(data=data, layout=layout)


def share_bars(
    frame: pd.DataFrame, dim: str, value: str, count: str, title_key: str, lang: str
) -> Figure:
    """Horizontal bars of a share per value of `dim`, labelled with the share and count."""
    frame = frame[frame[count] > 0]
    if frame.empty:
        return _empty(lang)
    label = names(dim, lang)
    frame = frame.sort_values(value)
    return _fig(
        data=[
            {
                "type": "bar",
                "orientation": "h",
                "y": [label.get(c, c) for c in frame[dim]],
                "x": frame[value].round(4).tolist(),
                "text": [
                    f"{pct(v)} (n={int(n)})"
                    for v, n in zip(frame[value], frame[count], strict=True)
                ],
                "textposition": "auto",
                "marker": {"color": "#2a6f97"},
                "hoverinfo": "y+text",
            }
        ],
        layout=base_layout(
            xaxis={"title": {"text": t(title_key, lang)}, "tickformat": ".0%", "range": [0, 1]},
            yaxis={"automargin": True},
            margin={"l": 8, "r": 16, "t": 16, "b": 40},
            height=max(220, 40 + 30 * len(frame)),
        ),
    )


def units_figure(units: pd.DataFrame, lang: str) -> Figure:
    """Units ranked by inquiries passed on (horizontal bars, most at the top)."""
    if units.empty:
        return _empty(lang)
    office = names("office", lang)
    district = district_names(lang)
    frame = units.iloc[::-1]
    labels = [
        f"{office.get(u, u)} · {district.get(d, d)}"
        for u, d in zip(frame["first_contact_unit"], frame["district_code"], strict=True)
    ]
    hover = [
        t("svc.units.hover", lang, received=int(r), passed=int(p), share=pct(s))
        for r, p, s in zip(
            frame["received_n"], frame["passed_n"], frame["passed_share"], strict=True
        )
    ]
    return _fig(
        data=[
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": frame["passed_n"].astype(int).tolist(),
                "text": [pct(s) for s in frame["passed_share"]],
                "textposition": "auto",
                "hovertext": hover,
                "hoverinfo": "y+text",
                "marker": {"color": "#c0504d"},
            }
        ],
        layout=base_layout(
            xaxis={"title": {"text": t("svc.units.x", lang)}},
            yaxis={"automargin": True},
            margin={"l": 8, "r": 16, "t": 16, "b": 40},
            height=max(220, 40 + 28 * len(frame)),
        ),
    )


def _channel_labels(table: pd.DataFrame, lang: str) -> list[str]:
    label = names("channel", lang)
    return [
        f"{label.get(c, c)}<br>({commitment_text(d, lang)})"
        for c, d in zip(table["channel"], table["commitment_days"], strict=True)
    ]


def times_figure(table: pd.DataFrame, lang: str) -> Figure:
    """Median and p90 hours to first response and to resolution per channel."""
    if table.empty or table[["response_p50", "resolve_p50"]].isna().all().all():
        return _empty(lang)
    x = _channel_labels(table, lang)
    colors = {"response_p50": "#9ecae1", "response_p90": "#3182bd",
              "resolve_p50": "#fdae6b", "resolve_p90": "#e6550d"}  # fmt: skip
    data = [
        {
            "type": "bar",
            "name": t(f"svc.times.{col}", lang),
            "x": x,
            "y": [None if math.isnan(v) else round(v, 2) for v in table[col]],
            "text": [hours_text(v, lang) for v in table[col]],
            "textposition": "outside",
            "textfont": {"size": 10},
            "cliponaxis": False,
            "marker": {"color": color},
        }
        for col, color in colors.items()
    ]
    return _fig(
        data=data,
        layout=base_layout(
            barmode="group",
            yaxis={"title": {"text": t("svc.times.y", lang)}, "rangemode": "tozero"},
            legend={"orientation": "h", "y": -0.3},
            margin={"l": 56, "r": 16, "t": 24, "b": 40},
            height=360,
        ),
    )


def met_figure(table: pd.DataFrame, lang: str) -> Figure:
    """Share of answered inquiries within the commitment, per channel with one."""
    table = table[table["commitment_days"].notna()]
    if table.empty or table[["response_met_share", "resolve_met_share"]].isna().all().all():
        return _empty(lang)
    x = _channel_labels(table, lang)
    data = [
        {
            "type": "bar",
            "name": t(f"svc.met.{m}", lang),
            "x": x,
            "y": [None if math.isnan(v) else round(v, 4) for v in table[f"{m}_met_share"]],
            "text": [pct(v) for v in table[f"{m}_met_share"]],
            "textposition": "auto",
            "marker": {"color": color},
        }
        for m, color in (("response", "#3182bd"), ("resolve", "#e6550d"))
    ]
    return _fig(
        data=data,
        layout=base_layout(
            barmode="group",
            yaxis={"tickformat": ".0%", "range": [0, 1]},
            legend={"orientation": "h", "y": -0.3},
            margin={"l": 56, "r": 16, "t": 16, "b": 40},
            height=320,
        ),
    )


def qa_figure(by_topic: pd.DataFrame, lang: str) -> Figure:
    """Published answers per topic, with their share of the topic's inquiries."""
    frame = by_topic[by_topic["received_n"] > 0].sort_values("published_n")
    if frame.empty:
        return _empty(lang)
    label = names("topic", lang)
    return _fig(
        data=[
            {
                "type": "bar",
                "orientation": "h",
                "y": [label.get(c, c) for c in frame["topic"]],
                "x": frame["published_n"].astype(int).tolist(),
                # short on the bar (the sentence did not fit beside short bars in English)
                "text": [
                    f"{int(n)} · {pct(s)}"
                    for n, s in zip(frame["published_n"], frame["published_share"], strict=True)
                ],
                "hovertext": [
                    t("svc.qa.hover", lang, n=int(n), share=pct(s))
                    for n, s in zip(frame["published_n"], frame["published_share"], strict=True)
                ],
                "hoverinfo": "y+text",
                "textposition": "auto",
                "marker": {"color": "#31a354"},
            }
        ],
        layout=base_layout(
            xaxis={"title": {"text": t("svc.qa.x", lang)}},
            yaxis={"automargin": True},
            margin={"l": 8, "r": 16, "t": 16, "b": 40},
            height=max(220, 40 + 30 * len(frame)),
        ),
    )


def repeat_figure(table: pd.DataFrame, lang: str) -> Figure:
    """Inquiries per month before and after each topic's first published answer."""
    if table.empty:
        return _empty(lang)
    label = names("topic", lang)
    y = [label.get(c, c) for c in table["topic"]]
    notes = [
        t("svc.repeat.first", lang, month=w.strftime("%Y-%m"))
        + ("" if nb else "; " + t("svc.repeat.no_before", lang))
        for w, nb in zip(pd.to_datetime(table["first_answer"]), table["months_before"], strict=True)
    ]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": t(f"svc.repeat.{side}", lang),
            "y": y,
            "x": [None if math.isnan(v) else round(v, 2) for v in table[f"{side}_per_month"]],
            "hovertext": notes,
            "hoverinfo": "x+y+text",
            "marker": {"color": color},
        }
        for side, color in (("before", "#bdbdbd"), ("after", "#31a354"))
    ]
    layout = base_layout(
        barmode="group",
        yaxis={"automargin": True},
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 8, "r": 16, "t": 40, "b": 40},
        height=max(260, 80 + 44 * len(table)),
    )
    if (table["months_before"] == 0).all():
        layout["annotations"] = [
            {
                "text": t("svc.repeat.none_before", lang),
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1.08,
                "xanchor": "left",
                "font": {"size": 12, "color": "#8a5a00"},
            }
        ]
    return _fig(data=data, layout=layout)


def training_figure(trainings: pd.DataFrame, lang: str) -> Figure:
    """Enterprise attendances per month (a firm trained twice counts twice), stacked by
    training type."""
    frame = trainings[trainings["enterprises_sum"] > 0]
    if frame.empty:
        return _empty(lang)
    label = names("type", lang)
    wide = _wide(frame, "month", "type", "enterprises_sum")
    x = _dates(wide.index.to_series())
    data = [
        {
            "type": "bar",
            "name": label.get(c, c),
            "x": x,
            "y": wide[c].astype(int).tolist(),
            "marker": {"color": PALETTE[i % len(PALETTE)]},
        }
        for i, c in enumerate(wide.columns)
    ]
    return _fig(
        data=data,
        layout=base_layout(
            barmode="stack",
            xaxis={"type": "date"},
            yaxis={"title": {"text": t("svc.training.y", lang)}},
            showlegend=True,
            legend={"orientation": "h", "y": -0.2},
            margin={"l": 56, "r": 16, "t": 16, "b": 40},
            height=320,
        ),
    )


def coverage_figure(table: pd.DataFrame, lang: str) -> Figure:
    """Per district: the share of the enterprises declaring there that had been trained."""
    if table.empty or float(table["enterprises_n"].sum()) == 0:
        return _empty(lang)
    table = table[table["enterprises_n"] > 0]
    district = district_names(lang)
    hover = [
        t(
            "svc.coverage.hover",
            lang,
            trained=f"{int(n):,}",
            declaring=f"{int(d):,}",
            coverage=pct(c),
            returned=pct(r),
            cross=pct(x_),
        )
        for n, d, c, r, x_ in zip(
            table["trained_n"],
            table["enterprises_n"],
            table["coverage"],
            table["returned_share"],
            table["cross_share"],
            strict=True,
        )
    ]
    top = float(table["coverage"].max())
    data = [
        {
            "type": "bar",
            "name": t("svc.coverage.share", lang),
            "x": [district.get(d, d) for d in table["district_code"]],
            "y": table["coverage"].astype(float).tolist(),
            "text": [pct(c) for c in table["coverage"]],
            "textposition": "outside",
            "cliponaxis": False,
            "hovertext": hover,
            "hoverinfo": "text",
            "marker": {"color": "#3182bd"},
        },
    ]
    return _fig(
        data=data,
        layout=base_layout(
            showlegend=False,
            # a share: the axis never passes 100 %, with room above the bars for their labels
            yaxis={
                "title": {"text": t("svc.coverage.share", lang)},
                "tickformat": ".0%",
                "range": [0, min(1.0, max(0.1, top * 1.2))],
            },
            margin={"l": 56, "r": 16, "t": 24, "b": 40},
            height=320,
        ),
    )


def outcome_figure(table: pd.DataFrame, lang: str) -> Figure:
    """Trained against untrained firms: one small bar panel per rate (`OUTCOME_RATES`)."""
    rates = ("returned_share", "cross_share", "inquiries_per_1000")
    if table.empty or float(table["declared_n"].sum()) == 0:
        return _empty(lang)
    rows = table.set_index("group")
    groups = [("trained", "#3182bd"), ("untrained", "#bdbdbd")]
    data, layout = (
        [],
        base_layout(
            barmode="group",
            showlegend=True,
            legend={"orientation": "h", "y": -0.18},
            margin={"l": 48, "r": 16, "t": 48, "b": 40},
            height=300,
            annotations=[],
        ),
    )
    width = 1 / len(rates)
    for i, rate in enumerate(rates):
        axis = "" if i == 0 else str(i + 1)
        is_share = rate.endswith("share")
        for group, color in groups:
            r = rows.loc[group]
            value = float(r[rate])
            firms = r["firms_n"]
            name = t(f"svc.outcomes.{group}", lang) + (
                t("svc.outcomes.firms", lang, n=f"{int(firms):,}") if firms == firms else ""
            )
            data.append(
                {
                    "type": "bar",
                    "name": name,
                    "legendgroup": group,
                    "showlegend": i == 0,
                    "x": [t(f"svc.outcomes.{group}", lang)],
                    "y": [None if math.isnan(value) else round(value, 4)],
                    "text": [pct(value) if is_share else f"{value:.1f}"],
                    "textposition": "outside",
                    "cliponaxis": False,
                    "hovertext": [
                        t(
                            "svc.outcomes.hover",
                            lang,
                            declared=f"{int(r['declared_n']):,}",
                            returned=f"{int(r['returned_n']):,}",
                            cross=f"{int(r['cross_n']):,}",
                            inquiries=f"{int(r['inquiries_n']):,}",
                        )
                    ],
                    "hoverinfo": "text",
                    "marker": {"color": color},
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                }
            )
        lo, hi = i * width + 0.04, (i + 1) * width - 0.04
        layout[f"xaxis{axis}"] = {"domain": [lo, hi], "anchor": f"y{axis}", "showticklabels": False}
        layout[f"yaxis{axis}"] = {
            "anchor": f"x{axis}",
            "rangemode": "tozero",
            **({"tickformat": ".1%" if rows[rate].max() < 0.05 else ".0%"} if is_share else {}),
        }
        layout["annotations"].append(
            {
                "text": t(f"svc.outcomes.{rate}", lang),
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": (lo + hi) / 2,
                "y": 1.12,
                "xanchor": "center",
                "font": {"size": 12},
            }
        )
    return _fig(data=data, layout=layout)


def escalation_weekly(weekly: pd.DataFrame, lang: str) -> Figure:
    """Escalated inquiries per week, stacked by district."""
    if weekly.empty or weekly["escalated_n"].sum() == 0:
        return _empty(lang)
    frame = weekly.rename(columns={"escalated_n": "n"})
    wide = _wide(frame, "week", "district_code", "n")
    district = district_names(lang)
    x = _dates(wide.index.to_series())
    data = [
        {
            "type": "bar",
            "name": district.get(c, c),
            "x": x,
            "y": wide[c].astype(int).tolist(),
            "marker": {"color": PALETTE[i % len(PALETTE)]},
        }
        for i, c in enumerate(wide.columns)
    ]
    return _fig(
        data=data,
        layout=base_layout(
            barmode="stack",
            xaxis={"type": "date"},
            yaxis={"title": {"text": t("svc.esc.y", lang)}},
            legend={"orientation": "h", "y": -0.25},
            margin={"l": 56, "r": 16, "t": 16, "b": 40},
            height=260,
        ),
    )


def escalation_rows(frame: pd.DataFrame, lang: str, emergency_path: str) -> list[dict[str, Any]]:
    """Grid rows: received time, inquiry, district, channel, topic, incident link (markdown)."""
    channel, topic, district = names("channel", lang), names("topic", lang), district_names(lang)
    rows = []
    for r in frame.itertuples():
        incident = str(r.escalated_incident_id)
        rows.append(
            {
                "received": pd.Timestamp(r.received_at).strftime("%Y-%m-%d %H:%M"),
                "inquiry": r.inquiry_id,
                "district": district.get(r.district_code, r.district_code),
                "channel": channel.get(r.channel, r.channel),
                "topic": topic.get(r.topic, r.topic),
                "incident": f"[{incident}]({emergency_path}?incident={incident})",
            }
        )
    return rows
