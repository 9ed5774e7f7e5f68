"""Language and time presentation: the zh/en catalog, `t(key, lang)`, names, ages, clocks.

Every label the dashboard shows comes from `CATALOG` (one entry per key, both languages)
or, for codes, from the reference tables (`Reference.names`). Chinese is the default
language. Times are Beijing time (Asia/Shanghai, UTC+8, no daylight saving) everywhere:
`beijing_now()` gives the naive Beijing wall time the database stores.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from dashboard.config import TIMEZONE
from dashboard.labels_access import LABELS as ACCESS_LABELS
from dashboard.labels_command import LABELS as COMMAND_LABELS
from dashboard.labels_districts import LABELS as DISTRICTS_LABELS
from dashboard.labels_emergency import LABELS as EMERGENCY_LABELS
from dashboard.labels_service import LABELS as SERVICE_LABELS
from dashboard.labels_trade import LABELS as TRADE_LABELS
from dashboard.reference import load_reference

LANGS: Final = ("zh", "en")
DEFAULT_LANG: Final = "zh"
LANG_COOKIE: Final = "cc_lang"
BEIJING: Final = ZoneInfo(TIMEZONE)

# key -> (zh, en). Placeholders use str.format names, e.g. {n}.
CATALOG: Final[dict[str, tuple[str, str]]] = {
    # shell
    "app.name": ("海关监管指挥平台", "Customs Command Dashboard"),
    "app.region": ("京津冀 · 四川 区域通关", "Beijing-Tianjin-Hebei · Sichuan clearance"),
    "clock.label": ("北京时间 (UTC+8)", "Beijing time (UTC+8)"),
    "lang.switch": ("English", "中文"),
    "lang.switch.title": ("切换到英文界面", "Switch to Chinese"),
    "nav.label": ("页面导航", "Pages"),
    "freshness.label": ("数据新鲜度", "Feed freshness"),
    "freshness.title": (
        "最新报关单/排队观测时间 {newest}，最近入库 {loaded}",
        "Newest declaration/queue observation {newest}; last load {loaded}",
    ),
    "state.fresh": ("正常", "Fresh"),
    "state.late": ("延迟", "Late"),
    "state.stale": ("滞后", "Stale"),
    "state.none": ("无数据", "No data"),
    "state.event": ("按事件", "On event"),
    "age.just_now": ("刚刚", "just now"),
    "age.minutes": ("{n} 分钟前", "{n} min ago"),
    "age.hours": ("{n} 小时前", "{n} h ago"),
    "age.days": ("{n} 天前", "{n} days ago"),
    "age.none": ("无数据", "no data"),
    "error.callback": (
        "刷新失败，显示的可能是旧数据。请稍后重试或联系管理员。",
        "Refresh failed; what you see may be old data. Try again shortly or call the admin.",
    ),
    # pages (names, titles, what the unbuilt pages will show)
    "page.command.name": ("指挥中心", "Command Center"),
    "page.trade.name": ("贸易趋势", "Trade Trends"),
    "page.districts.name": ("关区分析", "District Analysis"),
    "page.emergency.name": ("应急处置", "Emergency Response"),
    "page.service.name": ("企业服务", "Enterprise Service"),
    "page.data.name": ("数据状态", "Data Status"),
    "page.planned": ("本页面正在建设中。", "This page is being built."),
    "page.planned.lead": ("建成后将显示：", "When finished it will show:"),
    "page.command.planned": (
        "各关区实时通关与口岸排队态势、告警，以及数据中断关区的灰显提示，适合大屏远距离查看。",
        "Live clearance and port queue status for every district, alarms, and stale feeds "
        "greyed out, readable from across the room on the video wall.",
    ),
    "page.trade.planned": (
        "进出口贸易额增长、通关时间（便利化）对比，以及区域通关一体化业务占比。",
        "Growth of import and export value, clearance time (facilitation) beside it, and "
        "the share of regionally integrated clearance.",
    ),
    "page.districts.planned": (
        "从区域到关区、口岸直至单票报关单的逐级钻取，并可导出。",
        "Drill-down from region to district, port and the single declaration, with export.",
    ),
    "page.emergency.planned": (
        "在办突发事件、时限风险、队员负荷，以及事件地图。",
        "Open incidents, SLA risk, who is overloaded, and the incidents on the map.",
    ),
    "page.service.planned": (
        "按渠道的企业咨询量、首问解决率、已发布问答和企业培训覆盖情况。",
        "Inquiries by channel, first-contact resolution, published Q&A and training coverage.",
    ),
    # data status page
    "data.title": ("数据状态", "Data Status"),
    "data.subtitle": (
        "供数据管理员查看：各关区数据源新鲜度、入库批次与隔离的问题行。",
        "For data stewards: feed freshness per district, ingest batches and quarantined rows.",
    ),
    "data.freshness.title": ("各关区数据源新鲜度", "Feed freshness by district"),
    "data.freshness.note": (
        "报关单与排队观测超过 {late} 分钟未更新为“延迟”，超过 {stale} 分钟为“滞后”；"
        "其他数据源按事件到达，不设阈值。",
        "Declarations and queue observations are late after {late} min without new data and "
        "stale after {stale} min; other feeds arrive on events and have no threshold.",
    ),
    "data.batches.title": ("最近入库批次", "Recent ingest batches"),
    "data.batches.note": (
        "读取 = 接收 + 更新 + 重复 + 隔离。点击一个批次，下方只显示该批次的隔离行。",
        "Read = accepted + updated + duplicates + quarantined. Click a batch to see only its "
        "quarantined rows below.",
    ),
    "data.quarantine.title": ("隔离的问题行", "Quarantined rows"),
    "data.quarantine.note": (
        "每条问题行保留原始内容、行号和原因，修正来源文件后重新报送即可。",
        "Each bad row is kept whole with its line number and reason; fix the source file "
        "and send it again.",
    ),
    "data.filter.feed": ("数据源", "Feed"),
    "data.filter.batch": ("批次", "Batch"),
    "data.filter.all_feeds": ("全部数据源", "All feeds"),
    "data.filter.all_batches": ("全部批次", "All batches"),
    "data.page.first": ("最新", "Newest"),
    "data.page.prev": ("上一页", "Previous"),
    "data.page.next": ("下一页", "Next"),
    "data.page.label": (
        "第 {page} 页（每页 {size} 行）· 共 {total} 行",
        "Page {page} ({size} rows a page) · {total} rows in all",
    ),
    "data.page.empty": ("没有隔离的问题行", "No quarantined rows"),
    "data.raw.title": ("原始行（所选）", "Raw row (selected)"),
    "data.raw.hint": ("点击表格中的一行查看完整原始内容。", "Click a row to see it in full."),
    "data.grid.empty": ("暂无数据", "No rows"),
    "cell.newest": ("最新 {ts}", "Newest {ts}"),
    "cell.loaded": ("入库 {ts} · {n} 行", "Loaded {ts} · {n} rows"),
    "cell.title": (
        "最新记录时间 {newest}；最近入库 {loaded}；记录数 {n}",
        "Newest record {newest}; last load {loaded}; rows {n}",
    ),
    "col.district": ("关区", "District"),
    "col.feed": ("数据源", "Feed"),
    "col.rows": ("记录数", "Rows"),
    "col.newest": ("最新记录时间", "Newest record"),
    "col.last_load": ("最近入库", "Last load"),
    "col.age": ("距今", "Age"),
    "col.state": ("状态", "State"),
    "col.batch": ("批次", "Batch"),
    "col.file": ("文件", "File"),
    "col.source": ("来源", "Source"),
    "col.rows_read": ("读取", "Read"),
    "col.accepted": ("接收", "Accepted"),
    "col.updated": ("更新", "Updated"),
    "col.duplicates": ("重复", "Duplicates"),
    "col.quarantined": ("隔离", "Quarantined"),
    "col.finished": ("完成时间", "Finished"),
    "col.line": ("行号", "Line"),
    "col.reason": ("原因", "Reason"),
    "col.raw": ("原始行", "Raw row"),
    # feeds (short names; the contract holds the long descriptions)
    "feed.declarations": ("报关单", "Declarations"),
    "feed.queue_observations": ("口岸排队", "Queue observations"),
    "feed.incidents": ("突发事件", "Incidents"),
    "feed.inquiries": ("企业咨询", "Inquiries"),
    "feed.trainings": ("培训", "Trainings"),
    "feed.enterprises": ("企业名录", "Enterprises"),
    # ingest sources
    "source.cli": ("命令行", "Command line"),
    "source.api": ("接口推送", "Ingest API"),
    "source.upload": ("页面上传", "Upload"),
    "source.generator": ("历史数据生成", "Generator"),
    "source.simulator": ("实时模拟", "Live simulator"),
}

CATALOG.update(COMMAND_LABELS)
CATALOG.update(ACCESS_LABELS)
CATALOG.update(TRADE_LABELS)
CATALOG.update(DISTRICTS_LABELS)
CATALOG.update(SERVICE_LABELS)
CATALOG.update(EMERGENCY_LABELS)

_DISTRICT_SUFFIX: Final = {"zh": "海关", "en": " Customs"}


def normalise_lang(value: object) -> str:
    """The language code to use for an untrusted value (cookie, store, query string).

    Args:
        value: anything; only "zh" and "en" are accepted.

    Returns:
        `value` when it is a supported language, else the default "zh".
    """
    return value if isinstance(value, str) and value in LANGS else DEFAULT_LANG


def t(key: str, lang: str, **values: object) -> str:
    """The label `key` in `lang`, with `{name}` placeholders filled from `values`.

    Args:
        key: a key of `CATALOG`.
        lang: "zh" or "en" (anything else falls back to Chinese).
        **values: placeholder values.

    Returns:
        The translated text.

    Raises:
        KeyError: when `key` is not in the catalog (a programming error).
    """
    zh, en = CATALOG[key]
    text = en if normalise_lang(lang) == "en" else zh
    return text.format(**values) if values else text


def has_label(key: str) -> bool:
    """True when `key` is in the catalog."""
    return key in CATALOG


def label_or(key: str, lang: str, fallback: str) -> str:
    """The label `key` in `lang`, or `fallback` when the catalog has no such key."""
    return t(key, lang) if key in CATALOG else fallback


def district_names(lang: str) -> dict[str, str]:
    """District code -> short display name ("天津" / "Tianjin"), from the reference table.

    Args:
        lang: "zh" or "en".

    Returns:
        Names without the "海关" / " Customs" suffix the reference table carries.
    """
    lang = normalise_lang(lang)
    suffix = _DISTRICT_SUFFIX[lang]
    names = load_reference().names("district", lang)
    return {code: name.removesuffix(suffix) or name for code, name in names.items()}


def feed_name(feed: str, lang: str) -> str:
    """Short display name of a feed; the feed's own name when it is not in the catalog."""
    return label_or(f"feed.{feed}", lang, feed)


def format_age(minutes: float | None, lang: str) -> str:
    """Human age of a timestamp: "3 分钟前" / "3 min ago", "刚刚" under a minute.

    Args:
        minutes: age in minutes (negative values, from slightly fast source clocks,
            count as "just now"); None or NaN means no data.
        lang: "zh" or "en".

    Returns:
        The age text.
    """
    if minutes is None or math.isnan(minutes):
        return t("age.none", lang)
    if minutes < 1:
        return t("age.just_now", lang)
    if minutes < 60:
        return t("age.minutes", lang, n=int(minutes))
    if minutes < 48 * 60:
        return t("age.hours", lang, n=int(minutes // 60))
    return t("age.days", lang, n=int(minutes // (24 * 60)))


def format_ts(value: datetime | None) -> str:
    """A stored (naive Beijing) timestamp as "YYYY-MM-DD HH:MM:SS"; "" for missing."""
    if value is None or value != value:  # NaT compares unequal to itself
        return ""
    return value.strftime("%Y-%m-%d %H:%M:%S")


def format_ts_short(value: datetime | None) -> str:
    """A stored timestamp as "MM-DD HH:MM" for tight cells; "" for missing."""
    if value is None or value != value:
        return ""
    return value.strftime("%m-%d %H:%M")


def beijing_now() -> datetime:
    """The current Beijing wall time as a naive datetime, comparable with stored values."""
    return datetime.now(BEIJING).replace(tzinfo=None, microsecond=0)
