"""The trusted-time floor: the clock cannot be wound back to revive an expired code.

The floor is the latest time the station has reason to believe has passed: the time of the
last record it wrote, and the server's time at each sync. A system clock below the floor is
reported, and every record carries both its clock time and the floor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A clock this far below the floor is "behind"; smaller steps are ordinary NTP jitter.
TOLERANCE_S = 120.0


@dataclass(frozen=True)
class ClockReading:
    """The clock and the floor at one moment."""

    now: float
    floor: float

    @property
    def behind_by(self) -> float:
        """Seconds the clock is below the floor (0 when it is not)."""
        return max(0.0, self.floor - self.now)

    @property
    def below_floor(self) -> bool:
        """Whether the system clock has been wound back past the tolerance."""
        return self.behind_by > TOLERANCE_S

    @property
    def trusted_now(self) -> float:
        """The time to judge validity by: never earlier than the floor."""
        return max(self.now, self.floor)


def floor(conn: Any) -> float:
    """The current floor (0 when nothing has set it yet)."""
    row = conn.execute("SELECT floor_ts FROM clock_floor WHERE id = 1").fetchone()
    return float(row[0]) if row else 0.0


def raise_floor(conn: Any, ts: float, source: str) -> float:
    """Move the floor up to ``ts`` (never down); returns the floor after."""
    conn.execute(
        "INSERT INTO clock_floor (id, floor_ts, source) VALUES (1, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET floor_ts = excluded.floor_ts, source = excluded.source"
        " WHERE excluded.floor_ts > clock_floor.floor_ts",
        (ts, source),
    )
    return floor(conn)


class TrustedClock:
    """System time plus the floor kept in the store; the time source is injectable."""

    def __init__(self, time_source: Callable[[], float] = time.time) -> None:
        self._time = time_source

    def now(self) -> float:
        """The raw system time."""
        return self._time()

    def read(self, conn: Any) -> ClockReading:
        """The clock and the floor together."""
        return ClockReading(self._time(), floor(conn))
