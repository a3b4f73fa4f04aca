"""The API over HTTP: enrolment refusals, authentication, division boundaries, server time."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import requests

from server.changes import publish
from server.enrolment import StationIdentity, issue_code, revoke
from tests.helpers.server_fixtures import ServerThread
from tests.unit.server.test_upload import item


def post(srv: ServerThread, path: str, doc: object, credential: str | None = None,
         compress: bool = False) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    data = json.dumps(doc).encode()
    if compress:
        data = gzip.compress(data)
        headers["Content-Encoding"] = "gzip"
    if credential:
        headers["Authorization"] = f"Bearer {credential}"
    return requests.post(srv.url + path, data=data, headers=headers, timeout=10)


def enrol(srv: ServerThread, code: str, station_id: str, division: str) -> requests.Response:
    return post(srv, "/v1/enrol", {"code": code, "station_id": station_id,
                                   "division": division, "name": "站"})


def test_enrolment_codes_are_one_time_expiring_and_division_bound(server: ServerThread) -> None:
    code, _ = issue_code(server.db, "450103", dt.timedelta(hours=1))
    wrong = enrol(server, code, "st-a", "450200")
    assert (wrong.status_code, wrong.json()["error"]) == (403, "wrong_division")
    first = enrol(server, code.lower().replace("-", " "), "st-a", "450103")  # typed by hand
    assert first.status_code == 200 and first.json()["credential"].startswith("st-a.")
    assert "server_time" in first.json() and "x-server-time" in first.headers
    reused = enrol(server, code, "st-b", "450103")
    assert (reused.status_code, reused.json()["error"]) == (403, "used_code")
    expired, _ = issue_code(server.db, "450103", dt.timedelta(seconds=-1))
    assert enrol(server, expired, "st-c", "450103").json()["error"] == "expired_code"
    assert enrol(server, "NOPE-NOPE-NOPE-NOPE", "st-d", "450103").json()["error"] == \
        "unknown_code"


def test_every_request_is_authenticated_and_revocation_bites(server: ServerThread) -> None:
    code, _ = issue_code(server.db, "450103", dt.timedelta(hours=1))
    credential = enrol(server, code, "st-a", "450103").json()["credential"]
    for bad in (None, "st-a.wrong", "garbage"):
        got = post(server, "/v1/upload", {"items": []}, bad)
        assert got.status_code == 401
    assert requests.get(server.url + "/v1/changes", timeout=10).status_code == 401
    ok = post(server, "/v1/upload", {"items": []}, credential)
    assert ok.status_code == 200
    assert revoke(server.db, "st-a", "laptop lost")
    got = post(server, "/v1/upload", {"items": []}, credential)
    assert (got.status_code, got.json()["error"]) == (403, "revoked")
    again, _ = issue_code(server.db, "450103", dt.timedelta(hours=1))
    assert enrol(server, again, "st-a", "450103").json()["error"] == "revoked"


def test_a_station_stays_inside_its_division(server: ServerThread) -> None:
    codes = [issue_code(server.db, d, dt.timedelta(hours=1))[0] for d in ("450103", "450200")]
    cred_a = enrol(server, codes[0], "st-a", "450103").json()["credential"]
    cred_b = enrol(server, codes[1], "st-b", "450200").json()["credential"]
    publish(server.db, "risk-areas", "1", '{"areas": []}')
    publish(server.db, "deferred-verdict", "1", '{"record_id": "r1", "verdict": "green"}',
            division="450103")
    publish(server.db, "deferred-verdict", "1", '{"record_id": "r2", "verdict": "red"}',
            division="450200")

    def kinds(cred: str) -> list[tuple[str, str | None]]:
        got = requests.get(server.url + "/v1/changes", params={"cursor": 0},
                           headers={"Authorization": f"Bearer {cred}"}, timeout=10).json()
        return [(c["kind"], c["division"]) for c in got["changes"]]

    assert kinds(cred_a) == [("risk-areas", None), ("deferred-verdict", "450103")]
    assert kinds(cred_b) == [("risk-areas", None), ("deferred-verdict", "450200")]
    # writing into the other division is refused per item
    foreign = item(StationIdentity("st-a", "450200", ""), "x1")
    got = post(server, "/v1/upload", {"items": [foreign]}, cred_a, compress=True).json()
    assert got["results"] == [{"id": "x1", "status": "rejected", "reason": "division_mismatch"}]
    # reconciliation only ever sees the caller's own records
    mine = item(StationIdentity("st-b", "450200", ""), "b1")
    assert post(server, "/v1/upload", {"items": [mine]}, cred_b).json()["results"][0][
        "status"] == "accepted"
    answer = post(server, "/v1/reconcile", {"days": [{"day": "2026-12-04", "count": 0,
                                                       "hash": ""}]}, cred_a).json()
    assert answer["days"][0]["server_count"] == 0


def test_malformed_requests_get_clear_errors(server: ServerThread) -> None:
    code, _ = issue_code(server.db, "450103", dt.timedelta(hours=1))
    cred = enrol(server, code, "st-a", "450103").json()["credential"]
    headers = {"Authorization": f"Bearer {cred}", "Content-Encoding": "gzip"}
    got = requests.post(server.url + "/v1/upload", data=b"not gzip", headers=headers, timeout=10)
    assert (got.status_code, got.json()["error"]) == (400, "bad_encoding")
    got = requests.post(server.url + "/v1/upload", data=b"[1,2", timeout=10,
                        headers={"Authorization": f"Bearer {cred}"})
    assert (got.status_code, got.json()["error"]) == (400, "bad_json")
    assert requests.get(server.url + "/v1/ping", timeout=10).json()["server_time"] > 0
