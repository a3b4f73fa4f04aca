"""First-run set-up: checks on every page, the station created off the GUI thread, the
recovery code confirmed by typing one group back; and the app's start sequence."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from app.storage import recovery_code
from app.storage.station import Station
from app.ui.setup_wizard import SetupWizard, division_problem
from tests.helpers.station_fixtures import FAST


def fill_to_creation(qtbot, wizard: SetupWizard) -> None:
    wizard.next()  # intro → station
    page = wizard.station_page
    assert not page.isComplete()
    page.name.setText("青秀区新竹街道检查点")
    page.division.setText("990101")
    assert not page.isComplete() and "99" in page.problem.text()
    page.division.setText("450103")
    assert page.isComplete()
    wizard.next()
    admin = wizard.admin_page
    admin.username.setText("站长")
    admin.password.setText("long-enough-1")
    admin.again.setText("long-enough-2")
    assert not admin.isComplete() and admin.problem.text() == "两次输入的密码不一致"
    admin.again.setText("long-enough-1")
    assert admin.isComplete()
    wizard.next()  # creation starts
    assert wizard.currentPage() is wizard.create_page
    assert not wizard.create_page.isComplete()  # still working on a worker thread
    qtbot.waitUntil(lambda: wizard.create_page.isComplete(), timeout=15000)


def test_setup_creates_station_and_confirms_recovery_code(qtbot, tmp_path: Path) -> None:
    wizard = SetupWizard(tmp_path / "station", kdf=FAST, rng=random.Random(3))
    qtbot.addWidget(wizard)
    wizard.show()
    fill_to_creation(qtbot, wizard)
    assert Station.exists(tmp_path / "station")
    wizard.next()
    page = wizard.recovery_page
    code = wizard.recovery_code
    recovery_code.parse(code)  # a well-formed code
    assert page.groups == code.split("-")
    assert all(group in page.code.text() for group in page.groups)
    group = code.split("-")[page.group_index]
    assert not page.isComplete()
    page.written.setChecked(True)
    page.group.setText("000000" if group != "000000" else "111111")
    assert not page.isComplete() and page.problem.text()
    page.group.setText(group.lower())
    assert page.isComplete()
    with qtbot.waitSignal(wizard.created, timeout=2000) as created:
        wizard.button(QWizard.WizardButton.FinishButton).click()
    station = created.args[0]
    try:
        session = station.unlock("站长", "long-enough-1")
        assert session.role.value == "admin"
        assert station.info().division == "450103"
    finally:
        station.close()


def test_creation_failure_is_shown(qtbot, tmp_path: Path) -> None:
    target = tmp_path / "station"
    Station.create(target, name="已有站点", division="450103", admin="admin",
                   password="password-1", kdf=FAST)[0].close()
    wizard = SetupWizard(target, kdf=FAST)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.station_page.name.setText("新站点")
    wizard.station_page.division.setText("450103")
    wizard.next()
    wizard.admin_page.password.setText("password-2")
    wizard.admin_page.again.setText("password-2")
    wizard.next()
    qtbot.waitUntil(lambda: "已有站点数据" in wizard.create_page.status.text(), timeout=10000)
    assert not wizard.create_page.isComplete()


@pytest.mark.parametrize(("code", "problem"), [
    ("450103", ""), ("110101", ""), ("45010", "six-digits"), ("4501a3", "six-digits"),
    ("990101", "province"),
])
def test_division_codes(code: str, problem: str) -> None:
    assert division_problem(code) == problem


def test_start_without_station_opens_setup(qtbot, tmp_path: Path) -> None:
    from app.ui.app import Shell, make_application, parse_args

    shell = Shell(make_application(), parse_args(["--data-dir", str(tmp_path / "new")]), FAST)
    shell.start()
    assert shell.wizard is not None and shell.wizard.isVisible()
    qtbot.addWidget(shell.wizard)
    assert shell.window is None


def test_start_with_station_shows_login(qtbot, station_dir: Path) -> None:
    from app.ui.app import Shell, make_application, parse_args

    shell = Shell(make_application(), parse_args(["--data-dir", str(station_dir)]), FAST)
    with qtbot.waitSignal(shell.login_shown, timeout=5000):
        shell.start()
    qtbot.addWidget(shell.window)
    try:
        assert shell.window.stack.currentWidget() is shell.window.login
        assert shell.window.login.title.text() == "网格工作台"
        assert not shell.services.demo
    finally:
        shell.window.close()
        shell.shutdown()
