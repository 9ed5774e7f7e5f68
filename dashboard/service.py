"""The Enterprise Service page's data: memoized rollup reads and the pure computations on them.

Definitions (also stated on the page):
- Solved at first contact: the inquiry was resolved by the unit first asked
  (`resolved_first_contact`); the share is over all inquiries received in the period.
- Passed on: received by a unit and not solved there (received - solved at first contact).
- Within commitment: answered by the end of the N-th working day after the day of receipt,
  N per channel in `dashboard.workdays.COMMITMENT_WORKING_DAYS` (hotline 1, online
  channels 3, on-site none), over answered inquiries; computed per inquiry at ingest.
- Median and p90 response / resolution times: from log-spaced histograms
  (`dashboard.histogram`, within 9 % of the exact value).
- Repeat questions on a topic: inquiries on the topic per month in the `REPEAT_MONTHS`
  months before the month of its first published answer (in the caller's scope and
  channel, over all history) against the `REPEAT_MONTHS` months after it (that month
  itself excluded). When the data start or end sooner, the months that exist are used;
  with none the rate is unknown.
- Trained against untrained enterprises: a firm counts as trained for a month's declarations
  and inquiries when it attended a training (any district, any type with enterprises) before
  that month began, from the `training_attendance` feed; untrained is every other firm named
  on a declaration or inquiry. Over the period's months: share of declarations returned or
  rejected (quarantined rows never reach the database and name no trusted firm, so they are
  not counted), share declared in a district other than the port's (cross-district), and
  inquiries per 1,000 declarations. An association, not proof that training caused it.
- Training coverage: per district, of the enterprises that declared there in the calendar
  year the period ends in (one year of the per-enterprise rollup, so the read does not grow
  with the period), the share that had attended any training (held by any district) before
  the period ends. Each enterprise counts once however often it was trained, and trained
  enterprises that did not declare there are not counted, so the share is at most 100 %.
  The chart beside it counts attendances (an enterprise trained twice counts twice) per
  month and type at the trainings held by the districts in view.

Facades memoize on primitive arguments plus the database `data_version`, and on the
caller's scope, so users with different districts never share an entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard.cache import cache
from dashboard.histogram import percentile_from_histogram
from dashboard.queries import Scope, feeds
from dashboard.queries import service as q
from dashboard.workdays import COMMITMENT_WORKING_DAYS

PERIOD_WEEKS = (13, 26, 52, 104)
DEFAULT_WEEKS = 26
REPEAT_MONTHS = 3
ESCALATION_ROWS = 50
TOP_UNITS = 12


@dataclass(frozen=True)
class Period:
    """Whole weeks `[start, end)` (Mondays), ending after the current week."""

    start: date
    end: date

    @classmethod
    def ending(cls, today: date, weeks: int) -> Period:
        """The `weeks` weeks up to and including the week of `today`."""
        end = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return cls(end - timedelta(weeks=weeks), end)

    @property
    def months(self) -> tuple[date, date]:
        """The months overlapping the period, `[first of start month, first after end)`."""
        last = self.end - timedelta(days=1)
        nxt = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        return self.start.replace(day=1), nxt

    @property
    def year(self) -> date:
        """The calendar year the period ends in, as its 1 January."""
        return date((self.end - timedelta(days=1)).year, 1, 1)

    @property
    def end_time(self) -> datetime:
        """The end of the period (00:00 on the Monday after it) as a timestamp."""
        return datetime.combine(self.end, datetime.min.time())


# --- the URL ------------------------------------------------------------------------------
ALL = "all"
CHANNELS = ("HOTLINE_12360", "ONLINE_SERVICE_HALL", "E_CONTACT", "PORTAL", "ON_SITE")
URL_FIELDS = ("district", "channel", "weeks")  # query keys, also the field names refused


@dataclass(frozen=True)
class View:
    """The page's filters: district code or ALL, channel code or ALL, period weeks."""

    district: str = ALL
    channel: str = ALL
    weeks: int = DEFAULT_WEEKS

    def query_string(self) -> str:
        """ "?district=..&channel=..&weeks=.." with the defaults left out ("" when all are)."""
        parts = [
            f"{k}={v}"
            for k, v in zip(URL_FIELDS, (self.district, self.channel, self.weeks), strict=True)
            if v != getattr(View(), k)
        ]
        return "?" + "&".join(parts) if parts else ""


def from_url(query: dict[str, object], districts: Iterable[str]) -> tuple[View, list[str]]:
    """The view a bookmarked URL asks for; a bad value falls back to its default.

    Args:
        query: the URL's query parameters (strings).
        districts: the districts the user may see.

    Returns:
        The view and the names of the fields refused (a district outside `districts`, an
        unknown channel, weeks not in `PERIOD_WEEKS`), empty when all were good.
    """
    view, refused = View(), []
    district = query.get("district", ALL)
    if district == ALL or district in set(districts):
        view = replace(view, district=str(district))
    else:
        refused.append("district")
    channel = query.get("channel", ALL)
    if channel == ALL or channel in CHANNELS:
        view = replace(view, channel=str(channel))
    else:
        refused.append("channel")
    weeks = str(query.get("weeks", DEFAULT_WEEKS))
    if weeks.isdigit() and int(weeks) in PERIOD_WEEKS:
        view = replace(view, weeks=int(weeks))
    else:
        refused.append("weeks")
    return view, refused


def share(part: pd.Series | float, whole: pd.Series | float) -> pd.Series | float:
    """part / whole, NaN where whole is 0."""
    if isinstance(whole, pd.Series):
        return part / whole.where(whole > 0)
    return float(part) / float(whole) if whole else float("nan")


# --- memoized reads --------------------------------------------------------------------------
def _version(engine: Engine) -> str:
    return feeds.data_version(engine)


ALL_MEASURES = q.WEEKLY_MEASURES
TIME_MEASURES = ("responded_n", "response_met_n", "resolved_n", "resolve_met_n")
KPI_MEASURES = (
    "received_n",
    "first_contact_n",
    "published_n",
    "escalated_n",
    "responded_n",
    "response_met_n",
    "resolved_n",
    "resolve_met_n",
)
SHARES = {
    "first_contact_share": ("first_contact_n", "received_n"),
    "published_share": ("published_n", "received_n"),
    "response_met_share": ("response_met_n", "responded_n"),
    "resolve_met_share": ("resolve_met_n", "resolved_n"),
}


@cache.memoize()
def _weekly(
    engine: Engine,
    version: str,
    dim: str,
    p: Period,
    scope: Scope,
    channel: str | None,
    measures: tuple[str, ...],
) -> pd.DataFrame:
    return q.weekly_by(engine, dim, p.start, p.end, scope, channel, measures)


def weekly(
    engine: Engine,
    dim: str,
    p: Period,
    scope: Scope,
    channel: str | None,
    measures: tuple[str, ...] = ALL_MEASURES,
) -> pd.DataFrame:
    """Weekly service `measures` by `dim` (cached)."""
    return _weekly(engine, _version(engine), dim, p, scope, channel, measures)


@cache.memoize()
def _totals(
    engine: Engine,
    version: str,
    dim: str,
    p: Period,
    scope: Scope,
    channel: str | None,
    measures: tuple[str, ...],
) -> pd.DataFrame:
    return with_shares(q.totals_by(engine, dim, p.start, p.end, scope, channel, measures))


def totals(
    engine: Engine,
    dim: str,
    p: Period,
    scope: Scope,
    channel: str | None,
    measures: tuple[str, ...] = ALL_MEASURES,
) -> pd.DataFrame:
    """Service `measures` over the period by `dim`, with the shares they allow (cached)."""
    return _totals(engine, _version(engine), dim, p, scope, channel, measures)


def with_shares(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the shares (`SHARES`) whose two measures are in `frame`."""
    frame = frame.copy()
    for name, (part, whole) in SHARES.items():
        if part in frame and whole in frame:
            frame[name] = share(frame[part], frame[whole])
    return frame


@cache.memoize()
def _passed_on(
    engine: Engine, version: str, p: Period, scope: Scope, channel: str | None
) -> pd.DataFrame:
    start, end = p.months
    return rank_units(q.units(engine, start, end, scope, channel))


def passed_on(engine: Engine, p: Period, scope: Scope, channel: str | None) -> pd.DataFrame:
    """First-contact units ranked by inquiries passed on (not solved where first asked)."""
    return _passed_on(engine, _version(engine), p, scope, channel)


def rank_units(units: pd.DataFrame, top: int = TOP_UNITS) -> pd.DataFrame:
    """Units with passed_n = received - solved at first contact and its share, top `top`."""
    out = units.copy()
    out["passed_n"] = out["received_n"] - out["first_contact_n"]
    out["passed_share"] = share(out["passed_n"], out["received_n"])
    out = out[out["received_n"] > 0]
    return out.sort_values(["passed_n", "first_contact_unit"], ascending=[False, True]).head(top)


@cache.memoize()
def _hist(
    engine: Engine, version: str, p: Period, scope: Scope, channel: str | None
) -> pd.DataFrame:
    start, end = p.months
    return q.time_histogram(engine, start, end, scope, channel)


@cache.memoize()
def _response_times(
    engine: Engine, version: str, p: Period, scope: Scope, channel: str | None
) -> pd.DataFrame:
    hist = _hist(engine, version, p, scope, channel)
    by_channel = _totals(engine, version, "channel", p, scope, channel, TIME_MEASURES)
    return time_table(hist, by_channel)


def response_times(engine: Engine, p: Period, scope: Scope, channel: str | None) -> pd.DataFrame:
    """Median and p90 response / resolution hours per channel, with commitment shares."""
    return _response_times(engine, _version(engine), p, scope, channel)


def time_table(hist: pd.DataFrame, by_channel: pd.DataFrame) -> pd.DataFrame:
    """Per channel: percentiles from the histogram, commitment and the shares within it.

    Returns:
        Columns channel, commitment_days (NaN: none), response_p50, response_p90,
        resolve_p50, resolve_p90 (hours), response_met_share, resolve_met_share.
    """
    rows = []
    # plain arrays per channel: pandas filtering per channel cost more than the query
    h_ch = hist["channel"].to_numpy()
    h_cols = {c: hist[c].to_numpy() for c in ("bucket", "response_n", "resolve_n")}
    sums = by_channel.set_index("channel")
    for ch in sorted(set(h_ch) | set(sums.index)):
        sel = h_ch == ch
        days = COMMITMENT_WORKING_DAYS.get(ch)
        row: dict[str, object] = {"channel": ch, "commitment_days": days or np.nan}
        for m, done_col in (("response", "responded_n"), ("resolve", "resolved_n")):
            for qn, label in ((0.5, "p50"), (0.9, "p90")):
                row[f"{m}_{label}"] = percentile_from_histogram(
                    h_cols["bucket"][sel], h_cols[f"{m}_n"][sel], qn
                )
            known = ch in sums.index
            met = float(sums.at[ch, f"{m}_met_n"]) if known else 0.0
            done = float(sums.at[ch, done_col]) if known else 0.0
            row[f"{m}_met_share"] = share(met, done) if days else np.nan
        rows.append(row)
    cols = ["channel", "commitment_days"] + [
        f"{m}_{s}" for m in ("response", "resolve") for s in ("p50", "p90", "met_share")
    ]
    return pd.DataFrame(rows, columns=cols)


@cache.memoize()
def _repeat(engine: Engine, version: str, scope: Scope, channel: str | None) -> pd.DataFrame:
    return repeat_table(q.topic_history(engine, scope, channel))


def repeat_questions(engine: Engine, scope: Scope, channel: str | None) -> pd.DataFrame:
    """Per topic: monthly inquiries before and after its first published answer (cached)."""
    return _repeat(engine, _version(engine), scope, channel)


def _month_index(values: pd.Series) -> np.ndarray:
    stamps = pd.to_datetime(values)
    return (stamps.dt.year * 12 + stamps.dt.month - 1).to_numpy(dtype=np.int64)


def repeat_table(history: pd.DataFrame, months: int = REPEAT_MONTHS) -> pd.DataFrame:
    """Repeat questions around each topic's first published answer.

    Args:
        history: columns month, topic, received_n, published_n (all history).
        months: window length on each side.

    Returns:
        Columns topic, first_answer (month), months_before, before_per_month, months_after,
        after_per_month, change (after / before - 1); topics without an answer are left out.
    """
    cols = [
        "topic",
        "first_answer",
        "months_before",
        "before_per_month",
        "months_after",
        "after_per_month",
        "change",
    ]
    if history.empty:
        return pd.DataFrame(columns=cols)
    idx = _month_index(history["month"])
    first_month, last_month = int(idx.min()), int(idx.max())
    rows = []
    for topic in sorted(set(history["topic"])):
        sel = (history["topic"] == topic).to_numpy()
        m, rec = idx[sel], history["received_n"].to_numpy(dtype=float)[sel]
        answered = m[history["published_n"].to_numpy()[sel] > 0]
        if answered.size == 0:
            continue
        first = int(answered.min())
        n_before = min(months, first - first_month)
        n_after = min(months, last_month - first)
        before = rec[(m >= first - n_before) & (m < first)].sum()
        after = rec[(m > first) & (m <= first + n_after)].sum()
        b = before / n_before if n_before else np.nan
        a = after / n_after if n_after else np.nan
        rows.append(
            {
                "topic": topic,
                "first_answer": pd.Timestamp(year=first // 12, month=first % 12 + 1, day=1),
                "months_before": n_before,
                "before_per_month": b,
                "months_after": n_after,
                "after_per_month": a,
                "change": a / b - 1 if n_before and b > 0 and n_after else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=cols)


@cache.memoize()
def _training(
    engine: Engine, version: str, p: Period, scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    start, end = p.months
    attendances = q.trainings(engine, start, end, scope)
    declaring = q.declarants(engine, p.year, p.end_time, scope)
    return attendances, coverage_table(declaring)


def training(engine: Engine, p: Period, scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training sessions and attendances per month, district and type, and the coverage
    per district (`coverage_table`); cached as one unit (one read of each)."""
    return _training(engine, _version(engine), p, scope)


def coverage_table(declaring: pd.DataFrame) -> pd.DataFrame:
    """Training coverage per district (defined in the module doc).

    Args:
        declaring: per declaring district, enterprises_n, trained_n (of those enterprises),
            declared_n, returned_n, cross_n (see `dashboard.queries.service.declarants`).

    Returns:
        Columns district_code, enterprises_n, trained_n, coverage (trained_n /
        enterprises_n), and the declaring enterprises' returned and cross-district shares of
        declarations; sorted by district.
    """
    out = declaring.rename(columns={"declare_district": "district_code"}).copy()
    out["coverage"] = share(out["trained_n"], out["enterprises_n"])
    out["returned_share"] = share(out["returned_n"], out["declared_n"])
    out["cross_share"] = share(out["cross_n"], out["declared_n"])
    return out.sort_values("district_code").reset_index(drop=True)


@cache.memoize()
def _outcomes(engine: Engine, version: str, p: Period, scope: Scope) -> pd.DataFrame:
    start, end = p.months
    return outcome_table(q.outcomes(engine, start, end, scope))


def outcomes(engine: Engine, p: Period, scope: Scope) -> pd.DataFrame:
    """Trained against untrained firms on outcomes over the period's months (cached)."""
    return _outcomes(engine, _version(engine), p, scope)


OUTCOME_RATES = ("returned_share", "cross_share", "inquiries_per_1000")


def outcome_table(sums: pd.DataFrame) -> pd.DataFrame:
    """Trained and untrained rows from the all-firm and trained-firm sums.

    Args:
        sums: rows "all" and "trained" with declared_n, returned_n, cross_n, inquiries_n,
            firms_n (see `dashboard.queries.service.outcomes`).

    Returns:
        Rows "trained", "untrained" (= all - trained): the counts, returned_share,
        cross_share and inquiries_per_1000 (NaN where there are no declarations).
    """
    counts = ["declared_n", "returned_n", "cross_n", "inquiries_n"]
    by = sums.set_index("group")
    trained = by.loc["trained", counts].astype(float)
    untrained = by.loc["all", counts].astype(float) - trained
    out = pd.DataFrame([trained, untrained], index=["trained", "untrained"])
    out["firms_n"] = [by.loc["trained", "firms_n"], np.nan]
    out["returned_share"] = share(out["returned_n"], out["declared_n"])
    out["cross_share"] = share(out["cross_n"], out["declared_n"])
    out["inquiries_per_1000"] = share(out["inquiries_n"], out["declared_n"]) * 1000
    return out.rename_axis("group").reset_index()


@cache.memoize()
def _escalations(
    engine: Engine, version: str, p: Period, scope: Scope, channel: str | None
) -> pd.DataFrame:
    start = datetime.combine(p.start, datetime.min.time())
    end = datetime.combine(p.end, datetime.min.time())
    return q.escalations(engine, start, end, scope, channel, ESCALATION_ROWS)


def escalations(engine: Engine, p: Period, scope: Scope, channel: str | None) -> pd.DataFrame:
    """The newest escalated inquiries of the period (cached)."""
    return _escalations(engine, _version(engine), p, scope, channel)


@cache.memoize()
def _kpis(
    engine: Engine, version: str, p: Period, scope: Scope, channel: str | None
) -> dict[str, float]:
    return kpi_values(_totals(engine, version, "channel", p, scope, channel, KPI_MEASURES))


def kpis(engine: Engine, p: Period, scope: Scope, channel: str | None) -> dict[str, float]:
    """Headline numbers of the period: volume and the shares defined in the module doc."""
    return _kpis(engine, _version(engine), p, scope, channel)


def kpi_values(by_channel: pd.DataFrame) -> dict[str, float]:
    """Headline numbers from per-channel totals (the within-commitment shares over the
    channels that have a commitment)."""
    s = by_channel[list(KPI_MEASURES)].sum()
    committed = by_channel[by_channel["channel"].isin(list(COMMITMENT_WORKING_DAYS))]
    return {
        "received": float(s["received_n"]),
        "first_contact_share": float(share(s["first_contact_n"], s["received_n"])),
        "response_met_share": float(
            share(committed["response_met_n"].sum(), committed["responded_n"].sum())
        ),
        "resolve_met_share": float(
            share(committed["resolve_met_n"].sum(), committed["resolved_n"].sum())
        ),
        "published": float(s["published_n"]),
        "escalated": float(s["escalated_n"]),
    }
