"""Labels of the Enterprise Service (/service) page (zh, en),
merged into `dashboard.i18n.CATALOG`."""

from __future__ import annotations

from typing import Final

LABELS: Final[dict[str, tuple[str, str]]] = {
    "svc.subtitle": (
        "企业咨询量、首问负责解决率、问答发布、企业培训与升级事件（北京时间）",
        "Enterprise inquiries, first-contact resolution, published Q&A, training and "
        "escalations (Beijing time)",
    ),
    "svc.district": ("关区", "District"),
    "svc.channel": ("渠道", "Channel"),
    "svc.period": ("时段", "Period"),
    "svc.all_districts": ("全部关区", "All districts"),
    "svc.all_channels": ("全部渠道", "All channels"),
    "svc.weeks": ("近 {n} 周", "Last {n} weeks"),
    "svc.range": ("{start} 至 {end}（按周，周一起）", "{start} to {end} (whole weeks from Monday)"),
    "svc.by": ("分组", "Group by"),
    "svc.dim.channel": ("渠道", "Channel"),
    "svc.dim.category": ("类别", "Category"),
    "svc.dim.topic": ("主题", "Topic"),
    "svc.dim.district_code": ("关区", "District"),
    "svc.kpi.received": ("咨询量", "Inquiries"),
    "svc.kpi.first_contact": ("首问解决率", "Solved at first contact"),
    "svc.kpi.met": ("承诺时限内办结", "Resolved within commitment"),
    "svc.kpi.response_met": ("承诺时限内首次响应", "First response within commitment"),
    "svc.kpi.published": ("发布问答", "Published as Q&A"),
    "svc.kpi.escalated": ("升级为事件", "Escalated to incidents"),
    "svc.hours": ("{n} 小时", "{n} h"),
    "svc.minutes": ("{n} 分钟", "{n} min"),
    "svc.none": ("无数据", "—"),
    "svc.volume.title": ("咨询量（按周）", "Inquiry volume (weekly)"),
    "svc.volume.note": (
        "春节、节假日周的低谷和改革切换后的高峰在周量上可见。",
        "Holiday weeks (Chinese New Year) dip and reform cut-overs bring surges.",
    ),
    "svc.volume.y": ("咨询量（件/周）", "Inquiries per week"),
    "svc.fc.title": (
        "首问负责制：首问单位解决率",
        "First consulting responsibility: solved by the unit first asked",
    ),
    "svc.fc.note": (
        "首问解决率 = 首问单位办结的咨询 ÷ 收到的咨询（含未办结）。",
        "Share solved at first contact = inquiries resolved by the unit first asked ÷ "
        "inquiries received (open ones included).",
    ),
    "svc.fc.x": ("首问解决率", "Solved at first contact"),
    "svc.units.title": ("转办最多的首问单位", "Units that pass questions on most"),
    "svc.units.note": (
        "转办 = 首问单位收到但未在首问环节解决的咨询（按月汇总，所选时段所在月份）。",
        "Passed on = received by the unit first asked and not solved there (monthly "
        "totals over the months of the period).",
    ),
    "svc.units.x": ("转办件数", "Inquiries passed on"),
    "svc.units.hover": (
        "收到 {received} 件，转办 {passed} 件（{share}）",
        "received {received}, passed on {passed} ({share})",
    ),
    "svc.times.title": ("首次响应与办结时长", "Time to first response and to resolution"),
    "svc.times.note": (
        "服务承诺：12360 热线 1 个工作日内答复，网上服务大厅、关企e联、门户网站 3 个工作日内；"
        "现场咨询无时限承诺。工作日按国务院公布的节假日安排（含调休）计算，覆盖 {first}–{last} 年，"
        "其他年份仅扣除周末。期限 = 收到当日之后第 N 个工作日 24:00。"
        "中位数与 P90 来自对数分桶直方图（误差 < 9%）。",
        "Service commitments: hotline 12360 answers within 1 working day; Online Service "
        "Hall, E-Contact and portal within 3 working days; on-site has no commitment. "
        "Working days follow the State Council holiday notices with adjusted working days "
        "(调休) for {first}-{last}; other years count weekends only. Deadline = 24:00 of the "
        "N-th working day after the day of receipt. Median and p90 from log-spaced "
        "histograms (within 9 %).",
    ),
    "svc.times.y": ("小时", "Hours"),
    "svc.times.response_p50": ("首次响应 中位数", "First response, median"),
    "svc.times.response_p90": ("首次响应 P90", "First response, p90"),
    "svc.times.resolve_p50": ("办结 中位数", "Resolution, median"),
    "svc.times.resolve_p90": ("办结 P90", "Resolution, p90"),
    "svc.met.title": ("承诺时限内完成的比例", "Share within the service commitment"),
    "svc.met.response": ("时限内首次响应", "First response within commitment"),
    "svc.met.resolve": ("时限内办结", "Resolved within commitment"),
    "svc.commitment": ("{n} 个工作日", "{n} working day(s)"),
    "svc.commitment.none": ("无时限承诺", "no commitment"),
    "svc.qa.title": ("发布为问答的咨询（按主题）", "Questions published as Q&A, by topic"),
    "svc.qa.x": ("发布问答数", "Published answers"),
    "svc.qa.hover": ("{n} 条，占该主题咨询 {share}", "{n}, {share} of the topic's inquiries"),
    "svc.repeat.title": (
        "问答发布前后的重复提问",
        "Repeat questions before and after the first published answer",
    ),
    "svc.repeat.note": (
        "重复提问 = 某主题每月咨询量；比较该主题首条问答所在月之前 {n} 个月与之后 {n} 个月"
        "（不含当月，全部历史，当前关区与渠道）。数据起止处不足 {n} 个月时按已有月数计算。",
        "Repeat questions = inquiries on the topic per month, in the {n} months before the "
        "month of the topic's first published answer against the {n} months after it (that "
        "month excluded; all history, current districts and channel). Where the data start "
        "or end sooner, the months that exist are used.",
    ),
    "svc.repeat.before": ("发布前（件/月）", "Before (per month)"),
    "svc.repeat.after": ("发布后（件/月）", "After (per month)"),
    "svc.repeat.first": ("首条问答：{month}", "first answer: {month}"),
    "svc.repeat.no_before": (
        "数据开始时已有问答：无发布前数据",
        "answered from the start of the data: no 'before'",
    ),
    "svc.repeat.none_before": (
        "各主题自数据起始即有发布的问答，无法比较发布前后",
        "Every topic had a published answer from the start of the data: no 'before' to compare",
    ),
    "svc.training.title": ("企业培训覆盖", "Training coverage"),
    "svc.training.y": ("参训企业（家次/月）", "Attendances per month"),
    "svc.coverage.title": (
        "申报企业中已参训的比例",
        "Share of the enterprises declaring there that have been trained",
    ),
    "svc.coverage.share": ("已参训企业占比", "Trained share"),
    "svc.coverage.hover": (
        "{declaring} 家申报企业中 {trained} 家已参训（{coverage}）；"
        "申报企业退单率 {returned}，跨关区申报占比 {cross}",
        "{trained} of {declaring} declaring enterprises trained ({coverage}); "
        "declaring enterprises: returned {returned}, cross-district {cross}",
    ),
    "svc.coverage.note": (
        "覆盖率 = 所选时段结束所在自然年内在该关区申报过的企业中，在时段结束前参加过任一培训"
        "（任何关区举办，以企业参训记录为准）的企业所占比例。每家企业只计一次（多次参训不重复计数），"
        "参训但未在该关区申报的企业不计入，因此不会超过 100%。"
        "参训家次图：所选关区举办的培训每月的参训家次，按培训类型（同一企业参训两次计两家次）。"
        "退单率 = 退回修改或不受理的报关单占比。渠道筛选不适用。",
        "Coverage = of the enterprises that declared at the district in the calendar year the "
        "period ends in, the share that attended any training (held by any district, from "
        "the training attendance records) before the period ends. Each enterprise counts "
        "once however often it was trained, and trained enterprises that did not declare "
        "there are not counted, so coverage cannot exceed 100%. The attendance chart counts "
        "attendances per month at the trainings held by the districts in view, by training "
        "type (an enterprise trained twice counts twice). Returned = share of declarations "
        "returned for amendment or rejected. The channel filter does not apply.",
    ),
    "svc.caveat": (
        "注意：参训与未参训企业的差异只是相关，不能证明培训的效果（参训的往往是业务量大的企业，"
        "它们本身就可能不同）。",
        "Caveat: differences between trained and untrained enterprises are association, "
        "not proof that training works (the enterprises that attend, often the larger ones, "
        "may differ anyway).",
    ),
    "feed.training_attendance": ("企业参训记录", "Training attendance"),
    "svc.outcomes.title": (
        "参训与未参训企业的申报和咨询情况",
        "Trained against untrained enterprises on outcomes",
    ),
    "svc.outcomes.trained": ("参训企业", "Trained"),
    "svc.outcomes.untrained": ("未参训企业", "Untrained"),
    "svc.outcomes.returned_share": ("退单率", "Declarations returned"),
    "svc.outcomes.cross_share": ("跨关区申报占比", "Cross-district declarations"),
    "svc.outcomes.inquiries_per_1000": ("每千票报关单咨询量", "Inquiries per 1,000 declarations"),
    "svc.outcomes.hover": (
        "报关单 {declared} 票，退单 {returned}，跨关区 {cross}，咨询 {inquiries} 件",
        "{declared} declarations, {returned} returned, {cross} cross-district, "
        "{inquiries} inquiries",
    ),
    "svc.outcomes.firms": ("（末月前已参训 {n} 家）", " ({n} firms trained before the last month)"),
    "svc.outcomes.note": (
        "参训：企业在某月开始之前参加过任一培训（任何关区，以企业参训记录的签到时间为准），"
        "其该月的报关单和咨询计入参训组；其余写明企业的报关单和咨询计入未参训组。"
        "按所选时段覆盖的自然月统计；报关单按申报关区、咨询按受理关区归属；渠道筛选不适用。"
        "退单率 = 退回修改或不受理的报关单占比；"
        "被隔离的数据行未入库、无可信的企业代码，不计入。跨关区 = 申报关区与口岸所属关区不同。",
        "Trained: the enterprise attended a training (any district; the sign-in time of its "
        "attendance record) before the month began; its declarations and inquiries of that "
        "month count as trained, those of every other named enterprise as untrained. Over "
        "the calendar months the period covers; declarations by declaring district, "
        "inquiries by the district asked; the channel filter does not apply. Returned = "
        "returned for amendment or rejected; quarantined rows are never loaded and name no "
        "trusted enterprise, so they are not counted. Cross-district = declared at a district "
        "other than the port's.",
    ),
    "svc.invalid": (
        "网址中的以下筛选值无效，已改用默认值：{fields}",
        "These filter values in the URL were not valid and were reset: {fields}",
    ),
    "svc.esc.title": ("升级为应急事件的咨询", "Inquiries escalated to incidents"),
    "svc.esc.note": (
        "最新 {n} 条；点击事件编号打开应急处置页面。",
        "Newest {n}; the incident id opens the Emergency Response page.",
    ),
    "svc.esc.y": ("升级件数（件/周）", "Escalated per week"),
    "svc.col.received": ("收到时间", "Received"),
    "svc.col.inquiry": ("咨询编号", "Inquiry"),
    "svc.col.incident": ("事件编号", "Incident"),
    "svc.empty": ("所选时段和范围内没有数据", "No data for this period and scope"),
    "svc.failed": (
        "数据库暂不可用，请稍后重试",
        "The database is not available; try again shortly",
    ),
}
