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


ALL_CLASSES = (Shell, DataStatus)


def all_ids() -> list[str]:
    """Every id value defined above (for the uniqueness test)."""
    return [
        value
        for cls in ALL_CLASSES
        for name, value in vars(cls).items()
        if name.isupper() and isinstance(value, str)
    ]
