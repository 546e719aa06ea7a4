"""What a batch learns of each unit, and where it keeps it: the results of a district in a temporary
file, one JSON line each, so the batch process holds a few bytes per unit however large the district
(memory stays flat from a thousand units to many thousands). Read back in the order of the specs."""
from __future__ import annotations

import json
import os
import tempfile
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, TypeVar, overload

T = TypeVar("T")
STATUSES = ("生成", "未变", "失败")


@dataclass
class UnitResult:
    spec: str
    status: str  # 生成 / 未变 / 失败
    unit: str | None = None
    year: int | None = None
    folder: str | None = None
    files: list[str] = field(default_factory=list)
    figures: dict[str, str | None] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    findings: list[dict] = field(default_factory=list)
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "失败"

    @property
    def first_error(self) -> str:
        """The unit's first error as `file:line: 代码 说明` (what a terminal shows for a failed unit)."""
        error = next((f for f in self.findings if f.get("severity") == "error"), None)
        if error is None:
            return self.message
        where = ":".join(str(x) for x in (error.get("file") or self.spec, error.get("line"), error.get("column")) if x)
        more = f"（共 {self.errors} 个错误）" if self.errors > 1 else ""
        return f"{where}: {error['code']} {error['message']}{more}"


class LazyList(Sequence[T]):
    """A sequence whose items are made from their index when asked for (only the function is held)."""

    def __init__(self, length: int, item: Callable[[int], T]):
        self._length, self._item = length, item

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, k: int) -> T: ...
    @overload
    def __getitem__(self, k: slice) -> list[T]: ...

    def __getitem__(self, k: int | slice) -> T | list[T]:
        if isinstance(k, slice):
            return [self._item(n) for n in range(self._length)[k]]
        return self._item(range(self._length)[k])


class Results:
    """The results of `count` specs, put by the spec's place as they come, read back in that order
    (in_order; specs not done — an interrupted batch — are left out). Kept in an anonymous temporary file; a
    result that cannot be written there (none could be made, the disk is full) stays in memory."""

    def __init__(self, count: int):
        try:
            self._file: IO[bytes] | None = tempfile.TemporaryFile()  # noqa: SIM115  (closed with the results)
        except OSError:
            self._file = None
        self._at = array("q", [-1]) * count  # place → offset of its line in the file (-1: none)
        self._status = bytearray(count)  # place → 1 + its index in STATUSES (0: not done)
        self._kept: dict[int, UnitResult] = {}  # what could not be written
        self._done: array | None = None  # the places done, in order (made when first read)

    def put(self, place: int, result: UnitResult) -> None:
        """The result of the spec at `place` (again: it replaces the first)."""
        self._status[place] = 1 + STATUSES.index(result.status)
        self._done = None
        self._kept.pop(place, None)
        if self._file is not None:
            line = json.dumps(vars(result), ensure_ascii=False).encode("utf-8") + b"\n"
            try:
                self._at[place] = self._file.seek(0, os.SEEK_END)
                self._file.write(line)
                return
            except OSError:
                self._at[place] = -1
        self._kept[place] = result

    def count_of(self, status: str) -> int:
        return self._status.count(1 + STATUSES.index(status))

    @property
    def done(self) -> int:
        """How many specs have a result (counted in C: progress asks after every unit)."""
        return len(self._status) - self._status.count(0)

    def places(self, status: str | None = None) -> Iterator[int]:
        """The places done (with that status), in order."""
        wanted = None if status is None else 1 + STATUSES.index(status)
        return (p for p in self._places() if wanted is None or self._status[p] == wanted)

    def at(self, place: int) -> UnitResult:
        """The result of the spec at `place`."""
        kept = self._kept.get(place)
        if kept is not None:
            return kept
        assert self._file is not None and self._at[place] >= 0, place
        self._file.seek(self._at[place])
        return UnitResult(**json.loads(self._file.readline()))

    def _places(self) -> array:
        if self._done is None:
            self._done = array("l", (p for p, s in enumerate(self._status) if s))
        return self._done

    def in_order(self, places: Sequence[int] | None = None) -> LazyList[UnitResult]:
        """The results of the places done (or of `places`), in order, each read back when asked for."""
        chosen = self._places() if places is None else places
        return LazyList(len(chosen), lambda k: self.at(chosen[k]))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
