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

from datetime import date

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
from dashboard.gen_enterprises import (
    AEO,
    CERTIFIED,
    CREDIT,
    DISHONEST,
    TIERS,
    Register,
    register,
)

BASE_PER_DAY = np.array([4760.0, 7890.0, 255.0, 2500.0])  # DISTRICTS order, scale 1
IMPORT_SHARE = np.array([0.62, 0.50, 0.42, 0.36])  # by count
SIGMA_CLEARANCE = 1.33
INSPECT_P = np.array([0.0057, 0.0169, 0.0244, 0.8476])  # by tier (domain §3.4)
YELLOW_P = np.array([0.03, 0.06, 0.10, 0.12])
VALUE_TIER = np.array([1.6, 0.5, 0.0, -0.5])  # log offset of declared value by tier
MEDIAN_USD = 13_000.0
SIGMA_VALUE = 1.35
N_UNIFORM, N_NORMAL = 32, 4
PORT_OPENED = {"PKX": ("PEK", date(2019, 9, 25)), "TFU": ("CTU", date(2021, 6, 27))}

# fmt: off
TRADE_MODES = np.array(["0110", "0130", "0214", "0615", "0654", "0255", "1039", "1210", "1233",
                        "1300", "2600", "5034", "6033", "9610", "9710", "9810", "9900"])
DUTY_MODES = np.isin(TRADE_MODES, ["0110", "0130", "1300", "2600", "9610"])
# rows: context*2 + is_export; contexts: 0 BTH, 1 Chengdu, 2 bonded-zone port
TRADE_MODE_W = np.array([
    [.62, .002, .04, .08, .01, .005, 0, .03, .05, .01, .015, .04, .03, .02, 0, 0, .028],
    [.58, .002, .05, .08, .015, .005, .02, .005, .04, .01, .015, .04, .03, .03, .03, .02, .028],
    [.38, .002, .12, .18, .03, .01, 0, .03, .07, .01, .01, .08, .04, .02, 0, 0, .02],
    [.40, .002, .10, .18, .03, .01, .01, 0, .06, .01, .01, .08, .04, .02, .02, .01, .02],
    [.15, 0, .10, .15, .05, 0, 0, .15, .15, 0, 0, .15, .05, .02, 0, 0, .03],
    [.15, 0, .10, .18, .06, 0, 0, 0, .12, 0, 0, .20, .06, 0, .05, .05, .03],
])
CURRENCIES = np.array(["USD", "CNY", "EUR", "JPY", "HKD", "GBP", "AUD", "KRW"])
CURRENCY_W = np.array([0.80, 0.07, 0.06, 0.02, 0.02, 0.01, 0.01, 0.01])
METHODS = np.array(["NII", "MANUAL", "BOTH"])
RESULTS = np.array(["NORMAL", "DISCREPANCY", "SEIZURE_REFERRAL"])

BACKGROUND_HS = {"39": 3, "40": 1.5, "29": 2, "38": 1.5, "30": 1.5, "33": 1, "48": 1, "61": 2,
                 "62": 2, "64": 1.5, "73": 2, "76": 1, "84": 4, "85": 5, "87": 2, "90": 2.5,
                 "94": 1.5, "95": 1, "96": 0.5, "03": 0.8, "02": 0.5, "08": 0.8, "22": 0.6,
                 "04": 0.4, "21": 0.5, "44": 0.5, "47": 0.4, "70": 0.5, "71": 0.3, "74": 0.5}
# (district, import?) -> main chapters' count shares; the rest follows BACKGROUND_HS
MAIN_HS = {
    ("0100", True): {"27": .06, "87": .10, "88": .01, "10": .015, "12": .02, "85": .16,
                     "84": .12, "90": .08, "30": .06, "33": .04, "22": .03},
    ("0100", False): {"27": .02, "85": .25, "72": .05, "73": .06, "87": .08, "84": .15,
                      "90": .05, "30": .03},
    ("0200", True): {"87": .10, "88": .005, "12": .04, "02": .06, "03": .05, "84": .12,
                     "85": .12, "27": .03, "26": .02, "39": .04, "29": .04},
    ("0200", False): {"84": .20, "85": .20, "72": .05, "73": .08, "87": .06, "94": .04,
                      "39": .04, "95": .03},
    ("0400", True): {"26": .10, "27": .08, "12": .06, "84": .10, "85": .08, "72": .03, "47": .03},
    ("0400", False): {"84": .22, "85": .25, "72": .08, "73": .10, "87": .05, "94": .05,
                      "64": .03},
    ("7900", True): {"85": .50, "84": .20, "90": .05, "88": .005, "87": .03, "30": .02},
    ("7900", False): {"85": .45, "84": .30, "90": .03, "94": .02, "61": .02, "64": .02},
}
VALUE_HS = {"27": 3.2, "26": 3.0, "88": 5.0, "10": 2.6, "12": 2.6, "89": 3.0, "72": 1.5,
            "47": 1.3, "02": 1.0, "03": 1.0, "87": 1.2, "84": 0.3, "85": 0.3, "90": 0.3,
            "30": 0.6, "61": -0.5, "62": -0.5, "64": -0.5, "95": -0.5, "96": -0.5}
USD_PER_KG = {"27": 0.55, "26": 0.12, "12": 0.55, "10": 0.3, "72": 0.8, "73": 2.0, "47": 0.6,
              "87": 25.0, "84": 30.0, "85": 120.0, "90": 150.0, "88": 2000.0, "30": 200.0,
              "02": 4.0, "03": 5.0, "61": 20.0, "62": 20.0, "64": 15.0, "71": 5000.0}
DISTRICT_VALUE = {("0100", True): 0.3}
# chapter -> port class probabilities (bulk seaport/rail, air, general)
BULK_HS = {"10", "12", "15", "25", "26", "27", "31", "44", "47", "72", "89"}
AIR_HS = {"30", "71", "85", "88", "90"}
PORT_W = {  # district -> class -> {port: weight}
    "0100": [{"TJ-XG": .55, "TJ-DJ": .15, "HB-TS": .12, "HB-QHD": .08, "HB-HH": .10},
             {"PEK": .60, "PKX": .30, "BJ-TZ": .07, "TSN": .03},
             {"PEK": .40, "PKX": .19, "BJ-TZ": .10, "TJ-XG": .22, "TJ-DJ": .04, "TSN": .02,
              "HB-HH": .02}],
    "0200": [{"TJ-XG": .58, "TJ-DJ": .18, "HB-HH": .10, "HB-TS": .09, "HB-QHD": .05},
             {"TSN": .66, "PEK": .24, "PKX": .10},
             {"TJ-XG": .52, "TJ-DJ": .17, "TSN": .09, "PEK": .10, "PKX": .04, "HB-HH": .04,
              "HB-TS": .03, "SJW": .01}],
    "0400": [{"HB-TS": .35, "HB-QHD": .25, "HB-HH": .25, "TJ-XG": .15},
             {"SJW": .70, "PEK": .20, "TSN": .10},
             {"TJ-XG": .35, "HB-HH": .15, "HB-TS": .12, "HB-QHD": .10, "SJW": .20, "TJ-DJ": .05,
              "PEK": .03}],
    "7900": [{"CD-RAIL": .75, "CD-HTZ": .25},
             {"CTU": .55, "TFU": .30, "CD-HTZ": .15},
             {"CTU": .30, "TFU": .20, "CD-RAIL": .20, "CD-HTZ": .30}],
}
IMPORT_MEAN_H = {"PEK": 25, "PKX": 25, "BJ-TZ": 18, "TSN": 22, "TJ-XG": 35, "TJ-DJ": 32,
                 "SJW": 22, "HB-HH": 42, "HB-QHD": 45, "HB-TS": 42, "CTU": 20, "TFU": 20,
                 "CD-RAIL": 25, "CD-HTZ": 15}
EXPORT_MEAN_H = {"AIRPORT": 0.8, "SEAPORT": 1.6, "RAIL_PORT": 1.2, "BONDED_ZONE": 0.9}
TRANSPORT = {"AIRPORT": (["5", "4"], [.98, .02]), "SEAPORT": (["2", "4"], [.95, .05]),
             "RAIL_PORT": (["3", "4"], [.90, .10]),
             "BONDED_ZONE": (["4", "7", "5"], [.80, .10, .10])}
FIRM_HOME_W = np.array([[.95, .05, 0, 0], [.03, .85, .12, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
PARTNERS = {
    (True, "BTH"): {"AU": 12, "BR": 8, "US": 8, "DE": 8, "JP": 7, "SA": 5, "RU": 6, "KR": 5,
                    "FR": 4, "IT": 3, "GB": 3, "VN": 3, "MY": 3, "ID": 3, "CA": 3, "NZ": 2,
                    "CL": 2, "TH": 2, "CH": 2, "NL": 2},
    (False, "BTH"): {"US": 18, "KR": 8, "JP": 8, "DE": 6, "VN": 6, "NL": 4, "GB": 4, "IN": 4,
                     "RU": 5, "AU": 3, "MY": 3, "TH": 3, "SG": 3, "BR": 3, "AE": 3, "MX": 2,
                     "PL": 2, "ID": 2},
    (True, "SICHUAN"): {"US": 14, "KR": 12, "JP": 10, "MY": 9, "VN": 8, "DE": 8, "PH": 5,
                        "SG": 5, "TH": 4, "NL": 3, "IE": 3, "FR": 3, "AU": 2, "IT": 2},
    (False, "SICHUAN"): {"US": 20, "NL": 7, "DE": 7, "VN": 6, "KR": 6, "JP": 5, "IN": 5,
                         "PL": 5, "RU": 5, "GB": 4, "MY": 4, "SG": 3, "AE": 3, "MX": 2},
}
PARTNER_HS: dict[str, dict[str, int]] = {
    "27": {"SA": 4, "RU": 4, "IQ": 3, "AO": 2, "BR": 2, "OM": 1, "AE": 1},
    "26": {"AU": 6, "BR": 3, "ZA": 1}, "12": {"BR": 6, "US": 3, "AR": 1},
    "88": {"FR": 5, "US": 4, "DE": 2},
}
COUNTRIES = np.array(sorted({c for t in [*PARTNERS.values(), *PARTNER_HS.values()] for c in t}))
CODE4 = np.array([f"{i:04d}" for i in range(10_000)], dtype=object)
CODE2 = np.array([f"{i:02d}" for i in range(100)], dtype=object)
DIGIT = np.array([str(i) for i in range(10)], dtype=object)
# fmt: on


def _chapters() -> np.ndarray:
    return np.array(sorted(world().ref.code_set("hs_chapter")))


def _hs_weights() -> np.ndarray:
    """Rows district*2 + is_export; columns `_chapters()`."""
    chapters = list(_chapters())
    bg = np.array([BACKGROUND_HS.get(c, 0.1) for c in chapters])
    bg = bg / bg.sum()
    rows = []
    for d in DISTRICTS:
        for imp in (True, False):
            main = MAIN_HS[(d, imp)]
            w = bg * (1.0 - sum(main.values()))
            for c, share in main.items():
                w[chapters.index(c)] += share
            rows.append(w)
    return np.array(rows)


def _port_weights() -> np.ndarray:
    """Rows district*3 + class; columns port index."""
    ports = list(world().ports.ids)
    out = np.zeros((len(DISTRICTS) * 3, len(ports)))
    for i, d in enumerate(DISTRICTS):
        for k, table in enumerate(PORT_W[d]):
            for p, w in table.items():
                out[i * 3 + k, ports.index(p)] = w
    return out


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
    chapters = _chapters()
    chapter_idx = pick(_hs_weights(), u[3], group)
    chapter = chapters[chapter_idx]
    bulk, air = np.isin(chapter, list(BULK_HS)), np.isin(chapter, list(AIR_HS))
    pclass = np.where(
        bulk,
        np.where(u[4] < 0.9, 0, 2),
        np.where(
            air, np.where(u[4] < 0.55, 1, 2), np.where(u[4] < 0.05, 0, np.where(u[4] < 0.15, 1, 2))
        ),
    )
    port = pick(_port_weights(), u[5], dist * 3 + pclass)
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
    event_cols = [
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
    ev = f[event_cols].to_numpy()
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
    chapters = _chapters()
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


__all__ = ["AEO", "CERTIFIED", "CREDIT", "DISHONEST", "TIERS", "materialize", "timelines"]
