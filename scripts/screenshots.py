"""Screenshots of every screen in Chinese: ``python scripts/screenshots.py [--out DIR]``.

Starts the app in ``--demo`` mode (under ``xvfb-run`` when there is no display), signs in as
each demo user in turn and saves the first-run set-up, the sign-in and lock screens, each
role's workspaces and the administration pages to ``docs/screenshots/``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
Step = tuple[str, Callable[[], object], int]


def reexec_under_xvfb() -> None:
    """Run again inside a virtual screen when no display is there."""
    if os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM"):
        return
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        raise SystemExit("no display and no xvfb-run; install xvfb")
    os.execv(xvfb, [xvfb, "-a", "-s", "-screen 0 1600x1000x24", sys.executable, *sys.argv])


class Runner:
    """Runs steps one after another on the event loop, waiting between them."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.steps: list[Step] = []
        self.saved: list[Path] = []

    def add(self, name: str, action: Callable[[], object], wait_ms: int = 600) -> None:
        self.steps.append((name, action, wait_ms))

    def shot(self, widget: object, name: str) -> None:
        path = self.out / f"{name}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        self.saved.append(path)
        print(path.relative_to(ROOT), flush=True)

    def start(self, done: Callable[[], None]) -> None:
        from PySide6.QtCore import QTimer

        def run(index: int) -> None:
            if index >= len(self.steps):
                done()
                return
            name, action, wait = self.steps[index]
            try:
                action()
            except Exception as exc:  # keep going; report the step
                print(f"step {name} failed: {exc!r}", file=sys.stderr, flush=True)
            QTimer.singleShot(wait, lambda: run(index + 1))

        run(0)


def setup_pages(runner: Runner, tmp: Path) -> None:
    """The first-run wizard's pages (a station made in a temporary folder)."""
    from app.storage.keyslots import KdfParams
    from app.ui.setup_wizard import SetupWizard

    holder: dict[str, SetupWizard] = {}

    def open_wizard() -> None:
        wizard = SetupWizard(tmp / "setup-station", kdf=KdfParams(1, 8192, 1))
        wizard.resize(720, 540)
        wizard.show()
        holder["w"] = wizard

    def station_page() -> None:
        w = holder["w"]
        w.next()
        w.station_page.name.setText("青秀区新竹街道检查点")
        w.station_page.division.setText("450103")

    def admin_page() -> None:
        w = holder["w"]
        w.next()
        w.admin_page.password.setText("longpassword")
        w.admin_page.again.setText("longpassword")

    runner.add("wizard", open_wizard, 400)
    runner.add("wizard-intro", lambda: runner.shot(holder["w"], "00-setup-1-welcome"), 100)
    runner.add("wizard-station", station_page, 300)
    runner.add("shot", lambda: runner.shot(holder["w"], "00-setup-2-station"), 100)
    runner.add("wizard-admin", admin_page, 300)
    runner.add("shot", lambda: runner.shot(holder["w"], "00-setup-3-admin"), 100)
    runner.add("wizard-create", lambda: holder["w"].next(), 2500)
    runner.add("wizard-code", lambda: holder["w"].next(), 400)
    runner.add("shot", lambda: runner.shot(holder["w"], "00-setup-4-recovery-code"), 100)
    runner.add("wizard-close", lambda: holder["w"].close(), 200)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--wait-ms", type=int, default=2500,
                        help="how long each workspace gets to fill before its screenshot")
    args = parser.parse_args(argv)
    reexec_under_xvfb()
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="griddesk-shots-"))

    from app.ui.app import build

    shell = build(["--demo", "--data-dir", str(tmp / "demo"), "--lang", "zh_CN"])
    shell.qapp.setQuitOnLastWindowClosed(False)
    runner = Runner(args.out)
    state: dict[str, object] = {}

    def window() -> object:
        return state["window"]

    def sign_in(user: str) -> Callable[[], None]:
        def go() -> None:
            w = window()
            from app.ui.demo import DEMO_ACCOUNTS

            w.login.username.setText(user)  # type: ignore[attr-defined]
            w.login.password.setText(DEMO_ACCOUNTS[user][0])  # type: ignore[attr-defined]
            w.login.submit.click()  # type: ignore[attr-defined]
        return go

    def tab(index: int) -> Callable[[], None]:
        return lambda: window().tabs.setCurrentIndex(index)  # type: ignore[attr-defined]

    def admin_page(key: str) -> Callable[[], None]:
        def go() -> None:
            ws = window().tabs.workspace("admin")  # type: ignore[attr-defined]
            ws.tabs.setCurrentWidget(ws.pages[key])
        return go

    def shot(name: str) -> Callable[[], None]:
        return lambda: runner.shot(window(), name)

    def shoot_roles() -> None:
        wait = args.wait_ms
        runner.add("login", shot("01-login"), 100)
        runner.add("worker", sign_in("worker"), wait)
        runner.add("shot", shot("02-worker-checkpoint"), 100)
        runner.add("lock", lambda: window().lock("manual"), 500)  # type: ignore[attr-defined]
        runner.add("shot", shot("03-lock-screen"), 100)
        runner.add("switch", lambda: window().login.reset(username=""), 100)  # type: ignore[attr-defined]
        runner.add("clinic", sign_in("clinic"), wait)
        runner.add("shot", shot("04-clinic-cases"), 100)
        runner.add("switch", lambda: window().lock("switch"), 400)  # type: ignore[attr-defined]
        runner.add("supervisor", sign_in("supervisor"), wait)
        runner.add("shot", shot("05-supervisor-reports"), 100)
        runner.add("switch", lambda: window().lock("switch"), 400)  # type: ignore[attr-defined]
        runner.add("admin", sign_in("admin"), wait)
        runner.add("shot", shot("06-admin-checkpoint"), 100)
        runner.add("cases", tab(1), wait)
        runner.add("shot", shot("07-admin-cases"), 100)
        runner.add("reports", tab(2), wait)
        runner.add("shot", shot("08-admin-reports"), 100)
        runner.add("admin", tab(3), 800)
        runner.add("shot", shot("09-admin-users"), 100)
        for n, key in enumerate(("settings", "trust", "sync"), start=10):
            runner.add(key, admin_page(key), 800)
            runner.add("shot", shot(f"{n}-admin-{key}"), 100)
        runner.add("large", lambda: window().large_font_action.trigger(), 800)  # type: ignore[attr-defined]
        runner.add("checkpoint", tab(0), wait)
        runner.add("shot", shot("13-large-font-checkpoint"), 100)
        runner.add("normal", lambda: window().large_font_action.trigger(), 300)  # type: ignore[attr-defined]
        runner.add("english", lambda: window().set_language("en"), wait)  # type: ignore[attr-defined]
        runner.add("shot", shot("14-english-checkpoint"), 100)
        runner.add("chinese", lambda: window().set_language("zh_CN"), 300)  # type: ignore[attr-defined]
        runner.start(lambda: (window().close(), shell.qapp.quit()))  # type: ignore[attr-defined]

    def on_window(w: object) -> None:
        state["window"] = w
        w.resize(1400, 900)  # type: ignore[attr-defined]

    shell.window_ready.connect(on_window)
    shell.login_shown.connect(shoot_roles)
    wizard = Runner(args.out)
    wizard.saved = runner.saved
    setup_pages(wizard, tmp)
    wizard.start(shell.start)  # the role steps are added once the login screen is up
    try:
        code = shell.qapp.exec()
    finally:
        shell.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(runner.saved)} screenshots in {args.out.relative_to(ROOT)}")
    return code


if __name__ == "__main__":
    sys.exit(main())
