"""Interchange control numbers that never repeat: a high-water mark under data_dir, guarded by an OS lock.

A file (not a database row) so that `eligibility x12-270` works without a database. Each process reserves a
block of numbers with one locked, fsynced write and hands them out from memory (an fsync costs 5-15 ms;
a number must cost microseconds). Numbers are unique, not gapless: a restart skips the rest of its block.
A fresh mark starts from the clock (seconds since 2020), so a wiped data directory does not reissue numbers.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

MAX_CONTROL = 999_999_999  # ISA13 is nine digits
BLOCK = 100
_EPOCH_2020 = 1_577_836_800
_lock = threading.Lock()
_blocks: dict[Path, tuple[int, int]] = {}  # path -> (next to hand out, last of the reserved block)


class FileControlNumbers:
    """`next()` returns 1..999999999; no number is handed out twice until the nine digits wrap."""

    def __init__(self, path: Path, block: int = BLOCK) -> None:
        self.path = path.resolve()
        self.block = block

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> FileControlNumbers:
        return cls(data_dir / "eligibility" / "control-number")

    def next(self) -> int:
        with _lock:
            nxt, last = _blocks.get(self.path, (1, 0))
            if nxt > last:
                nxt, last = self._reserve()
            _blocks[self.path] = (nxt + 1, last)
            return nxt

    def _reserve(self) -> tuple[int, int]:
        """Move the stored mark on by one block; return the block (first, last)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a+") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # other processes on this data directory wait here
            try:
                high = self._read()
                if high + self.block > MAX_CONTROL:
                    high = 0  # nine digits exhausted: wrap (interchanges that old are long settled)
                tmp = self.path.with_suffix(".tmp")
                with open(tmp, "w") as fh:
                    fh.write(str(high + self.block))
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
                return high + 1, high + self.block
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _read(self) -> int:
        try:
            return int(self.path.read_text().strip())
        except (FileNotFoundError, ValueError):
            # Missing or corrupt: restart from the clock rather than from 1, which was surely used.
            return max(0, int(time.time()) - _EPOCH_2020) % (MAX_CONTROL - BLOCK)
