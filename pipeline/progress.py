"""Progress of a long stage: a bar on a terminal, plain log lines elsewhere.

On a terminal, tqdm shows documents per second and the time left. In CI or
when the output goes to a file, a bar would be noise, so a plain line is
printed every 10% (and at most every 30 seconds otherwise).
"""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, stage: str, total: int, unit: str = "docs") -> None:
        self.stage = stage
        self.total = total
        self.unit = unit
        self.done = 0
        self.started = time.perf_counter()
        self._last_line = self.started
        self._next_share = 0.1
        self._bar = None
        if total and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=stage, unit=f" {unit}", leave=False)

    def update(self, n: int) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        now = time.perf_counter()
        share = self.done / self.total if self.total else 1.0
        if self.total >= 50 and (share >= self._next_share or now - self._last_line >= 30):
            rate = self.done / max(now - self.started, 1e-9)
            left = (self.total - self.done) / rate if rate else 0.0
            print(
                f"{self.stage}: {self.done}/{self.total} {self.unit} "
                f"({rate:.1f}/s, about {left:.0f}s left)",
                file=sys.stderr,
                flush=True,
            )
            self._last_line = now
            while self._next_share <= share:
                self._next_share += 0.1

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
