"""Calibration tables of the synthetic declarations (research/domain.md §2-4).

Per-district volumes and import shares, trade-mode mixes (BTH, Chengdu, bonded-zone ports),
currencies, HS chapter mixes per district and direction with value and weight densities,
release-port choice by goods class (bulk by sea or rail, high-value by air) that produces
the BTH cross-district share, clearance-time means per port, transport modes per port type
and trading partners. Shares marked [A] in the domain notes are assumptions; change them
here and the realism tests in tests/unit/test_generate.py say whether the data still
looks right.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import numpy as np

from dashboard.gen_common import DISTRICTS, world

BASE_PER_DAY = np.array([4760.0, 7890.0, 255.0, 2500.0])  # DISTRICTS order, scale 1
IMPORT_SHARE = np.array([0.62, 0.50, 0.42, 0.36])  # by count
SIGMA_CLEARANCE = 1.33
INSPECT_P = np.array([0.0057, 0.0169, 0.0244, 0.8476])  # by tier (domain §3.4)
YELLOW_P = np.array([0.03, 0.06, 0.10, 0.12])
VALUE_TIER = np.array([1.6, 0.5, 0.0, -0.5])  # log offset of declared value by tier
MEDIAN_USD = 13_000.0
SIGMA_VALUE = 1.35
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
DIGIT = np.array([str(i) for i in range(10)], dtype=object)
# fmt: on


@cache
def hs_chapter_codes() -> np.ndarray:
    """HS chapter codes of the reference table, sorted."""
    return np.array(sorted(world().ref.code_set("hs_chapter")))


@cache
def hs_weights() -> np.ndarray:
    """HS chapter weights: rows district*2 + is_export; columns `hs_chapter_codes()`."""
    chapters = list(hs_chapter_codes())
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


@cache
def port_weights() -> np.ndarray:
    """Release-port weights: rows district*3 + goods class; columns port index."""
    ports = list(world().ports.ids)
    out = np.zeros((len(DISTRICTS) * 3, len(ports)))
    for i, d in enumerate(DISTRICTS):
        for k, table in enumerate(PORT_W[d]):
            for p, w in table.items():
                out[i * 3 + k, ports.index(p)] = w
    return out
