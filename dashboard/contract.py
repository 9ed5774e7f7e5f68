"""The input data contract: which feeds districts send, their columns, types, units and codes.

This is the single definition shared by the generator (which writes conformant files), the
ingester (which validates against it, see `dashboard.validate`) and the documentation
(`docs/data-contract.md` is rendered from it by `python -m dashboard contract-doc`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["str", "code", "int", "float", "bool", "ts"]

# Status codes after which a declaration counts as released.
RELEASED_STATUSES = frozenset({"RELEASED", "RELEASED_GUARANTEE", "CLOSED"})
# Status codes of declarations that ended without release.
ENDED_STATUSES = frozenset({"REJECTED", "CANCELLED"})
RESOLVED_INCIDENT_STATUSES = frozenset({"RESOLVED", "CLOSED"})


@dataclass(frozen=True)
class Field:
    """One column of a feed.

    Attributes:
        name: column name in the file.
        kind: value type; `code` values must be in `codes`.
        zh, en: description in both languages.
        required: the column must be present in the file.
        nullable: an empty value is allowed.
        codes: code table (see `Reference.code_set`) for kind `code`.
        pattern: regular expression the whole value must match (kind `str`).
        min, max: inclusive bounds for numbers.
        unit: unit of measure shown in the docs.
        example: example value.
        references: feed whose (single-column) key the value must name; ingest quarantines
            a row naming a record not stored yet (send the referenced feed first).
    """

    name: str
    kind: Kind
    zh: str
    en: str
    required: bool = True
    nullable: bool = False
    codes: str | None = None
    pattern: str | None = None
    min: float | None = None
    max: float | None = None
    unit: str = ""
    example: str = ""
    references: str | None = None


@dataclass(frozen=True)
class Feed:
    """One feed: its fields, its key and the columns that drive freshness."""

    name: str
    zh: str
    en: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    time_field: str
    district_field: str

    @property
    def required(self) -> list[str]:
        """Columns that must be present in every file of this feed."""
        return [f.name for f in self.fields if f.required]

    @property
    def columns(self) -> list[str]:
        """All contract columns, in order."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        """The field called `name`."""
        return next(f for f in self.fields if f.name == name)


def _ts(
    name: str, zh: str, en: str, *, required: bool = True, nullable: bool = True, example: str = ""
) -> Field:
    return Field(
        name, "ts", zh, en, required=required, nullable=nullable, unit="ISO-8601", example=example
    )


USCC = r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"

DECLARATIONS = Feed(
    "declarations",
    "报关单",
    "Customs declarations",
    key=("entry_id",),
    time_field="ts_declared",
    district_field="declare_district",
    fields=(
        Field(
            "entry_id",
            "str",
            "海关编号：申报地海关(4)+年份(4)+进出口标志(1:进口,0:出口)+序号(9)",
            "Entry number: declaring office (4) + year (4) + I/E digit (1 import, 0 export)"
            " + serial (9)",
            pattern=r"[0-9]{18}",
            example="020220251000123456",
        ),
        Field("ie_flag", "code", "进出口标志", "Import or export", codes="ie_flag", example="I"),
        Field(
            "declare_customs_code",
            "code",
            "申报地海关（关区代码）",
            "Customs office where the declaration was lodged",
            codes="office",
            example="0202",
        ),
        Field(
            "ie_port_code",
            "code",
            "进出境关别（口岸海关）",
            "Customs office of the port where goods enter or leave",
            codes="port_office",
            example="0202",
        ),
        Field(
            "trade_mode",
            "code",
            "监管方式",
            "Trade mode (supervision mode)",
            codes="trade_mode",
            example="0110",
        ),
        Field(
            "transport_mode",
            "code",
            "运输方式",
            "Transport mode",
            codes="transport_mode",
            example="2",
        ),
        Field(
            "hs_chapter",
            "code",
            "主要商品HS章",
            "HS chapter of the main item",
            codes="hs_chapter",
            example="87",
        ),
        Field(
            "enterprise_uscc",
            "str",
            "境内收发货人统一社会信用代码",
            "Domestic consignee/consignor (unified social credit code)",
            pattern=USCC,
            example="91120116MA05XXXX1B",
        ),
        Field(
            "currency",
            "code",
            "币制（ISO 4217）",
            "Currency (ISO 4217)",
            codes="currency",
            example="USD",
        ),
        Field(
            "declared_value",
            "float",
            "申报总价",
            "Declared total value",
            min=0.01,
            max=5e9,
            unit="currency units",
            example="412000.00",
        ),
        Field("risk_lane", "code", "风险通道", "Risk lane", codes="risk_lane", example="GREEN"),
        Field("inspection_flag", "bool", "是否查验", "Inspection ordered", example="false"),
        Field(
            "status",
            "code",
            "报关单状态",
            "Declaration status",
            codes="decl_status",
            example="RELEASED",
        ),
        _ts(
            "ts_arrival",
            "运抵时间（进口：运输工具申报/理货；出口：货物运抵监管场所）",
            "Arrival (import: conveyance/tally; export: goods at the supervised place)",
            example="2025-03-03T06:10:00+08:00",
        ),
        _ts(
            "ts_declared",
            "申报时间",
            "Declared",
            nullable=False,
            example="2025-03-03T09:02:00+08:00",
        ),
        _ts(
            "ts_accepted",
            "海关接受申报时间",
            "Accepted by customs",
            example="2025-03-03T09:03:10+08:00",
        ),
        _ts("ts_released", "放行时间", "Released", example="2025-03-03T10:41:00+08:00"),
        _ts("ts_reviewed", "审结时间", "Review completed", required=False),
        _ts("ts_duty_paid", "税费缴纳时间", "Duties paid", required=False),
        _ts("ts_inspection_ordered", "查验指令时间", "Inspection ordered", required=False),
        _ts("ts_inspection_done", "查验完成时间", "Inspection done", required=False),
        Field(
            "inspection_method",
            "code",
            "查验方式",
            "Inspection method",
            required=False,
            nullable=True,
            codes="inspection_method",
            example="NII",
        ),
        Field(
            "inspection_result",
            "code",
            "查验结果",
            "Inspection result",
            required=False,
            nullable=True,
            codes="inspection_result",
            example="NORMAL",
        ),
        Field(
            "trade_country",
            "str",
            "贸易国（ISO 3166 两位代码）",
            "Trading country (ISO 3166 alpha-2)",
            required=False,
            nullable=True,
            pattern=r"[A-Z]{2}",
            example="DE",
        ),
        Field(
            "gross_weight_kg",
            "float",
            "毛重",
            "Gross weight",
            required=False,
            nullable=True,
            min=0,
            max=1e9,
            unit="kg",
            example="12500",
        ),
    ),
)

QUEUE_OBSERVATIONS = Feed(
    "queue_observations",
    "口岸排队观测",
    "Queue observations at ports and checkpoints",
    key=("port_id", "observed_at", "direction", "lane_type"),
    time_field="observed_at",
    district_field="district_code",
    fields=(
        Field("port_id", "code", "口岸/卡口", "Port or checkpoint", codes="port", example="TJ-XG"),
        _ts(
            "observed_at",
            "观测时间",
            "Observed at",
            nullable=False,
            example="2025-03-03T09:15:00+08:00",
        ),
        Field("direction", "code", "方向", "Direction", codes="direction", example="IN"),
        Field("lane_type", "code", "通道类型", "Lane type", codes="lane_type", example="STANDARD"),
        Field(
            "lanes_open",
            "int",
            "开放通道数",
            "Lanes open",
            min=0,
            max=64,
            unit="lanes",
            example="6",
        ),
        Field(
            "lanes_max",
            "int",
            "通道总数",
            "Lanes available",
            min=1,
            max=64,
            unit="lanes",
            example="8",
        ),
        Field(
            "vehicles_waiting",
            "int",
            "排队车辆",
            "Vehicles waiting",
            min=0,
            max=20000,
            unit="vehicles",
            example="42",
        ),
        Field(
            "wait_minutes",
            "float",
            "等待时间（队尾至查验点）",
            "Wait from end of queue to the inspection point",
            min=0,
            max=10080,
            unit="minutes",
            example="25",
        ),
        Field(
            "operational_status",
            "code",
            "运行状态",
            "Operational status",
            codes="operational_status",
            example="OPEN",
        ),
        Field(
            "measurement_method",
            "code",
            "测量方法",
            "Measurement method",
            required=False,
            nullable=True,
            codes="measurement_method",
            example="RFID",
        ),
    ),
)

INCIDENTS = Feed(
    "incidents",
    "突发事件",
    "Incidents",
    key=("incident_id",),
    time_field="reported_at",
    district_field="district_code",
    fields=(
        Field(
            "incident_id",
            "str",
            "事件编号",
            "Incident id",
            pattern=r"[A-Z0-9][A-Z0-9-]{2,39}",
            example="INC-0200-2025-00042",
        ),
        Field("district_code", "code", "关区", "District", codes="district", example="0200"),
        Field(
            "port_id",
            "code",
            "口岸（可空）",
            "Port (empty when not at a port)",
            nullable=True,
            codes="port",
            example="TJ-XG",
        ),
        Field(
            "category",
            "code",
            "类别",
            "Category",
            codes="incident_category",
            example="PORT_CONGESTION",
        ),
        Field("severity", "code", "级别", "Severity", codes="severity", example="III"),
        Field("status", "code", "状态", "Status", codes="incident_status", example="RESOLVED"),
        _ts(
            "reported_at",
            "报告时间",
            "Reported",
            nullable=False,
            example="2025-03-03T08:00:00+08:00",
        ),
        _ts("acknowledged_at", "确认时间", "Acknowledged", example="2025-03-03T08:06:00+08:00"),
        _ts(
            "dispatched_at",
            "派遣时间",
            "Dispatched",
            required=False,
            example="2025-03-03T08:40:00+08:00",
        ),
        _ts(
            "mitigated_at",
            "控制时间",
            "Mitigated",
            required=False,
            example="2025-03-03T11:30:00+08:00",
        ),
        _ts("resolved_at", "解决时间", "Resolved", example="2025-03-03T14:00:00+08:00"),
        Field("team_id", "code", "应急处置队", "Emergency team", codes="team", example="ERT-BTH"),
        Field(
            "lead_member_id",
            "code",
            "牵头队员",
            "Lead member",
            nullable=True,
            codes="member",
            example="ERT-BTH-M01",
        ),
        Field(
            "title",
            "str",
            "简述（纯文本）",
            "Short description (plain text)",
            required=False,
            nullable=True,
            pattern=r"[^\x00-\x08\x0b-\x1f]{0,200}",
            example="Fog closes Xingang gates",
        ),
        Field(
            "affected_vehicles",
            "int",
            "受影响车辆",
            "Vehicles affected",
            required=False,
            nullable=True,
            min=0,
            max=100000,
            unit="vehicles",
            example="120",
        ),
    ),
)

INQUIRIES = Feed(
    "inquiries",
    "企业咨询",
    "Enterprise inquiries",
    key=("inquiry_id",),
    time_field="received_at",
    district_field="district_code",
    fields=(
        Field(
            "inquiry_id",
            "str",
            "咨询编号",
            "Inquiry id",
            pattern=r"[A-Z0-9][A-Z0-9-]{2,39}",
            example="Q-0100-2025-000123",
        ),
        Field(
            "channel", "code", "渠道", "Channel", codes="inquiry_channel", example="HOTLINE_12360"
        ),
        Field(
            "category",
            "code",
            "类别",
            "Category",
            codes="inquiry_category",
            example="BUSINESS_CONSULTATION",
        ),
        Field(
            "topic", "code", "主题", "Topic", codes="inquiry_topic", example="REGIONAL_INTEGRATION"
        ),
        Field("district_code", "code", "关区", "District", codes="district", example="0100"),
        Field(
            "first_contact_unit",
            "code",
            "首问单位（海关代码）",
            "First-contact unit (customs office code)",
            codes="office",
            example="0101",
        ),
        _ts(
            "received_at",
            "受理时间",
            "Received",
            nullable=False,
            example="2025-03-03T10:00:00+08:00",
        ),
        _ts(
            "first_response_at",
            "首次答复时间",
            "First response",
            example="2025-03-03T10:12:00+08:00",
        ),
        _ts("resolved_at", "办结时间", "Resolved", example="2025-03-03T10:12:00+08:00"),
        Field(
            "resolved_first_contact",
            "bool",
            "首问办结",
            "Solved by the first-contact unit",
            example="true",
        ),
        Field("published_qa", "bool", "已发布为问答", "Published as Q&A", example="false"),
        Field(
            "escalated_incident_id",
            "str",
            "升级事件编号",
            "Escalated to incident",
            required=False,
            nullable=True,
            pattern=r"[A-Z0-9][A-Z0-9-]{2,39}",
        ),
        Field(
            "enterprise_uscc",
            "str",
            "企业统一社会信用代码",
            "Enterprise (USCC)",
            required=False,
            nullable=True,
            pattern=USCC,
        ),
    ),
)

TRAININGS = Feed(
    "trainings",
    "培训",
    "Trainings",
    key=("training_id",),
    time_field="start_at",
    district_field="district_code",
    fields=(
        Field(
            "training_id",
            "str",
            "培训编号",
            "Training id",
            pattern=r"[A-Z0-9][A-Z0-9-]{2,39}",
            example="T-0100-2025-0007",
        ),
        Field("type", "code", "类型", "Type", codes="training_type", example="ENTERPRISE_OUTREACH"),
        Field(
            "audience", "code", "对象", "Audience", codes="training_audience", example="ENTERPRISE"
        ),
        Field("district_code", "code", "关区", "District", codes="district", example="0100"),
        _ts("start_at", "开始时间", "Start", nullable=False, example="2025-03-03T14:00:00+08:00"),
        Field(
            "duration_h", "float", "时长", "Duration", min=0.25, max=72, unit="hours", example="3"
        ),
        Field(
            "participants",
            "int",
            "参训人数",
            "Participants",
            min=1,
            max=10000,
            unit="people",
            example="220",
        ),
        Field(
            "enterprises_trained",
            "int",
            "参训企业数",
            "Enterprises trained",
            min=0,
            max=10000,
            unit="enterprises",
            example="180",
        ),
        Field(
            "team_id",
            "code",
            "应急处置队",
            "Emergency team (drills)",
            required=False,
            nullable=True,
            codes="team",
            example="ERT-BTH",
        ),
    ),
)

ENTERPRISES = Feed(
    "enterprises",
    "企业",
    "Enterprises (register extract)",
    key=("enterprise_uscc",),
    time_field="registered_at",
    district_field="home_district",
    fields=(
        Field(
            "enterprise_uscc",
            "str",
            "统一社会信用代码",
            "Unified social credit code",
            pattern=USCC,
            example="91120116MA05XXXX1B",
        ),
        Field(
            "home_district", "code", "注册地关区", "Home district", codes="district", example="0200"
        ),
        Field(
            "credit_tier",
            "code",
            "信用等级",
            "Credit tier",
            codes="credit_tier",
            example="GENERAL_CREDIT",
        ),
        _ts(
            "registered_at",
            "海关备案时间",
            "Registered with customs",
            nullable=False,
            example="2016-05-10T00:00:00+08:00",
        ),
    ),
)

# One row per enterprise that attended a training: the per-enterprise record behind a
# session's `enterprises_trained` count (the Enterprise Service page compares trained and
# untrained enterprises on outcomes).
TRAINING_ATTENDANCE = Feed(
    "training_attendance",
    "企业参训记录",
    "Training attendance (enterprises)",
    key=("training_id", "enterprise_uscc"),
    time_field="attended_at",
    district_field="district_code",
    fields=(
        Field(
            "training_id",
            "str",
            "培训编号",
            "Training id",
            pattern=r"[A-Z0-9][A-Z0-9-]{2,39}",
            references="trainings",
            example="T-0100-2025-0007",
        ),
        Field(
            "enterprise_uscc",
            "str",
            "参训企业统一社会信用代码",
            "Enterprise (USCC)",
            pattern=USCC,
            references="enterprises",
            example="91120116MA05XXXX1B",
        ),
        Field(
            "district_code",
            "code",
            "举办关区",
            "District holding the training",
            codes="district",
            example="0100",
        ),
        _ts(
            "attended_at",
            "签到时间",
            "Signed in",
            nullable=False,
            example="2025-03-03T14:00:00+08:00",
        ),
    ),
)

# One row per work spell of a team member on an incident (domain.md 3.8): from being put on
# it to being released from it. A member may have several spells on one incident (a shift
# change hands it over and back); the Emergency Response page sums spells for workload and
# splits them into hours inside and outside the member's shift.
INCIDENT_ASSIGNMENTS = Feed(
    "incident_assignments",
    "事件处置任务",
    "Incident assignments",
    key=("incident_id", "member_id", "assigned_at"),
    time_field="assigned_at",
    district_field="district_code",
    fields=(
        Field(
            "incident_id",
            "str",
            "事件编号",
            "Incident id",
            pattern=r"[A-Z0-9][A-Z0-9-]{2,39}",
            references="incidents",
            example="INC-0200-2025-00042",
        ),
        Field(
            "district_code",
            "code",
            "事件所属关区",
            "District of the incident",
            codes="district",
            example="0200",
        ),
        Field("member_id", "code", "队员", "Team member", codes="member", example="ERT-BTH-M06"),
        Field(
            "task",
            "code",
            "任务",
            "Task",
            codes="assignment_task",
            example="ON_SCENE",
        ),
        _ts(
            "assigned_at",
            "指派时间",
            "Assigned",
            nullable=False,
            example="2025-03-03T08:10:00+08:00",
        ),
        _ts(
            "released_at",
            "解除时间（进行中为空）",
            "Released (empty while still on it)",
            example="2025-03-03T12:40:00+08:00",
        ),
    ),
)

FEEDS: dict[str, Feed] = {
    f.name: f
    for f in (
        DECLARATIONS,
        QUEUE_OBSERVATIONS,
        INCIDENTS,
        INQUIRIES,
        TRAININGS,
        ENTERPRISES,
        TRAINING_ATTENDANCE,
        INCIDENT_ASSIGNMENTS,
    )
}


def get_feed(name: str) -> Feed:
    """The feed called `name`.

    Raises:
        KeyError: with the list of known feeds, when `name` is not one.
    """
    try:
        return FEEDS[name]
    except KeyError:
        raise KeyError(f"unknown feed {name!r}; known feeds: {', '.join(FEEDS)}") from None
