"""Callbacks of the Enterprise Service (/service) page.

Each panel is one callback on the filters (district, channel, period) and its own radio:
validate the values against allow-lists (a forged value is audited and refused before any
query), narrow the signed-in user's scope (never widened by an input), call the memoized
facade in `dashboard.service`, build figures with `dashboard.figures.service`. A database
failure shows a message in the panel instead of a traceback. The URL follows the filters
clientside (`assets/service.js`), with the defaults left out as `service.View` does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, get_relative_path

import callbacks
from callbacks.command_center import refused
from dashboard import service
from dashboard.figures import empty_figure
from dashboard.figures import service as fig
from dashboard.i18n import beijing_now, normalise_lang, t
from dashboard.queries import QUERY_ERRORS, Scope, narrow
from dashboard.reference import load_reference
from layouts import ids
from layouts.service import ALL, CHANNELS, FC_DIMS, VOLUME_DIMS, kpi_strip

logger = logging.getLogger(__name__)
S = ids.Service
FILTERS = [Input(S.DISTRICT, "value"), Input(S.CHANNEL, "value"), Input(S.PERIOD, "value")]
LANG = State(ids.Shell.LANG, "data")


def parse(district: Any, channel: Any, weeks: Any) -> tuple[Scope, str | None, service.Period]:
    """Validated filters: the districts to query, the channel (None: all), the period.

    Raises:
        InvalidInput: for a value outside its allow-list or a district outside the scope.
    """
    scope = callbacks.scope()
    if district == ALL:
        chosen = None
    elif isinstance(district, str) and district in load_reference().code_set("district"):
        if scope is not None and district not in scope:
            raise refused("district")
        chosen = district
    else:
        raise refused("district")
    if channel != ALL and channel not in CHANNELS:
        raise refused("channel")
    if not isinstance(weeks, int) or isinstance(weeks, bool) or weeks not in service.PERIOD_WEEKS:
        raise refused("period")
    period = service.Period.ending(beijing_now().date(), weeks)
    return narrow(scope, chosen), None if channel == ALL else channel, period


def _dim(value: Any, allowed: tuple[str, ...], what: str) -> str:
    if isinstance(value, str) and value in allowed:
        return value
    raise refused(what)


def _guard(build: Callable[[], tuple[Any, ...]], n: int, lang: str) -> tuple[Any, ...]:
    try:
        return build()
    except QUERY_ERRORS:
        logger.exception("service panel query failed")
        return tuple(empty_figure(t("svc.failed", lang)) for _ in range(n))


def update_kpis(district: Any, channel: Any, weeks: Any, lang: Any) -> tuple[Any, str]:
    """Fires when a filter changes: the headline numbers and the period's dates."""
    lang = normalise_lang(lang)
    scope, ch, p = parse(district, channel, weeks)
    end = p.end.fromordinal(p.end.toordinal() - 1)
    text = t("svc.range", lang, start=p.start.isoformat(), end=end.isoformat())
    try:
        values = service.kpis(callbacks.engine(), p, scope, ch)
    except QUERY_ERRORS:
        logger.exception("service KPI query failed")
        return t("svc.failed", lang), text
    return kpi_strip(values, lang), text


def update_volume(district: Any, channel: Any, weeks: Any, dim: Any, lang: Any) -> Any:
    """Fires when a filter or the grouping changes: weekly inquiry volume."""
    lang = normalise_lang(lang)
    scope, ch, p = parse(district, channel, weeks)
    dim = _dim(dim, VOLUME_DIMS, "volume_by")
    (out,) = _guard(
        lambda: (
            fig.volume_figure(
                service.weekly(callbacks.engine(), dim, p, scope, ch, ("received_n",)), dim, lang
            ),
        ),
        1,
        lang,
    )
    return out


def update_first_contact(
    district: Any, channel: Any, weeks: Any, dim: Any, lang: Any
) -> tuple[Any, Any]:
    """Fires when a filter or the grouping changes: first-contact shares and pass-on units."""
    lang = normalise_lang(lang)
    scope, ch, p = parse(district, channel, weeks)
    dim = _dim(dim, FC_DIMS, "fc_by")
    eng = callbacks.engine()

    def build() -> tuple[Any, ...]:
        by = service.totals(eng, dim, p, scope, ch, ("received_n", "first_contact_n"))
        shares = fig.share_bars(by, dim, "first_contact_share", "received_n", "svc.fc.x", lang)
        return shares, fig.units_figure(service.passed_on(eng, p, scope, ch), lang)

    return _guard(build, 2, lang)  # type: ignore[return-value]


def update_times(district: Any, channel: Any, weeks: Any, lang: Any) -> tuple[Any, Any]:
    """Fires when a filter changes: response/resolution times against the commitments."""
    lang = normalise_lang(lang)
    scope, ch, p = parse(district, channel, weeks)

    def build() -> tuple[Any, ...]:
        table = service.response_times(callbacks.engine(), p, scope, ch)
        return fig.times_figure(table, lang), fig.met_figure(table, lang)

    return _guard(build, 2, lang)  # type: ignore[return-value]


def update_qa(district: Any, channel: Any, weeks: Any, lang: Any) -> tuple[Any, Any]:
    """Fires when a filter changes: published Q&A by topic and repeat questions."""
    lang = normalise_lang(lang)
    scope, ch, p = parse(district, channel, weeks)
    eng = callbacks.engine()

    def build() -> tuple[Any, ...]:
        by_topic = service.totals(eng, "topic", p, scope, ch, ("received_n", "published_n"))
        repeat = service.repeat_questions(eng, scope, ch)
        return fig.qa_figure(by_topic, lang), fig.repeat_figure(repeat, lang)

    return _guard(build, 2, lang)  # type: ignore[return-value]


def update_training(district: Any, channel: Any, weeks: Any, lang: Any) -> tuple[Any, Any]:
    """Fires when a filter changes: attendances per month and coverage by district
    (trainings have no channel; the channel filter does not apply)."""
    lang = normalise_lang(lang)
    scope, _ch, p = parse(district, channel, weeks)
    eng = callbacks.engine()

    def build() -> tuple[Any, ...]:
        attendances, coverage = service.training(eng, p, scope)
        return fig.training_figure(attendances, lang), fig.coverage_figure(coverage, lang)

    return _guard(build, 2, lang)  # type: ignore[return-value]


def update_outcomes(district: Any, channel: Any, weeks: Any, lang: Any) -> Any:
    """Fires when a filter changes: trained against untrained enterprises on outcomes
    (per-firm rollups; the channel filter does not apply)."""
    lang = normalise_lang(lang)
    scope, _ch, p = parse(district, channel, weeks)
    (out,) = _guard(
        lambda: (fig.outcome_figure(service.outcomes(callbacks.engine(), p, scope), lang),),
        1,
        lang,
    )
    return out


def update_escalations(district: Any, channel: Any, weeks: Any, lang: Any) -> tuple[Any, Any]:
    """Fires when a filter changes: escalations per week and the newest escalated inquiries,
    each linked to the Emergency Response page with its incident id."""
    lang = normalise_lang(lang)
    scope, ch, p = parse(district, channel, weeks)
    eng = callbacks.engine()
    try:
        weekly = service.weekly(eng, "district_code", p, scope, ch, ("escalated_n",))
        rows = service.escalations(eng, p, scope, ch)
    except QUERY_ERRORS:
        logger.exception("service escalation query failed")
        return empty_figure(t("svc.failed", lang)), []
    path = get_relative_path("/emergency")
    return fig.escalation_weekly(weekly, lang), fig.escalation_rows(rows, lang, path)


def register(app: Dash) -> None:
    """Wire the page's callbacks on `app`."""
    app.callback(Output(S.KPIS, "children"), Output(S.RANGE, "children"), *FILTERS, LANG)(
        update_kpis
    )
    app.callback(Output(S.VOLUME, "figure"), *FILTERS, Input(S.VOLUME_BY, "value"), LANG)(
        update_volume
    )
    app.callback(
        Output(S.FIRST_CONTACT, "figure"),
        Output(S.UNITS, "figure"),
        *FILTERS,
        Input(S.FC_BY, "value"),
        LANG,
    )(update_first_contact)
    app.callback(Output(S.TIMES, "figure"), Output(S.MET, "figure"), *FILTERS, LANG)(update_times)
    app.callback(Output(S.QA, "figure"), Output(S.REPEAT, "figure"), *FILTERS, LANG)(update_qa)
    app.callback(Output(S.TRAINING, "figure"), Output(S.COVERAGE, "figure"), *FILTERS, LANG)(
        update_training
    )
    app.callback(Output(S.ESCALATIONS, "figure"), Output(S.ESC_GRID, "rowData"), *FILTERS, LANG)(
        update_escalations
    )
    app.callback(Output(S.OUTCOMES, "figure"), *FILTERS, LANG)(update_outcomes)
    # replaceState in the browser, not a dcc.Location: the page router must not rebuild the page
    app.clientside_callback(
        ClientsideFunction(namespace="service", function_name="syncUrl"),
        Output(S.URL_SYNC, "data"),
        *FILTERS,
    )
