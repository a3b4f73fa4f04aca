"""The desktop app's start: arguments, QApplication, language and fonts, the services (built
here and nowhere else), first-run set-up or the demo station, then the main window.

``python main.py [--demo] [--data-dir DIR] [--lang zh_CN|en]``
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import KnownError
from app.preferences import Preferences
from app.storage.keyslots import KdfParams
from app.storage.paths import default_data_dir
from app.storage.station import Station
from app.ui.collector import GuiThreadCollector
from app.ui.i18n import Appearance, normalise
from app.ui.messages import MessageBus
from app.ui.services import Services

log = logging.getLogger("griddesk.app")
ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / "griddesk.svg"
# Imported on a worker thread while the login screen waits for a password, so that the
# first workspace opens quickly after sign-in. Importing defines classes only.
WARM_MODULES = (
    "app.sync.service", "app.ui.checkpoint.workspace", "app.ui.cases.workspace",
    "app.ui.reports.workspace", "app.ui.admin.workspace",
)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The desktop app's options."""
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description="网格工作台 GridDesk — 检查点核验、隔离与救助、日报 / checkpoint screening, "
                    "isolation and aid, daily reports")
    parser.add_argument("--demo", action="store_true",
                        help="演示模式：临时站点、演示数据和演示账户 / a throwaway demo station")
    parser.add_argument("--data-dir", type=Path,
                        help="站点数据文件夹 / the station's data folder")
    parser.add_argument("--lang", choices=["zh_CN", "zh", "en"],
                        help="界面语言（默认简体中文）/ interface language (default Chinese)")
    parser.add_argument("-v", "--verbose", action="store_true", help="调试日志 / debug logs")
    return parser.parse_args(list(argv))


class StationAdapter:
    """``run``/``transaction`` of the station's DB thread, resolved at call time (the thread
    starts at the first sign-in); what the sync service is given."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def run(self, fn: Callable[[Any], Any]) -> Any:
        """Run on the DB thread."""
        return self.station.db.run(fn)

    def transaction(self, fn: Callable[[Any], Any]) -> Any:
        """Run in one transaction on the DB thread."""
        return self.station.db.transaction(fn)


def build_services(station: Station, preferences: Preferences, *, demo: bool = False,
                   make_frame_source: Callable[[], Any] | None = None,
                   extras: dict[str, Any] | None = None) -> Services:
    """The one place services are built."""
    return Services(station=station, preferences=preferences, messages=MessageBus(),
                    make_frame_source=make_frame_source, sync=None, demo=demo,
                    extras=dict(extras or {}))


def camera_source_factory() -> Callable[[], Any] | None:
    """A factory for the real camera, or None when the scanner package is not there.

    OpenCV is imported when the factory is first called (at the checkpoint), not at start.
    """
    if not (Path(__file__).resolve().parents[1] / "scanner" / "sources.py").exists():
        return None

    def make() -> Any:
        from app.scanner.sources import CameraSource

        return CameraSource()

    return make


class Shell(QObject):
    """Runs the start sequence and owns the top-level windows.

    Signals: ``login_shown()`` when the sign-in screen is on screen, ``window_ready(object)``
    with the main window.
    """

    login_shown = Signal()
    window_ready = Signal(object)

    def __init__(self, qapp: QApplication, args: argparse.Namespace,
                 kdf: KdfParams | None = None) -> None:
        super().__init__()
        self.qapp = qapp
        self.args = args
        self.kdf = kdf
        self.demo = bool(args.demo)
        self.data_dir = self._data_dir()
        self.preferences = Preferences.load(self.data_dir)
        if args.lang:
            self.preferences.language = normalise(args.lang)
        self.appearance = Appearance(self.preferences)
        self.appearance.apply()
        self.services: Services | None = None
        self.window: Any = None
        self.wizard: Any = None
        self.preparing: QWidget | None = None
        self.started_at = time.perf_counter()

    def _data_dir(self) -> Path:
        if self.args.data_dir is not None:
            return Path(self.args.data_dir).expanduser()
        if self.demo:
            import tempfile

            return Path(tempfile.mkdtemp(prefix="griddesk-demo-")) / "station"
        return default_data_dir()

    # ----- the sequence --------------------------------------------------------------
    def start(self) -> None:
        """Set-up, demo preparation or straight to sign-in."""
        if self.demo and not Station.exists(self.data_dir):
            self._prepare_demo()
        elif not Station.exists(self.data_dir):
            self._run_setup()
        else:
            self._open(None)

    def _run_setup(self) -> None:
        from app.ui.setup_wizard import SetupWizard

        self.wizard = SetupWizard(self.data_dir, self.kdf)
        self.wizard.setWindowIcon(self.qapp.windowIcon())
        self.wizard.created.connect(self._on_created)
        self.wizard.rejected.connect(self._setup_cancelled)
        self.wizard.show()

    def _on_created(self, station: Station) -> None:
        wizard = self.wizard
        admin = str(wizard.field("admin")).strip() if wizard is not None else ""
        self.preferences.last_user = admin
        self._open(station)

    def _setup_cancelled(self) -> None:
        if self.wizard is not None and self.wizard.station is None:
            self.qapp.quit()

    def _prepare_demo(self) -> None:
        from app.ui import demo

        self.preparing = demo.PreparingWindow()
        self.preparing.show()
        demo.prepare_in_background(self.data_dir, self._on_demo_ready, self._fatal)

    def _on_demo_ready(self, prepared: Any) -> None:
        self._open(prepared.station, demo_extras=prepared.extras())
        if self.preparing is not None:  # after the main window shows: never zero windows
            self.preparing.close()
            self.preparing = None

    def _open(self, station: Station | None, demo_extras: dict[str, Any] | None = None) -> None:
        from app.ui.main_window import MainWindow

        try:
            station = station or Station.open(self.data_dir, kdf=self.kdf)
        except KnownError as exc:
            self._fatal(exc)
            return
        extras: dict[str, Any] = {"appearance": self.appearance, "start_sync": self._start_sync}
        extras.update(demo_extras or {})
        frames = extras.pop("make_frame_source", None) or camera_source_factory()
        self.services = build_services(station, self.preferences, demo=self.demo,
                                       make_frame_source=frames, extras=extras)
        self.window = MainWindow(self.services)
        self.window.setWindowIcon(self.qapp.windowIcon())
        self.window.show()
        QTimer.singleShot(0, self._login_visible)
        self.window_ready.emit(self.window)

    def _login_visible(self) -> None:
        log.info("login screen after %.3f s", time.perf_counter() - self.started_at)
        self.login_shown.emit()
        if not self.appearance.font_ok:
            self._warn_font()
        self._warm_up()

    def _warm_up(self) -> None:
        from app.ui.ops import background_op

        def load() -> None:
            import importlib

            for name in WARM_MODULES:
                try:
                    importlib.import_module(name)
                except Exception:  # a missing or broken module shows when its tab opens
                    log.debug("warm-up import of %s failed", name, exc_info=True)

        background_op(load)

    def _warn_font(self) -> None:
        text = ("没有找到能显示中文的字体，界面文字可能显示为方框。请安装文泉驿微米黑"
                "（fonts-wqy-microhei）或思源黑体后重新启动。\n\n"
                "No font that can show Chinese was found; install one and restart.")
        if self.services is not None:
            self.services.messages.warning(text)
        box = QMessageBox(QMessageBox.Icon.Warning, "网格工作台 GridDesk", text,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setModal(False)
        box.show()

    def _start_sync(self) -> None:
        """At sign-in: build the sync service once the store is open and start its schedule."""
        services = self.services
        if services is None or services.sync is not None:
            return
        try:
            from app.sync.service import SyncService
        except ImportError:
            return
        from app.storage import settings
        from app.ui.ops import db_op

        sync = SyncService(StationAdapter(services.station))
        services.sync = sync
        if self.window is not None:
            self.window.status.attach_sync(sync)

        def read(conn: Any) -> tuple[Any, int]:
            from app.sync.outbox_queue import get_state

            return get_state(conn, "credential"), settings.get(conn, settings.SYNC_INTERVAL_MINUTES)

        def schedule(result: tuple[Any, int]) -> None:
            credential, minutes = result
            sync.interval_minutes = minutes
            if isinstance(credential, dict) and credential.get("credential") and not self.demo:
                sync.start()

        db_op(services.station, read, schedule, services.messages.show_error)

    def _fatal(self, exc: BaseException) -> None:
        log.error("start failed", exc_info=exc)
        text = str(exc) if isinstance(exc, KnownError) else f"{type(exc).__name__}: {exc}"
        QMessageBox.critical(None, "网格工作台 GridDesk", text)
        self.qapp.exit(1)

    def shutdown(self) -> None:
        """Stop sync and close the station (after the event loop ends)."""
        services = self.services
        if services is None:
            return
        if services.sync is not None:
            try:
                services.sync.stop(wait=True)
            except Exception:
                log.exception("stopping sync failed")
        services.station.close()


def make_application(argv0: str = "griddesk") -> QApplication:
    """The QApplication (or the existing one) with the app's names and icon."""
    qapp = QApplication.instance()
    if not isinstance(qapp, QApplication):
        qapp = QApplication([argv0])
    qapp.setApplicationName("GridDesk")
    qapp.setApplicationDisplayName("网格工作台")
    qapp.setOrganizationName("GridDesk")
    if ICON.exists():
        qapp.setWindowIcon(QIcon(str(ICON)))
    return qapp


def build(argv: Sequence[str], kdf: KdfParams | None = None) -> Shell:
    """Parse ``argv``, make the application and the shell (not started yet)."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    qapp = make_application()
    GuiThreadCollector(qapp)
    return Shell(qapp, args, kdf)


def run(argv: Sequence[str]) -> int:
    """Start the desktop app; returns the exit status."""
    shell = build(argv)
    shell.start()
    try:
        return shell.qapp.exec()
    finally:
        shell.shutdown()


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
