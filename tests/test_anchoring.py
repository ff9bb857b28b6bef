"""Finding quotes in source text: pure functions, no database."""

import pytest

from sources import anchoring

TEXT = (
    "Mamdani said, “I am not defunding the police.” Critics — including Bratton — disagreed.\n"
    "Later he said: “I am not defunding the police.” again, at a rally in Queens."
)


def test_an_exact_quote_is_anchored_at_its_offsets_with_context():
    found = anchoring.anchor("The mayor spoke. Crime is down.", "Crime is down", context=6)
    assert (found.start, found.end) == (17, 30)
    assert found.quote == "Crime is down"
    assert found.prefix == "spoke. "[-6:]
    assert found.suffix == "."


def test_a_quote_pasted_with_straight_quotes_matches_curly_quotes_and_keeps_the_sources_characters():
    text = "He wrote: “We don’t need an investigation,” and left."
    found = anchoring.anchor(text, '"We don\'t need an investigation,"')
    assert found.quote == "“We don’t need an investigation,”"
    assert text[found.start : found.end] == found.quote


def test_a_hyphen_matches_an_em_dash_and_line_breaks_match_spaces():
    text = "Critics — including Bratton —\ndisagreed loudly."
    found = anchoring.anchor(text, "Critics - including Bratton - disagreed")
    assert found.quote == "Critics — including Bratton —\ndisagreed"


def test_a_missing_quote_is_refused():
    with pytest.raises(anchoring.QuoteNotFound, match="does not occur"):
        anchoring.anchor(TEXT, "I will defund the police")


def test_an_empty_quote_is_refused():
    with pytest.raises(anchoring.QuoteNotFound, match="empty"):
        anchoring.anchor(TEXT, "   ")


def test_a_quote_that_occurs_twice_is_ambiguous_and_says_how_often():
    with pytest.raises(anchoring.QuoteAmbiguous, match="occurs 2 times") as error:
        anchoring.anchor(TEXT, "I am not defunding the police.")
    assert error.value.occurrences == 2


@pytest.mark.parametrize(
    ("hint", "expected_start"),
    [
        ({"prefix": "Later he said: “"}, TEXT.rindex("I am not")),
        ({"prefix": 'Mamdani said, "'}, TEXT.index("I am not")),
        ({"suffix": "” again, at a rally"}, TEXT.rindex("I am not")),
        ({"suffix": '" Critics'}, TEXT.index("I am not")),
    ],
)
def test_a_prefix_or_suffix_picks_one_of_several_occurrences(hint, expected_start):
    found = anchoring.anchor(TEXT, "I am not defunding the police.", **hint)
    assert found.start == expected_start
    assert TEXT[found.start : found.end] == "I am not defunding the police."


def test_a_prefix_that_matches_no_occurrence_leaves_the_quote_ambiguous():
    with pytest.raises(anchoring.QuoteAmbiguous):
        anchoring.anchor(TEXT, "I am not defunding the police.", prefix="nowhere in the text")


def test_is_anchored_checks_quote_offsets_and_context():
    found = anchoring.anchor(TEXT, "including Bratton")
    fields = {"start": found.start, "end": found.end, "quote": found.quote, "prefix": found.prefix}
    assert anchoring.is_anchored(TEXT, suffix=found.suffix, **fields)
    assert not anchoring.is_anchored(TEXT.replace("Bratton", "Brattin"), suffix=found.suffix, **fields)
    assert not anchoring.is_anchored(TEXT, **{**fields, "start": found.start + 1}, suffix=found.suffix)
    assert not anchoring.is_anchored(TEXT, **{**fields, "prefix": "something else"}, suffix=found.suffix)
    assert not anchoring.is_anchored(TEXT, **{**fields, "end": len(TEXT) + 5}, suffix="")


def test_fold_maps_each_folded_character_back_to_the_original():
    folded, origin = anchoring.fold("a — “b”\n\n c…")
    assert folded == 'a - "b" c...'
    assert [origin[i] for i in (0, 2, 4, 5, 8, 9)] == [0, 2, 4, 5, 10, 11]
