"""District Analysis callbacks: filter state, charts, KPIs, the keyset-paged table, detail.

Every value from the browser (dropdowns, radio items, chart clickData, chip clicks, the
stored filter state, the pager store, the clicked row) is validated by
`dashboard.districts.parse_filters` or a local allow-list before any query; a forged value
is audited and raised as an error, never queried. The scope always comes from the session.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

import callbacks
from dashboard import districts as dist
from dashboard.figures import districts as figs
from dashboard.figures import empty_figure
from dashboard.i18n import normalise_lang, t
from dashboard.queries import QUERY_ERRORS
from dashboard.queries.declarations import cursor_of
from layouts import ids

logger = logging.getLogger(__name__)
D = ids.Districts
PAGE_SIZE = 50
ENTRY_ID = re.compile(r"^[0-9]{18}$")
CURSOR_TS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
MAX_PAGES = 100_000
# graph id -> the URL key its clicks set
CLICK_KEYS = {D.PORTS: "port", D.MODE: "mode", D.TIER: "tier", D.HEATMAP: "wd"}


InvalidInput = callbacks.InvalidInput


def refused(what: str) -> InvalidInput:
    """`callbacks.refused` for this page's inputs (audited as `input:dist-<what>`)."""
    return callbacks.refused(f"dist-{what}")


def filters_of(data: Any) -> dist.Filters:
    """The validated filter state from the store (refused when forged)."""
    if not isinstance(data, dict):
        raise refused("filters")
    try:
        return dist.parse_filters(data, callbacks.scope())
    except dist.InvalidFilter as exc:
        raise refused(f"filters.{exc}") from None


def _clicked(click: Any) -> Any:
    """The customdata of the first clicked point (None when absent)."""
    try:
        return click["points"][0]["customdata"]
    except (KeyError, IndexError, TypeError):
        return None


def _toggle(pairs: dict[str, Any], key: str, value: Any) -> None:
    pairs[key] = None if pairs.get(key) == value else value


def next_filters(trigger: Any, values: dict[str, Any], f: dist.Filters) -> dist.Filters:
    """The filter state after one user action (pure but for validation; raises on forgery).

    Args:
        trigger: the id that fired (a component id or a chip id dict).
        values: the current control values and clickData keyed by component id.
        f: the validated current state.
    """
    pairs: dict[str, Any] = f.to_query()
    pairs.setdefault("period", f.period)
    controls = {D.DISTRICT: "district", D.PORT: "port", D.PERIOD: "period", D.IE: "ie",
                D.SPLIT: "split", D.SORT: "sort"}  # fmt: skip
    if isinstance(trigger, dict) and trigger.get("type") == D.CHIP:
        key = trigger.get("key")
        if key not in dist.CHIP_KEYS:
            raise refused("chip")
        return f.without(str(key))
    if trigger in controls:
        key = controls[trigger]
        pairs[key] = values.get(trigger) or None
        if key == "district":
            pairs["port"] = None
    elif trigger in CLICK_KEYS:
        value = _clicked(values.get(trigger))
        key = CLICK_KEYS[trigger]
        if key == "wd":
            if not isinstance(value, list) or len(value) != 2:
                raise refused("heatmap")
            same = (f.weekday, f.hour) == tuple(value)
            pairs["wd"], pairs["hr"] = (None, None) if same else (value[0], value[1])
        else:
            _toggle(pairs, key, value)
    elif trigger == D.STAGES:
        _toggle(pairs, f.split, _clicked(values.get(trigger)))
    else:
        raise PreventUpdate
    try:
        return dist.parse_filters(
            {k: v for k, v in pairs.items() if v is not None}, callbacks.scope()
        )
    except dist.InvalidFilter as exc:
        raise refused(str(exc)) from None


def update_filters(
    district: Any, port: Any, period: Any, ie: Any, split: Any, sort: Any,
    ports_click: Any, stages_click: Any, heat_click: Any, mode_click: Any, tier_click: Any,
    _chips: Any, data: Any, lang: Any,
) -> tuple[Any, ...]:  # fmt: skip
    """Fires on any control, chart click or chip: the new state, URL and port choices."""
    lang = normalise_lang(lang)
    values = {D.DISTRICT: district, D.PORT: port, D.PERIOD: period, D.IE: ie, D.SPLIT: split,
              D.SORT: sort, D.PORTS: ports_click, D.STAGES: stages_click, D.HEATMAP: heat_click,
              D.MODE: mode_click, D.TIER: tier_click}  # fmt: skip
    if isinstance(ctx.triggered_id, dict) and not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate  # chips (re)drawn, not clicked
    f = next_filters(ctx.triggered_id, values, filters_of(data))
    port_names = figs.names("port", lang)
    options = [{"label": t("dist.port.all", lang), "value": ""}] + [
        {"label": port_names.get(p, p), "value": p}
        for p in dist.scope_ports(callbacks.scope(), f.district)
    ]
    return f.as_dict(), f.search(), options, f.district or "", f.port or ""


def update_chips(data: Any, lang: Any) -> tuple[Any, ...]:
    """Fires when the state changes: removable chips, the period text, the export link."""
    lang = normalise_lang(lang)
    f = filters_of(data)
    chips = []
    labels = {
        "district": lambda: figs.names("district", lang).get(f.district or "", ""),
        "port": lambda: figs.names("port", lang).get(f.port or "", ""),
        "ie": lambda: t(f"dist.ie.{f.ie}", lang),
        "lane": lambda: figs.group_name("lane", f.lane or "", lang),
        "method": lambda: figs.group_name("method", f.method or "", lang),
        "mode": lambda: figs.names("trade_mode", lang).get(f.trade_mode or "", ""),
        "tier": lambda: figs.names("credit_tier", lang).get(f.tier or "", ""),
        "wd": lambda: t(
            "dist.chip.wd", lang, weekday=t("dist.weekdays", lang).split(",")[f.weekday or 0],
            hour=f"{f.hour:02d}" if f.hour is not None else "",
        ),
    }  # fmt: skip
    for key in dist.CHIP_KEYS:
        if getattr(f, dist.FIELD_OF_KEY[key]) is None:
            continue
        chips.append(
            html.Button(
                [
                    html.Span(f"{t(f'dist.dim.{key}', lang)}: {labels[key]()}"),
                    html.Span(" ×", **{"aria-hidden": "true"}),
                ],
                id=ids.dist_chip(key),
                className="btn btn-sm btn-outline-primary rounded-pill dist-chip",
                title=t("dist.chip.remove", lang),
            )
        )
    if not chips:
        chips = [html.Span(t("dist.chips.none", lang), className="small text-body-secondary")]
    try:
        first, last = dist.months_of(callbacks.engine(), f)
        span = t("dist.range", lang, first=first.strftime("%Y-%m"), last=last.strftime("%Y-%m"))
    except QUERY_ERRORS:
        span = t("dist.failed", lang)
    href = "/export/districts.csv" + f.search()
    return [html.Span(t("dist.chips", lang), className="small me-1"), *chips], span, href


def _ignored(chart: str, f: dist.Filters, lang: str) -> str:
    """The caption naming active filters this chart's data cannot apply."""
    active = [k for k in dist.CHIP_KEYS if getattr(f, dist.FIELD_OF_KEY[k]) is not None]
    missing = [k for k in active if k not in dist.APPLIES[chart] and k != chart]
    if not missing:
        return ""
    return t("dist.ignores", lang, dims=", ".join(t(f"dist.dim.{k}", lang) for k in missing))


def _with_note(fig: dict[str, Any], note: str) -> dict[str, Any]:
    if note:
        fig["layout"].setdefault("annotations", []).append(
            {
                "text": note,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1.0,
                "yanchor": "bottom",
                "yshift": 18,
                "xanchor": "left",
                "showarrow": False,
                "font": {"size": 11, "color": "#8a6d3b"},
            }
        )
        fig["layout"]["margin"]["t"] = fig["layout"]["margin"].get("t", 30) + 26
    return fig


def _guard(build: Callable[[], Any], lang: str, n: int) -> Any:
    """Run a panel's build; on a database failure show that instead of numbers."""
    try:
        return build()
    except QUERY_ERRORS:
        logger.exception("district analysis query failed")
        fig = empty_figure(t("dist.failed", lang))
        return fig if n == 1 else tuple([fig] * n)


def _state(data: Any, lang: Any) -> tuple[dist.Filters, str, Any, str]:
    lang = normalise_lang(lang)
    f = filters_of(data)
    engine = callbacks.engine()
    return f, lang, engine, dist.version(engine)


def update_kpis(data: Any, lang: Any) -> Any:
    """Fires when the state changes: KPI tiles against the region and last year."""
    f, lang, engine, ver = _state(data, lang)

    def build() -> Any:
        k = dist.kpis(engine, ver, f, callbacks.scope())
        note = _ignored("kpis", f, lang)
        extra = [html.Div(note, className="small dist-ignores")] if note else []
        return [*figs_kpi_tiles(k, lang), *extra]

    try:
        return build()
    except QUERY_ERRORS:
        logger.exception("district KPIs failed")
        return html.Span(t("dist.failed", lang), className="panel-failed")


def figs_kpi_tiles(k: dict[str, dict[str, float]], lang: str) -> list[Any]:
    """KPI tiles (value, region, last year with change)."""
    tiles = []
    fmt = {
        "declared_n": figs.fmt_num,
        "value_usd": lambda v: figs.fmt_num(v / 1e6, 1) + " M",
        "inspection_rate": figs.fmt_pct,
        "p50": lambda v: figs.fmt_num(v, 1),
        "p90": lambda v: figs.fmt_num(v, 1),
    }
    for key, show in fmt.items():
        here, region, past = k["here"][key], k["region"][key], k["past"][key]
        change = (
            "–" if not past or past != past or here != here else f"{(here / past - 1) * 100:+.1f}%"
        )
        tiles.append(
            html.Div(
                className="dist-kpi border rounded p-2",
                children=[
                    html.Div(t(f"dist.kpi.{key}", lang), className="small text-body-secondary"),
                    html.Div(show(here), className="fs-4 fw-semibold"),
                    html.Div(t("dist.kpi.region", lang, value=show(region)), className="small"),
                    html.Div(
                        t("dist.kpi.past", lang, value=show(past), change=change), className="small"
                    ),
                ],
            )
        )
    return tiles


def update_ports(data: Any, lang: Any) -> Any:
    """Fires when the state changes: the ports side by side."""
    f, lang, engine, ver = _state(data, lang)

    def build() -> Any:
        frame = dist.ports(engine, ver, f, callbacks.scope())
        if frame.empty:
            return empty_figure(t("dist.empty", lang))
        return _with_note(figs.ports_figure(frame, lang, f.port), _ignored("ports", f, lang))

    return _guard(build, lang, 1)


def update_stages(data: Any, lang: Any) -> Any:
    """Fires when the state changes: stage waterfall and the split by lane or method."""
    f, lang, engine, ver = _state(data, lang)

    def build() -> Any:
        overall, by = dist.stage_stats(engine, ver, f, callbacks.scope())
        if overall.empty:
            empty = empty_figure(t("dist.empty", lang))
            return empty, empty
        note = _ignored("stages", f, lang)
        selected = f.lane if f.split == "lane" else f.method
        return (
            _with_note(figs.waterfall_figure(overall, lang), note),
            _with_note(figs.stages_by_figure(by, f.split, lang, selected), note),
        )

    return _guard(build, lang, 2)


def update_patterns(data: Any, lang: Any) -> Any:
    """Fires when the state changes: weekday x hour heatmap and the clearance histogram."""
    f, lang, engine, ver = _state(data, lang)

    def build() -> Any:
        scope = callbacks.scope()
        heat = dist.heatmap(engine, ver, f, scope)
        hist = dist.clearance_hist(engine, ver, f, scope)
        cell = (f.weekday, f.hour) if f.weekday is not None and f.hour is not None else None
        empty = empty_figure(t("dist.empty", lang))
        return (
            _with_note(figs.heatmap_figure(heat, lang, cell), _ignored("heatmap", f, lang))
            if len(heat)
            else empty,
            _with_note(figs.hist_figure(hist, lang), _ignored("hist", f, lang))
            if len(hist)
            else empty,
        )

    return _guard(build, lang, 2)


def update_rates(data: Any, lang: Any) -> Any:
    """Fires when the state changes: inspection rate by trade mode and by credit tier."""
    f, lang, engine, ver = _state(data, lang)

    def build() -> Any:
        scope = callbacks.scope()
        out = []
        for what, table, selected in (
            ("mode", "trade_mode", f.trade_mode),
            ("tier", "credit_tier", f.tier),
        ):
            frame = dist.inspection_by(engine, ver, f, scope, what)
            labels = {**figs.names(table, lang), "": t("dist.tier.unknown", lang)}
            fig = (
                figs.rate_figure(frame, labels, lang, selected)
                if len(frame)
                else empty_figure(t("dist.empty", lang))
            )
            out.append(_with_note(fig, _ignored(what, f, lang)) if len(frame) else fig)
        return tuple(out)

    return _guard(build, lang, 2)


def _pager(value: Any) -> tuple[list[tuple[str, str] | None], int]:
    """The validated pager store: cursor stack (one per page start) and the page number."""
    if not isinstance(value, dict):
        raise refused("pager")
    cursors, page = value.get("cursors"), value.get("page")
    if not isinstance(cursors, list) or not isinstance(page, int) or isinstance(page, bool):
        raise refused("pager")
    if not 1 <= page <= min(len(cursors), MAX_PAGES) or cursors[0] is not None:
        raise refused("pager")
    out: list[tuple[str, str] | None] = [None]
    for c in cursors[1:]:
        ok = isinstance(c, list) and len(c) == 2 and isinstance(c[0], str) and isinstance(c[1], str)
        if not ok or not CURSOR_TS.match(c[0]) or not ENTRY_ID.match(c[1]):
            raise refused("pager")
        out.append((c[0], c[1]))
    return out, page


def update_table(
    data: Any, _first: Any, _prev: Any, _next: Any, pager: Any, lang: Any
) -> tuple[Any, ...]:
    """Fires on a state change or a pager button: one keyset page of declarations."""
    lang = normalise_lang(lang)
    f = filters_of(data)
    cursors, page = _pager(pager)
    trigger = ctx.triggered_id
    if trigger == D.NEXT and page < len(cursors):
        page += 1
    elif trigger == D.PREV and page > 1:
        page -= 1
    elif trigger in (D.FIRST, D.FILTERS) or trigger is None:
        cursors, page = [None], 1
    try:
        frame = dist.table_page(
            callbacks.engine(), f, callbacks.scope(), cursors[page - 1], PAGE_SIZE + 1
        )
    except QUERY_ERRORS:
        logger.exception("district table query failed")
        return no_update, no_update, t("dist.failed", lang), True, True
    more = len(frame) > PAGE_SIZE
    frame = frame.head(PAGE_SIZE)
    cursors = cursors[:page]
    if more:
        cursors.append(cursor_of(frame))
    text = t("dist.page" if more else "dist.page.last", lang, n=page)
    store = {"cursors": [list(c) if c else None for c in cursors], "page": page}
    return figs.table_rows(frame, lang), store, text, not more, page == 1


def show_detail(cell: Any, lang: Any) -> Any:
    """Fires when a table row is clicked: the declaration's full record and stage timeline."""
    lang = normalise_lang(lang)
    entry = cell.get("rowId") if isinstance(cell, dict) else None
    if entry is None:
        raise PreventUpdate
    if not isinstance(entry, str) or not ENTRY_ID.match(entry):
        raise refused("row")
    try:
        record = dist.declaration(callbacks.engine(), entry, callbacks.scope())
    except QUERY_ERRORS:
        logger.exception("declaration detail failed")
        return t("dist.failed", lang)
    if record is None:
        return t("dist.detail.missing", lang)
    return detail_view(record, lang)


def detail_view(record: dict[str, Any], lang: str) -> Any:
    """The record as a definition list and its timeline."""
    fields = figs.detail_fields(record, lang)
    steps = []
    for col, when, gap in record["timeline"]:
        since = "" if gap is None else " · " + t("dist.detail.since", lang, hours=f"{gap:.2f}")
        steps.append(
            html.Li([html.Strong(t(f"dist.ts.{col}", lang)), f" {when:%Y-%m-%d %H:%M:%S}{since}"])
        )
    return html.Div(
        className="row dist-detail",
        children=[
            html.H3(t("dist.detail.title", lang, entry=record["entry_id"]), className="h6"),
            html.Div(
                html.Dl(
                    [x for label, value in fields for x in (html.Dt(label), html.Dd(value))],
                    className="dist-fields",
                ),  # fmt: skip
                className="col-lg-7",
            ),
            html.Div(html.Ol(steps, className="dist-timeline"), className="col-lg-5"),
        ],
    )


def register(app: Dash) -> None:
    """Wire the page's callbacks on `app`."""
    lang = State(ids.Shell.LANG, "data")
    filters = Input(D.FILTERS, "data")
    app.callback(
        Output(D.FILTERS, "data"),
        Output(D.URL, "search"),
        Output(D.PORT, "options"),
        Output(D.DISTRICT, "value"),
        Output(D.PORT, "value"),
        Input(D.DISTRICT, "value"),
        Input(D.PORT, "value"),
        Input(D.PERIOD, "value"),
        Input(D.IE, "value"),
        Input(D.SPLIT, "value"),
        Input(D.SORT, "value"),
        Input(D.PORTS, "clickData"),
        Input(D.STAGES, "clickData"),
        Input(D.HEATMAP, "clickData"),
        Input(D.MODE, "clickData"),
        Input(D.TIER, "clickData"),
        Input(ids.dist_chip(ALL), "n_clicks"),
        State(D.FILTERS, "data"),
        lang,
        prevent_initial_call=True,
    )(update_filters)
    app.callback(
        Output(D.CHIPS, "children"), Output(D.RANGE, "children"), Output(D.EXPORT, "href"),
        filters, lang,
    )(update_chips)  # fmt: skip
    app.callback(Output(D.KPIS, "children"), filters, lang)(update_kpis)
    app.callback(Output(D.PORTS, "figure"), filters, lang)(update_ports)
    app.callback(Output(D.WATERFALL, "figure"), Output(D.STAGES, "figure"), filters, lang)(
        update_stages
    )
    app.callback(Output(D.HEATMAP, "figure"), Output(D.HIST, "figure"), filters, lang)(
        update_patterns
    )
    app.callback(Output(D.MODE, "figure"), Output(D.TIER, "figure"), filters, lang)(update_rates)
    app.callback(
        Output(D.GRID, "rowData"),
        Output(D.PAGER, "data"),
        Output(D.PAGE, "children"),
        Output(D.NEXT, "disabled"),
        Output(D.PREV, "disabled"),
        filters,
        Input(D.FIRST, "n_clicks"),
        Input(D.PREV, "n_clicks"),
        Input(D.NEXT, "n_clicks"),
        State(D.PAGER, "data"),
        lang,
    )(update_table)
    app.callback(Output(D.DETAIL, "children"), Input(D.GRID, "cellClicked"), lang,
                 prevent_initial_call=True)(show_detail)  # fmt: skip
