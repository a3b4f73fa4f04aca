"""`griddesk scan FILE...`: decode every code in images, image folders and video files, then verify.

One JSON line per code found: file, frame index, text, decode time in ms, the decoder,
and the verification result (``null`` with ``--no-verify``, or while the verifier is not
installed). In a video, a code held in view for many frames is one presentation and one
line (the checkpoint's de-bounce); ``--every-frame`` lists each sighting instead.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app.errors import KnownError
from app.scanner.debounce import PresentationGate, Sighting
from app.scanner.reader import READERS, QrReader, make_reader
from app.scanner.sources import (
    FrameSource,
    ImageFolderSource,
    SourceEnded,
    SourceError,
    VideoFileSource,
    source_for_path,
)
from app.text import t

Verifier = Callable[[str], dict[str, Any]]


def register(subparsers: Any) -> None:
    """Add the ``scan`` command."""
    p = subparsers.add_parser(
        "scan",
        help=t("识别图片或视频中的健康码并逐一核验", "decode codes in images or videos and verify"),
        description=t(
            "识别图片、图片文件夹或视频中的每个二维码，再逐一核验；每个码输出一行 JSON"
            "（文件、帧号、内容、解码耗时毫秒、核验结果）。",
            "Decode every QR code in images, image folders or video files, then verify "
            "each; one JSON line per code (file, frame, text, decode ms, verification).",
        ),
    )
    p.add_argument("files", nargs="+", metavar="FILE", type=Path,
                   help=t("图片、图片文件夹或视频文件", "images, image folders or video files"))
    p.add_argument("--no-verify", action="store_true",
                   help=t("只识别，不核验（无需登录）", "decode only, do not verify (no sign-in)"))
    p.add_argument("--at", help=t("按指定时间核验（ISO 时间）", "verify at this time (ISO)"))
    p.add_argument("--decoder", choices=sorted(READERS), default="checkpoint",
                   help=t("解码器（默认 checkpoint：本系统的识别流程）",
                          "decoder (default checkpoint: the app's pipeline)"))
    p.add_argument("--every-frame", action="store_true",
                   help=t("视频中每一帧识别到的码都输出", "report a code in every video frame "
                          "it is seen in, not once per presentation"))
    try:
        auth = importlib.import_module("app.cli.auth")
    except ImportError:
        p.add_argument("--json", action="store_true", help=t("输出 JSON", "JSON output"))
    else:
        auth.add_station_arguments(p)
    p.set_defaults(func=run)


def _verifier(args: argparse.Namespace) -> Verifier | None:
    if args.no_verify:
        return None
    try:
        module = importlib.import_module("app.cli.codes_cmds")
        make_verifier = module.make_verifier
    except (ImportError, AttributeError):
        print(t("griddesk: 核验模块尚未安装，只输出识别结果", "griddesk: the verifier is not "
                "available; printing decode results only"), file=sys.stderr)
        return None
    verifier: Verifier = make_verifier(args)
    return verifier


def _frames(source: FrameSource) -> Iterator[tuple[int, str, Any]]:
    """(frame index, file name, image); an unreadable image in a folder is reported, skipped."""
    source.open()
    try:
        index = 0
        while True:
            try:
                image = source.read()
            except SourceEnded:
                return
            except SourceError as exc:
                if isinstance(source, ImageFolderSource):
                    print(f"griddesk: {exc}", file=sys.stderr)
                    continue
                raise
            name = source.current.name if isinstance(source, ImageFolderSource) and \
                source.current else source.name
            yield index, name, image
            index += 1
    finally:
        source.close()


def scan_file(path: Path, reader: QrReader, *, every_frame: bool = False
              ) -> Iterator[dict[str, Any]]:
    """The codes found in one file or folder, as JSON-able dicts (without verification)."""
    if not path.exists():
        raise SourceError(t(f"找不到文件：{path}", f"file not found: {path}"))
    source = source_for_path(path)
    folder = isinstance(source, ImageFolderSource)
    fps = 30.0
    gate = PresentationGate()
    for index, name, image in _frames(source):
        if isinstance(source, VideoFileSource):
            fps = source.fps
        t0 = time.perf_counter()
        codes = reader.decode(image)
        ms = (time.perf_counter() - t0) * 1000.0
        if isinstance(source, VideoFileSource) and not every_frame:
            fired = set(gate.observe(index / fps, [Sighting(c.payload, c.decoder)
                                                   for c in codes]))
            codes = [c for c in codes if c.payload in fired]
        for code in codes:
            yield {
                "file": str(path / name if folder and path.is_dir() else path),
                "frame": 0 if folder else index,
                "text": code.text,
                "decode_ms": round(ms, 2),
                "decoder": code.decoder,
                "quad": [list(p) for p in code.quad],
            }


def run(args: argparse.Namespace) -> int:
    """Decode, verify and print; exit 1 if a file could not be read."""
    reader = make_reader(args.decoder)
    verify = _verifier(args)
    failed = 0
    for path in args.files:
        try:
            for row in scan_file(path, reader, every_frame=args.every_frame):
                row["verify"] = verify(row["text"]) if verify is not None else None
                print(json.dumps(row, ensure_ascii=False), flush=True)
        except (SourceError, KnownError) as exc:
            failed += 1
            print(f"griddesk: {path}: {exc}", file=sys.stderr)
    return 1 if failed else 0
