"""Station settings: one editor per declared setting (``app.storage.settings.ALL``), saved
together in one audited transaction by an administrator."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.storage import audit, settings
from app.storage.roles import Permission, Session
from app.storage.station import Station
from app.ui.ops import db_op
from app.ui.services import Services


def read_all(conn: Any) -> dict[str, Any]:
    """Every declared setting's current value (on the DB thread)."""
    return {s.key: settings.get(conn, s) for s in settings.ALL}


def save_changes(station: Station, session: Session, changes: dict[str, Any]) -> Any:
    """A DB-thread function that checks the role, stores and audits ``changes``."""
    def write(conn: Any) -> dict[str, Any]:
        stored = {}
        for key, value in changes.items():
            setting = settings.BY_KEY[key]
            old = settings.get(conn, setting)
            stored[key] = settings.put(conn, setting, value)
            audit.append(conn, session.username, "setting_changed", key,
                         {"from": old, "to": stored[key]})
        return stored

    return lambda _conn: station.write(session, Permission.MANAGE_SETTINGS, write)


def editor_for(setting: settings.Setting[Any]) -> QWidget:
    """An input widget that fits the setting's type and range."""
    if setting.type is bool:
        return QCheckBox()
    if setting.type is int:
        box = QSpinBox()
        box.setRange(int(setting.minimum if setting.minimum is not None else 0),
                     int(setting.maximum if setting.maximum is not None else 1_000_000))
        return box
    if setting.type is float:
        dbox = QDoubleSpinBox()
        dbox.setDecimals(1)
        dbox.setSingleStep(0.1)
        dbox.setRange(float(setting.minimum if setting.minimum is not None else 0),
                      float(setting.maximum if setting.maximum is not None else 1e6))
        return dbox
    return QLineEdit()


def editor_value(widget: QWidget) -> Any:
    """The value an editor holds."""
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    assert isinstance(widget, QLineEdit)
    return widget.text().strip()


def set_editor(widget: QWidget, value: Any) -> None:
    """Show ``value`` in an editor."""
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, QDoubleSpinBox):
        widget.setValue(float(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))


class SettingsPage(QWidget):
    """All station settings in one form with Save and Undo."""

    def __init__(self, services: Services, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("admin-settings")
        self.services = services
        self.session = session
        self.saved: dict[str, Any] = {}
        self.editors: dict[str, QWidget] = {}
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for setting in settings.ALL:
            editor = editor_for(setting)
            editor.setObjectName(f"setting-{setting.key}")
            label = QLabel(setting.description)
            label.setWordWrap(True)
            form.addRow(label, editor)
            self.editors[setting.key] = editor
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        self.save_button = QPushButton(self.tr("保存设置"))
        self.save_button.setObjectName("admin-settings-save")
        self.undo_button = QPushButton(self.tr("撤销修改"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.save_button)
        note = QLabel(self.tr("修改会记入审计日志。无操作自动锁定时间在下次登录时生效。"))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.undo_button.clicked.connect(lambda: self._show(self.saved))

    def refresh(self) -> None:
        """Load the stored values."""
        db_op(self.services.station, read_all, self._loaded, self.services.messages.show_error)

    def _loaded(self, values: dict[str, Any]) -> None:
        self.saved = dict(values)
        self._show(values)

    def _show(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            set_editor(self.editors[key], value)

    def changes(self) -> dict[str, Any]:
        """Settings whose editor differs from the stored value."""
        out = {}
        for key, editor in self.editors.items():
            value = editor_value(editor)
            if key in self.saved and value != self.saved[key]:
                out[key] = value
        return out

    def save(self) -> None:
        """Store the changed settings (admins only; checked again below the UI)."""
        changes = self.changes()
        if not changes:
            self.services.messages.info(self.tr("设置没有变化"))
            return
        self.save_button.setEnabled(False)

        def done(stored: dict[str, Any]) -> None:
            self.save_button.setEnabled(True)
            self.saved.update(stored)
            self.services.messages.info(self.tr("已保存 {n} 项设置").format(n=len(stored)))

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.services.messages.show_error(exc)

        db_op(self.services.station, save_changes(self.services.station, self.session, changes),
              done, failed)
