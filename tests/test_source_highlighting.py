"""A source's text cut into plain and quoted stretches (web.highlight): no database."""

from web.highlight import segments


def test_the_text_is_cut_at_each_excerpt_and_nothing_is_lost():
    text = "Alpha beta gamma delta."
    cut = segments(text, [{"id": 7, "start": 6, "end": 10}])

    assert "".join(segment.text for segment in cut) == text
    assert [(segment.text, segment.excerpts, segment.opens) for segment in cut] == [
        ("Alpha ", [], []),
        ("beta", [7], [7]),
        (" gamma delta.", [], []),
    ]


def test_overlapping_excerpts_share_the_stretch_they_both_cover():
    cut = segments("one two three", [{"id": 1, "start": 0, "end": 7}, {"id": 2, "start": 4, "end": 13}])

    assert [(segment.text, segment.excerpts, segment.opens) for segment in cut] == [
        ("one ", [1], [1]),
        ("two", [1, 2], [2]),
        (" three", [2], []),
    ]
