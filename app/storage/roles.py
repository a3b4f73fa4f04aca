"""Roles and what each may do, enforced below the UI.

A refused call raises :class:`AccessDenied` and leaves an ``access_denied`` entry in the
audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from app.errors import AccessDenied
from app.text import t


class Role(StrEnum):
    """The four station roles."""

    WORKER = "worker"
    CLINIC = "clinic"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Permission(StrEnum):
    """Things a role may be allowed to do."""

    SCREEN = "screen"
    CORRECT_SCREENING = "correct_screening"
    VIEW_CASES = "view_cases"
    MANAGE_CASES = "manage_cases"
    VIEW_REPORTS = "view_reports"
    EXPORT = "export"
    REVEAL = "reveal"
    MANAGE_TRUST = "manage_trust"
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"
    SYNC = "sync"
    VIEW_AUDIT = "view_audit"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.WORKER: frozenset({Permission.SCREEN, Permission.CORRECT_SCREENING, Permission.SYNC}),
    Role.CLINIC: frozenset({Permission.VIEW_CASES, Permission.MANAGE_CASES, Permission.SYNC}),
    Role.SUPERVISOR: frozenset({
        Permission.SCREEN, Permission.CORRECT_SCREENING, Permission.VIEW_CASES,
        Permission.VIEW_REPORTS, Permission.EXPORT, Permission.REVEAL, Permission.MANAGE_TRUST,
        Permission.SYNC, Permission.VIEW_AUDIT,
    }),
    Role.ADMIN: frozenset(Permission),
}

ROLE_NAMES = {
    Role.WORKER: ("网格员", "grid worker"),
    Role.CLINIC: ("卫生院", "clinic"),
    Role.SUPERVISOR: ("主管", "supervisor"),
    Role.ADMIN: ("管理员", "administrator"),
}

PERMISSION_NAMES = {
    Permission.SCREEN: ("登记筛查", "record screenings"),
    Permission.CORRECT_SCREENING: ("更正筛查记录", "correct screenings"),
    Permission.VIEW_CASES: ("查看隔离与救助", "view isolation and aid"),
    Permission.MANAGE_CASES: ("登记隔离与救助", "manage isolation and aid"),
    Permission.VIEW_REPORTS: ("查看报表", "view reports"),
    Permission.EXPORT: ("导出报表", "export reports"),
    Permission.REVEAL: ("查看完整个人信息", "reveal personal data"),
    Permission.MANAGE_TRUST: ("管理信任列表", "manage trust material"),
    Permission.MANAGE_USERS: ("管理用户", "manage users"),
    Permission.MANAGE_SETTINGS: ("修改站点设置", "change station settings"),
    Permission.SYNC: ("同步数据", "sync"),
    Permission.VIEW_AUDIT: ("查看审计日志", "view the audit log"),
}


def role_label(role: Role) -> str:
    """The role's name in the current language."""
    zh, en = ROLE_NAMES[role]
    return t(zh, en)


@dataclass(frozen=True)
class Session:
    """A signed-in user. Issued only by ``Station.unlock``; services check it is live."""

    username: str
    role: Role
    token: str = field(repr=False, default="")

    def may(self, permission: Permission) -> bool:
        """Whether the role grants ``permission``."""
        return permission in GRANTS[self.role]


def denied_message(session: Session, permission: Permission) -> AccessDenied:
    """The AccessDenied to raise for ``session`` lacking ``permission``."""
    zh, en = PERMISSION_NAMES[permission]
    return AccessDenied(
        t(f"{role_label(session.role)}「{session.username}」无权{zh}",
          f"{role_label(session.role)} '{session.username}' may not {en}"),
    )
