"""The zh/en catalog is complete, placeholders agree, and every label the code asks for exists."""

from __future__ import annotations

import math
import re
import string
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.contract import FEEDS
from dashboard.reference import load_reference

ROOT = Path(__file__).resolve().parents[2]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(i18n.CATALOG))
def test_every_key_has_both_languages(key: str) -> None:
    zh, en = i18n.CATALOG[key]
    assert zh.strip() and en.strip(), key
    assert re.search(r"[\u4e00-\u9fff]", zh) or key == "lang.switch", f"{key}: zh has no Chinese"
    assert _fields(zh) == _fields(en), f"{key}: placeholders differ"


def test_labels_used_in_code_exist() -> None:
    pattern = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
    used: set[str] = set()
    for folder in ("layouts", "callbacks", "dashboard"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "no t(...) calls found"
    assert sorted(used - set(i18n.CATALOG)) == []


def test_every_feed_page_and_state_has_a_name() -> None:
    for feed in FEEDS:
        assert i18n.has_label(f"feed.{feed}"), feed
    for page in ("command", "trade", "districts", "emergency", "service", "data"):
        assert i18n.has_label(f"page.{page}.name")
    for state in ("fresh", "late", "stale", "none", "event"):
        assert i18n.has_label(f"state.{state}")


def test_t_falls_back_to_chinese_and_formats() -> None:
    assert i18n.t("age.minutes", "en", n=3) == "3 min ago"
    assert i18n.t("age.minutes", "zh", n=3) == "3 分钟前"
    assert i18n.t("app.name", "fr") == i18n.t("app.name", "zh")
    with pytest.raises(KeyError):
        i18n.t("no.such.key", "zh")


def test_normalise_lang_accepts_only_known_codes() -> None:
    assert i18n.normalise_lang("en") == "en"
    for value in (None, "", "EN", "de", 1, ["en"], "zh-CN"):
        assert i18n.normalise_lang(value) == "zh"


def test_district_names_are_short_and_cover_reference() -> None:
    codes = {d["district_code"] for d in load_reference().districts}
    zh, en = i18n.district_names("zh"), i18n.district_names("en")
    assert set(zh) == set(en) == codes
    assert (zh["0100"], zh["0200"], zh["0400"], zh["7900"]) == ("北京", "天津", "石家庄", "成都")
    assert (en["0200"], en["7900"]) == ("Tianjin", "Chengdu")


@pytest.mark.parametrize(
    ("minutes", "zh", "en"),
    [
        (None, "无数据", "no data"),
        (math.nan, "无数据", "no data"),
        (-2.0, "刚刚", "just now"),
        (0.4, "刚刚", "just now"),
        (3.9, "3 分钟前", "3 min ago"),
        (59.9, "59 分钟前", "59 min ago"),
        (60, "1 小时前", "1 h ago"),
        (47 * 60 + 59, "47 小时前", "47 h ago"),
        (3 * 24 * 60, "3 天前", "3 days ago"),
    ],
)
def test_format_age(minutes: float | None, zh: str, en: str) -> None:
    assert i18n.format_age(minutes, "zh") == zh
    assert i18n.format_age(minutes, "en") == en


def test_beijing_now_is_naive_utc_plus_8() -> None:
    from datetime import UTC, datetime, timedelta

    now = i18n.beijing_now()
    assert now.tzinfo is None
    utc = datetime.now(UTC).replace(tzinfo=None)
    assert abs((now - utc) - timedelta(hours=8)) < timedelta(seconds=5)
