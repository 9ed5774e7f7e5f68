"""Every component id of the app, one class per page (plus `Shell` for the frame).

Values are kebab-case `<page>-<role>-<component type>`, the type last, and the page prefix
keeps them unique across pages (a unit test checks it). Layouts and callbacks import these
constants; no id string is ever spelled anywhere else.
"""

from __future__ import annotations


class Shell:
    """The frame around every page: header, navigation, clock, freshness, language."""

    URL = "shell-url-location"
    LANG = "shell-lang-store"
    LANG_LINK = "shell-lang-link"
    CLOCK = "shell-clock-text"
    CLOCK_INTERVAL = "shell-clock-interval"
    REFRESH_INTERVAL = "shell-refresh-interval"
    FRESHNESS = "shell-freshness-div"
    NAV = "shell-pages-nav"
    ERROR = "shell-error-alert"
    USER = "shell-user-text"
    LOGOUT = "shell-logout-button"


class DataStatus:
    """Data Status page (/data)."""

    FRESHNESS_TABLE = "data-freshness-div"
    FRESHNESS_NOTE = "data-freshness-note-text"
    BATCHES_GRID = "data-batches-grid"
    QUARANTINE_GRID = "data-quarantine-grid"
    FEED_FILTER = "data-feed-dropdown"
    BATCH_FILTER = "data-batch-dropdown"
    FIRST_BUTTON = "data-first-button"
    PREV_BUTTON = "data-prev-button"
    NEXT_BUTTON = "data-next-button"
    PAGE_LABEL = "data-page-text"
    CURSOR = "data-cursor-store"
    PAGE_INFO = "data-page-info-store"
    RAW_DETAIL = "data-raw-pre"


class CommandCenter:
    """Command Center page (/): the live wall."""

    CONFIG = "cc-config-store"
    VIEW_DROPDOWN = "cc-view-dropdown"
    VIEW = "cc-view-store"
    VIEW_TITLE = "cc-view-title-text"
    ROTATE_INTERVAL = "cc-rotate-interval"
    PORT = "cc-port-store"
    MAP = "cc-map-graph"
    MAP_STATUS = "cc-map-status-text"
    MAP_GOOD = "cc-map-good-store"
    KPIS = "cc-kpis-div"
    KPIS_STATUS = "cc-kpis-status-text"
    KPIS_GOOD = "cc-kpis-good-store"
    BOARD = "cc-board-grid"
    BOARD_STATUS = "cc-board-status-text"
    BOARD_GOOD = "cc-board-good-store"
    ALARMS = "cc-alarms-div"
    ALARMS_STATUS = "cc-alarms-status-text"
    ALARMS_GOOD = "cc-alarms-good-store"
    DETAIL_HEAD = "cc-detail-head-div"
    DETAIL = "cc-detail-graph"
    DETAIL_CLEARANCE = "cc-detail-clearance-graph"
    DETAIL_STATUS = "cc-detail-status-text"
    DETAIL_GOOD = "cc-detail-good-store"
    STALE_NOTE = "cc-stale-note-text"
    PAUSED = "cc-paused-text"


class Admin:
    """Admin page (/admin): users and the audit trail."""

    USERS_GRID = "admin-users-grid"
    AUDIT_GRID = "admin-audit-grid"
    NAME = "admin-name-input"
    DISPLAY = "admin-display-input"
    ROLE = "admin-role-dropdown"
    DISTRICTS = "admin-districts-dropdown"
    PASSWORD = "admin-password-input"
    ADD = "admin-add-button"
    DISABLE = "admin-disable-button"
    ENABLE = "admin-enable-button"
    MESSAGE = "admin-message-text"
    VERSION = "admin-version-store"


class Service:
    """Enterprise Service page (/service): inquiries, first contact, Q&A, training."""

    DISTRICT = "svc-district-dropdown"
    CHANNEL = "svc-channel-dropdown"
    PERIOD = "svc-period-radio"
    RANGE = "svc-range-text"
    KPIS = "svc-kpis-div"
    VOLUME_BY = "svc-volume-by-radio"
    VOLUME = "svc-volume-graph"
    FC_BY = "svc-fc-by-radio"
    FIRST_CONTACT = "svc-first-contact-graph"
    UNITS = "svc-units-graph"
    TIMES = "svc-times-graph"
    MET = "svc-met-graph"
    QA = "svc-qa-graph"
    REPEAT = "svc-repeat-graph"
    TRAINING = "svc-training-graph"
    COVERAGE = "svc-coverage-graph"
    ESCALATIONS = "svc-escalations-graph"
    ESC_GRID = "svc-escalations-grid"
    OUTCOMES = "svc-outcomes-graph"
    URL_SYNC = "svc-url-sync-store"
    NOTICE = "svc-notice-div"


class Emergency:
    """Emergency Response page (/emergency): incidents, SLA, workload, trends."""

    DISTRICT = "em-district-dropdown"
    SEVERITY = "em-severity-checklist"
    CATEGORY = "em-category-dropdown"
    PERIOD = "em-period-radio"
    RANGE = "em-range-text"
    NOTICE = "em-notice-div"
    URL_SYNC = "em-url-sync-store"
    INCIDENT = "em-incident-store"
    KPIS = "em-kpis-div"
    KPIS_PERIOD = "em-kpis-period-div"
    OPEN_GRID = "em-open-grid"
    OPEN_BARS = "em-open-bars-graph"
    SLA_TABLE = "em-sla-grid"
    SLA_TREND = "em-sla-trend-graph"
    WORKLOAD = "em-workload-graph"
    WORKLOAD_GRID = "em-workload-grid"
    DISTRICT_SHARE = "em-district-share-graph"
    TREND_BY = "em-trend-by-radio"
    TRENDS = "em-trends-graph"
    TIMES = "em-times-graph"
    TIMES_NOTE = "em-times-note-text"
    DETAIL = "em-detail-div"
    TIMELINE = "em-timeline-graph"
    SPELL_GRID = "em-spells-grid"
    AFFECTED = "em-affected-text"
    AFFECTED_GRID = "em-affected-grid"
    PORT_WAIT = "em-port-wait-graph"
    PORT_CLEARANCE = "em-port-clearance-graph"


class Districts:
    """District Analysis page (/districts): drill from region to declaration."""

    URL = "dist-url-location"
    FILTERS = "dist-filters-store"
    DISTRICT = "dist-district-dropdown"
    PORT = "dist-port-dropdown"
    PERIOD = "dist-period-radio"
    IE = "dist-ie-radio"
    SPLIT = "dist-split-radio"
    CHIPS = "dist-chips-div"
    ERROR = "dist-error-div"
    RANGE = "dist-range-text"
    KPIS = "dist-kpis-div"
    PORTS = "dist-ports-graph"
    WATERFALL = "dist-waterfall-graph"
    STAGES = "dist-stages-graph"
    HEATMAP = "dist-heatmap-graph"
    HIST = "dist-hist-graph"
    MODE = "dist-mode-graph"
    TIER = "dist-tier-graph"
    GRID = "dist-table-grid"
    PAGER = "dist-pager-store"
    PREV = "dist-prev-button"
    NEXT = "dist-next-button"
    FIRST = "dist-first-button"
    PAGE = "dist-page-text"
    SORT = "dist-sort-radio"
    EXPORT = "dist-export-link"
    DETAIL = "dist-detail-div"
    CHIP = "dist-chip"  # pattern-matching type: {"type": CHIP, "key": <url key>}


def dist_chip(key: object) -> dict[str, object]:
    """The id of one removable filter chip (key: a URL key, or ALL in a callback)."""
    return {"type": Districts.CHIP, "key": key}


class Trade:
    """Trade Trends page (/trade): growth beside clearance time, composition, integration."""

    STATE = "trade-state-store"
    URL_SYNC = "trade-url-sync-store"
    REFRESH = "trade-refresh-interval"
    PRESET = "trade-preset-radio"
    DATES = "trade-dates-picker"
    DISTRICTS = "trade-districts-dropdown"
    DIRECTION = "trade-direction-radio"
    CURRENCY = "trade-currency-radio"
    GRANULARITY = "trade-granularity-radio"
    DIMENSION = "trade-dimension-radio"
    NOTICE = "trade-notice-text"
    BRIEF_META = "trade-brief-meta-text"
    PRINT = "trade-print-button"
    PRINTED = "trade-printed-store"
    KPIS = "trade-kpis-div"
    KPIS_STATUS = "trade-kpis-status-text"
    SPEED = "trade-speed-div"
    SPEED_STATUS = "trade-speed-status-text"
    VALUE = "trade-value-graph"
    VALUE_STATUS = "trade-value-status-text"
    VALUE_NOTE = "trade-value-note-text"
    CLEARANCE = "trade-clearance-graph"
    CLEARANCE_STATUS = "trade-clearance-status-text"
    MIX = "trade-mix-graph"
    MIX_STATUS = "trade-mix-status-text"
    MIX_NOTE = "trade-mix-note-text"
    INTEGRATION = "trade-integration-graph"
    INTEGRATION_STATUS = "trade-integration-status-text"
    OD = "trade-od-graph"
    OD_NOTE = "trade-od-note-text"
    OD_STATUS = "trade-od-status-text"
    DOWNLOAD = "trade-csv-download"
    CSV = "trade-csv-button"  # pattern-matching type: {"type": CSV, "chart": <chart>}


def trade_csv(chart: object) -> dict[str, object]:
    """The id of one chart's CSV button (chart: value, clearance, mix, integration, od)."""
    return {"type": Trade.CSV, "chart": chart}


ALL_CLASSES = (Shell, CommandCenter, DataStatus, Admin, Service, Districts, Trade)


def all_ids() -> list[str]:
    """Every id value defined above (for the uniqueness test)."""
    return [
        value
        for cls in ALL_CLASSES
        for name, value in vars(cls).items()
        if name.isupper() and isinstance(value, str)
    ]
