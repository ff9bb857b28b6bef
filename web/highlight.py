"""A source's text cut into plain and quoted stretches, so a page can mark every published excerpt in it."""

from dataclasses import dataclass, field


@dataclass
class Segment:
    """A stretch of text and the excerpts covering it; ``opens`` holds those that begin here (an anchor each)."""

    text: str
    excerpts: list[int] = field(default_factory=list)
    opens: list[int] = field(default_factory=list)


def segments(text: str, excerpts: list[dict]) -> list[Segment]:
    """``text`` cut at every excerpt's ``start`` and ``end`` (character offsets; excerpts may overlap)."""
    cuts = sorted({0, len(text), *(e["start"] for e in excerpts), *(e["end"] for e in excerpts)})
    result = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start >= end or end > len(text):
            continue
        covering = [e["id"] for e in excerpts if e["start"] <= start and end <= e["end"]]
        opening = [e["id"] for e in excerpts if e["start"] == start]
        result.append(Segment(text[start:end], covering, opening))
    return result
