"""Languages of the desktop app: Qt translators, the core-message language, CJK fonts.

Source strings are Simplified Chinese (``self.tr("…")``); English comes from
``resources/translations/griddesk_en.qm`` (built by ``python -m app.ui.i18n_build``). Qt's
own strings (standard buttons, context menus) come from Qt's ``qtbase_*.qm``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app import text

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "resources" / "translations"
DEFAULT_LANGUAGE = "zh_CN"
# Code → the language's own name (shown in the menu, never translated).
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
# Families tried in order for the app font; the first one installed wins.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
    "PingFang SC", "Noto Sans SC", "SimSun", "WenQuanYi Zen Hei",
)
BASE_POINT_SIZE = 10
LARGE_POINT_SIZE = 14
# A sample of what a screen must show: common words and rarer name characters.
CJK_SAMPLE = "网格工作台健康码隔离救助覃韦黄"


def normalise(code: str | None) -> str:
    """A known language code (``zh_CN`` or ``en``) for whatever was asked for."""
    value = (code or "").strip().replace("-", "_").lower()
    if value.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


class Translations:
    """Installs and swaps the app's and Qt's translators on the running application."""

    def __init__(self, directory: Path = TRANSLATIONS_DIR) -> None:
        self.directory = Path(directory)
        self.language = DEFAULT_LANGUAGE
        self._installed: list[QTranslator] = []

    def apply(self, code: str) -> bool:
        """Switch to ``code``; False when its English catalogue is missing (then Chinese)."""
        app = QCoreApplication.instance()
        for translator in self._installed:
            if app is not None:
                app.removeTranslator(translator)
        self._installed = []
        language = normalise(code)
        complete = True
        if language == "en":
            own = QTranslator()
            if own.load(str(self.directory / "griddesk_en.qm")):
                self._installed.append(own)
            else:
                log.warning("English translation not built (run python -m app.ui.i18n_build)")
                complete = False
                language = DEFAULT_LANGUAGE
        qt_own = QTranslator()
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_own.load(f"qtbase_{language}", qt_dir):
            self._installed.append(qt_own)
        if app is not None:
            for translator in self._installed:
                app.installTranslator(translator)
        self.language = language
        text.set_language("en" if language == "en" else "zh")
        QLocale.setDefault(QLocale(QLocale.Language.English if language == "en"
                                   else QLocale.Language.Chinese,
                                   QLocale.Country.UnitedStates if language == "en"
                                   else QLocale.Country.China))
        return complete


def cjk_families() -> list[str]:
    """Installed families that declare Simplified Chinese."""
    return list(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def choose_font(large: bool = False) -> QFont | None:
    """The app font: a preferred CJK family at the base or large size (None: no CJK font)."""
    installed = cjk_families()
    if not installed:
        return None
    family = next((f for f in CJK_FAMILIES if f in installed), installed[0])
    font = QFont(family)
    font.setPointSize(LARGE_POINT_SIZE if large else BASE_POINT_SIZE)
    return font


class Appearance:
    """Language and font size of the running app, kept in the preferences."""

    def __init__(self, preferences: Any, translations: Translations | None = None) -> None:
        self.preferences = preferences
        self.translations = translations or Translations()
        self.font_ok = True

    def apply(self) -> None:
        """Apply the saved language and font size."""
        self.translations.apply(self.preferences.language)
        self.apply_font()

    def apply_font(self) -> None:
        """Set the application font (CJK family, base or large size)."""
        font = choose_font(bool(self.preferences.large_font))
        self.font_ok = font is not None
        app = QCoreApplication.instance()
        if isinstance(app, QApplication):
            if font is None:
                font = QFont(app.font())
                font.setPointSize(LARGE_POINT_SIZE if self.preferences.large_font
                                  else BASE_POINT_SIZE)
            app.setFont(font)

    def set_language(self, code: str) -> bool:
        """Switch language now and remember it; False when English is not built."""
        complete = self.translations.apply(code)
        self.preferences.language = self.translations.language
        self._save()
        return complete

    def set_large_font(self, large: bool) -> None:
        """Switch large-font mode now and remember it."""
        self.preferences.large_font = bool(large)
        self.apply_font()
        self._save()

    def _save(self) -> None:
        from app.ui.ops import background_op

        background_op(self.preferences.save,
                      on_error=lambda exc: log.warning("preferences not saved: %s", exc))
