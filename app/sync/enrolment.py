"""Registering this station with the central server (`griddesk enrol`)."""

from __future__ import annotations

from typing import Any

from app.errors import KnownError
from app.sync import outbox_queue as oq
from app.sync.engine import DbRunner
from app.sync.transport import Transport
from app.text import t


def station_identity(conn: Any) -> dict[str, str]:
    """The station's id, name and division from its database."""
    row = conn.execute("SELECT station_id, name, division FROM station WHERE id = 1").fetchone()
    if row is None:
        raise KnownError(t("本站数据库缺少站点信息", "the station database has no identity"))
    return {"station_id": str(row[0]), "name": str(row[1]), "division": str(row[2])}


def enrol_station(
    db: DbRunner,
    server_url: str,
    code: str,
    *,
    ca_file: str | None = None,
    pin_sha256: str | None = None,
    transport: Transport | None = None,
) -> dict[str, Any]:
    """Present the one-time code; store the credential in ``sync_state``; returns it (no secret).

    Raises :class:`~app.sync.transport.AuthRejected` with a plain reason when the server
    refuses the code (unknown, used, expired, another division) or the station is revoked.
    """
    me = db.run(station_identity)
    client = transport or Transport(server_url, verify=ca_file or True, pin_sha256=pin_sha256)
    try:
        answer = client.post("/v1/enrol", {"code": code.strip(), **me})
    finally:
        if transport is None:
            client.close()
    credential = answer.get("credential")
    if not isinstance(credential, str) or not credential.startswith(me["station_id"] + "."):
        raise KnownError(t("服务器的注册应答不正确", "the server's enrolment answer is malformed"))
    stored = {"server": server_url.rstrip("/"), "credential": credential,
              "station_id": me["station_id"], "division": me["division"]}
    if ca_file:
        stored["ca_file"] = ca_file
    if pin_sha256:
        stored["pin_sha256"] = pin_sha256

    def save(conn: Any) -> None:
        oq.set_state(conn, "credential", stored)
        oq.set_state(conn, "last_error", None)
        if isinstance(answer.get("server_time"), int | float):
            from app.sync.engine import _raise_floor

            _raise_floor(conn, float(answer["server_time"]))

    db.transaction(save)
    return {k: v for k, v in stored.items() if k != "credential"}
