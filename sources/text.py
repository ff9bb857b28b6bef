"""A source's text in one canonical form, whichever way it arrives: a file or a paste in the admin.

Pure functions, no database. Line endings become ``\\n`` (files from Windows, and every browser, send
``\\r\\n``), a leading byte-order mark is dropped, and nothing else is changed: so the same article
hashes the same however it came in, and excerpt offsets count characters of text that never changes
again. Control characters other than line breaks and tabs are refused (they are invisible to editors
and mean the input was not plain text), and so is a text over the size limit.
"""

from __future__ import annotations

import re

BYTE_ORDER_MARK = "\ufeff"
# Unicode's control characters (category Cc), but for tab and line feed.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class TextRefused(ValueError):
    """The text cannot be stored; ``line`` is where the problem is, when it is on one line."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.line = line


def readable_size(size: int) -> str:
    """``2 MB (2,097,152 bytes)``, or ``1,002 bytes`` under a megabyte."""
    megabyte = 1024 * 1024
    return f"{size / megabyte:.3g} MB ({size:,} bytes)" if size >= megabyte else f"{size:,} bytes"


def canonical(text: str, *, max_bytes: int) -> str:
    """``text`` with ``\\n`` line endings and no leading byte-order mark; ``TextRefused`` if it is too
    large or holds a control character other than a tab or a line break."""
    text = text.removeprefix(BYTE_ORDER_MARK).replace("\r\n", "\n").replace("\r", "\n")
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise TextRefused(
            f"The text is {readable_size(size)} as UTF-8; a source may hold at most {readable_size(max_bytes)}."
        )
    control = _CONTROL.search(text)
    if control:
        raise TextRefused(
            f"it contains the control character U+{ord(control.group()):04X}; a source's text may hold "
            "line breaks and tabs, but no other control characters.",
            line=text.count("\n", 0, control.start()) + 1,
        )
    return text
