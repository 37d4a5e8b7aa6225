"""Limits on what any input file may hold, and the guards that apply them where the input enters.

Why one module: every way into the workbook (a return's CSVs or workbook, the
params YAML, the action plan) reads text that a person typed or a system
exported, and the same few faults would otherwise surface deep inside pandas,
the page writers or the linear algebra as a traceback (a 5,000-digit count, a
lone surrogate, a folder where a file should be, a 2 GB file). Each guard here
turns such a value into a plain problem at the door, so nothing past it ever
sees one. The limits are far above any real council's figures: Birmingham,
the largest, employs under 15,000 people in social care.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

MAX_COUNT = 10_000_000  # a count above this is not a count of a council's staff
MAX_TOTAL = 10_000_000  # nor is a table's total of one count column
MAX_FILE_BYTES = 64 * 1024 * 1024  # a CSV of a return or an action plan (200,000 rows are about 10 MB)
MAX_XLSX_BYTES = 64 * 1024 * 1024  # an .xlsx file as stored
MAX_XLSX_UNPACKED = 512 * 1024 * 1024  # the parts of an .xlsx (a zip) once unpacked: refuses zip bombs
MAX_YAML_BYTES = 256 * 1024  # a params file (the shipped ones are about 1 KB)
MAX_COMMENTARY_BYTES = 1024 * 1024  # a commentary file (a page of words per measure is a few KB)
MAX_ROWS = 1_000_000  # rows of one table or sheet
MAX_COLUMNS = 100  # columns of one sheet (the widest table has 15)
MAX_CELL_CHARS = 10_000  # characters in one cell (a long progress note is a few hundred)
SHOWN_CHARS = 60  # how much of an over-long value a problem quotes

# Characters that no field of a return, params file or action plan may hold: C0 and C1 control
# characters other than tab and line breaks, lone UTF-16 surrogates (which cannot be written as
# UTF-8, so a page quoting one could not be saved), the two non-characters U+FFFE and U+FFFF, and
# the bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069), which
# make text display in a different order from the one it is read and matched in ("Trojan source").
# The left-to-right and right-to-left marks (U+200E, U+200F) stay allowed: names need them.
BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                           "\ud800-\udfff\ufffe\uffff]")


def bad_character(text: str) -> tuple[int, str] | None:
    """(0-based position, character) of the first character no input may hold, or None."""
    found = BAD_CHARACTER.search(text)
    return (found.start(), found.group()) if found else None


def character_name(char: str) -> str:
    """``U+001B`` (and what it is), for a message that cannot quote the character itself."""
    code = ord(char)
    kind = ("a lone surrogate" if 0xD800 <= code <= 0xDFFF else
            "a null character" if code == 0 else
            "a non-character" if code in (0xFFFE, 0xFFFF) else
            "a control of text direction" if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 else
            "a control character")
    return f"U+{code:04X} ({kind})"


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value as a problem may quote it: no forbidden characters, and cut short when long."""
    text = BAD_CHARACTER.sub(lambda m: f"\\u{ord(m.group()):04x}", str(value))
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def printable(text: object) -> str:
    """Text safe to print on a terminal or a page: every forbidden character (ESC, U+202E ...) as ``\\u001b``.

    Tabs and line breaks stay. The one way the console and the pages neutralise outside text, so an
    ESC in a period or a right-to-left override in commentary cannot restyle a terminal or reorder text.
    """
    return BAD_CHARACTER.sub(lambda m: f"\\u{ord(m.group()):04x}", str(text))


def text_problem(text: str) -> str | None:
    """Why a cell's text cannot be taken in (a forbidden character, too long), or None when it can."""
    if len(text) > MAX_CELL_CHARS:
        return (f"The cell holds {len(text):,} characters; the limit is {MAX_CELL_CHARS:,}. Check that a whole "
                "file or column was not pasted into one cell.")
    found = bad_character(text)
    if found:
        return (f"The cell holds {character_name(found[1])} at character {found[0] + 1}, which cannot be "
                "printed; delete it (it often comes from copying text out of another system).")
    return None


def read_limited(path: Path, limit: int) -> bytes | str:
    """The bytes of ``path``, or a sentence saying why it cannot be read (a folder, too large, unreadable).

    The file is opened without blocking and checked on the open handle before a byte is read, so a
    named pipe or a device (which would block a read for ever, or never end) and a 10 GB file are
    refused at once, and nothing can swap the file between the check and the read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except IsADirectoryError:
        return f"{path.name} is a folder, but it should be a file; replace the folder with the file."
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror or type(exc).__name__})."
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return f"{path.name} is a folder, but it should be a file; replace the folder with the file."
        if not stat.S_ISREG(info.st_mode):
            return (f"{path.name} is not an ordinary file (it is a {_file_kind(info.st_mode)}); replace it with "
                    "the file itself.")
        if info.st_size > limit:
            return (f"{path.name} is too large ({info.st_size / 1048576:,.1f} MB; the limit is "
                    f"{limit / 1048576:,.1f} MB). Check that it is the right file.")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror or type(exc).__name__})."
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while being read
        return f"{path.name} is too large (over {limit / 1048576:,.1f} MB). Check that it is the right file."
    return data


def _file_kind(mode: int) -> str:
    return ("named pipe" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
            "socket" if stat.S_ISSOCK(mode) else "special file")


class TextRefused(ValueError):
    """A text input that cannot be read as text: ``message`` says why and what to do, ``line`` where (or None)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def read_text(path: Path, limit: int, save_as: str = "UTF-8") -> str:
    """The one way a text input (a return's CSV, params, commentary, an action plan) is read: checked, then decoded.

    Refuses, with a sentence naming the file, what is not an ordinary file (a folder, a named pipe, a
    device: no read can block), what is over ``limit`` bytes, and what is not UTF-8 (a byte-order mark
    is fine). UTF-16 and latin-1 files are named as such, because "save it as UTF-8" is then the fix;
    ``save_as`` is how the message says to save it ('CSV UTF-8 (comma delimited)' for a table).
    Raises ``TextRefused``.
    """
    data = read_limited(path, limit)
    if isinstance(data, str):
        raise TextRefused(data)
    sample = data[:256]  # UTF-16 without a byte-order mark: a zero byte in every other place
    wide = max(sample[0::2].count(0), sample[1::2].count(0)) * 4 > len(sample) > 3
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or wide:
        raise TextRefused(f"{path.name} is UTF-16 text, not UTF-8; save it as {save_as}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TextRefused(f"{path.name} is not UTF-8 text (it may be Windows or latin-1 text: byte "
                          f"0x{data[exc.start]:02X} on line {line}); save it as {save_as}.", line) from None
    if "\x00" in text:  # the whole file is refused, so the problem has no line; the message says where
        raise TextRefused(f"{path.name} holds binary data (a null byte, the first on line "
                          f"{text[: text.index(chr(0))].count(chr(10)) + 1}), so it is not a text file; save it as "
                          f"{save_as}.")
    return text


def count_too_large(text: str) -> bool:
    """Whether a count written as digits (``^[0-9]+(\\.0*)?$``) is above MAX_COUNT, decided on the text.

    Never converts the digits to a number, so a 5,000-digit cell costs as
    little as a 5-digit one (Python refuses to convert over 4,300 digits).
    """
    digits = text.split(".", 1)[0].lstrip("0")
    return len(digits) > len(str(MAX_COUNT)) or (len(digits) == len(str(MAX_COUNT)) and int(digits) > MAX_COUNT)
