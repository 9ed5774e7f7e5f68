"""Labels of the Enterprise Service (/service) page (zh, en),
merged into `dashboard.i18n.CATALOG`."""

from __future__ import annotations

from typing import Final

LABELS: Final[dict[str, tuple[str, str]]] = {}
