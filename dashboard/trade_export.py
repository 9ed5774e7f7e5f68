"""The rows behind each Trade Trends chart, for its CSV download: names instead of codes,
values in the chosen currency, column names in the reader's language. Escaping and
writing are `dashboard.export`'s."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from dashboard import trade
from dashboard.i18n import district_names, t
from dashboard.queries import Scope
from dashboard.reference import load_reference
from dashboard.trade import OTHER, TradeView, growth, in_currency

CODE_TABLES = {"hs_section": "hs_section", "hs_chapter": "hs_chapter"}


def _named(frame: pd.DataFrame, lang: str, currency: str) -> pd.DataFrame:
    """Columns renamed to their labels in `lang` (`trade.col.<name>`, currency filled in)."""
    return frame.rename(columns={c: t(f"trade.col.{c}", lang, cur=currency) for c in frame.columns})


def chart_rows(
    engine: Engine,
    view: TradeView,
    scope: Scope,
    chart: str,
    currency: str,
    dimension: str,
    lang: str,
) -> pd.DataFrame:
    """The rows behind one chart (value, clearance, mix, integration or od)."""
    names = district_names(lang)
    directions = load_reference().names("ie_flag", lang)
    if chart == "value":
        s = trade.value_series(engine, view, scope)
        out = pd.DataFrame(
            {
                "period": s["period"].dt.date,
                "declaring_district": s["declare_district"].map(names),
                "direction": s["ie_flag"].map(directions),
                "released": s["released_n"].astype(int),
                "value": in_currency(s["value_usd"], currency).round(2),
                "prior_value": in_currency(s["prior_value_usd"], currency).round(2),
                "yoy": [
                    round(growth(a, b), 6)
                    for a, b in zip(s["value_usd"], s["prior_value_usd"], strict=True)
                ],
            }
        )
    elif chart == "clearance":
        s = trade.clearance_series(engine, view, scope)
        out = s.assign(period=s["period"].dt.date, ie_flag=s["ie_flag"].map(directions))
        out = out.rename(columns={"ie_flag": "direction"}).round(3)
    elif chart == "mix":
        s = trade.composition(engine, view, scope, dimension)
        labels = load_reference().names(CODE_TABLES.get(dimension, dimension), lang)
        out = pd.DataFrame(
            {
                "dimension": t(f"trade.mix.{dimension}", lang),
                "code": s["code"].replace({OTHER: ""}),
                "name": [
                    t("trade.mix.other", lang) if c == OTHER else labels.get(str(c), str(c))
                    for c in s["code"]
                ],
                "released": s["released_n"].astype(int),
                "value": in_currency(s["value_usd"], currency).round(2),
                "share": s["share"].round(6),
            }
        )
    elif chart == "integration":
        s = trade.integration_series(engine, view, scope)
        out = pd.DataFrame(
            {
                "period": s["period"].dt.date,
                "released": s["released_n"].astype(int),
                "cross_released": s["cross_n"].astype(int),
                "share_n": s["share_n"].round(6),
                "value": in_currency(s["value_usd"], currency).round(2),
                "cross_value": in_currency(s["cross_value_usd"], currency).round(2),
                "share_value": s["share_value"].round(6),
            }
        )
    else:
        s = trade.od_matrix(engine, view, scope)
        out = pd.DataFrame(
            {
                "declaring_district": s["declare_district"].map(names),
                "port_district": s["port_district"].map(names),
                "released": s["released_n"].astype(int),
                "value": in_currency(s["value_usd"], currency).round(2),
                "overall_p50_h": s["overall_p50_h"].round(2),
            }
        )
    return _named(out, lang, currency)
