"""`griddesk self-check` (also `griddesk --self-check`): is this installation able to work?

Run after installing (the packaging step runs it on the installed bundle) and by support
staff on a PC that misbehaves. One line per check, then the exit status: 0 when no check
failed, 1 otherwise. The checks:

- ``runtime``: version, Python, where the program runs from (bundle or source tree);
- ``cipher``: creates a throw-away encrypted station in a temporary folder, unlocks it and
  confirms SQLCipher is active: the file has no plain SQLite header, holds none of the
  text written into it, and refuses a wrong key;
- ``scanner``: loads OpenCV and zxing-cpp (and reports whether zbar is there);
- ``sample``: decodes the bundled sample health code ``resources/samples/gx1-valid-green.png``
  and compares it with the text it was made from;
- ``translations``, ``font``, ``qt-libs``: Qt's own Chinese strings, the app's English
  catalogue, a font with Simplified Chinese that covers a sample of names, and (Linux) the
  system libraries the X11 platform plugin needs.

This module never imports Qt at module level (the core must load without Qt): the Qt checks
run in a child process of the same program (``self-check --only translations,font,qt-libs``),
so that a Qt library that aborts the process is reported as a failed check instead of ending
the self-check.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import app
from app.text import language, t

OK, WARN, FAIL = "OK", "WARN", "FAIL"
SAMPLE_NAME = "gx1-valid-green"
# Common words and rarer surname characters of the region (覃, 韦, 黄 are frequent in Guangxi).
CJK_SAMPLE = "网格工作台健康码隔离救助覃韦黄蒙莫"
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
    "PingFang SC", "Noto Sans SC", "SimSun", "WenQuanYi Zen Hei",
)
QT_CHECKS = ("translations", "font", "qt-libs")
CHILD_TIMEOUT_S = 60.0


@dataclass
class Check:
    """The outcome of one check: its name, OK / WARN / FAIL, and one line of detail."""

    name: str
    status: str
    detail: str
    ms: float = 0.0

    def line(self) -> str:
        """The printed form: ``OK   cipher        SQLCipher 4.6.1 …``."""
        return f"{self.status:<5}{self.name:<14}{self.detail}"


# --------------------------------------------------------------------------- locations


def frozen() -> bool:
    """Whether this runs from the packaged bundle (PyInstaller)."""
    return bool(getattr(sys, "frozen", False))


def app_root() -> Path:
    """The folder that holds ``app/`` and ``resources/`` (the bundle's data folder when frozen)."""
    return Path(app.__file__).resolve().parent.parent


def resources_dir() -> Path:
    """``resources/`` beside the code (``GRIDDESK_RESOURCES`` overrides it, for tests)."""
    override = os.environ.get("GRIDDESK_RESOURCES")
    return Path(override) if override else app_root() / "resources"


def version() -> str:
    """The GridDesk version: the bundle's ``VERSION`` file, else the package metadata."""
    bundled = app_root() / "VERSION"
    if frozen() and bundled.exists():
        return bundled.read_text(encoding="utf-8").strip()
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("griddesk")
    except PackageNotFoundError:
        return "unknown"


# --------------------------------------------------------------------------- core checks


def check_runtime() -> Check:
    """What runs and from where; never fails."""
    where = (t(f"安装包 {Path(sys.executable).parent}", f"bundle {Path(sys.executable).parent}")
             if frozen() else t(f"源代码 {app_root()}", f"source tree {app_root()}"))
    return Check("runtime", OK, f"GridDesk {version()}, Python {platform.python_version()}, "
                 f"{platform.system()} {platform.machine()}, {where}")


def check_cipher() -> Check:
    """A temporary encrypted station: created, unlocked, unreadable without its key."""
    from app.storage.connection import cipher_version
    from app.storage.keyslots import KdfParams
    from app.storage.paths import DB_NAME
    from app.storage.station import Station

    marker = "自检站点-SELFCHECK-7d1e"
    # A throw-away store: cheap key derivation is enough, nothing is kept.
    kdf = KdfParams(time_cost=1, memory_kib=8_192, parallelism=1)
    with tempfile.TemporaryDirectory(prefix="griddesk-selfcheck-") as tmp:
        folder = Path(tmp) / "station"
        station, _code = Station.create(folder, name=marker, division="450103",
                                        admin="selfcheck", password="Self-check-2024!",
                                        kdf=kdf)
        try:
            station.unlock("selfcheck", "Self-check-2024!")
            cipher = station.db.run(cipher_version)
            provider = station.db.run(
                lambda c: (c.execute("PRAGMA cipher_provider").fetchone() or [""])[0])
            schema = station.db.run(
                lambda c: int(c.execute("PRAGMA user_version").fetchone()[0]))
        finally:
            station.close()
        if not cipher:
            return Check("cipher", FAIL, t("SQLCipher 未生效：数据库没有加密",
                                           "SQLCipher is not active: the database is plain"))
        leaks = []
        for path in sorted(folder.iterdir()):
            raw = path.read_bytes()
            if path.name.startswith(DB_NAME) and raw.startswith(b"SQLite format 3\x00"):
                leaks.append(f"{path.name}: SQLite header")
            if marker.encode("utf-8") in raw:
                leaks.append(f"{path.name}: plaintext")
        if leaks:
            return Check("cipher", FAIL, t("数据库文件含明文：", "plaintext on disk: ")
                         + ", ".join(leaks))
        if _opens_with_wrong_key(folder / DB_NAME):
            return Check("cipher", FAIL, t("错误的密钥也能打开数据库",
                                           "a wrong key opens the database"))
    return Check("cipher", OK, t(
        f"SQLCipher {cipher}（{provider}），临时加密站点已创建并解锁，结构版本 {schema}，"
        "文件无明文，错误密钥被拒绝",
        f"SQLCipher {cipher} ({provider}); temporary station created and unlocked, schema "
        f"v{schema}, no plaintext on disk, wrong key refused"))


def _opens_with_wrong_key(path: Path) -> bool:
    """Whether a random key reads the database (it must not); SQLCipher's own log is muted."""
    import sqlcipher3

    conn = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()
    return True


def _dist_version(name: str, module: Any = None) -> str:
    """A distribution's version from its metadata, else the module's own, else '?'."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(name)
    except PackageNotFoundError:
        return str(getattr(module, "__version__", "?"))


def check_scanner() -> Check:
    """OpenCV and zxing-cpp load; zbar (the rescue decoder) is reported, not required."""
    import cv2
    import zxingcpp

    from app.scanner.reader import CheckpointQrReader

    # The reader logs a missing zbar as a warning; here the check line says it instead.
    logger = logging.getLogger("app.scanner.reader")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        reader = CheckpointQrReader()
    finally:
        logger.setLevel(level)
    detail = f"OpenCV {cv2.__version__}, zxing-cpp {_dist_version('zxing-cpp', zxingcpp)}"
    if reader.notes:
        return Check("scanner", WARN, detail + t("；zbar 不可用（仅用 zxing）：",
                                                 "; zbar unavailable (zxing only): ")
                     + reader.notes[0])
    return Check("scanner", OK, detail + ", zbar")


def check_sample() -> Check:
    """Decode the bundled sample code and compare it with its source text."""
    import cv2
    import numpy as np

    from app.scanner.reader import CheckpointQrReader

    folder = resources_dir() / "samples"
    png, txt = folder / f"{SAMPLE_NAME}.png", folder / f"{SAMPLE_NAME}.txt"
    if not png.exists() or not txt.exists():
        return Check("sample", FAIL, t(f"缺少样例二维码 {png}", f"sample code missing: {png}"))
    # imdecode from bytes: cv2.imread cannot open non-ASCII paths on Windows.
    image = cv2.imdecode(np.frombuffer(png.read_bytes(), np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return Check("sample", FAIL, t("样例图片无法读取（OpenCV 缺少 PNG 支持？）",
                                       "cannot read the sample picture (OpenCV without PNG?)"))
    expected = txt.read_text(encoding="utf-8").strip()
    t0 = time.perf_counter()
    codes = CheckpointQrReader(rescue=False).decode(image)  # type: ignore[arg-type]
    ms = (time.perf_counter() - t0) * 1000
    texts = [c.text for c in codes]
    if expected not in texts:
        got = texts[0][:24] + "…" if texts else t("未识别到二维码", "no code found")
        return Check("sample", FAIL, t(f"样例二维码解码不符：{got}",
                                       f"sample decode mismatch: {got}"))
    return Check("sample", OK, t(
        f"样例健康码 {SAMPLE_NAME}.png 解码正确（{expected[:4]}，{len(expected)} 字符，"
        f"{ms:.1f} ms）",
        f"sample code {SAMPLE_NAME}.png decoded ({expected[:4]}, {len(expected)} chars, "
        f"{ms:.1f} ms)"), ms)


# --------------------------------------------------------------------------- Qt checks
# Everything below imports PySide6 inside the function: it runs only in the child process.


def use_offscreen_if_headless(env: dict[str, str] | Any) -> bool:
    """On Linux without a screen, pick Qt's offscreen platform (no platform is set yet).

    Without it Qt tries X11, finds no display and aborts the whole process.
    """
    headless = (sys.platform.startswith("linux") and not env.get("DISPLAY")
                and not env.get("WAYLAND_DISPLAY"))
    if headless and not env.get("QT_QPA_PLATFORM"):
        env["QT_QPA_PLATFORM"] = "offscreen"
        return True
    return False


def _qt_app() -> Any:
    from PySide6.QtGui import QGuiApplication

    existing = QGuiApplication.instance()
    if existing is not None:
        return existing
    use_offscreen_if_headless(os.environ)
    return QGuiApplication(["griddesk-self-check"])


def check_translations() -> Check:
    """Qt's Chinese strings and the app's English catalogue load."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    _qt_app()
    problems: list[str] = []
    found: list[str] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_zh = QTranslator()
    if qt_zh.load("qtbase_zh_CN", qt_dir) and not qt_zh.isEmpty():
        found.append("qtbase_zh_CN")
    else:
        problems.append(t(f"Qt 中文翻译缺失（{qt_dir}）",
                          f"Qt's Chinese strings missing ({qt_dir})"))
    if problems:
        return Check("translations", FAIL, "; ".join(problems))
    # The app's English catalogue: Chinese is the source language, so without it the app
    # still works (in Chinese only): a warning, not a failure.
    own_file = resources_dir() / "translations" / "griddesk_en.qm"
    own = QTranslator()
    if not (own.load(str(own_file)) and not own.isEmpty()):
        return Check("translations", WARN, t(
            f"已加载 {', '.join(found)}；英文界面翻译缺失（{own_file}；请运行 "
            "python -m app.ui.i18n_build），界面只有中文",
            f"loaded {', '.join(found)}; English catalogue missing ({own_file}; run python -m "
            "app.ui.i18n_build): Chinese interface only"))
    found.append("griddesk_en")
    return Check("translations", OK, t("已加载：", "loaded: ") + ", ".join(found))


def check_font() -> Check:
    """A Simplified Chinese font is installed and covers the sample characters."""
    from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

    qt = _qt_app()
    families = list(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))
    if not families:
        return Check("font", FAIL, t(
            "没有简体中文字体（Linux：apt-get install fonts-noto-cjk 或 fonts-wqy-microhei）",
            "no Simplified Chinese font (Linux: apt-get install fonts-noto-cjk or "
            "fonts-wqy-microhei)"))
    family = next((f for f in PREFERRED_FAMILIES if f in families), families[0])
    metrics = QFontMetrics(QFont(family))
    missing = [ch for ch in CJK_SAMPLE if not metrics.inFontUcs4(ord(ch))]
    platform_name = qt.platformName()
    if missing:
        return Check("font", FAIL, t(f"字体 {family} 缺字：{''.join(missing)}",
                                     f"font {family} lacks: {''.join(missing)}"))
    return Check("font", OK, t(
        f"{family}（共 {len(families)} 个中文字体，样例字全部可显示；Qt 平台 {platform_name}）",
        f"{family} ({len(families)} Chinese fonts, sample characters covered; Qt platform "
        f"{platform_name})"))


def check_qt_libs() -> Check:
    """Linux: the system libraries the X11 platform plugin links against are all there."""
    if not sys.platform.startswith("linux"):
        return Check("qt-libs", OK, t("不适用（非 Linux）", "not applicable (not Linux)"))
    from PySide6.QtCore import QLibraryInfo

    plugin = (Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
              / "platforms" / "libqxcb.so")
    if not plugin.exists():
        return Check("qt-libs", FAIL, t(f"缺少 X11 平台插件 {plugin}", f"X11 platform plugin "
                                        f"missing: {plugin}"))
    ldd = shutil.which("ldd")
    if ldd is None:
        return Check("qt-libs", WARN, t("没有 ldd，无法检查系统库", "no ldd; system libraries not "
                                        "checked"))
    out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=30,
                         check=False)
    missing = sorted({line.split()[0] for line in out.stdout.splitlines()
                      if "not found" in line})
    if missing:
        return Check("qt-libs", FAIL, t(
            f"X11 平台插件缺少系统库：{' '.join(missing)}（请用 apt 安装本软件包以补全依赖）",
            f"the X11 platform plugin lacks system libraries: {' '.join(missing)} (install the "
            "package with apt to pull its dependencies)"))
    return Check("qt-libs", OK, t("X11 平台插件的系统库齐全", "all system libraries of the X11 "
                                  "platform plugin found"))


# --------------------------------------------------------------------------- running


CORE_CHECKS: dict[str, Callable[[], Check]] = {
    "runtime": check_runtime,
    "cipher": check_cipher,
    "scanner": check_scanner,
    "sample": check_sample,
}
IN_CHILD: dict[str, Callable[[], Check]] = {
    "translations": check_translations,
    "font": check_font,
    "qt-libs": check_qt_libs,
}
ALL_CHECKS = (*CORE_CHECKS, *IN_CHILD)


def run_one(name: str, fn: Callable[[], Check]) -> Check:
    """Run a check; an exception is a failed check with its one-line reason, never a crash."""
    t0 = time.perf_counter()
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001 - every fault becomes a FAIL line
        reason = str(exc).splitlines()[0] if str(exc) else ""
        result = Check(name, FAIL, f"{type(exc).__name__}: {reason}")
    result.ms = round((time.perf_counter() - t0) * 1000, 1)
    return result


def child_command(names: Sequence[str]) -> list[str]:
    """The command that runs ``names`` in a fresh process of this same program."""
    tail = ["--lang", language(), "self-check", "--json", "--only", ",".join(names)]
    if frozen():
        return [sys.executable, *tail]
    return [sys.executable, "-m", "app.cli.main", *tail]


def child_env() -> dict[str, str]:
    """The child's environment: offscreen Qt where Linux has no screen, importable ``app``."""
    env = dict(os.environ)
    use_offscreen_if_headless(env)
    if not frozen():
        root = str(app_root())
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def run_in_child(names: Sequence[str]) -> list[Check]:
    """Run the Qt checks in a child; a crash of the child fails each of them with its reason."""
    try:
        proc = subprocess.run(child_command(names), env=child_env(), capture_output=True,
                              text=True, encoding="utf-8", errors="replace",
                              timeout=CHILD_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Check(n, FAIL, f"{type(exc).__name__}: {exc}") for n in names]
    results: dict[str, Check] = {}
    for line in proc.stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and item.get("name") in names:
            results[item["name"]] = Check(item["name"], str(item.get("status", FAIL)),
                                          str(item.get("detail", "")),
                                          float(item.get("ms", 0.0)))
    tail = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    why = t(f"Qt 检查进程异常退出（状态 {proc.returncode}）",
            f"the Qt check process ended abnormally (status {proc.returncode})")
    if tail:
        why += ": " + tail[-1][:200]
    return [results.get(n) or Check(n, FAIL, why) for n in names]


def run_checks(names: Sequence[str], emit: Callable[[Check], None],
               in_child: bool = True) -> list[Check]:
    """Run the named checks in order, emitting each result as soon as it is known."""
    done = []
    qt_names = [n for n in names if n in IN_CHILD]
    for name in names:
        if name in CORE_CHECKS:
            result = run_one(name, CORE_CHECKS[name])
            emit(result)
            done.append(result)
    if qt_names:
        qt_results = (run_in_child(qt_names) if in_child
                      else [run_one(n, IN_CHILD[n]) for n in qt_names])
        for result in qt_results:
            emit(result)
            done.append(result)
    return done


def parse_only(value: str | None) -> list[str]:
    """The checks asked for with ``--only`` (all of them when absent)."""
    if not value:
        return list(ALL_CHECKS)
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in ALL_CHECKS]
    if unknown:
        raise argparse.ArgumentTypeError(", ".join(unknown))
    return names


def cmd_self_check(args: argparse.Namespace) -> int:
    """Print one line per check; exit 1 when any check failed."""
    try:
        names = parse_only(args.only)
    except argparse.ArgumentTypeError as exc:
        print(t(f"griddesk: 未知的检查项：{exc}（可选：{', '.join(ALL_CHECKS)}）",
                f"griddesk: unknown check: {exc} (known: {', '.join(ALL_CHECKS)})"),
              file=sys.stderr)
        return 2
    as_json = bool(args.json)
    # The child runs its own Qt checks in-process: it was started for exactly that.
    in_child = not (args.only and all(n in IN_CHILD for n in names))

    def emit(check: Check) -> None:
        if as_json:
            print(json.dumps(asdict(check), ensure_ascii=False), flush=True)
        else:
            print(check.line(), flush=True)

    t0 = time.perf_counter()
    results = run_checks(names, emit, in_child=in_child)
    failed = [r.name for r in results if r.status == FAIL]
    if not as_json:
        total = time.perf_counter() - t0
        if failed:
            print(t(f"自检未通过：{', '.join(failed)}（{total:.1f} 秒）",
                    f"self-check FAILED: {', '.join(failed)} ({total:.1f} s)"), flush=True)
        else:
            print(t(f"自检通过（{len(results)} 项，{total:.1f} 秒）",
                    f"self-check passed ({len(results)} checks, {total:.1f} s)"), flush=True)
    return 1 if failed else 0


def register(sub: Any) -> None:
    """Add ``self-check``."""
    p = sub.add_parser(
        "self-check",
        help=t("检查本机安装：加密存储、扫码库、样例二维码、翻译、中文字体",
               "check this installation: encrypted store, scanner, sample code, translations, "
               "Chinese font"),
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    p.add_argument("--json", action="store_true",
                   help=t("每项检查输出一行 JSON", "one JSON line per check"))
    p.add_argument("--only", metavar="NAMES",
                   help=t(f"只运行这些检查（逗号分隔）：{', '.join(ALL_CHECKS)}",
                          f"run only these checks (comma-separated): {', '.join(ALL_CHECKS)}"))
    p.set_defaults(func=cmd_self_check)
