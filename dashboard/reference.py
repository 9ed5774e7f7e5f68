"""Reference data: districts, offices, ports, code tables, HS chapters, emergency teams.

The files live in `data/reference/` as plain CSV (UTF-8). They are read-only inputs: this
module loads them (once per process, they never change while it runs), answers "is this a
known code" and "what is this code called", and hands them to `db.load_reference` which
copies them into the database so that queries can join on them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dashboard.config import REFERENCE_DIR

CODE_WIDTHS = {"trade_mode": 4, "office": 4, "port_office": 4, "district": 4, "hs_chapter": 2}


def _read(name: str, directory: Path = REFERENCE_DIR) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class Reference:
    """All reference tables, as lists of row dicts keyed by column name."""

    districts: list[dict[str, str]]
    offices: list[dict[str, str]]
    ports: list[dict[str, str]]
    codes: list[dict[str, str]]
    hs_chapters: list[dict[str, str]]
    hs_sections: list[dict[str, str]]
    teams: list[dict[str, str]]
    members: list[dict[str, str]]

    def code_set(self, table: str) -> frozenset[str]:
        """Allowed values of one code table (including the derived tables below).

        Args:
            table: a `code_table` of codes.csv, or one of district, office, port_office,
                port, hs_chapter, team, member.

        Returns:
            The set of allowed codes.

        Raises:
            KeyError: for an unknown table name.
        """
        derived = {
            "district": [d["district_code"] for d in self.districts],
            "office": [o["office_code"] for o in self.offices],
            "port_office": [o["office_code"] for o in self.offices if o["port_id"]],
            "port": [p["port_id"] for p in self.ports],
            "hs_chapter": [h["chapter"] for h in self.hs_chapters],
            "team": [t["team_id"] for t in self.teams],
            "member": [m["member_id"] for m in self.members],
        }
        if table in derived:
            return frozenset(derived[table])
        values = frozenset(c["code"] for c in self.codes if c["code_table"] == table)
        if not values:
            raise KeyError(f"unknown code table {table!r}")
        return values

    def names(self, table: str, lang: str = "zh") -> dict[str, str]:
        """Code -> display name in `lang` ("zh" or "en") for a code table."""
        col = "name_zh" if lang == "zh" else "name_en"
        sources = {
            "district": ("district_code", self.districts),
            "office": ("office_code", self.offices),
            "port": ("port_id", self.ports),
            "hs_chapter": ("chapter", self.hs_chapters),
            "hs_section": ("section", self.hs_sections),
            "team": ("team_id", self.teams),
            "member": ("member_id", self.members),
        }
        if table in sources:
            key, rows = sources[table]
            return {r[key]: r[col] for r in rows}
        return {c["code"]: c[col] for c in self.codes if c["code_table"] == table}

    def extra(self, table: str) -> dict[str, str]:
        """Code -> the `extra` column of codes.csv (rates, colours, shift start hours)."""
        return {c["code"]: c["extra"] for c in self.codes if c["code_table"] == table}

    def office_district(self) -> dict[str, str]:
        """Office code -> district code."""
        return {o["office_code"]: o["district_code"] for o in self.offices}

    def office_port(self) -> dict[str, str]:
        """Office code -> port id, for offices that supervise a port."""
        return {o["office_code"]: o["port_id"] for o in self.offices if o["port_id"]}

    def port_district(self) -> dict[str, str]:
        """Port id -> district code."""
        return {p["port_id"]: p["district_code"] for p in self.ports}

    def usd_rates(self) -> dict[str, float]:
        """Currency -> indicative USD value of one unit (codes.csv `extra`)."""
        return {k: float(v) for k, v in self.extra("currency").items()}

    def team_districts(self) -> dict[str, frozenset[str]]:
        """Team id -> the districts it covers."""
        return {t["team_id"]: frozenset(t["coverage_districts"].split(";")) for t in self.teams}

    def member_team(self) -> dict[str, str]:
        """Member id -> team id."""
        return {m["member_id"]: m["team_id"] for m in self.members}


@cache
def load_reference(directory: Path = REFERENCE_DIR) -> Reference:
    """Read every reference file once per process.

    Args:
        directory: folder holding the CSV files.

    Returns:
        The reference tables.
    """
    return Reference(
        districts=_read("districts.csv", directory),
        offices=_read("offices.csv", directory),
        ports=_read("ports.csv", directory),
        codes=_read("codes.csv", directory),
        hs_chapters=_read("hs_chapters.csv", directory),
        hs_sections=_read("hs_sections.csv", directory),
        teams=_read("teams.csv", directory),
        members=_read("members.csv", directory),
    )
