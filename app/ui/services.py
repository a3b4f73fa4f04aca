"""The services the window is given; built in one place (``app/ui/app.py``) and passed in.

Nothing in the UI builds its own store, clock, scanner or sync engine: tests pass fakes or
real local instances through this object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.preferences import Preferences
from app.storage.station import Station
from app.ui.messages import MessageBus


@dataclass
class Services:
    """Everything a workspace may use."""

    station: Station
    preferences: Preferences
    messages: MessageBus
    # Returns a frame source for the checkpoint preview (camera, or recorded frames in demo
    # mode and tests); None means no camera support in this build.
    make_frame_source: Callable[[], Any] | None = None
    # The station-side sync engine (app.sync), when configured.
    sync: Any = None
    demo: bool = False
    extras: dict[str, Any] = field(default_factory=dict)
