"""Find a quote in a source text and describe where it is.

Pure functions, no database. An anchor follows the W3C Web Annotation model: a
TextPositionSelector (``start``/``end`` character offsets) plus a TextQuoteSelector
(the exact quote with a short ``prefix`` and ``suffix``), so an excerpt can be found
again even if offsets drift.

Editors paste quotes from browsers and word processors, which turn typographic quotes
into straight ones, em dashes into hyphens and line breaks into spaces. Matching
therefore falls back to a folded comparison, but the anchor always carries the
source's own characters: ``text[anchor.start:anchor.end] == anchor.quote`` holds.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT_CHARS = 32

_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}


class AnchorError(ValueError):
    """A quote could not be placed in a text unambiguously."""


class QuoteNotFound(AnchorError):
    """The quote does not occur in the text."""


class QuoteAmbiguous(AnchorError):
    """The quote occurs more than once and nothing given picks one occurrence."""

    def __init__(self, message: str, *, occurrences: int):
        super().__init__(message)
        self.occurrences = occurrences


@dataclass(frozen=True)
class Anchor:
    """Where a quote sits in a text: offsets, the exact quote and its surroundings."""

    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def fold(text: str) -> tuple[str, list[int]]:
    """Return ``text`` with typography and whitespace folded, and for each folded
    character the index of the original character it came from."""
    out: list[str] = []
    origin: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if previous_space:
                continue
            previous_space = True
            out.append(" ")
            origin.append(index)
            continue
        previous_space = False
        for folded in _FOLD.get(char, char):
            out.append(folded)
            origin.append(index)
    return "".join(out), origin


def _spans(text: str, quote: str) -> list[tuple[int, int]]:
    """All (start, end) spans of ``quote`` in ``text``: exact matches if there are
    any, otherwise matches after folding, mapped back to the original text."""
    spans = []
    position = text.find(quote)
    while position != -1:
        spans.append((position, position + len(quote)))
        position = text.find(quote, position + 1)
    if spans:
        return spans
    folded_text, origin = fold(text)
    folded_quote, _ = fold(quote)
    position = folded_text.find(folded_quote)
    while position != -1:
        last = position + len(folded_quote) - 1
        spans.append((origin[position], origin[last] + 1))
        position = folded_text.find(folded_quote, position + 1)
    return spans


def _context_ok(text: str, span: tuple[int, int], prefix: str, suffix: str) -> bool:
    if prefix.strip():
        before = fold(text[: span[0]])[0].rstrip(" ")
        if not before.endswith(fold(prefix)[0].strip(" ")):
            return False
    if suffix.strip():
        after = fold(text[span[1] :])[0].lstrip(" ")
        if not after.startswith(fold(suffix)[0].strip(" ")):
            return False
    return True


def anchor(
    text: str,
    quote: str,
    *,
    prefix: str = "",
    suffix: str = "",
    context: int = CONTEXT_CHARS,
) -> Anchor:
    """Locate ``quote`` in ``text``.

    ``prefix``/``suffix`` are optional words just before/after the quote; they are
    only consulted to choose between several occurrences. Raises ``QuoteNotFound``
    or ``QuoteAmbiguous`` with a message an editor can act on.
    """
    quote = quote.strip()
    if not quote:
        raise QuoteNotFound("The quote is empty.")
    spans = _spans(text, quote)
    if not spans:
        raise QuoteNotFound("The quote does not occur in the source text.")
    if len(spans) > 1:
        spans = [span for span in spans if _context_ok(text, span, prefix, suffix)]
        if len(spans) != 1:
            count = len(_spans(text, quote))
            raise QuoteAmbiguous(
                f"The quote occurs {count} times in the source text; "
                "give a prefix or suffix (words just before or after it) to pick one.",
                occurrences=count,
            )
    start, end = spans[0]
    return Anchor(
        start=start,
        end=end,
        quote=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


def is_anchored(text: str, *, start: int, end: int, quote: str, prefix: str = "", suffix: str = "") -> bool:
    """True when ``quote`` stands in ``text`` exactly at ``start:end``, with the
    stored ``prefix`` and ``suffix`` around it."""
    if not 0 <= start < end <= len(text) or text[start:end] != quote:
        return False
    return text[max(0, start - len(prefix)) : start] == prefix and text[end : end + len(suffix)] == suffix
