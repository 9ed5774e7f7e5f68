"""Labels of the District Analysis (/districts) page (zh, en),
merged into `dashboard.i18n.CATALOG`."""

from __future__ import annotations

from typing import Final

LABELS: Final[dict[str, tuple[str, str]]] = {
    "dist.subtitle": (
        "从全区到关区、口岸，直至单票报关单：点击图表即可筛选，筛选条件保存在网址中。",
        "Drill from the region to a district, a port and the single declaration: click a "
        "chart to filter; the filters are kept in the address.",
    ),
    "dist.district": ("关区", "District"),
    "dist.district.all": ("全区（我的范围）", "Whole region (my scope)"),
    "dist.port": ("口岸", "Port"),
    "dist.port.all": ("全部口岸", "All ports"),
    "dist.period": ("时段", "Period"),
    "dist.period.1m": ("近 1 个月", "1 month"),
    "dist.period.3m": ("近 3 个月", "3 months"),
    "dist.period.6m": ("近 6 个月", "6 months"),
    "dist.period.12m": ("近 12 个月", "12 months"),
    "dist.period.24m": ("近 24 个月", "24 months"),
    "dist.ie": ("进出口", "Direction"),
    "dist.ie.all": ("全部", "Both"),
    "dist.ie.I": ("进口", "Import"),
    "dist.ie.E": ("出口", "Export"),
    "dist.range": (
        "{first} 至 {last}（北京时间，按月）",
        "{first} to {last} (Beijing time, whole months)",
    ),
    "dist.chips": ("当前筛选：", "Active filters:"),
    "dist.chips.none": ("未筛选（点击图表添加）", "None (click a chart to add one)"),
    "dist.chip.remove": ("移除此筛选", "Remove this filter"),
    "dist.chip.wd": ("{weekday} {hour}:00 时段", "{weekday} {hour}:00"),
    "dist.invalid": ("筛选条件无效（{what}），已拒绝。", "Invalid filter ({what}): refused."),
    "dist.failed": (
        "数据库暂不可用，请稍后重试",
        "The database is not available; try again shortly",
    ),
    "dist.empty": ("所选范围内没有数据", "No data for this selection"),
    "dist.ignores": ("此图不按以下条件筛选：{dims}", "This chart ignores: {dims}"),
    "dist.dim.district": ("关区", "district"),
    "dist.dim.port": ("口岸", "port"),
    "dist.dim.ie": ("进出口", "direction"),
    "dist.dim.lane": ("风险通道", "risk lane"),
    "dist.dim.method": ("查验方式", "inspection method"),
    "dist.dim.mode": ("贸易方式", "trade mode"),
    "dist.dim.tier": ("信用等级", "credit tier"),
    "dist.dim.wd": ("星期×小时", "weekday x hour"),
    "dist.kpi.title": (
        "关键指标：与全区、与去年同期对比",
        "KPIs against the region and the same months last year",
    ),
    "dist.kpi.declared_n": ("报关单（票）", "Declarations"),
    "dist.kpi.value_usd": ("申报货值（美元）", "Declared value (USD)"),
    "dist.kpi.inspection_rate": ("查验率", "Inspection rate"),
    "dist.kpi.p50": ("通关时间中位数（小时）", "Median clearance (hours)"),
    "dist.kpi.p90": ("通关时间 P90（小时）", "P90 clearance (hours)"),
    "dist.kpi.region": ("全区 {value}", "region {value}"),
    "dist.kpi.past": ("去年同期 {value}（{change}）", "last year {value} ({change})"),
    "dist.ports.title": ("口岸对比", "Ports side by side"),
    "dist.ports.note": (
        "点击任一柱条按口岸筛选。通关时间 = 货物抵达至放行；"
        "排队等待为该口岸卡口观测的平均等待分钟。",
        "Click a bar to filter by port. Clearance = goods arrival to release; queue wait is "
        "the mean of the port's checkpoint observations.",
    ),
    "dist.ports.volume": ("报关单（票）", "Declarations"),
    "dist.ports.clearance": ("通关时间（小时）", "Clearance (hours)"),
    "dist.ports.rate": ("查验率", "Inspection rate"),
    "dist.ports.wait": ("平均排队（分钟）", "Mean queue wait (min)"),
    "dist.stages.title": (
        "通关各环节用时（世界海关组织放行时间研究方法）",
        "Time per clearance stage (WCO Time Release Study)",
    ),
    "dist.stages.note": (
        "环节：抵达→申报、申报→接受、接受→审单、审单→缴税、查验（下达→完成）、最后环节→放行。"
        "某票缺少某环节（未查验、免税、无抵达记录）时不计入该环节，不按 0 计；"
        "提前申报（抵达前申报）"
        "不计入“抵达→申报”。仅统计所选时段内放行的报关单，按放行月份。"
        "中位数与 P90 来自对数分桶直方图（误差 < 9%）。"
        "瀑布图为各环节中位数的累加，点标记为 P90；中位数不可相加，累计值仅示意。",
        "Stages: arrival -> declared, declared -> accepted, accepted -> reviewed, reviewed -> "
        "duty paid, inspection (ordered -> done), last step -> released. A declaration "
        "without a stage (not inspected, no duty, no arrival record) is left out of that "
        "stage, not counted as zero; advance declarations (lodged before arrival) are left "
        "out of arrival -> declared. Declarations released in the period, by release month. "
        "Medians and P90 come from log-spaced histograms (error < 9%). The waterfall stacks "
        "stage medians (markers: P90); medians do not add up, so the running total is "
        "indicative.",
    ),
    "dist.stages.split": ("分组", "Split by"),
    "dist.split.lane": ("风险通道", "Risk lane"),
    "dist.split.method": ("查验方式", "Inspection method"),
    "dist.stages.by": (
        "各组各环节中位数（点击柱条按该组筛选）",
        "Median per stage and group (click a bar to filter)",
    ),
    "dist.stage.declare": ("抵达→申报", "Arrival → declared"),
    "dist.stage.accept": ("申报→接受", "Declared → accepted"),
    "dist.stage.review": ("接受→审单", "Accepted → reviewed"),
    "dist.stage.duty": ("审单→缴税", "Reviewed → duty paid"),
    "dist.stage.inspect": ("查验", "Inspection"),
    "dist.stage.release": ("→放行", "→ Released"),
    "dist.stage.total": ("中位数累计", "Sum of medians"),
    "dist.hours": ("小时", "hours"),
    "dist.median": ("中位数", "Median"),
    "dist.p90": ("第 90 百分位（P90）", "P90"),
    "dist.count": ("票数", "declarations"),
    "dist.method.NONE": ("未查验", "Not inspected"),
    "dist.heat.title": ("申报时段分布（星期 × 小时）", "Declarations by weekday and hour"),
    "dist.heat.note": (
        "北京时间。点击格子按该时段筛选下方表格。",
        "Beijing time. Click a cell to filter the table below by that hour.",
    ),
    "dist.weekdays": ("周一,周二,周三,周四,周五,周六,周日", "Mon,Tue,Wed,Thu,Fri,Sat,Sun"),
    "dist.hist.title": (
        "通关时间分布（抵达→放行）",
        "Clearance time distribution (arrival → release)",
    ),
    "dist.hist.note": (
        "对数刻度；竖线为中位数与 P90。",
        "Log scale; vertical lines mark the median and P90.",
    ),
    "dist.hist.y": ("报关单（票）", "Declarations"),
    "dist.mode.title": ("按贸易方式的查验率", "Inspection rate by trade mode"),
    "dist.tier.title": ("按企业信用等级的查验率", "Inspection rate by enterprise credit tier"),
    "dist.tier.note": (
        "信用等级取企业名录中的当前等级（按企业的月度汇总与企业名录关联）。点击柱条筛选。",
        "The tier is the enterprise's current tier in the register (a monthly per-enterprise "
        "rollup joined to the register). Click a bar to filter.",
    ),
    "dist.rate": ("查验率", "Inspection rate"),
    "dist.tier.unknown": ("未登记企业", "Not in register"),
    "dist.table.title": ("报关单明细", "Declarations"),
    "dist.table.note": (
        "所有筛选条件都作用于此表。按申报时间键集分页（不用 OFFSET），"
        "新数据到达时翻页不重不漏。点击一行查看完整记录。",
        "Every filter applies here. Keyset-paged on the declaration time (never OFFSET), so "
        "no row repeats or goes missing while new data arrives. Click a row for the full record.",
    ),
    "dist.sort.newest": ("最新在前", "Newest first"),
    "dist.sort.oldest": ("最早在前", "Oldest first"),
    "dist.first": ("首页", "First"),
    "dist.prev": ("上一页", "Previous"),
    "dist.next": ("下一页", "Next"),
    "dist.page": ("第 {n} 页", "Page {n}"),
    "dist.page.last": ("第 {n} 页（末页）", "Page {n} (last)"),
    "dist.export": ("导出 CSV", "Export CSV"),
    "dist.export.note": (
        "导出当前筛选下的全部报关单（最多 {cap} 行），按我的关区范围。",
        "Exports every filtered declaration (at most {cap} rows) within my scope.",
    ),
    "dist.export.too_many": (
        "筛选结果超过 {cap} 行，无法导出。请缩小时段或增加筛选条件。",
        "More than {cap} rows match: export refused. Narrow the period or add filters.",
    ),
    "dist.col.entry_id": ("报关单号", "Entry number"),
    "dist.col.ts_declared": ("申报时间", "Declared at"),
    "dist.col.ie_flag": ("进出口", "Direction"),
    "dist.col.declare_district": ("申报关区", "Declaring district"),
    "dist.col.port_id": ("口岸", "Port"),
    "dist.col.trade_mode": ("贸易方式", "Trade mode"),
    "dist.col.hs_chapter": ("商品章", "HS chapter"),
    "dist.col.risk_lane": ("风险通道", "Risk lane"),
    "dist.col.inspection_method": ("查验方式", "Inspection method"),
    "dist.col.status": ("状态", "Status"),
    "dist.col.value_usd": ("货值（美元）", "Value (USD)"),
    "dist.col.overall_h": ("通关时间（小时）", "Clearance (hours)"),
    "dist.col.enterprise_uscc": ("企业统一社会信用代码", "Enterprise (USCC)"),
    "dist.col.credit_tier": ("企业信用等级", "Credit tier"),
    "dist.detail.title": ("报关单 {entry}", "Declaration {entry}"),
    "dist.detail.none": (
        "点击表格中的一行查看完整记录与环节时间线。",
        "Click a row of the table for its full record and stage timeline.",
    ),
    "dist.detail.missing": (
        "该报关单不存在或不在您的范围内。",
        "This declaration does not exist or is outside your scope.",
    ),
    "dist.detail.timeline": ("环节时间线", "Stage timeline"),
    "dist.detail.since": ("距上一环节 {hours} 小时", "{hours} h after the previous step"),
    "dist.ts.ts_arrival": ("货物抵达", "Goods arrived"),
    "dist.ts.ts_declared": ("申报", "Declared"),
    "dist.ts.ts_accepted": ("接受申报", "Accepted"),
    "dist.ts.ts_reviewed": ("审单完成", "Reviewed"),
    "dist.ts.ts_duty_paid": ("缴纳税款", "Duty paid"),
    "dist.ts.ts_inspection_ordered": ("下达查验", "Inspection ordered"),
    "dist.ts.ts_inspection_done": ("查验完成", "Inspection done"),
    "dist.ts.ts_released": ("放行", "Released"),
    "dist.field.currency": ("币制", "Currency"),
    "dist.field.declared_value": ("申报金额", "Declared amount"),
    "dist.field.transport_mode": ("运输方式", "Transport mode"),
    "dist.field.trade_country": ("贸易国别", "Trading country"),
    "dist.field.gross_weight_kg": ("毛重（千克）", "Gross weight (kg)"),
    "dist.field.inspection_result": ("查验结果", "Inspection result"),
    "dist.field.port_district": ("口岸所属关区", "Port's district"),
    "dist.field.cross_district": (
        "跨关区（区域通关一体化）",
        "Cross-district (integrated clearance)",
    ),
    "dist.field.customs_h": (
        "海关通关时间（接受→放行，小时）",
        "Customs time (accepted → released, h)",
    ),
    "dist.yes": ("是", "yes"),
    "dist.no": ("否", "no"),
}
