"""Labels of the Emergency Response (/emergency) page (zh, en),
merged into `dashboard.i18n.CATALOG`."""

from __future__ import annotations

from typing import Final

LABELS: Final[dict[str, tuple[str, str]]] = {
    "feed.incident_assignments": ("事件处置任务", "Incident assignments"),
    "em.subtitle": (
        "应急处置队的在办事件、时限（SLA）风险、队员负荷与趋势（北京时间）",
        "The emergency teams' open incidents, SLA risk, workload and trends (Beijing time)",
    ),
    "em.district": ("关区", "District"),
    "em.severity": ("级别", "Severity"),
    "em.category": ("类别", "Category"),
    "em.period": ("时段", "Period"),
    "em.all_districts": ("全部关区", "All districts"),
    "em.all_categories": ("全部类别", "All categories"),
    "em.weeks": ("近 {n} 周", "Last {n} weeks"),
    "em.range": ("{start} 至 {end}（按周，周一起）", "{start} to {end} (whole weeks from Monday)"),
    "em.invalid": (
        "链接中的以下条件无效，已改用默认值：{fields}",
        "These fields of the link were not valid and fall back to their defaults: {fields}",
    ),
    "em.failed": ("查询失败，请稍后重试", "Query failed; try again shortly"),
    "em.none": ("无", "—"),
    "em.kpi.open": ("在办事件", "Open incidents"),
    "em.kpi.breached": ("已超时限", "Breached SLA"),
    "em.kpi.at_risk": ("临近时限", "At risk"),
    "em.kpi.met": ("时段内时限达成率", "SLA met in period"),
    "em.kpi.ack": ("确认用时中位数", "Median time to acknowledge"),
    "em.kpi.resolve": ("解决用时中位数", "Median time to resolve"),
    "em.kpi.util": ("本周负荷超标队员", "Members over utilisation target"),
    "em.kpi.vs": ("前 4 周 {v}", "prior 4 weeks {v}"),
    "em.open.title": ("在办事件（按时限风险排序）", "Open incidents, by SLA risk"),
    "em.open.note": (
        "已超时限的在前（超时最多的最先），其次按下一环节已用时限比例；点击一行查看详情。"
        "用满 {share} 即为“临近时限”。",
        "Breached first (longest overdue first), then by the share of the next stage's "
        "allowance used; click a row for its detail. At risk once {share} of it is used.",
    ),
    "em.open.bars": ("在办事件：类别与级别", "Open incidents by category and severity"),
    "em.open.by_district": ("在办事件：关区", "Open incidents by district"),
    "em.col.risk": ("时限状态", "SLA state"),
    "em.col.id": ("事件编号", "Incident"),
    "em.col.title": ("简述", "Description"),
    "em.col.reported": ("报告时间", "Reported"),
    "em.col.status": ("状态", "Status"),
    "em.col.next": ("下一环节", "Next stage"),
    "em.col.deadline": ("时限", "Due"),
    "em.col.used": ("已用时限", "Allowance used"),
    "em.col.port": ("口岸", "Port"),
    "em.col.lead": ("牵头队员", "Lead"),
    "em.risk.breached": ("已超时", "Breached"),
    "em.risk.at_risk": ("临近时限", "At risk"),
    "em.risk.pending": ("正常", "On track"),
    "em.risk.none": ("无时限", "No target"),
    "em.stage.reported": ("报告", "Reported"),
    "em.stage.acknowledged": ("确认", "Acknowledge"),
    "em.stage.dispatched": ("派遣", "Dispatch"),
    "em.stage.mitigated": ("控制", "Mitigate"),
    "em.stage.resolved": ("解决", "Resolve"),
    "em.sla.title": ("时限（SLA）目标与达成", "SLA targets and attainment"),
    "em.sla.note": (
        "各环节自报告时起计时；目标可配置（{file}）。跳过的环节以下一已记录环节的时间计。"
        "达成率 = 按时 / (按时 + 超时)，未到时限的不计入。工作日按中国法定节假日与调休计算。",
        "Each stage is timed from the report; targets are configurable ({file}). A skipped "
        "stage counts as reached with the next recorded one. Share met = met / (met + "
        "breached); stages not yet due are left out. Working days follow China's public "
        "holidays and adjusted working days.",
    ),
    "em.sla.target": ("目标", "Target"),
    "em.sla.met": ("达成率", "Met"),
    "em.sla.minutes": ("{n} 分钟", "{n} min"),
    "em.sla.hours": ("{n} 小时", "{n} h"),
    "em.sla.working_days": ("{n} 个工作日", "{n} working days"),
    "em.sla.trend": ("各环节时限达成率（按报告周）", "Share met per stage (by week reported)"),
    "em.sla.share": ("达成率", "Share met"),
    "em.work.title": ("队员负荷（本周）", "Workload per member (this week)"),
    "em.work.note": (
        "本周一 00:00 至今。处置时长来自任务记录（进行中的任务计至现在）；班外 = 不在该队员排班"
        "（A 00-08、B 08-16、C 16-24，每周两天轮休）内的部分；负荷率 = 处置时长 / 排班时长，"
        "目标不高于 {target}。仅计您可查看关区的事件。",
        "Monday 00:00 to now. Hours come from assignment spells (an open spell runs to now); "
        "off-shift is the part outside the member's roster (A 00-08, B 08-16, C 16-24, two "
        "rest days a week); utilisation = hours on incidents / rostered hours, target at "
        "most {target}. Only incidents of the districts you may see count.",
    ),
    "em.work.on": ("班内", "On shift"),
    "em.work.off": ("班外", "Off shift"),
    "em.work.hours": ("处置时长（小时）", "Hours on incidents"),
    "em.work.target": ("目标 {target}", "Target {target}"),
    "em.col.member": ("队员", "Member"),
    "em.col.team": ("处置队", "Team"),
    "em.col.shift": ("班次", "Shift"),
    "em.col.open_n": ("在办任务", "Open assignments"),
    "em.col.hours": ("处置时长", "Hours on incidents"),
    "em.col.off": ("班外时长", "Off-shift hours"),
    "em.col.rostered": ("排班时长", "Rostered hours"),
    "em.col.util": ("负荷率", "Utilisation"),
    "em.share.title": (
        "共享处置队的时间去向（时段内）",
        "Where the shared team's time went (period)",
    ),
    "em.share.note": (
        "京津冀三关共用一支应急处置队（天津武清）；按事件所属关区统计处置时长及占比。",
        "Beijing, Tianjin and Shijiazhuang share one team (Wuqing, Tianjin): hours on "
        "incidents by the incident's district, and each district's share.",
    ),
    "em.trend.title": ("趋势", "Trends"),
    "em.trend.by": ("分组", "Group by"),
    "em.dim.category": ("类别", "Category"),
    "em.dim.district_code": ("关区", "District"),
    "em.dim.severity": ("级别", "Severity"),
    "em.trend.count": ("事件数（件/周）", "Incidents per week"),
    "em.trend.times": ("确认与解决用时（按报告周）", "Time to acknowledge and resolve (by week)"),
    "em.trend.ack": ("确认用时（分钟）", "To acknowledge (min)"),
    "em.trend.res": ("解决用时（小时）", "To resolve (h)"),
    "em.trend.p50": ("中位数", "median"),
    "em.trend.p90": ("90 分位数", "p90"),
    "em.trend.note": (
        "用时为精确值（事件数量不大），仅计已到该环节的事件；"
        "变化为最近 4 周与之前 4 周的中位数之比较。",
        "Times are exact (incidents are few), over the incidents that reached the stage; the "
        "change compares the median of the last 4 weeks with the 4 weeks before.",
    ),
    "em.detail.title": ("事件详情", "Incident detail"),
    "em.detail.empty": (
        "在上方列表中点击一个事件，查看其时间线、任务与影响。",
        "Click an incident in the list above for its timeline, assignments and impact.",
    ),
    "em.detail.missing": (
        "未找到事件 {id}，或您无权查看。",
        "Incident {id} was not found, or is outside your districts.",
    ),
    "em.detail.timeline": ("时间线与时限", "Timeline and SLA deadlines"),
    "em.detail.deadline": ("时限", "deadline"),
    "em.detail.now": ("现在", "now"),
    "em.detail.spells": ("任务记录", "Assignments"),
    "em.col.task": ("任务", "Task"),
    "em.col.assigned": ("指派", "Assigned"),
    "em.col.released": ("解除", "Released"),
    "em.col.open": ("进行中", "ongoing"),
    "em.detail.affected": ("受影响", "Affected"),
    "em.detail.vehicles": ("受影响车辆：{n}", "Vehicles affected: {n}"),
    "em.detail.declarations": (
        "事件期间在该口岸办理中的报关单：{n}（列出前 {rows} 票）",
        "Declarations in process at the port while it was open: {n} (first {rows} listed)",
    ),
    "em.detail.over_cap": ("超过 {n}", "over {n}"),
    "em.detail.no_port": (
        "该事件不在口岸，无口岸排队与通关时间图。",
        "The incident is not at a port: no port wait or clearance charts.",
    ),
    "em.detail.wait": (
        "事件前后该口岸的排队等待（每小时最长平均等待）",
        "The port's queue wait around the incident (worst hourly mean)",
    ),
    "em.detail.no_queue": (
        "该口岸在此期间没有排队观测。",
        "No queue observations at the port in this period.",
    ),
    "em.detail.port": ("口岸：{port}", "Port: {port}"),
    "em.col.entry": ("报关单号", "Entry"),
    "em.col.declared": ("申报", "Declared"),
    "em.col.released_decl": ("放行", "Released"),
    "em.col.decl_status": ("状态", "Status"),
    "em.col.ie": ("进出口", "Direction"),
    "em.col.decl_district": ("申报关区", "Declared at"),
    "em.detail.link": ("在指挥中心查看该口岸", "Open the port on the Command Center"),
}
