"""`griddesk self-check` / `--self-check`: one line per check, honest exit status, no Qt in the
core process, a crash of the Qt checks reported instead of ending the run."""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import selfcheck_cmd as sc
from tests.helpers.cli import griddesk

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "resources" / "samples"


def _json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# ----------------------------------------------------------------------------- the command


def test_every_check_prints_one_json_line_and_the_status_follows_the_failures() -> None:
    out = griddesk("self-check", "--json")
    results = _json_lines(out.stdout)
    assert [r["name"] for r in results] == list(sc.ALL_CHECKS)
    assert all(r["status"] in {"OK", "WARN", "FAIL"} for r in results)
    failed = [r for r in results if r["status"] == "FAIL"]
    assert out.returncode == (1 if failed else 0), out.stdout + out.stderr
    by_name = {r["name"]: r for r in results}
    # What the source tree always has: SQLCipher, the decoders and the sample code.
    for name in ("runtime", "cipher", "sample"):
        assert by_name[name]["status"] == "OK", by_name[name]
    assert by_name["scanner"]["status"] in {"OK", "WARN"}


def test_text_output_is_one_line_per_check_then_a_verdict() -> None:
    out = griddesk("--lang", "en", "self-check", "--only", "runtime,cipher,sample")
    lines = out.stdout.strip().splitlines()
    assert out.returncode == 0, out.stdout + out.stderr
    assert [ln.split()[1] for ln in lines[:3]] == ["runtime", "cipher", "sample"]
    assert all(ln.startswith("OK") for ln in lines[:3])
    assert "wrong key refused" in lines[1]
    assert lines[3].startswith("self-check passed (3 checks")
    assert len(lines) == 4


def test_unknown_check_is_a_usage_error() -> None:
    out = griddesk("self-check", "--only", "cipher,warp-drive")
    assert out.returncode == 2
    assert "warp-drive" in out.stderr


def test_the_top_level_flag_of_the_packaged_entry() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "GRIDDESK_LANG": "en"}
    out = subprocess.run([sys.executable, str(ROOT / "installer" / "entry_cli.py"),
                          "--self-check", "--only", "runtime"], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("OK   runtime")


def test_importing_the_command_loads_no_qt() -> None:
    code = ("import sys, app.cli.main, app.cli.selfcheck_cmd\n"
            "app.cli.main.build_parser()\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


# ----------------------------------------------------------------------------- the checks


def test_cipher_check_creates_an_encrypted_store() -> None:
    result = sc.check_cipher()
    assert result.status == "OK", result.detail
    assert "SQLCipher" in result.detail


def test_a_wrong_key_does_not_open_the_store(tmp_path: Path) -> None:
    import sqlcipher3

    path = tmp_path / "x.db"
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\"")
    conn.execute("CREATE TABLE t (v)")
    conn.commit()
    conn.close()
    assert sc._opens_with_wrong_key(path) is False
    assert not path.read_bytes().startswith(b"SQLite format 3")


def test_sample_code_decodes_to_the_spec_vector() -> None:
    result = sc.check_sample()
    assert result.status == "OK", result.detail
    text = (SAMPLES / "gx1-valid-green.txt").read_text(encoding="utf-8").strip()
    cases = SHARED / "specs" / "vectors" / "gx1" / "cases.json"
    if cases.exists():
        vectors = json.loads(cases.read_text(encoding="utf-8"))["code_cases"]
        wanted = next(c for c in vectors if c["name"] == "valid-green-es256")
        assert text == wanted["qr_text"]
    assert (SAMPLES / "gx1-valid-green.png").stat().st_size < 4096


def test_sample_check_fails_plainly_when_missing_or_different(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDDESK_RESOURCES", str(tmp_path))
    missing = sc.check_sample()
    assert missing.status == "FAIL" and "gx1-valid-green.png" in missing.detail
    (tmp_path / "samples").mkdir()
    (tmp_path / "samples" / "gx1-valid-green.png").write_bytes(
        (SAMPLES / "gx1-valid-green.png").read_bytes())
    (tmp_path / "samples" / "gx1-valid-green.txt").write_text("GX1:SOMETHING-ELSE\n")
    assert sc.check_sample().status == "FAIL"
    (tmp_path / "samples" / "gx1-valid-green.png").write_bytes(b"not a picture")
    assert sc.check_sample().status == "FAIL"


def test_scanner_check_names_the_libraries() -> None:
    result = sc.check_scanner()
    assert result.status in {"OK", "WARN"}
    assert "OpenCV" in result.detail and "zxing-cpp" in result.detail


def test_a_check_that_raises_is_a_failed_line_not_a_crash() -> None:
    def broken() -> sc.Check:
        raise OSError("disk on fire\nsecond line")

    result = sc.run_one("cipher", broken)
    assert result.status == "FAIL"
    assert result.detail == "OSError: disk on fire"


def test_offscreen_is_chosen_only_without_a_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    env: dict[str, str] = {}
    assert sc.use_offscreen_if_headless(env) and env["QT_QPA_PLATFORM"] == "offscreen"
    env = {"DISPLAY": ":0"}
    assert not sc.use_offscreen_if_headless(env) and "QT_QPA_PLATFORM" not in env
    env = {"QT_QPA_PLATFORM": "xcb"}
    assert not sc.use_offscreen_if_headless(env) and env["QT_QPA_PLATFORM"] == "xcb"


# ----------------------------------------------------------------------------- the Qt child


def test_a_crashing_qt_child_fails_each_of_its_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    crash = "import sys; sys.stderr.write('qt.qpa.plugin: could not load xcb\\n'); sys.exit(134)"
    monkeypatch.setattr(sc, "child_command", lambda names: [sys.executable, "-c", crash])
    results = sc.run_in_child(["translations", "font"])
    assert [r.name for r in results] == ["translations", "font"]
    assert all(r.status == "FAIL" for r in results)
    assert "134" in results[0].detail and "could not load xcb" in results[0].detail


def test_the_qt_child_results_are_relayed(monkeypatch: pytest.MonkeyPatch) -> None:
    line = json.dumps({"name": "font", "status": "OK", "detail": "Noto Sans CJK SC", "ms": 3})
    script = f"print('noise'); print({line!r})"
    monkeypatch.setattr(sc, "child_command", lambda names: [sys.executable, "-c", script])
    font, libs = sc.run_in_child(["font", "qt-libs"])
    assert (font.status, font.detail) == ("OK", "Noto Sans CJK SC")
    assert libs.status == "FAIL"  # the child said nothing about it


def test_qt_checks_in_process(qapp: object, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    font = sc.check_font()
    assert font.status == "OK", font.detail  # scripts/setup.sh installs a Chinese font
    monkeypatch.setenv("GRIDDESK_RESOURCES", str(tmp_path))
    translations = sc.check_translations()
    # Qt's own Chinese strings come with PySide6; without the app's English catalogue the
    # app still works in Chinese: a warning.
    assert translations.status == "WARN", translations.detail
    assert "qtbase_zh_CN" in translations.detail and "griddesk_en" in translations.detail


# ----------------------------------------------------------------------------- installer files


def test_desktop_entry_has_the_chinese_name_and_runs_the_installed_program() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read(ROOT / "installer" / "griddesk.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Name[zh_CN]"] == "网格工作台"
    assert entry["Exec"] == "/opt/griddesk/griddesk-desktop"
    assert entry["Icon"] == "griddesk"
    control = (ROOT / "installer" / "debian" / "control.in").read_text(encoding="utf-8")
    assert "fonts-noto-cjk | fonts-wqy-microhei" in control
    assert "libxcb-cursor0" in control and "libzbar0" in control
