"""The sync API (FastAPI). Every answer carries the server time (body and `X-Server-Time`).

Endpoints (all under ``/v1``): ``ping`` (no credential), ``enrol`` (an enrolment code),
``station``, ``upload``, ``changes``, ``reconcile``, ``review`` and ``reports/daily`` (a
station credential; the review queue and the daily reports of the station's own division
only). The OpenAPI
document is served at ``/openapi.json`` and kept in ``docs/openapi.json``.
"""

from __future__ import annotations

import json
import time
import zlib
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import changes as changes_mod
from server import reports as reports_mod
from server import review as review_mod
from server.db import Database
from server.enrolment import (
    AuthFailed,
    EnrolmentRefused,
    StationIdentity,
    authenticate,
    enrol,
)
from server.upload import MAX_ITEMS, apply_batch

API_VERSION = "1"
MAX_COMPRESSED = 16 * 1024 * 1024
MAX_BODY = 64 * 1024 * 1024
MAX_REPORT = 1024 * 1024


# --- documented shapes -------------------------------------------------------------------


class ServerTime(BaseModel):
    """Present in every answer: seconds since the epoch, UTC."""

    server_time: float


class EnrolRequest(BaseModel):
    code: str = Field(description="one-time enrolment code issued for the division")
    station_id: str
    division: str = Field(description="GB/T 2260 code, six digits")
    name: str = ""


class EnrolResponse(ServerTime):
    station_id: str
    division: str
    credential: str = Field(description="bearer credential; the server keeps only its hash")


class UploadItem(BaseModel):
    id: str = Field(description="client-generated record or operation id")
    kind: str = Field(description="screening | health_check | case_event | aid_event | audit")
    day: str = Field(description="YYYY-MM-DD, the outbox entry's creation date")
    hash: str = Field(description="hex SHA-256 of body")
    body: str = Field(description="canonical JSON of the record")


class AuditHead(BaseModel):
    seq: int
    hash: str


class UploadRequest(BaseModel):
    """May be sent with ``Content-Encoding: gzip`` or ``deflate``."""

    batch_id: str = ""
    items: list[UploadItem]
    audit_head: AuditHead | None = None


class ItemAnswer(BaseModel):
    id: str
    status: str = Field(description="accepted | duplicate | conflict | rejected")
    reason: str | None = None
    note: str | None = Field(None, description="e.g. an operation held for supervisor review")


class UploadResponse(ServerTime):
    batch_id: str
    results: list[ItemAnswer]


class Change(BaseModel):
    seq: int
    division: str | None
    kind: str
    version: str
    body: str
    published_at: str | None


class ChangesResponse(ServerTime):
    changes: list[Change]
    cursor: int
    more: bool


class DayCount(BaseModel):
    day: str
    count: int
    hash: str


class ReconcileRequest(BaseModel):
    days: list[DayCount]


class DayAnswer(BaseModel):
    day: str
    matched: bool
    server_count: int | None = None
    server_hash: str | None = None
    reason: str | None = None


class ReconcileResponse(ServerTime):
    days: list[DayAnswer]


class StationResponse(ServerTime):
    station_id: str
    division: str
    name: str


class ReviewItem(BaseModel):
    division: str
    record_id: str = Field(description="the held operation (a case or aid event)")
    station_id: str
    kind: str = Field(description="case_event | aid_event")
    subject_id: str = Field(description="the case or aid request")
    server_status: str | None = Field(description="the server's status when it was held")
    from_status: str | None
    to_status: str
    reason: str
    created_at: str | None
    resolved_at: str | None
    resolution: str | None = Field(description="applied | dismissed (null while open)")
    resolved_by: str | None
    resolution_note: str | None


class ReviewListResponse(ServerTime):
    items: list[ReviewItem]


class ReviewResolveRequest(BaseModel):
    resolution: str = Field(description="applied: make the held transition the server's "
                                        "status; dismissed: the server's status stands")
    by: str = Field(description="who decided (the supervisor's user name at the station)")
    note: str = ""


class ReviewResolveResponse(ServerTime):
    item: ReviewItem


class StationDailyReport(BaseModel, extra="allow"):
    """A station's ``DailyReport.to_dict()`` for one date, scope ``station`` (every other
    field of the report as the station computed it: screenings, isolation, aid, sync)."""

    date: str = Field(description="YYYY-MM-DD, China time")
    scope: str = Field(description="station (only whole-station reports are summed)")
    station_id: str = Field(description="the uploading station")
    division: str = Field(description="the uploading station's division")
    generated_at: str = Field(description="ISO UTC; the newest report of a date is kept")


class ReportStoredResponse(ServerTime):
    date: str
    station_id: str
    stored: bool = Field(description="false when a report generated later is already kept")
    generated_at: str = Field(description="the kept report's generation time")


class ReportStation(BaseModel):
    station_id: str
    generated_at: str | None


class DivisionReportResponse(ServerTime):
    division: str
    date: str
    stations: list[ReportStation] = Field(description="the stations summed, with the "
                                                      "generation time of each one's report")
    report: dict[str, Any] = Field(description="the summed DailyReport (to_dict form)")


class ErrorResponse(ServerTime):
    error: str
    message: str


# --- plumbing ----------------------------------------------------------------------------


class ServerTimeHeader:
    """ASGI middleware adding ``X-Server-Time`` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-server-time", f"{time.time():.3f}".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_time)


def _error(status: int, error: str, message: str) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={"error": error, "message": message, "server_time": time.time()},
    )


class BadRequest(Exception):
    """A request the server cannot read; answered 400 or 413."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def _decode_body(raw: bytes, encoding: str | None) -> Any:
    encoding = (encoding or "identity").strip().lower()
    if encoding in ("gzip", "deflate"):
        wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        inflater = zlib.decompressobj(wbits)
        try:
            raw = inflater.decompress(raw, MAX_BODY + 1)
        except zlib.error as exc:
            raise BadRequest(400, "bad_encoding", f"cannot decompress: {exc}") from exc
        if len(raw) > MAX_BODY or inflater.unconsumed_tail:
            raise BadRequest(413, "too_large", "request body too large")
    elif encoding != "identity":
        raise BadRequest(400, "bad_encoding", f"unsupported Content-Encoding {encoding}")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass  # orjson is stricter (e.g. escaped lone surrogates): let the standard parser judge
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(400, "bad_json", "request body is not JSON") from exc


def _upload_answer(db: Database, station: StationIdentity, raw: bytes,
                   encoding: str | None) -> bytes:
    """Decode an upload, apply it, and encode the answer (runs on a worker thread)."""
    doc = _decode_body(raw, encoding)
    items = doc.get("items") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise BadRequest(400, "bad_request", "items missing")
    if len(items) > MAX_ITEMS:
        raise BadRequest(413, "too_many_items", f"at most {MAX_ITEMS} items per batch")
    results = apply_batch(db, station, items, doc.get("audit_head"))
    return orjson.dumps({"batch_id": str(doc.get("batch_id", "")),
                         "results": [r.as_dict() for r in results],
                         "server_time": time.time()})


def _schema_components() -> dict[str, Any]:
    components: dict[str, Any] = {}
    for model in (UploadRequest, ReconcileRequest, StationDailyReport):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
    return components


def current_station(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> StationIdentity:
    """The authenticated station of a request (a FastAPI dependency)."""
    return authenticate(request.app.state.db, authorization)


Station = Annotated[StationIdentity, Depends(current_station)]


def create_app(db: Database) -> FastAPI:
    """The API bound to one database."""
    app = FastAPI(
        title="GridDesk sync API",
        version=API_VERSION,
        description="Central sync service of GridDesk (网格工作台).",
    )
    app.add_middleware(ServerTimeHeader)
    app.state.db = db

    _install_error_handlers(app)

    errors: dict[int | str, dict[str, Any]] = {
        401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}
    }

    @app.get("/v1/ping", response_model=ServerTime)
    def ping() -> dict[str, Any]:
        return {"server_time": time.time()}

    @app.post("/v1/enrol", response_model=EnrolResponse, responses=errors)
    def enrol_station(req: EnrolRequest) -> dict[str, Any]:
        credential = enrol(db, req.code, req.station_id, req.division, req.name)
        return {"station_id": req.station_id, "division": req.division,
                "credential": credential, "server_time": time.time()}

    @app.get("/v1/station", response_model=StationResponse, responses=errors)
    def station_info(station: Station) -> dict[str, Any]:
        return {"station_id": station.station_id, "division": station.division,
                "name": station.name, "server_time": time.time()}

    @app.post(
        "/v1/upload",
        response_model=UploadResponse,
        response_model_exclude_none=True,
        responses={**errors, 400: {"model": ErrorResponse}, 413: {"model": ErrorResponse}},
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/UploadRequest"}}}}},
    )
    async def upload(request: Request, station: Station) -> Response:
        raw = await request.body()
        if len(raw) > MAX_COMPRESSED:
            raise BadRequest(413, "too_large", "request body too large")
        # Decoding, storing and encoding the answer all happen off the event loop; the
        # answer (already in the documented shape) is sent as it is, not re-validated.
        answer = await run_in_threadpool(
            _upload_answer, db, station, raw, request.headers.get("content-encoding")
        )
        return Response(answer, media_type="application/json")

    @app.get("/v1/changes", response_model=ChangesResponse, responses=errors)
    def changes(
        station: Station,
        cursor: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> dict[str, Any]:
        found, new_cursor, more = changes_mod.changes_since(db, station, cursor, limit)
        return {"changes": found, "cursor": new_cursor, "more": more,
                "server_time": time.time()}

    @app.post(
        "/v1/reconcile",
        response_model=ReconcileResponse,
        responses=errors,
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/ReconcileRequest"}}}}},
    )
    async def reconcile(request: Request, station: Station) -> dict[str, Any]:
        doc = _decode_body(await request.body(), request.headers.get("content-encoding"))
        days = doc.get("days") if isinstance(doc, dict) else None
        if not isinstance(days, list) or not all(isinstance(d, dict) for d in days):
            raise BadRequest(400, "bad_request", "days missing")
        answers = await run_in_threadpool(changes_mod.reconcile, db, station, days)
        return {"days": answers, "server_time": time.time()}

    @app.get("/v1/review", response_model=ReviewListResponse, responses=errors)
    def review_list(
        station: Station,
        state: Annotated[str, Query(pattern="^(open|resolved|all)$")] = "open",
        limit: Annotated[int, Query(ge=1, le=review_mod.MAX_LIST)] = 100,
    ) -> dict[str, Any]:
        items = review_mod.list_items(db, station.division, state, limit)
        return {"items": items, "server_time": time.time()}

    @app.post(
        "/v1/review/{record_id}/resolve",
        response_model=ReviewResolveResponse,
        responses={**errors, 400: {"model": ErrorResponse}, 404: {"model": ErrorResponse},
                   409: {"model": ErrorResponse}},
    )
    def review_resolve(record_id: str, req: ReviewResolveRequest,
                       station: Station) -> dict[str, Any]:
        item = review_mod.resolve(db, station.division, record_id, req.resolution,
                                  f"{req.by.strip()}@{station.station_id}"
                                  if req.by.strip() else "", req.note)
        return {"item": item, "server_time": time.time()}

    _install_report_routes(app, db, errors)
    _install_openapi(app)
    return app


def _install_report_routes(app: FastAPI, db: Database,
                           errors: dict[int | str, dict[str, Any]]) -> None:
    """``/v1/reports/daily``: a station's daily report in, its division's sum out."""

    @app.post(
        "/v1/reports/daily",
        response_model=ReportStoredResponse,
        responses={**errors, 400: {"model": ErrorResponse}, 413: {"model": ErrorResponse}},
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/StationDailyReport"}}}}},
    )
    async def report_upload(request: Request, station: Station) -> dict[str, Any]:
        raw = await request.body()
        if len(raw) > MAX_REPORT:
            raise BadRequest(413, "too_large", "report too large")
        doc = _decode_body(raw, request.headers.get("content-encoding"))
        if len(orjson.dumps(doc)) > MAX_REPORT:
            raise BadRequest(413, "too_large", "report too large")
        kept = await run_in_threadpool(reports_mod.store_report, db, station, doc)
        return {**kept, "server_time": time.time()}

    @app.get(
        "/v1/reports/daily",
        response_model=DivisionReportResponse,
        responses={**errors, 400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}},
    )
    def division_report(
        station: Station,
        date: Annotated[str, Query(pattern=r"^\d{4}-\d{2}-\d{2}$",
                                   description="YYYY-MM-DD, China time")],
    ) -> dict[str, Any]:
        found = reports_mod.division_report(db, station.division, reports_mod.parse_day(date))
        return {**found, "server_time": time.time()}



def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AuthFailed)
    async def _auth_failed(request: Request, exc: AuthFailed) -> JSONResponse:
        return _error(403 if exc.reason == "revoked" else 401, exc.reason, exc.message)

    @app.exception_handler(EnrolmentRefused)
    async def _refused(request: Request, exc: EnrolmentRefused) -> JSONResponse:
        return _error(403, exc.reason, exc.message)

    @app.exception_handler(review_mod.ReviewError)
    async def _review(request: Request, exc: review_mod.ReviewError) -> JSONResponse:
        status = {"not_found": 404, "already_resolved": 409}.get(exc.reason, 400)
        return _error(status, exc.reason, exc.message)

    @app.exception_handler(reports_mod.ReportError)
    async def _report(request: Request, exc: reports_mod.ReportError) -> JSONResponse:
        return _error(exc.status, exc.reason, exc.message)

    @app.exception_handler(BadRequest)
    async def _bad(request: Request, exc: BadRequest) -> JSONResponse:
        return _error(exc.status, exc.error, exc.message)


def _install_openapi(app: FastAPI) -> None:
    base_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = base_openapi()
            schema.setdefault("components", {}).setdefault("schemas", {}).update(
                _schema_components()
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
