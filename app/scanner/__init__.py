"""Scanning health codes: frame sources, the decoding worker, de-bounce, keyboard-wedge input.

Qt-free. The checkpoint screen builds a :class:`DecodeWorker` over a frame source and
adapts its callbacks to signals; it feeds key events to a :class:`WedgeAssembler`.
"""

from app.scanner.debounce import PresentationGate, Sighting
from app.scanner.layouts import LayoutDiagnosis, check_wedge_text
from app.scanner.reader import (
    CheckpointQrReader,
    DecodedCode,
    DecoderMissing,
    QrReader,
    ZbarQrReader,
    ZxingQrReader,
    make_reader,
)
from app.scanner.sources import (
    CameraSettings,
    CameraSource,
    ControlReport,
    Frame,
    FrameSource,
    ImageFolderSource,
    RecordedFrameSource,
    SourceError,
    SourceState,
    SourceStatus,
    VideoFileSource,
    source_for_path,
)
from app.scanner.wedge import WedgeAssembler, WedgeLayoutProblem, WedgeScan, WedgeTyping
from app.scanner.worker import DecodeWorker, ScanEvent, wedge_event

__all__ = [
    "CameraSettings", "CameraSource", "CheckpointQrReader", "ControlReport", "DecodeWorker",
    "DecodedCode", "DecoderMissing", "Frame", "FrameSource", "ImageFolderSource",
    "LayoutDiagnosis", "PresentationGate", "QrReader", "RecordedFrameSource", "ScanEvent",
    "Sighting", "SourceError", "SourceState", "SourceStatus", "VideoFileSource",
    "WedgeAssembler", "WedgeLayoutProblem", "WedgeScan", "WedgeTyping", "ZbarQrReader",
    "ZxingQrReader", "check_wedge_text", "make_reader", "source_for_path", "wedge_event",
]
