"""Every role boundary is refused below the UI and audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.errors import AccessDenied, KnownError
from app.storage.records.aid import AidDesk, NewAidRequest
from app.storage.records.isolation import IsolationRegistry, NewCase
from app.storage.records.screenings import NewScreening, ScreeningLog
from app.storage.roles import GRANTS, Permission, Role, Session
from app.storage.users import add_user, change_password, disable_user, list_users, set_role
from tests.helpers.station_fixtures import OpenStation


def _screening() -> NewScreening:
    return NewScreening(source="typed", format="GX1", result="VALID", proposal="pass",
                        decision="pass", rules_version="default-1", colour="green")


def _case() -> NewCase:
    return NewCase(person_name="李四", address="青秀区民族大道 1 号", kind="home",
                   reason="close_contact", start_date="2026-12-01", planned_end="2026-12-08",
                   responsible="clinic1")


CALLS: dict[str, Callable[[OpenStation, Session], Any]] = {
    "screen": lambda o, s: ScreeningLog(o.station).save(s, _screening()),
    "register_case": lambda o, s: IsolationRegistry(o.station).register(s, _case()),
    "open_aid": lambda o, s: AidDesk(o.station).open(
        s, NewAidRequest("food", "normal", "米和油", "2026-12-05T00:00:00Z")),
    "add_user": lambda o, s: add_user(o.station, s, "newbie", "worker", "newbie-pass-1"),
    "set_role": lambda o, s: set_role(o.station, s, "worker1", "clinic"),
    "disable_user": lambda o, s: disable_user(o.station, s, "clinic1"),
    "reset_password": lambda o, s: change_password(o.station, s, "super1", "reset-pass-99"),
    "export": lambda o, s: o.station.require(s, Permission.EXPORT),
    "reveal": lambda o, s: o.station.require(s, Permission.REVEAL),
    "manage_trust": lambda o, s: o.station.require(s, Permission.MANAGE_TRUST),
    "list_users": lambda o, s: list_users(o.station, s),
}

FORBIDDEN = {
    "worker1": ["register_case", "open_aid", "add_user", "set_role", "disable_user",
                "reset_password", "export", "reveal", "manage_trust", "list_users"],
    "clinic1": ["screen", "add_user", "set_role", "disable_user", "reset_password", "export",
                "reveal", "manage_trust", "list_users"],
    "super1": ["register_case", "open_aid", "add_user", "set_role", "disable_user",
               "reset_password"],
}


@pytest.mark.parametrize(("user", "call"), [(u, c) for u, cs in FORBIDDEN.items() for c in cs])
def test_forbidden_calls_are_refused_and_audited(open_station: OpenStation, user: str,
                                                 call: str) -> None:
    session = open_station.session(user)
    before = open_station.station.db.run(lambda c: c.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'access_denied'").fetchone()[0])
    with pytest.raises(AccessDenied):
        CALLS[call](open_station, session)
    row = open_station.station.db.run(lambda c: c.execute(
        "SELECT actor, count(*) FROM audit_log WHERE action = 'access_denied'").fetchone())
    assert row[0] == user and row[1] == before + 1


@pytest.mark.parametrize("call", sorted(CALLS))
def test_admin_may_do_everything(open_station: OpenStation, call: str) -> None:
    CALLS[call](open_station, open_station.session("admin"))


def test_allowed_calls_succeed(open_station: OpenStation) -> None:
    for user, forbidden in FORBIDDEN.items():
        for call in sorted(set(CALLS) - set(forbidden) - {"set_role", "disable_user"}):
            CALLS[call](open_station, open_station.session(user))


def test_a_forged_session_is_refused(open_station: OpenStation) -> None:
    forged = Session("worker1", Role.ADMIN, "0" * 32)
    with pytest.raises(KnownError):
        add_user(open_station.station, forged, "x-user", "admin", "password-123")


def test_a_locked_session_can_no_longer_act(open_station: OpenStation) -> None:
    session = open_station.session("worker1")
    open_station.station.lock(session)
    with pytest.raises(KnownError):
        ScreeningLog(open_station.station).save(session, _screening())


def test_the_last_admin_cannot_be_demoted(open_station: OpenStation) -> None:
    with pytest.raises(KnownError):
        set_role(open_station.station, open_station.session("admin"), "admin", "worker")


def test_every_role_has_grants() -> None:
    assert set(GRANTS) == set(Role)
    assert GRANTS[Role.ADMIN] == frozenset(Permission)
