"""Labels of the Trade Trends (/trade) page (zh, en),
merged into `dashboard.i18n.CATALOG`."""

from __future__ import annotations

from typing import Final

LABELS: Final[dict[str, tuple[str, str]]] = {
    "trade.lead": (
        "贸易额增长与通关时效同屏对照，以及区域通关一体化的使用情况。",
        "Growth of trade value read beside clearance time, and how regional integration is used.",
    ),
    # controls
    "trade.range": ("时间范围", "Date range"),
    "trade.preset.month": ("本月", "This month"),
    "trade.preset.quarter": ("本季度", "This quarter"),
    "trade.preset.ytd": ("本年累计", "Year to date"),
    "trade.preset.12m": ("近 12 个月", "Last 12 months"),
    "trade.preset.custom": ("自定义", "Custom"),
    "trade.districts": ("关区", "Districts"),
    "trade.districts.all": ("全部关区", "All districts"),
    "trade.direction": ("进出口", "Direction"),
    "trade.direction.IE": ("进出口", "Both"),
    "trade.direction.I": ("进口", "Import"),
    "trade.direction.E": ("出口", "Export"),
    "trade.currency": ("币种", "Currency"),
    "trade.granularity": ("时间粒度", "Granularity"),
    "trade.granularity.day": ("日", "Day"),
    "trade.granularity.week": ("周", "Week"),
    "trade.granularity.month": ("月", "Month"),
    "trade.granularity.quarter": ("季", "Quarter"),
    "trade.coarsened": (
        "所选范围按{asked}显示的点过多，已改为按{used}显示。",
        "Too many points by {asked} for this range: shown by {used}.",
    ),
    "trade.print": ("打印简报", "Print brief"),
    "trade.csv": ("下载 CSV", "Download CSV"),
    "trade.range.text": ("{start} 至 {end}", "{start} to {end}"),
    "trade.invalid": ("参数无效，已恢复默认值。", "Invalid parameters: defaults restored."),
    "trade.failed": (
        "查询失败，显示的是 {ts} 的数据。",
        "Query failed; showing data as of {ts}.",
    ),
    "trade.failed.none": ("查询失败，请稍后重试。", "Query failed; try again shortly."),
    "trade.no_data": ("所选范围内没有数据", "No data for this selection"),
    # KPI cards
    "trade.kpi.range": ("所选期间贸易额", "Trade value in range"),
    "trade.kpi.ytd": ("本年累计贸易额", "Year to date"),
    "trade.kpi.import": ("进口", "Import"),
    "trade.kpi.export": ("出口", "Export"),
    "trade.kpi.yoy": ("同比 {g}", "YoY {g}"),
    "trade.kpi.yoy.none": ("同比 —", "YoY —"),
    "trade.kpi.clearance": ("进口整体通关时间（中位数）", "Import overall clearance (median)"),
    "trade.kpi.clearance.E": ("出口整体通关时间（中位数）", "Export overall clearance (median)"),
    "trade.kpi.clearance.vs": ("去年同期 {h}", "Same period last year {h}"),
    "trade.kpi.integration": ("跨关区通关占比（京津冀）", "Cross-district share (BTH)"),
    "trade.kpi.integration.value": ("按货值 {s}", "by value {s}"),
    "trade.unit.bn": ("{v} 亿{cur}", "{cur} {v} bn"),
    "trade.unit.m": ("{v} 万{cur}", "{cur} {v} m"),
    "trade.cur.USD": ("美元", "USD"),
    "trade.cur.CNY": ("元", "CNY"),
    "trade.hours": ("{h} 小时", "{h} h"),
    # charts
    "trade.value.title": ("贸易额趋势（按申报关区）", "Trade value by declaring district"),
    "trade.value.note": (
        "按放行日期统计的放行报关单申报货值（海关统计以放行时间为准），折算为{cur}；"
        "折线为合计同比增速（右轴），本期未结束时与去年同期的相同天数比较。",
        "Declared value of declarations released in each period (customs statistics count "
        "trade at release), in {cur}; the line is the year-on-year growth of the total "
        "(right axis). A period still running is compared with the same days last year.",
    ),
    "trade.value.axis": ("贸易额（{unit}）", "Trade value ({unit})"),
    "trade.value.growth": ("同比增速", "YoY growth"),
    "trade.value.prior": ("去年同期", "Same period last year"),
    "trade.clearance.title": ("通关时效（与贸易额同一时间轴）", "Clearance time (same time axis)"),
    "trade.clearance.note": (
        "整体通关时间：抵港至放行；海关通关时间：接受申报至放行。中位数与第 90 百分位数由"
        "对数分桶直方图计算，误差不超过 {err}。",
        "Overall: arrival to release; customs: accepted to release. Median and 90th "
        "percentile from log-spaced histograms (error at most {err}).",
    ),
    "trade.clearance.axis": ("小时", "Hours"),
    "trade.clearance.overall_p50": ("整体 中位数", "Overall median"),
    "trade.clearance.overall_p90": ("整体 P90", "Overall p90"),
    "trade.clearance.customs_p50": ("海关 中位数", "Customs median"),
    "trade.clearance.customs_p90": ("海关 P90", "Customs p90"),
    "trade.mix.title": ("贸易构成", "Composition"),
    "trade.mix.note": (
        "按整月统计（{first} 至 {last}），取货值前 {n} 位，其余合并为“其他”。",
        "By whole months ({first} to {last}); the top {n} by value, the rest as Other.",
    ),
    "trade.mix.trade_mode": ("贸易方式", "Trade mode"),
    "trade.mix.transport_mode": ("运输方式", "Transport mode"),
    "trade.mix.hs_section": ("HS 类", "HS section"),
    "trade.mix.hs_chapter": ("HS 章", "HS chapter"),
    "trade.mix.partner_region": ("贸易伙伴", "Partner region"),
    "trade.mix.other": ("其他", "Other"),
    "trade.mix.share": ("占比", "Share"),
    "trade.mix.count": ("报关单", "Declarations"),
    "trade.integration.title": ("区域通关一体化", "Regional clearance integration"),
    "trade.integration.note": (
        "京津冀关区申报、在另一关区口岸放行的报关单占比（按份数与货值）。",
        "Share of declarations lodged in a Beijing-Tianjin-Hebei district and released "
        "at a port of another district (by count and by value).",
    ),
    "trade.integration.share_n": ("按报关单份数", "By declarations"),
    "trade.integration.share_value": ("按货值", "By value"),
    "trade.od.title": ("申报关区 → 口岸关区", "Declaring district → port district"),
    "trade.od.note": (
        "按整月统计（{first} 至 {last}）：格内为放行报关单数与整体通关时间中位数。",
        "Whole months ({first} to {last}): released declarations and median overall "
        "clearance time per pair.",
    ),
    "trade.od.declare": ("申报关区", "Declaring district"),
    "trade.od.port": ("口岸关区", "Port district"),
    "trade.od.cell": ("{n} 单<br>{h}", "{n}<br>{h}"),
    "trade.brief.title": ("贸易趋势简报", "Trade trends brief"),
    "trade.brief.meta": (
        "范围 {range} · {districts} · {direction} · 币种 {cur} · 生成于 {ts}（北京时间）",
        "Range {range} · {districts} · {direction} · {cur} · made {ts} (Beijing time)",
    ),
    "trade.rate.note": (
        "人民币按参考汇率 1 美元 = {rate} 元折算。",
        "CNY at the reference rate USD 1 = CNY {rate}.",
    ),
}
