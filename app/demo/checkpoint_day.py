"""One synthetic checkpoint day: when people come, what they show, what the worker decides.

The mix follows a Guangxi checkpoint: mostly GX1 codes on phones (a few scanned with a
handheld scanner, a few printed voucher cards), travellers at border ports with HC1,
online-only codes from other provinces recorded for later verification, people without a
smartphone entered by ID number, and the odd expired, forged or unreadable code. Decisions
follow the default rules (app/codes/default_rules.json); a manual check or an override
carries the worker's reason.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from app.demo.people import Person
from app.storage.records.screenings import NewScreening

RULES_VERSION = "2026.12-default"
# Relative arrivals per local hour: quiet at night, a morning and an evening peak.
HOUR_WEIGHTS = (
    1, 1, 0.5, 0.5, 1, 3, 10, 22, 26, 16, 11, 10,
    12, 10, 9, 10, 13, 20, 24, 17, 10, 6, 3, 2,
)
GX1_RESULTS = (("VALID", 0.953), ("EXPIRED", 0.02), ("STALE_TRUST", 0.008),
               ("BAD_SIGNATURE", 0.005), ("REVOKED", 0.005), ("UNKNOWN_KEY", 0.004),
               ("MALFORMED", 0.005))
COLOURS = (("green", 0.93), ("yellow", 0.05), ("red", 0.02))
ONLINE_ISSUERS = ("GD-YKM", "YN-JKM", "GZ-JKM", "HN-JKM")
MANUAL_REASONS = ("人工核对身份证件，状态名单无异常", "老人无智能手机，核对身份证后放行",
                  "已电话核实行程，无风险地区旅居史")
MANUAL_REFUSALS = ("无法核实身份，劝返", "拒绝出示证件，劝返")
OVERRIDE_REASONS = ("持解除隔离告知书，已电话核实", "就医急诊，由医护人员陪同")
CORRECTION_REASONS = ("体温录入错误", "选错处置结果", "扫错了人")
INVALID = frozenset({"EXPIRED", "NOT_YET_VALID", "BAD_SIGNATURE", "REVOKED", "UNKNOWN_KEY",
                     "MALFORMED"})


def weighted(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    """One value from (value, weight) pairs."""
    roll = rng.random() * sum(w for _, w in choices)
    for value, weight in choices:
        roll -= weight
        if roll < 0:
            return value
    return choices[-1][0]


def propose(result: str, colour: str | None, fever: bool, symptoms: bool,
            travel: bool) -> str:
    """The default rules' proposal for a screening."""
    if result == "VALID":
        if colour == "green":
            return "refer" if fever or symptoms or travel else "pass"
        return {"yellow": "refuse", "red": "notify"}.get(colour or "", "manual")
    if result == "ID_LISTED":
        return "refuse"
    if result == "ID_NOT_LISTED":
        return "refer" if fever or symptoms or travel else "manual"
    if result in INVALID:
        return "refuse"
    return "manual"


@dataclass
class Arrival:
    """A person at the gate at a local time, with what they hold."""

    ts: float
    person: Person
    day_index: int


class CheckpointMix:
    """Turns arrivals into ``NewScreening`` values (deterministic for one ``Random``)."""

    def __init__(self, rng: random.Random, grids: list[str]) -> None:
        self.rng = rng
        self.grids = grids

    def hour_second(self) -> float:
        """Seconds after local midnight, following the checkpoint day."""
        hour = int(weighted(self.rng, tuple((str(h), w) for h, w in enumerate(HOUR_WEIGHTS))))
        return hour * 3600 + self.rng.random() * 3600

    def vitals(self) -> tuple[float, bool, bool, bool]:
        """Temperature, fever, symptoms and recent travel to a risk area."""
        rng = self.rng
        if rng.random() < 0.012:
            temperature = round(rng.uniform(37.3, 39.4), 1)
        else:
            temperature = round(rng.gauss(36.5, 0.25), 1)
            temperature = min(max(temperature, 35.8), 37.2)
        return temperature, temperature >= 37.3, rng.random() < 0.003, rng.random() < 0.005

    def screening(self, arrival: Arrival) -> NewScreening:
        """What the worker records for one arrival."""
        rng, person = self.rng, arrival.person
        temperature, fever, symptoms, travel = self.vitals()
        roll = rng.random()
        grid = self.grids[hash_index(person.id_number, len(self.grids))]
        if person.foreign:
            rec = self._hc1(person)
        elif roll < 0.80:
            rec = self._gx1(person, arrival)
        elif roll < 0.85:
            rec = self._online(person, arrival)
        elif roll < 0.93:
            rec = self._manual_id(person)
        elif roll < 0.94:
            rec = NewScreening(source="typed", format="NONE", result="NONE", proposal="manual",
                               decision="manual", rules_version=RULES_VERSION,
                               holder_name=person.name)
        else:
            rec = self._gx1(person, arrival, source="wedge")
        rec.grid = grid
        rec.temperature, rec.fever, rec.symptoms, rec.risk_travel = (
            temperature, fever, symptoms, travel)
        rec.proposal = propose(rec.result, rec.colour, fever, symptoms, travel)
        self._decide(rec)
        return rec

    def _decide(self, rec: NewScreening) -> None:
        rng = self.rng
        rec.decision = rec.proposal
        if rec.proposal == "manual":
            if rng.random() < 0.9:
                rec.decision, rec.override_reason = "pass", rng.choice(MANUAL_REASONS)
            else:
                rec.decision, rec.override_reason = "refuse", rng.choice(MANUAL_REFUSALS)
        elif rec.proposal == "refuse" and rec.result == "VALID" and rng.random() < 0.03:
            rec.decision, rec.override_reason = "refer", rng.choice(OVERRIDE_REASONS)

    def _gx1(self, person: Person, arrival: Arrival, source: str = "camera") -> NewScreening:
        rng = self.rng
        result = weighted(rng, GX1_RESULTS)
        colour = weighted(rng, COLOURS) if result in ("VALID", "EXPIRED") else None
        kind = "card" if rng.random() < 0.06 else "dyn"
        code = f"{kind}-{arrival.day_index}-{person.id_number[-8:]}"
        evidence: dict[str, object] = {"kid": "gx-2026-a", "alg": "ES256", "kind": kind}
        if result != "VALID":
            evidence["warnings"] = [result.lower()]
        return NewScreening(
            source=source, format="GX1", result=result, proposal="pass", decision="pass",
            rules_version=RULES_VERSION, colour=colour if result == "VALID" else None,
            issuer="CN-GX", code_id=f"CN-GX/{code}", person_ref=person.person_ref,
            holder_name=person.name, holder_doc=person.masked_doc, evidence=evidence)

    def _hc1(self, person: Person) -> NewScreening:
        result = "VALID" if self.rng.random() < 0.97 else "EXPIRED"
        return NewScreening(
            source="camera", format="HC1", result=result, proposal="pass", decision="pass",
            rules_version=RULES_VERSION, colour="green" if result == "VALID" else None,
            issuer="VN", code_id=f"HC1/URN:UVCI:01:VN:{person.id_number}",
            person_ref=f"HC1/{person.id_number}", holder_name=person.name,
            holder_doc=person.masked_doc, evidence={"alg": "ES256"})

    def _online(self, person: Person, arrival: Arrival) -> NewScreening:
        issuer = self.rng.choice(ONLINE_ISSUERS)
        token = hashlib.sha256(f"{issuer}/{person.id_number}/{arrival.day_index}".encode())
        digest = token.hexdigest()[:20]
        return NewScreening(
            source="camera", format="ONLINE", result="DEFERRED", proposal="manual",
            decision="manual", rules_version=RULES_VERSION, issuer=issuer,
            code_id=f"ONLINE/{issuer}/{digest}", holder_name=None,
            raw_text=f"https://{issuer.lower()}.example.invalid/c/{digest}",
            evidence={"online_issuer": issuer})

    def _manual_id(self, person: Person) -> NewScreening:
        listed = self.rng.random() < 0.08
        colour = ("yellow" if self.rng.random() < 0.7 else "red") if listed else None
        return NewScreening(
            source="manual_id", format="ID", result="ID_LISTED" if listed else "ID_NOT_LISTED",
            proposal="manual", decision="manual", rules_version=RULES_VERSION, colour=colour,
            person_ref=person.id_ref, holder_name=person.name, holder_doc=person.id_number,
            evidence={"status_list_version": 12})


def hash_index(text: str, size: int) -> int:
    """A stable index in ``range(size)`` for ``text`` (a person keeps to one grid)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % max(size, 1)
