"""Display words for the codes of cases and aid (translated through Qt)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _tr(text: str) -> str:
    return QCoreApplication.translate("cases", text)


def kinds() -> dict[str, str]:
    """Isolation kinds."""
    return {"home": _tr("居家隔离"), "facility": _tr("集中隔离")}


def reasons() -> dict[str, str]:
    """Reasons for isolation."""
    return {"close_contact": _tr("密切接触者"), "risk_area_arrival": _tr("中高风险地区来返"),
            "secondary_contact": _tr("次密切接触者"), "positive": _tr("核酸阳性"),
            "other": _tr("其他")}


def moods() -> dict[str, str]:
    """Moods at a health check."""
    return {"good": _tr("良好"), "ok": _tr("一般"), "low": _tr("低落"),
            "distressed": _tr("焦虑不安")}


def categories() -> dict[str, str]:
    """Aid categories."""
    return {"food": _tr("生活物资"), "medicine": _tr("药品"), "medical_care": _tr("就医"),
            "counselling": _tr("心理疏导"), "policy": _tr("政策咨询"), "other": _tr("其他")}


def urgencies() -> dict[str, str]:
    """Aid urgencies."""
    return {"normal": _tr("一般"), "urgent": _tr("紧急"), "critical": _tr("危急")}


def statuses() -> dict[str, str]:
    """Case and aid statuses."""
    return {"active": _tr("隔离中"), "released": _tr("已解除"), "transferred": _tr("已转院"),
            "open": _tr("待处理"), "assigned": _tr("已分派"), "delivered": _tr("已送达"),
            "closed": _tr("已办结"), "cancelled": _tr("已取消")}


def slots() -> dict[str, str]:
    """Check slots."""
    return {"am": _tr("上午"), "pm": _tr("下午")}


def word(table: dict[str, str], key: str | None) -> str:
    """The word for ``key`` (the key itself when unknown)."""
    if key is None:
        return ""
    return table.get(key, key)
