"""The ingest API (`POST /api/v1/ingest/<feed>`) and district-restricted ingest, on SQLite
and on real PostgreSQL: per-district tokens, 401/403/404/413/415/422, nothing written on
refusal, the CLI's summary, idempotency, and the audit trail.

The blueprint is registered on a bare Flask app; the Dash app is not built here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from werkzeug.test import TestResponse

from dashboard import schema
from dashboard.api import ingest_blueprint, safe_name
from dashboard.audit import audit_events
from dashboard.contract import FEEDS
from dashboard.ingest import DistrictMismatch, ingest_records
from dashboard.tokens import create_token, revoke_token
from tests.conftest import NOW
from tests.factories import BASE, declaration, incident, iso

MAX_BYTES = 64 * 1024
CLI_FIELDS = {
    "feed",
    "file",
    "rows_read",
    "accepted",
    "updated",
    "duplicates",
    "quarantined",
    "batch_id",
}
WATCHED = (schema.ingest_batches, schema.declarations, schema.incidents, schema.quarantine)


@dataclass
class Api:
    """A test client of a bare Flask app with the blueprint, and tokens of two districts."""

    client: FlaskClient
    engine: Engine
    tianjin: str  # district 0200
    tianjin_id: int
    beijing: str  # district 0100

    def post(
        self,
        feed: str,
        body: bytes,
        *,
        token: str | None = None,
        content_type: str = "text/csv",
        name: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> TestResponse:
        """POST `body`, with the Tianjin token unless told otherwise ("" for none)."""
        token = self.tianjin if token is None else token
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        query = {"name": name} if name is not None else {}
        return self.client.post(
            f"/api/v1/ingest/{feed}",
            data=body,
            headers=sent,
            content_type=content_type,
            query_string=query,
        )


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    app = Flask(__name__)
    app.config["TESTING"] = True
    app.register_blueprint(ingest_blueprint(lambda: engine, MAX_BYTES))
    tj_id, tj = create_token(engine, "0200", "tianjin system", "test")
    _, bj = create_token(engine, "0100", "beijing system", "test")
    with app.test_client() as client:
        yield Api(client, engine, tj, tj_id, bj)


def csv_bytes(rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def jsonl_bytes(rows: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in WATCHED
        }


def uploads(engine: Engine) -> list[Any]:
    """The `upload` audit events, oldest first."""
    events = audit_events(engine, action="upload")
    return list(events.sort_values("audit_id").itertuples())


def recent(n: int, **kw: Any) -> list[dict[str, str]]:
    """`n` valid Tianjin declarations (March 2026, before the real clock the API checks)."""
    return [declaration(i, **kw) for i in range(1, n + 1)]


# --- success -------------------------------------------------------------------------------
def test_success_returns_the_cli_summary_and_rows_land(api: Api) -> None:
    rows = recent(6)
    rows[3]["trade_mode"] = "0999"  # quarantined, batch still loads
    r = api.post("declarations", csv_bytes(rows), name="tj-2026-03-02.csv")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert set(body) == CLI_FIELDS
    assert body["feed"] == "declarations" and body["file"] == "tj-2026-03-02.csv"
    assert (body["rows_read"], body["accepted"], body["quarantined"]) == (6, 5, 1)
    assert body["updated"] == body["duplicates"] == 0
    assert r.headers["Cache-Control"] == "no-store"
    assert r.mimetype == "application/json"
    assert counts(api.engine)["declarations"] == 5
    with api.engine.connect() as conn:
        batch = conn.execute(select(schema.ingest_batches)).one()
        reason = conn.execute(select(schema.quarantine.c.reason)).scalar_one()
    assert (batch.batch_id, batch.source, batch.file_name) == (
        body["batch_id"],
        "api",
        body["file"],
    )
    assert len(batch.file_sha256) == 64
    assert "trade_mode 0999" in reason


def test_reposting_the_same_file_is_all_duplicates(api: Api) -> None:
    body = csv_bytes(recent(5))
    first = api.post("declarations", body).get_json()
    again = api.post("declarations", body)
    assert again.status_code == 200
    assert first["accepted"] == 5
    assert (again.get_json()["accepted"], again.get_json()["duplicates"]) == (0, 5)
    assert counts(api.engine)["declarations"] == 5


def test_jsonl_and_gb18030_csv(api: Api) -> None:
    decl = api.post("declarations", jsonl_bytes(recent(3)), content_type="application/x-ndjson")
    assert decl.status_code == 200, decl.get_json()
    assert decl.get_json()["accepted"] == 3
    rows = [incident(n, title="大雾封港，新港闸口暂停通行") for n in range(1, 4)]
    gb = api.post("incidents", csv_bytes(rows, "gb18030"), content_type="text/csv; charset=gb18030")
    assert gb.status_code == 200, gb.get_json()
    assert gb.get_json()["accepted"] == 3
    with api.engine.connect() as conn:
        titles = set(conn.execute(select(schema.incidents.c.title)).scalars())
    assert titles == {"大雾封港，新港闸口暂停通行"}


def test_content_sniffed_without_a_content_type(api: Api) -> None:
    r = api.post("declarations", jsonl_bytes(recent(2)), content_type="application/octet-stream")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["accepted"] == 2


def test_name_is_a_label_never_a_path(api: Api) -> None:
    r = api.post("declarations", csv_bytes(recent(1)), name="../../etc/passwd")
    assert r.status_code == 200
    assert r.get_json()["file"] == "passwd.csv"
    assert safe_name("..\\..\\x.jsonl", ".jsonl") == "x.jsonl"
    assert safe_name("...", ".csv") == "upload.csv"
    assert safe_name("a b\r\n;rm -rf.csv", ".csv") == "a_b_rm_-rf.csv"
    assert safe_name("天津报关单.csv", ".csv") == "天津报关单.csv"
    assert len(safe_name("x" * 500, ".csv").encode()) < 255


# --- district restriction ------------------------------------------------------------------
def test_rows_of_another_district_are_403_and_nothing_is_written(api: Api) -> None:
    rows = recent(4)  # declared at 0202 Xingang: Tianjin
    lodged_in_beijing = [declaration(10 + i, office="0101", port="0101") for i in range(3)]
    bad = declaration(20)
    bad["currency"] = "XXX"  # would be quarantined
    before = counts(api.engine)
    r = api.post("declarations", csv_bytes([*rows, *lodged_in_beijing, bad]))
    assert r.status_code == 403
    body = r.get_json()
    assert body["error"] == "district_mismatch"
    assert "district 0200 only" in body["message"]
    assert "0100" in body["message"] and "lines 6, 7, 8" in body["message"]
    assert counts(api.engine) == before  # no batch, no rows, no quarantine
    event = uploads(api.engine)[-1]
    assert (event.outcome, event.target) == ("denied", "declarations")
    assert event.actor == f"token:{api.tianjin_id}"


def test_the_same_file_loads_with_its_own_districts_token(api: Api) -> None:
    beijing_rows = [declaration(10 + i, office="0101", port="0202") for i in range(3)]
    assert api.post("declarations", csv_bytes(beijing_rows)).status_code == 403
    r = api.post("declarations", csv_bytes(beijing_rows), token=api.beijing)
    assert r.status_code == 200  # cross-district (Tianjin port) but lodged in Beijing
    assert r.get_json()["accepted"] == 3


def test_a_district_cannot_take_over_another_districts_record(api: Api) -> None:
    assert api.post("incidents", csv_bytes([incident(1)])).status_code == 200
    takeover = incident(1) | {"district_code": "0100", "port_id": "PEK"}
    before = counts(api.engine)
    r = api.post("incidents", csv_bytes([takeover]), token=api.beijing)
    assert r.status_code == 403
    assert "would replace records of district 0200" in r.get_json()["message"]
    assert counts(api.engine) == before
    with api.engine.connect() as conn:
        assert conn.execute(select(schema.incidents.c.district_code)).scalar_one() == "0200"


# --- refusals ------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["missing", "unknown", "revoked", "basic", "empty"])
def test_missing_unknown_or_revoked_token_is_401(api: Api, case: str) -> None:
    token, headers = "", {}
    if case == "unknown":
        token = "cci_" + "x" * 43
    elif case == "revoked":
        token = api.tianjin
        revoke_token(api.engine, api.tianjin_id, "test")
    elif case == "basic":
        headers = {"Authorization": "Basic dXNlcjpwYXNz"}
    elif case == "empty":
        headers = {"Authorization": "Bearer "}
    before = counts(api.engine)
    r = api.post("declarations", csv_bytes(recent(2)), token=token, headers=headers)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert r.get_json()["error"] == "unauthorized"
    assert r.headers["Cache-Control"] == "no-store"
    assert counts(api.engine) == before
    event = uploads(api.engine)[-1]
    assert event.outcome == "denied"
    expected = {"unknown": "token:unknown", "revoked": f"token:{api.tianjin_id}"}
    assert event.actor == expected.get(case, "anonymous")
    if case == "revoked":
        assert "revoked" in r.get_json()["message"]
        assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]


def test_unknown_feed_is_404_after_authentication(api: Api) -> None:
    r = api.post("customs_secrets", b"a,b\n1,2\n")
    assert r.status_code == 404
    assert r.get_json()["error"] == "unknown_feed"
    assert "declarations" in r.get_json()["message"]
    assert api.post("customs_secrets", b"a,b\n1,2\n", token="").status_code == 401


def test_oversize_body_is_413_and_nothing_is_written(api: Api) -> None:
    body = csv_bytes(recent(400))
    assert len(body) > MAX_BYTES
    before = counts(api.engine)
    r = api.post("declarations", body)
    assert r.status_code == 413
    assert r.get_json()["error"] == "too_large"
    assert counts(api.engine) == before
    assert uploads(api.engine)[-1].outcome == "rejected"


def test_oversize_body_without_content_length_is_413(api: Api) -> None:
    body = csv_bytes(recent(400))
    r = api.client.post(
        "/api/v1/ingest/declarations",
        input_stream=io.BytesIO(body),
        headers={
            "Authorization": f"Bearer {api.tianjin}",
            "Content-Type": "text/csv",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert r.status_code == 413
    assert counts(api.engine)["ingest_batches"] == 0


def test_body_of_exactly_the_limit_is_read_whole(api: Api) -> None:
    body = jsonl_bytes(recent(3))
    padded = body[:-1] + b" " * (MAX_BYTES - len(body)) + b"\n"  # JSON allows the spaces
    assert len(padded) == MAX_BYTES
    r = api.client.post(
        "/api/v1/ingest/declarations",
        input_stream=io.BytesIO(padded),
        headers={
            "Authorization": f"Bearer {api.tianjin}",
            "Content-Type": "application/x-ndjson",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["accepted"], r.get_json()["quarantined"]) == (3, 0)
    assert api.post("declarations", padded + b"\n").status_code == 413


@pytest.mark.parametrize("case", ["missing_column", "empty", "binary"])
def test_whole_file_problem_is_422_and_nothing_is_written(api: Api, case: str) -> None:
    if case == "missing_column":
        rows = [{k: v for k, v in r.items() if k != "currency"} for r in recent(3)]
        body = csv_bytes(rows)
    elif case == "empty":
        body = b""
    else:
        body = b"PK\x03\x04" + b"\x00" * 100
    before = counts(api.engine)
    r = api.post("declarations", body, name="decl.csv")
    assert r.status_code == 422
    assert r.get_json()["error"] == "invalid_file"
    if case == "missing_column":
        assert "missing required declarations columns: currency" in r.get_json()["message"]
        assert "decl.csv" in r.get_json()["message"]
    assert counts(api.engine) == before
    assert uploads(api.engine)[-1].outcome == "rejected"


def test_form_upload_is_415(api: Api) -> None:
    r = api.client.post(
        "/api/v1/ingest/declarations",
        data={"file": (io.BytesIO(csv_bytes(recent(1))), "d.csv")},
        headers={"Authorization": f"Bearer {api.tianjin}"},
        content_type="multipart/form-data",
    )
    assert r.status_code == 415
    assert r.get_json()["error"] == "unsupported_media_type"
    assert counts(api.engine)["ingest_batches"] == 0


# --- audit ---------------------------------------------------------------------------------
def test_every_request_leaves_one_upload_event_and_no_secret(api: Api) -> None:
    api.post("declarations", csv_bytes(recent(2)))
    api.post("declarations", csv_bytes([declaration(9, office="0101", port="0101")]))
    api.post("declarations", b"", token="")
    api.post("nope", b"x")
    events = uploads(api.engine)
    assert [(e.outcome, e.target) for e in events] == [
        ("ok", "declarations"),
        ("denied", "declarations"),
        ("denied", "declarations"),
        ("rejected", "nope"),
    ]
    ok = events[0]
    assert ok.actor == f"token:{api.tianjin_id}"
    assert "accepted=2" in ok.detail and "rows_read=2" in ok.detail
    assert "403 district_mismatch" in events[1].detail
    everything = audit_events(api.engine, limit=1000).to_json()
    assert api.tianjin not in everything and api.beijing not in everything


# --- district restriction in ingest itself, every feed -------------------------------------
def example_row(feed: str) -> dict[str, str]:
    """The contract's example values: a valid row of the district named in them."""
    return {f.name: f.example for f in FEEDS[feed].fields if f.required or f.example}


EXAMPLE_OWNER = {
    "declarations": "0200",  # declared at office 0202 Xingang
    "queue_observations": "0200",  # port TJ-XG
    "incidents": "0200",
    "inquiries": "0100",
    "trainings": "0100",
    "enterprises": "0200",  # home district
    "training_attendance": "0100",  # the example training's district
    "incident_assignments": "0200",  # the example incident's district
}
# Feeds whose rows must name stored records of other feeds: those are loaded first.
REFERENCED = {
    "training_attendance": ("trainings", "enterprises"),
    "incident_assignments": ("incidents",),
}


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_every_feed_is_restricted_to_its_owner_district(engine: Engine, feed: str) -> None:
    row = example_row(feed)
    owner = EXAMPLE_OWNER[feed]
    other = "7900"
    for needed in REFERENCED.get(feed, ()):
        ingest_records(engine, needed, [example_row(needed)], name="ref", source="api", now=NOW)
    before = counts(engine)
    with pytest.raises(DistrictMismatch) as refused:
        ingest_records(engine, feed, [row], name="r", source="api", now=NOW, district=other)
    assert (refused.value.district, refused.value.others, refused.value.lines) == (
        other,
        (owner,),
        (1,),
    )
    assert counts(engine) == before
    result = ingest_records(engine, feed, [row], name="r", source="api", now=NOW, district=owner)
    assert result.accepted == 1


def test_mismatch_names_at_most_ten_lines(engine: Engine) -> None:
    rows = [declaration(i, office="0101", port="0101") for i in range(1, 26)]
    with pytest.raises(DistrictMismatch) as refused:
        ingest_records(engine, "declarations", rows, name="r", source="api", district="0200")
    message = str(refused.value)
    assert "lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ... (first 10 of 25)" in message
    assert len(refused.value.lines) == 25


def test_invalid_rows_are_still_quarantined_in_a_district_batch(engine: Engine) -> None:
    rows = [declaration(1), declaration(2)]
    rows[1]["trade_mode"] = "0999"
    result = ingest_records(
        engine, "declarations", rows, name="r", source="api", now=NOW, district="0200"
    )
    assert (result.accepted, result.quarantined) == (1, 1)
    every_row_bad = [declaration(3, office="0101", port="0101") | {"currency": "XXX"}]
    result = ingest_records(
        engine, "declarations", every_row_bad, name="r", source="api", now=NOW, district="0200"
    )
    assert (result.accepted, result.quarantined) == (0, 1)


def test_queue_observations_belong_to_the_ports_district(engine: Engine) -> None:
    at = BASE + timedelta(hours=1)
    rows = [
        {c: v for c, v in example_row("queue_observations").items()}
        | {"port_id": port, "observed_at": iso(at)}
        for port in ("TJ-XG", "PEK")
    ]
    with pytest.raises(DistrictMismatch) as refused:
        ingest_records(engine, "queue_observations", rows, name="q", source="api", district="0200")
    assert (refused.value.others, refused.value.lines) == (("0100",), (2,))


def test_unrestricted_ingest_is_unchanged(engine: Engine) -> None:
    rows = [declaration(1), declaration(2, office="0101", port="0101")]
    result = ingest_records(engine, "declarations", rows, name="r", source="cli", now=NOW)
    assert result.accepted == 2
