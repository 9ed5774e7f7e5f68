"""Synthetic customs declarations: volumes, mixes, risk lanes and the clearance timeline.

`timelines(days, seed, scale)` draws every declaration lodged on the given days with its
*complete* planned life (arrival, acceptance, review, duty, inspection, release, closing),
independent of the current time. `materialize(tl, now_s)` turns planned lives into contract
rows as they look at `now`: stages still in the future are empty and the status is the stage
reached (ACCEPTED, RETURNED, INSPECTION_ORDERED, DUTY_PENDING, REVIEWED, RELEASED, ...). The
live simulator keeps planned lives of unfinished declarations and re-materializes them as
time passes, which is how "released" grows on the wall.

Calibration (research/domain.md §2-4): per-district volumes (Beijing about 4,760/day,
Tianjin 7,890, Shijiazhuang 255, Chengdu 2,500 at scale 1), BTH cross-district release
about a quarter, Beijing about 84 % import by value, Chengdu skewed to processing/bonded
trade modes, transport mode from the port, HS mixes per district and direction, USD 75-85 %,
lognormal values (median about USD 25k), inspection by credit tier, lognormal clearance
(sigma 1.33) with means per port, RED adding 8-48 h.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.calendar_cn import DECLARATION_HOURS, day_number, declaration_day_factor
from dashboard.gen_common import (
    DAY,
    DISTRICTS,
    HOUR,
    NEVER,
    codes,
    cumcount,
    fmt_bool,
    fmt_float,
    fmt_padded,
    fmt_ts,
    lognormal_mean,
    pick,
    unit_rng,
    world,
)
from dashboard.gen_decl_tables import (
    AIR_HS,
    BASE_PER_DAY,
    BULK_HS,
    CODE4,
    COUNTRIES,
    CURRENCIES,
    CURRENCY_W,
    DIGIT,
    DISTRICT_VALUE,
    DUTY_MODES,
    EXPORT_MEAN_H,
    FIRM_HOME_W,
    IMPORT_MEAN_H,
    IMPORT_SHARE,
    INSPECT_P,
    MEDIAN_USD,
    METHODS,
    PARTNER_HS,
    PARTNERS,
    PORT_OPENED,
    RESULTS,
    SIGMA_CLEARANCE,
    SIGMA_VALUE,
    TRADE_MODE_W,
    TRADE_MODES,
    TRANSPORT,
    USD_PER_KG,
    VALUE_HS,
    VALUE_TIER,
    YELLOW_P,
    hs_chapter_codes,
    hs_weights,
    port_weights,
)
from dashboard.gen_enterprises import DISHONEST, Register, register

N_UNIFORM, N_NORMAL = 32, 4  # random draws per declaration
# Stage events of a declaration timeline, in the order they can happen.
DECL_EVENTS = [
    "accepted",
    "reviewed",
    "duty_paid",
    "ordered",
    "done",
    "released",
    "closed",
    "cancel_at",
    "ret_start",
    "ret_end",
]


def _draw(days: np.ndarray, seed: int, scale: float) -> tuple[np.ndarray, ...]:
    """Per-day random draws, concatenated: (day, district, U, Z)."""
    factor = declaration_day_factor(days)
    empty = np.zeros(0, dtype=np.int64)
    day_l, dist_l = [empty], [empty]
    u_l, z_l = [np.zeros((N_UNIFORM, 0))], [np.zeros((N_NORMAL, 0))]
    for day, f in zip(days, factor, strict=True):  # one pass per day, never per row
        rng = unit_rng(seed, "declarations", int(day))
        noise = np.exp(0.06 * rng.standard_normal(len(DISTRICTS)))
        counts = rng.poisson(BASE_PER_DAY * scale * f * noise)
        n = int(counts.sum())
        day_l.append(np.full(n, day, dtype=np.int64))
        dist_l.append(np.repeat(np.arange(len(DISTRICTS)), counts))
        u_l.append(rng.random((N_UNIFORM, n)))
        z_l.append(rng.standard_normal((N_NORMAL, n)))
    return (
        np.concatenate(day_l),
        np.concatenate(dist_l),
        np.concatenate(u_l, axis=1),
        np.concatenate(z_l, axis=1),
    )


def timelines(days: np.ndarray, seed: int, scale: float) -> pd.DataFrame:
    """Complete planned lives of every declaration lodged on `days`.

    Args:
        days: day numbers (days since 1970-01-01, Beijing dates).
        seed: generator seed.
        scale: volume scale (1.0 = realistic full volume).

    Returns:
        One row per declaration: attributes plus stage times in wall seconds (NEVER when
        the stage never happens), sorted by declaration time.
    """
    w = world()
    ports = w.ports
    day, dist, u, z = _draw(np.asarray(days, dtype=np.int64), seed, scale)
    n = len(day)
    declared = day * DAY + pick(DECLARATION_HOURS, u[0]) * HOUR + (u[1] * HOUR).astype(np.int64)
    is_imp = u[2] < IMPORT_SHARE[dist]
    group = dist * 2 + (~is_imp).astype(np.int64)
    chapters = hs_chapter_codes()
    chapter_idx = pick(hs_weights(), u[3], group)
    chapter = chapters[chapter_idx]
    bulk, air = np.isin(chapter, list(BULK_HS)), np.isin(chapter, list(AIR_HS))
    pclass = np.where(
        bulk,
        np.where(u[4] < 0.9, 0, 2),
        np.where(
            air, np.where(u[4] < 0.55, 1, 2), np.where(u[4] < 0.05, 0, np.where(u[4] < 0.15, 1, 2))
        ),
    )
    port = pick(port_weights(), u[5], dist * 3 + pclass)
    for new, (old, opened) in PORT_OPENED.items():
        early = (ports.ids[port] == new) & (day < day_number(opened))
        port[early] = ports.index(old)
    port_dist = np.searchsorted(np.array(DISTRICTS), ports.district[port])
    office = _declaring_office(dist, port, port_dist, u[6], u[31])
    reg = register(seed, scale)
    home = pick(FIRM_HOME_W, u[7], dist)
    firm = reg.sample(home, declared, u[8])
    tier = reg.tier[firm]
    kind = ports.kind[port]
    context = np.where(
        np.isin(ports.ids[port], ["BJ-TZ", "TJ-DJ", "CD-HTZ"]), 2, np.where(dist == 3, 1, 0)
    )
    mode = pick(TRADE_MODE_W, u[9], context * 2 + (~is_imp).astype(np.int64))
    transport = np.zeros(n, dtype=np.int64)
    for k, (choices, probs) in TRANSPORT.items():
        sel = kind == k
        transport[sel] = np.array(choices, dtype=np.int64)[pick(np.array(probs), u[10][sel])]
    value_usd = _value_usd(chapter, tier, dist, is_imp, z[1])
    currency = pick(CURRENCY_W, u[11])
    rates = w.ref.usd_rates()
    rate = np.array([rates[c] for c in CURRENCIES])[currency]
    too_big = value_usd / rate > 4.9e9
    currency[too_big] = 0
    value = np.round(value_usd / np.where(too_big, 1.0, rate), 2)
    lane = np.where(u[12] < INSPECT_P[tier], 2, np.where(u[13] < YELLOW_P[tier], 1, 0))
    method = pick(np.array([0.65, 0.20, 0.15]), u[14])
    dishonest = tier == DISHONEST
    result = np.where(
        u[15] < np.where(dishonest, 0.05, 0.008),
        2,
        np.where(u[15] < np.where(dishonest, 0.30, 0.068), 1, 0),
    )
    frame = pd.DataFrame(
        {
            "day": day,
            "district": dist,
            "office": office.astype(np.int64),
            "port": port,
            "is_import": is_imp,
            "trade_mode": mode,
            "transport_mode": transport,
            "hs_chapter": chapter_idx,
            "firm": firm,
            "tier": tier,
            "currency": currency,
            "declared_value": value,
            "lane": lane,
            "method": method,
            "result": result,
            "trade_country": _partners(chapter, is_imp, dist, u[30]),
            "gross_weight_kg": _weight(value_usd, chapter, z[2]),
            "declared": declared,
        }
    )
    _add_stages(frame, u, z, DUTY_MODES[mode], kind)
    frame["entry_id"] = _entry_ids(frame)
    # more than 30 declarations of one office in one second cannot be numbered: drop extras
    frame = frame[~frame["entry_id"].duplicated()]
    return frame.sort_values("declared", kind="stable").reset_index(drop=True)


def _declaring_office(
    dist: np.ndarray, port: np.ndarray, port_dist: np.ndarray, u: np.ndarray, u2: np.ndarray
) -> np.ndarray:
    """Office that lodged each declaration: mostly the port's office inside the district,
    the district's clearance office (or any of its offices) for cross-district release."""
    w = world()
    general = np.array([w.general_office[d] for d in DISTRICTS], dtype=object)[dist]
    general[(dist == 1) & (u2 < 0.4)] = "0210"  # Wuqing handles much of Tianjin's paperwork
    own = [w.offices_by_district[d] for d in DISTRICTS]
    same = port_dist == dist
    office = np.where(same & (u < 0.75), w.ports.office[port].astype(object), general)
    other = ~same & (u >= 0.7)
    for d, offices in enumerate(own):
        sel = other & (dist == d)
        office[sel] = np.array(offices, dtype=object)[(u2[sel] * len(offices)).astype(int)]
    return office


def _value_usd(
    chapter: np.ndarray, tier: np.ndarray, dist: np.ndarray, is_imp: np.ndarray, z: np.ndarray
) -> np.ndarray:
    offset = pd.Series(chapter).map(VALUE_HS).fillna(0.0).to_numpy(dtype=float, copy=True)
    for (d, imp), extra in DISTRICT_VALUE.items():
        offset[(dist == DISTRICTS.index(d)) & (is_imp == imp)] += extra
    v = MEDIAN_USD * np.exp(offset + VALUE_TIER[tier] + SIGMA_VALUE * z)
    return np.clip(v, 50.0, 3.0e8)


def _weight(value_usd: np.ndarray, chapter: np.ndarray, z: np.ndarray) -> np.ndarray:
    density = pd.Series(chapter).map(USD_PER_KG).fillna(10.0).to_numpy()
    return np.clip(np.round(value_usd / density * np.exp(0.5 * z), 1), 0.1, 4.0e8)


def _partners(
    chapter: np.ndarray, is_imp: np.ndarray, dist: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Trading country per row, as an index into COUNTRIES."""
    out = np.zeros(len(chapter), dtype=np.int64)
    for (imp, group), table in PARTNERS.items():
        sel = (is_imp == imp) & ((dist == 3) == (group == "SICHUAN"))
        out[sel] = _country_index(table)[pick(np.array(list(table.values())), u[sel])]
    for ch, table in PARTNER_HS.items():
        sel = (chapter == ch) & is_imp
        out[sel] = _country_index(table)[pick(np.array(list(table.values())), u[sel])]
    return out


def _country_index(table: dict[str, int]) -> np.ndarray:
    return np.searchsorted(COUNTRIES, np.array(list(table)))


def _add_stages(
    f: pd.DataFrame, u: np.ndarray, z: np.ndarray, duty_mode: np.ndarray, kind: np.ndarray
) -> None:
    """Plan every stage time (wall seconds; NEVER when skipped) and the outcome."""
    ports = world().ports
    imp = f["is_import"].to_numpy()
    port_ids = ports.ids[f["port"].to_numpy()]
    mean_h = np.where(
        imp,
        pd.Series(port_ids).map(IMPORT_MEAN_H).to_numpy(dtype=float),
        pd.Series(kind).map(EXPORT_MEAN_H).to_numpy(dtype=float),
    )
    overall = np.clip(lognormal_mean(mean_h, SIGMA_CLEARANCE, z[0]), 0.05, 720.0) * HOUR
    customs = np.maximum((0.10 + 0.20 * u[18]) * overall, 0.03 * HOUR)
    declared = f["declared"].to_numpy()
    accepted = declared + _sec(10 + 110 * u[19])
    arrival = accepted - _sec(overall - customs)
    lane = f["lane"].to_numpy()
    red, yellow = lane == 2, lane == 1
    outcome_u = u[16]
    rejected = outcome_u < 0.008
    cancelled = (outcome_u >= 0.008) & (outcome_u < 0.012) & ~red
    returned = (outcome_u >= 0.012) & (outcome_u < 0.027) & ~red & ~rejected & ~cancelled
    a = 0.05 + 0.45 * u[20]
    ret_start = np.where(returned, accepted + _sec((0.2 + 1.8 * u[27]) * HOUR), NEVER)
    ret_len = np.where(returned, _sec((2 + 22 * u[28]) * HOUR), 0)
    ret_end = np.where(returned, ret_start + ret_len, NEVER)
    yellow_extra = np.where(yellow, lognormal_mean(2.5, 0.8, z[3]) * HOUR, 0.0)
    reviewed = (
        accepted
        + _sec(a * customs + yellow_extra)
        + ret_len
        + np.where(returned, ret_start - accepted, 0)
    )
    ordered = np.where(red, accepted + _sec(60 + 1140 * u[21]), NEVER)
    done = np.where(red, ordered + _sec((8 + 40 * u[22]) * HOUR), NEVER)
    released = reviewed + _sec((1 - a) * customs)
    released = np.where(
        red, np.maximum(released, done + _sec((0.1 + 1.9 * u[23]) * HOUR)), released
    )
    pays = imp & duty_mode
    guarantee = pays & (u[17] < 0.03)
    duty = np.where(
        pays & ~guarantee, reviewed + _sec((0.2 + 0.7 * u[24]) * (released - reviewed)), NEVER
    )
    closed = np.where(~imp & (u[25] < 0.6), released + _sec((1 + 3 * u[26]) * DAY), NEVER)
    cancel_at = np.where(cancelled, accepted + _sec((1 + 47 * u[27]) * HOUR), NEVER)
    # ended declarations never reach the later stages
    for col in (released, duty, closed, ordered, done):
        col[rejected | cancelled] = NEVER
    reviewed = np.where(rejected | (cancelled & (reviewed >= cancel_at)), NEVER, reviewed)
    accepted = np.where(rejected, NEVER, accepted)
    f["arrival"], f["accepted"], f["reviewed"], f["duty_paid"] = arrival, accepted, reviewed, duty
    f["ordered"], f["done"], f["released"], f["closed"] = ordered, done, released, closed
    f["cancel_at"], f["ret_start"], f["ret_end"] = cancel_at, ret_start, ret_end
    f["rejected"], f["guarantee"] = rejected, guarantee
    f["hold"] = yellow & (u[29] < 0.3)
    f["lane"] = np.where(rejected & red, 0, lane)
    ev = f[DECL_EVENTS].to_numpy()
    f["final"] = np.where(ev == NEVER, np.iinfo(np.int64).min, ev).max(axis=1)


def _sec(x: np.ndarray) -> np.ndarray:
    """Float seconds (or a duration in seconds) -> int64 seconds."""
    return np.asarray(x, dtype=float).astype(np.int64)


def _entry_ids(f: pd.DataFrame) -> np.ndarray:
    """Declaring office (4) + year (4) + I/E digit + serial (9), unique per office/year/flag.

    The serial is the second of the year times 30 plus the rank among declarations of the
    same office and direction lodged in that second, so any chunking gives the same ids.
    """
    declared = f["declared"].to_numpy()
    year_start = declared.astype("datetime64[s]").astype("datetime64[Y]")
    year = year_start.astype(np.int64) + 1970
    second = declared - year_start.astype("datetime64[s]").astype(np.int64)
    flag = f["is_import"].to_numpy().astype(np.int64)
    rank = cumcount([f["office"].to_numpy(), flag, declared])
    serial = second * 30 + np.minimum(rank, 29)
    office = f["office"].to_numpy()
    return office * 10**14 + year * 10**10 + flag * 10**9 + serial


def materialize(tl: pd.DataFrame, now_s: int, reg: Register) -> pd.DataFrame:
    """Contract rows for planned declarations as they stand at `now_s`.

    Args:
        tl: output of `timelines` (any subset of rows).
        now_s: the current time, wall seconds; later stages are left empty.
        reg: the enterprise register the timelines were drawn from.

    Returns:
        The declarations feed, one column per contract field, all strings.
    """
    g = {c: tl[c].to_numpy() for c in tl.columns}
    released = g["released"] <= now_s
    done_ = g["done"] <= now_s
    ordered = g["ordered"] <= now_s
    status = np.select(
        [
            g["rejected"],
            g["cancel_at"] <= now_s,
            released & (g["closed"] <= now_s),
            released & g["guarantee"],
            released,
            (g["ret_start"] <= now_s) & (g["ret_end"] > now_s),
            ordered & ~done_,
            (g["reviewed"] > now_s) & g["hold"],
            g["reviewed"] > now_s,
            g["duty_paid"] != np.int64(NEVER),
        ],
        [
            "REJECTED",
            "CANCELLED",
            "CLOSED",
            "RELEASED_GUARANTEE",
            "RELEASED",
            "RETURNED",
            "INSPECTION_ORDERED",
            "ON_HOLD",
            "ACCEPTED",
            np.where(g["duty_paid"] > now_s, "DUTY_PENDING", "REVIEWED"),
        ],
        "REVIEWED",
    )
    shown_red = (g["lane"] == 2) & ordered
    lane = np.where(shown_red, "RED", np.where(g["lane"] == 1, "YELLOW", "GREEN"))
    chapters = hs_chapter_codes()
    return pd.DataFrame(
        {
            "entry_id": fmt_padded(g["entry_id"], 18),
            "ie_flag": np.where(g["is_import"], "I", "E").astype(object),
            "declare_customs_code": CODE4[g["office"]],
            "ie_port_code": world().ports.office[g["port"]].astype(object),
            "trade_mode": codes(TRADE_MODES, g["trade_mode"]),
            "transport_mode": DIGIT[g["transport_mode"]],
            "hs_chapter": codes(chapters, g["hs_chapter"]),
            "enterprise_uscc": reg.uscc[g["firm"]],
            "currency": codes(CURRENCIES, g["currency"]),
            "declared_value": fmt_float(g["declared_value"]),
            "risk_lane": lane.astype(object),
            "inspection_flag": fmt_bool(shown_red),
            "status": status.astype(object),
            "ts_arrival": fmt_ts(g["arrival"], now_s),
            "ts_declared": fmt_ts(g["declared"], now_s),
            "ts_accepted": fmt_ts(g["accepted"], now_s),
            "ts_released": fmt_ts(g["released"], now_s),
            "ts_reviewed": fmt_ts(g["reviewed"], now_s),
            "ts_duty_paid": fmt_ts(g["duty_paid"], now_s),
            "ts_inspection_ordered": fmt_ts(g["ordered"], now_s),
            "ts_inspection_done": fmt_ts(g["done"], now_s),
            "inspection_method": np.where(shown_red, codes(METHODS, g["method"]), "").astype(
                object
            ),
            "inspection_result": np.where(
                shown_red & done_, codes(RESULTS, g["result"]), ""
            ).astype(object),
            "trade_country": codes(COUNTRIES, g["trade_country"]),
            "gross_weight_kg": fmt_float(g["gross_weight_kg"], 1),
        },
        dtype=object,
    )
