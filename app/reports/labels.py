"""Words for the report: category names, and the summary as labelled lines.

The summary lines are the one list every format prints (CSV rows, the XLSX summary sheet,
the PDF tables); each carries a stable ``key`` so scripts and tests can find a number
without parsing Chinese labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.reports.model import AID_CATEGORIES, COLOURS, DECISIONS, DailyReport
from app.text import t

COLOUR_NAMES = {"green": ("绿码", "green"), "yellow": ("黄码", "yellow"),
                "red": ("红码", "red"), "none": ("无颜色/未核验", "no colour")}
DECISION_NAMES = {"pass": ("放行", "let through"), "refer": ("复测/转介", "referred"),
                  "refuse": ("劝返", "refused"), "notify": ("劝返并上报", "refused, notified"),
                  "manual": ("待人工处置", "manual"), "void": ("作废", "void")}
RESULT_NAMES = {
    "VALID": ("有效", "valid"), "EXPIRED": ("已过期", "expired"),
    "NOT_YET_VALID": ("未生效", "not yet valid"), "BAD_SIGNATURE": ("签名无效", "bad signature"),
    "UNKNOWN_KEY": ("未知签发机构", "unknown issuer"), "REVOKED": ("已撤销", "revoked"),
    "MALFORMED": ("无法识别", "unreadable"), "UNSUPPORTED": ("不支持的码制", "unsupported"),
    "STALE_TRUST": ("信任列表过期", "stale trust list"), "DEFERRED": ("待联网核验", "deferred"),
    "ID_LISTED": ("身份证：名单在列", "ID: listed"),
    "ID_NOT_LISTED": ("身份证：名单无记录", "ID: not listed"),
    "NONE": ("无码", "no code"), "MANUAL": ("人工核验", "manual"), "VOID": ("作废", "void"),
}
SOURCE_NAMES = {"camera": ("摄像头", "camera"), "wedge": ("扫码枪", "scanner"),
                "manual_id": ("手工录入身份证", "manual ID"), "typed": ("手工录入", "typed"),
                "none": ("无", "none")}
CATEGORY_NAMES = {"food": ("食品与生活物资", "food and necessities"),
                  "medicine": ("药品", "medicine"), "medical_care": ("就医", "medical care"),
                  "counselling": ("心理疏导", "counselling"), "policy": ("政策咨询", "policy"),
                  "other": ("其他", "other")}
AID_STATUS_NAMES = {"open": ("待处理", "open"), "assigned": ("已分派", "assigned"),
                    "delivered": ("已送达", "delivered"), "closed": ("已办结", "closed"),
                    "cancelled": ("已取消", "cancelled")}
URGENCY_NAMES = {"normal": ("一般", "normal"), "urgent": ("紧急", "urgent"),
                 "critical": ("特急", "critical")}
CASE_KIND_NAMES = {"home": ("居家隔离", "home"), "facility": ("集中隔离", "facility")}
CASE_STATUS_NAMES = {"active": ("隔离中", "active"), "released": ("已解除", "released"),
                     "transferred": ("已转院", "transferred")}
REASON_NAMES = {"close_contact": ("密切接触者", "close contact"),
                "risk_area_arrival": ("中高风险地区来返", "arrival from a risk area"),
                "secondary_contact": ("次密切接触者", "secondary contact"),
                "positive": ("阳性", "positive"), "other": ("其他", "other")}
MOOD_NAMES = {"good": ("好", "good"), "ok": ("一般", "ok"), "low": ("低落", "low"),
              "distressed": ("焦虑/痛苦", "distressed")}
SLOT_NAMES = {"am": ("上午", "am"), "pm": ("下午", "pm")}


def name(table: dict[str, tuple[str, str]], key: str | None) -> str:
    """The label for ``key`` in the current language (the key itself when unknown)."""
    if key is None:
        return ""
    pair = table.get(key)
    return t(*pair) if pair else key


@dataclass(frozen=True)
class SummaryLine:
    """One number of the report with its section and label."""

    section: str
    label: str
    value: int | str
    key: str


def _screening_lines(report: DailyReport) -> list[SummaryLine]:
    s = report.screenings
    sec = t("筛查", "screenings")
    lines = [SummaryLine(sec, t("筛查总数", "total"), s.total, "screenings.total")]
    lines += [SummaryLine(sec, name(COLOUR_NAMES, c), s.by_colour[c], f"screenings.colour.{c}")
              for c in COLOURS]
    lines += [SummaryLine(sec, t(f"处置：{name(DECISION_NAMES, d)}", f"decision: "
                                 f"{name(DECISION_NAMES, d)}"), s.by_decision.get(d, 0),
                          f"screenings.decision.{d}") for d in DECISIONS]
    lines += [
        SummaryLine(sec, t("发热", "fever"), s.fevers, "screenings.fevers"),
        SummaryLine(sec, t("有症状", "symptoms"), s.symptoms, "screenings.symptoms"),
        SummaryLine(sec, t("中高风险地区旅居史", "risk-area travel"), s.risk_travel,
                    "screenings.risk_travel"),
        SummaryLine(sec, t("劝返", "refusals"), s.refusals, "screenings.refusals"),
        SummaryLine(sec, t("复测/转介", "referrals"), s.referrals, "screenings.referrals"),
        SummaryLine(sec, t("上报防控办", "notifications"), s.notifications,
                    "screenings.notifications"),
        SummaryLine(sec, t("更改系统建议", "overrides"), s.overrides, "screenings.overrides"),
        SummaryLine(sec, t("码无效（已提示主管）", "invalid codes (flagged)"), s.flagged,
                    "screenings.flagged"),
        SummaryLine(sec, t("手工录入身份证", "manual ID entries"), s.manual_id,
                    "screenings.manual_id"),
        SummaryLine(sec, t("其中名单在列", "of which listed"), s.manual_id_listed,
                    "screenings.manual_id_listed"),
        SummaryLine(sec, t("重复扫码", "duplicate scans"), s.duplicates, "screenings.duplicates"),
        SummaryLine(sec, t("更正记录", "corrections"), s.corrections, "screenings.corrections"),
        SummaryLine(sec, t("时钟早于可信时间", "clock below trusted floor"), s.below_floor,
                    "screenings.below_floor"),
    ]
    u = s.unverified
    sec = t("无法离线核验的码", "codes not verifiable offline")
    lines += [
        SummaryLine(sec, t("总数", "total"), u.total, "unverified.total"),
        SummaryLine(sec, t("现场人工核验后放行", "let through after a manual check"),
                    u.passed_at_gate, "unverified.passed_at_gate"),
        SummaryLine(sec, t("现场劝返", "refused at the gate"), u.refused_at_gate,
                    "unverified.refused_at_gate"),
        SummaryLine(sec, t("已收到中心核验结果", "verdict received"), u.verdict_received,
                    "unverified.verdict_received"),
        SummaryLine(sec, t("其中结果异常", "of which adverse"), u.verdict_adverse,
                    "unverified.verdict_adverse"),
        SummaryLine(sec, t("尚待核验结果", "awaiting a verdict"), u.awaiting_verdict,
                    "unverified.awaiting_verdict"),
        SummaryLine(sec, t("尚未上传", "not yet uploaded"), u.not_yet_uploaded,
                    "unverified.not_yet_uploaded"),
    ]
    return lines


def _isolation_lines(report: DailyReport) -> list[SummaryLine]:
    i = report.isolation
    sec = t("隔离与健康监测", "isolation and health checks")
    pairs = (
        ("新增隔离", "opened", i.opened, "opened"),
        ("在管隔离", "active", i.active, "active"),
        ("其中居家", "of which at home", i.active_home, "active_home"),
        ("其中集中", "of which in a facility", i.active_facility, "active_facility"),
        ("解除隔离", "released", i.released, "released"),
        ("转院", "transferred", i.transferred, "transferred"),
        ("应测次数", "checks due", i.checks_due, "checks_due"),
        ("已测次数", "checks done", i.checks_done, "checks_done"),
        ("漏测次数", "checks missed", i.checks_missed, "checks_missed"),
        ("监测发热", "fever at a check", i.check_fevers, "check_fevers"),
        ("情绪焦虑/痛苦", "distressed", i.check_distressed, "check_distressed"),
    )
    return [SummaryLine(sec, t(zh, en), v, f"isolation.{k}") for zh, en, v, k in pairs]


def _aid_lines(report: DailyReport) -> list[SummaryLine]:
    sec = t("救助请求", "aid requests")
    lines: list[SummaryLine] = []
    rows = [(c, report.aid[c]) for c in AID_CATEGORIES] + [("total", report.aid_total())]
    for category, counts in rows:
        label = t("合计", "total") if category == "total" else name(CATEGORY_NAMES, category)
        for field, zh, en in (("opened", "新增", "opened"), ("delivered", "送达", "delivered"),
                              ("overdue", "逾期", "overdue"), ("cancelled", "取消", "cancelled")):
            lines.append(SummaryLine(sec, t(f"{label}：{zh}", f"{label}: {en}"),
                                     getattr(counts, field), f"aid.{category}.{field}"))
    return lines


def _sync_lines(report: DailyReport) -> list[SummaryLine]:
    y = report.sync
    sec = t("同步", "sync")
    return [
        SummaryLine(sec, t("待上传", "waiting to upload"), y.pending, "sync.pending"),
        SummaryLine(sec, t("被中心拒收", "refused by the centre"), y.quarantined,
                    "sync.quarantined"),
        SummaryLine(sec, t("已上传", "uploaded"), y.sent, "sync.sent"),
        SummaryLine(sec, t("上次成功同步", "last successful sync"),
                    y.last_success or t("从未", "never"), "sync.last_success"),
        SummaryLine(sec, t("上次失败原因", "last failure"), y.last_error or "", "sync.last_error"),
    ]


def summary_lines(report: DailyReport) -> list[SummaryLine]:
    """Every number of the report, in print order."""
    return (_screening_lines(report) + _isolation_lines(report) + _aid_lines(report)
            + _sync_lines(report))


def hour_table(report: DailyReport) -> list[tuple[Any, ...]]:
    """Rows ``(hour label, total, green, yellow, red, none)`` for the 24 local hours."""
    s = report.screenings
    return [(f"{h:02d}:00", s.by_hour[h], *(s.by_hour_colour[c][h] for c in COLOURS))
            for h in range(24)]
