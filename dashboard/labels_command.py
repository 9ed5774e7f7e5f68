"""Labels of the Command Center page (zh, en),
merged into `dashboard.i18n.CATALOG`."""

from __future__ import annotations

from typing import Final

LABELS: Final[dict[str, tuple[str, str]]] = {
    "cc.subtitle": (
        "口岸排队、通关与告警实时态势（北京时间，每 {n} 秒刷新）",
        "Live port queues, clearance and alarms (Beijing time, refreshed every {n} s)",
    ),
    "cc.view": ("视图", "View"),
    "cc.view.all": ("全部关区", "All districts"),
    "cc.view.now": ("当前关区：{name}", "Now showing: {name}"),
    "cc.rotate": ("轮播", "Rotate"),
    "cc.rotate.on": ("关区轮播：每 {n} 秒", "Rotating districts every {n} s"),
    "cc.wall": ("大屏模式", "Wall mode"),
    "cc.wall.exit": ("退出大屏", "Exit wall mode"),
    "cc.paused": ("页面不可见，刷新已暂停", "Tab hidden: refresh paused"),
    # panels
    "cc.map": ("口岸态势图", "Port map"),
    "cc.map.note": (
        "圆点大小=排队车辆，颜色=状态；彩色光环=未结事件；连线=今日跨关区申报",
        "Dot size = vehicles waiting, colour = status; halo = open incident; "
        "lines = today's cross-district declarations",
    ),
    "cc.kpis": ("今日关键指标", "Today's key figures"),
    "cc.kpis.note": (
        "与前 4 周同一工作日同一时刻的中位数比较",
        "Compared with the median of the same weekday, same time of day, in the last 4 weeks",
    ),
    "cc.board": ("口岸排队榜", "Queue board"),
    "cc.board.note": (
        "按当前等待时间排序；等待时间=车辆从排队末端到一线查验的时间",
        "Ranked by current wait; wait = time from the end of the queue to primary inspection",
    ),
    "cc.alarms": ("告警", "Alarms"),
    "cc.alarms.none": ("当前无告警", "No alarms now"),
    "cc.detail": ("口岸详情", "Port detail"),
    "cc.detail.hint": (
        "点击地图上的口岸或排队榜中的一行查看详情",
        "Click a port on the map or a row of the queue board for its detail",
    ),
    "cc.detail.lanes": ("开放通道 {open}/{max}", "Lanes open {open}/{max}"),
    "cc.detail.incidents": ("该口岸未结事件", "Open incidents at this port"),
    "cc.detail.no_incidents": ("无未结事件", "No open incidents"),
    "cc.detail.today": ("近 24 小时", "Last 24 h"),
    "cc.detail.last_week": ("上周同时段", "Same hours last week"),
    "cc.detail.wait": ("等待（分钟）", "Wait (min)"),
    "cc.detail.vehicles": ("排队车辆", "Vehicles waiting"),
    "cc.clearance.title": (
        "该口岸放行报关单整体通关时间（到港至放行），近 {days} 天",
        "Clearance time of releases at this port (arrival to release), last {days} days",
    ),
    "cc.clearance.median": ("中位数", "Median"),
    "cc.clearance.p90": ("P90 分位", "p90"),
    "cc.clearance.hours": ("通关时间（小时）", "Clearance (hours)"),
    "cc.clearance.hover": (
        "%{{customdata[0]}} · {name} %{{y:.1f}} 小时 · 放行 %{{customdata[1]}} 票",
        "%{{customdata[0]}} · {name} %{{y:.1f}} h · %{{customdata[1]}} released",
    ),
    "cc.clearance.none": (
        "该口岸近 {days} 天无放行报关单",
        "No declarations released at this port in the last {days} days",
    ),
    # incidents marked on time charts (dashboard.figures.incident_marks)
    "incident.level.I": ("Ⅰ级", "Level I"),
    "incident.level.II": ("Ⅱ级", "Level II"),
    "incident.level.III": ("Ⅲ级", "Level III"),
    "incident.level.IV": ("Ⅳ级", "Level IV"),
    "incident.mark.unknown": ("事件", "Incident"),
    "incident.mark.hover": (
        "事件 {id}<br>{label}<br>报告 {reported} – {until}",
        "Incident {id}<br>{label}<br>reported {reported} – {until}",
    ),
    "incident.mark.mitigated": ("缓解 {ts}", "mitigated {ts}"),
    "incident.mark.resolved": ("解决 {ts}", "resolved {ts}"),
    "incident.mark.open": ("至今未结（{ts}）", "still open ({ts})"),
    "cc.asof": ("数据时间 {ts}", "As of {ts}"),
    "cc.updated": ("更新于 {ts}", "Updated {ts}"),
    "cc.invalid": ("请求参数无效：{what}", "Invalid request value: {what}"),
    "cc.failed": (
        "查询失败，显示的是 {ts} 的数据",
        "Query failed; showing data as of {ts}",
    ),
    "cc.failed.none": ("查询失败，暂无数据", "Query failed; no data yet"),
    "cc.stale.marker": ("数据滞后", "feed stale"),
    "cc.stale.note": (
        "数据滞后关区（灰显）：{names}",
        "Districts with a stale feed (greyed): {names}",
    ),
    "cc.nodata": ("无当前观测", "no current observation"),
    # statuses and trends
    "status.normal": ("畅通", "Normal"),
    "status.busy": ("繁忙", "Busy"),
    "status.congested": ("拥堵", "Congested"),
    "status.closed": ("关闭", "Closed"),
    "status.unknown": ("无数据", "No data"),
    "trend.up": ("上升", "rising"),
    "trend.down": ("下降", "falling"),
    "trend.flat": ("持平", "steady"),
    # KPIs
    "kpi.lodged": ("今日申报", "Lodged today"),
    "kpi.released": ("今日放行", "Released today"),
    "kpi.in_process": ("在办报关单", "In process"),
    "kpi.p50_hours": ("整体通关时间中位数", "Median clearance"),
    "kpi.p90_hours": ("整体通关时间 P90", "p90 clearance"),
    "kpi.inspection_rate": ("查验率", "Inspection rate"),
    "kpi.open_incidents": ("未结事件", "Open incidents"),
    "kpi.vehicles_waiting": ("排队车辆", "Vehicles waiting"),
    "kpi.baseline": ("4 周中位 {value}", "4-wk median {value}"),
    "kpi.no_baseline": ("无可比数据", "no comparison"),
    "kpi.hours": ("{v} 小时", "{v} h"),
    # board columns
    "col.port": ("口岸", "Port"),
    "col.district": ("关区", "District"),
    "col.status": ("状态", "Status"),
    "col.wait": ("等待(分)", "Wait (min)"),
    "col.trend": ("趋势", "Trend"),
    "col.vehicles": ("车辆", "Vehicles"),
    "col.lanes": ("通道", "Lanes"),
    "col.spark": ("近 6 小时", "Last 6 h"),
    "col.asof": ("数据时间", "As of"),
    "col.method": ("测量方式", "Method"),
    # alarms
    "alarm.queue": (
        "{place} 排队车辆 {value:.0f} 辆（阈值 {threshold:.0f}）",
        "{place}: {value:.0f} vehicles waiting (threshold {threshold:.0f})",
    ),
    "alarm.wait": (
        "{place} 等待 {value:.0f} 分钟（阈值 {threshold:.0f}）",
        "{place}: wait {value:.0f} min (threshold {threshold:.0f})",
    ),
    "alarm.closed": ("{place} 全部通道关闭", "{place}: all lanes closed"),
    "alarm.clearance": (
        "{place} 今日整体通关时间 P90 {value} 小时（阈值 {threshold:.0f}）",
        "{place}: p90 clearance today {value} h (threshold {threshold:.0f})",
    ),
    "alarm.incident": ("{place} {value}事件：{title}", "{place} {value} incident: {title}"),
    "alarm.feed": (
        "{place} 数据{value}，最新数据 {age}",
        "{place} feed {value}; newest data {age}",
    ),
    "alarm.level.critical": ("严重", "Critical"),
    "alarm.level.warning": ("警告", "Warning"),
    # map
    "map.flow": (
        "{origin} 申报 → {dest} 口岸：{n} 票",
        "Lodged in {origin} → port in {dest}: {n} declarations",
    ),
    "map.incident": ("未结事件", "Open incident"),
    "map.flows": ("跨关区申报", "Cross-district declarations"),
}
