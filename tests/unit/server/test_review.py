"""The supervisor review queue: listing and resolving held operations, per division."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import requests

from server.cli import main
from server.db import open_database
from server.enrolment import enrol, issue_code
from server.schema import migrate
from server.upload import apply_batch
from tests.helpers.server_fixtures import ServerThread
from tests.unit.server.conftest import enrolled
from tests.unit.server.test_upload import item


def held_operations(db: Any) -> Any:
    """A station of 450103 whose case c1 and aid request q1 each have one held operation."""
    station, credential = enrolled(db)
    ops = [
        item(station, "e1", "case_event", case_id="c1", from_status=None, to_status="active"),
        item(station, "e2", "case_event", case_id="c1", from_status="active",
             to_status="released"),
        item(station, "e3", "case_event", case_id="c1", from_status="active",
             to_status="transferred"),
        item(station, "a1", "aid_event", request_id="q1", from_status=None, to_status="open"),
        item(station, "a2", "aid_event", request_id="q1", from_status="open",
             to_status="closed"),
    ]
    notes = [r.note for r in apply_batch(db, station, ops)]
    assert [n is not None for n in notes] == [False, False, True, False, True]
    return station, credential


def call(srv: ServerThread, method: str, path: str, credential: str,
         body: dict[str, Any] | None = None, **params: Any) -> requests.Response:
    return requests.request(method, srv.url + path, json=body, params=params, timeout=10,
                            headers={"Authorization": f"Bearer {credential}"})


def test_a_station_lists_and_resolves_its_divisions_queue(server: ServerThread) -> None:
    _, cred = held_operations(server.db)
    code, _ = issue_code(server.db, "450200", dt.timedelta(hours=1))
    other = enrol(server.db, code, "st-other", "450200", "elsewhere")

    got = call(server, "GET", "/v1/review", cred)
    assert got.status_code == 200
    items = got.json()["items"]
    assert sorted((i["record_id"], i["subject_id"], i["server_status"], i["to_status"])
                  for i in items) == [("a2", "q1", "open", "closed"),
                                      ("e3", "c1", "released", "transferred")]
    assert all(i["resolution"] is None and i["division"] == "450103" for i in items)
    # another division sees nothing and cannot touch the items
    assert call(server, "GET", "/v1/review", other).json()["items"] == []
    denied = call(server, "POST", "/v1/review/e3/resolve", other,
                  {"resolution": "applied", "by": "super9"})
    assert (denied.status_code, denied.json()["error"]) == (404, "not_found")
    assert requests.get(server.url + "/v1/review", timeout=10).status_code == 401

    done = call(server, "POST", "/v1/review/e3/resolve", cred,
                {"resolution": "applied", "by": "super1", "note": "转院属实"})
    assert done.status_code == 200
    assert done.json()["item"]["resolution"] == "applied"
    assert done.json()["item"]["resolved_by"].startswith("super1@")
    again = call(server, "POST", "/v1/review/e3/resolve", cred,
                 {"resolution": "dismissed", "by": "super1"})
    assert (again.status_code, again.json()["error"]) == (409, "already_resolved")
    bad = call(server, "POST", "/v1/review/a2/resolve", cred,
               {"resolution": "maybe", "by": "super1"})
    assert (bad.status_code, bad.json()["error"]) == (400, "bad_resolution")
    assert call(server, "POST", "/v1/review/a2/resolve", cred,
                {"resolution": "dismissed", "by": "super1"}).status_code == 200

    with server.db.transaction() as tx:
        assert tx.one("SELECT status, last_event FROM case_state WHERE case_id = 'c1'") == \
            ("transferred", "e3")
        assert tx.one("SELECT status FROM aid_state WHERE request_id = 'q1'") == ("open",)
    assert call(server, "GET", "/v1/review", cred).json()["items"] == []
    resolved = call(server, "GET", "/v1/review", cred, state="resolved").json()["items"]
    assert sorted((i["record_id"], i["resolution"]) for i in resolved) == \
        [("a2", "dismissed"), ("e3", "applied")]


def test_review_cli_lists_and_resolves(db_url: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database(db_url)
    migrate(db)
    held_operations(db)
    db.close()
    assert main(["review", "list", "--db", db_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"division": "450103", "open": 2}]
    assert main(["review", "list", "--db", db_url, "--division", "450103", "--json"]) == 0
    assert sorted(i["record_id"] for i in json.loads(capsys.readouterr().out)) == ["a2", "e3"]
    assert main(["review", "resolve", "--db", db_url, "--division", "450103", "a2",
                 "--resolution", "applied", "--by", "县级主管", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["resolution"] == "applied"
    assert main(["review", "resolve", "--db", db_url, "--division", "450200", "e3",
                 "--resolution", "dismissed", "--by", "x"]) == 1
    assert "not_found" in capsys.readouterr().err
    assert main(["review", "list", "--db", db_url, "--division", "450103"]) == 0
    out = capsys.readouterr().out
    assert "e3" in out and "a2" not in out
