"""An excerpt from a passage an editor selected in a source's text.

The browser sends the selection's offsets into the stored text (counted in characters, as Python counts
them); the passage is then quoted and anchored by the same code as a pasted quote (``Excerpt.clean()``), and
the anchor must land exactly on the selection.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from .anchoring import CONTEXT_CHARS
from .models import Excerpt, Source

DUPLICATE_SELECTION = "This passage is already an excerpt of “{source}”: use that one."


def selected_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The selection without the blank space around it; a ``ValidationError`` if it is outside the text or
    holds nothing but blank space."""
    if not 0 <= start < end <= len(text):
        raise ValidationError("The selection is not within the source's text: select a passage of it.")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise ValidationError("The selection holds only blank space: select the words to quote.")
    return start, end


@transaction.atomic
def excerpt_from_selection(*, source: Source, start: int, end: int, quote: str) -> Excerpt:
    """Store the passage ``start:end`` of ``source`` as an excerpt. ``quote`` is the text the browser saw
    selected: if the stored text differs there, the page is out of date and nothing is stored."""
    start, end = selected_span(source.text, start, end)
    passage = source.text[start:end]
    if " ".join(passage.split()) != " ".join(quote.split()):
        raise ValidationError("The selection does not match the stored text: reload the page and select again.")
    if Excerpt.objects.filter(source=source, start=start, end=end).exists():
        raise ValidationError(DUPLICATE_SELECTION.format(source=source))
    excerpt = Excerpt(
        source=source,
        quote=passage,
        prefix=source.text[max(0, start - CONTEXT_CHARS) : start],
        suffix=source.text[end : end + CONTEXT_CHARS],
    )
    excerpt.full_clean()
    if (excerpt.start, excerpt.end) != (start, end):
        raise ValidationError(
            "This passage occurs elsewhere in the source with the same words around it: select a longer passage."
        )
    excerpt.save()
    return excerpt


def marked_segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` cut at every excerpt's start and end: each piece with whether an excerpt covers it (excerpts may
    overlap). Joined, the pieces are ``text`` exactly, so offsets counted in the page are offsets in the text."""
    cuts = sorted({0, len(text), *(offset for span in spans for offset in span)})
    return [
        (text[first:last], any(start <= first and last <= end for start, end in spans))
        for first, last in zip(cuts, cuts[1:], strict=False)
        if first < last
    ]
