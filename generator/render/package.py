"""OOXML packages (.xlsx/.docx are zip files): read a template once, make outputs deterministically — same
inputs, same bytes (output.py writes them, atomically).

The zip is written by hand (the format is simple): every part a template carries unchanged is
compressed once per process and its compressed bytes reused for every unit; only the parts a unit
changes are compressed again."""
from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .zh_cn import LANG, localise

DOS_TIME, DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00: timestamps carry no information
_COMPRESSED: dict[int, tuple[bytes, bytes, int]] = {}  # id(data) → (data, deflated, crc)


def read_parts(path: Path) -> dict[str, bytes]:
    """A template's parts, tagged as Simplified Chinese (see zh_cn): every output made from it is."""
    with zipfile.ZipFile(path) as zf:
        return localise({name: zf.read(name) for name in zf.namelist()})


def _deflate(data: bytes, level: int) -> tuple[bytes, int]:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data)


def _deflated(data: bytes, reuse: bool) -> tuple[bytes, int]:
    if not reuse:
        return _deflate(data, 1)  # a unit's own parts: fast compression
    hit = _COMPRESSED.get(id(data))
    if hit is None or hit[0] is not data:
        packed, crc = _deflate(data, 9)  # shared parts: compressed once, as small as they get
        hit = _COMPRESSED[id(data)] = (data, packed, crc)
    return hit[1], hit[2]


@dataclass(frozen=True)
class Deflated:
    """A part compressed as it was written (see Deflater)."""

    packed: bytes
    crc: int
    size: int


class Deflater:
    """A unit's own part compressed piece by piece as it is written (a sheet of thousands of rows is
    never whole in memory): the same bytes as compressing it in one go — deflate does not depend on
    how its input is split."""

    FLUSH_AT = 1 << 18  # pieces are gathered up to this many bytes, then compressed together

    def __init__(self) -> None:
        self._deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
        self._packed: list[bytes] = []
        self._pieces: list[bytes] = []
        self._held = self.size = self.crc = 0

    def write(self, piece: bytes) -> None:
        self._pieces.append(piece)
        self._held += len(piece)
        if self._held >= self.FLUSH_AT:
            self._compress()

    def _compress(self) -> None:
        data = b"".join(self._pieces)
        self._packed.append(self._deflate.compress(data))
        self.crc, self.size = zlib.crc32(data, self.crc), self.size + len(data)
        self._pieces, self._held = [], 0

    def close(self) -> Deflated:
        self._compress()
        return Deflated(b"".join([*self._packed, self._deflate.flush()]), self.crc, self.size)


def precompress(parts: Iterable[bytes]) -> None:
    """Compress template parts every output carries unchanged now (a batch does it before forking)."""
    for data in parts:
        _deflated(data, True)


def zip_bytes(parts: Mapping[str, bytes | Deflated], unchanged: frozenset[str] = frozenset()) -> bytes:
    """The parts as a zip: [Content_Types].xml first (as Office expects), the rest in the given order.
    Parts named in `unchanged` are template parts reused as they are: their compression is cached;
    a Deflated part was compressed as it was written."""
    order = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels"))
    out, central, offset = [], [], 0
    for name in order:
        data = parts[name]
        if isinstance(data, Deflated):
            packed, crc, size = data.packed, data.crc, data.size
        else:
            (packed, crc), size = _deflated(data, name in unchanged), len(data)
        raw_name = name.encode("utf-8")
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0x0800, 8, DOS_TIME, DOS_DATE, crc, len(packed),
                             size, len(raw_name), 0)
        out += [header, raw_name, packed]
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0x0800, 8, DOS_TIME, DOS_DATE, crc,
                                   len(packed), size, len(raw_name), 0, 0, 0, 0, 0o600 << 16, offset) + raw_name)
        offset += len(header) + len(raw_name) + len(packed)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0)
    return b"".join(out) + directory + end


def core_properties(title: str, when: str) -> bytes:
    """docProps/core.xml with a fixed date (the document's own date, never the build time)."""
    from xml.sax.saxutils import escape
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:language>{LANG}</dc:language>"
        "<dc:creator>yusuan</dc:creator><cp:lastModifiedBy>yusuan</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()
