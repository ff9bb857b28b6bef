"""The stored search document of each stance on SQLite: its summary and every quote of its evidence, in an FTS5
table (``positions_stance_search``, the stance's id as rowid) kept by triggers, in the writing transaction, whatever
writes. It is SQLite's counterpart of ``positions.search`` (PostgreSQL's ``tsvector`` column): a search is one
look-up in the table's index, however common or rare its words, where a substring test of every summary and every
quote read the whole database (99 ms at 100,000 stances).

Texts are stemmed by FTS5's Porter tokenizer, as PostgreSQL's English configuration stems them; unlike it, FTS5
keeps stop words, so ``the`` in a query must be in the record. Between two texts of a document stands a token no
text gives (``GAP``), so a phrase matches words that stand together in one text, never the end of one quote and
the start of the next.

``match_expression`` turns a query in web-search syntax (``police budget``, ``"city budget"``, ``-ice``,
``police or budget``), as PostgreSQL's ``websearch_to_tsquery`` reads it, into an FTS5 expression of quoted terms,
so that no character of a query is ever FTS5 syntax.
"""

import re
from dataclasses import dataclass, field

TABLE = "positions_stance_search"
GAP = "stancetrackergap"

# The document of each stance whose id passes ``{ids}`` (an SQL condition on ``stance.id``): its summary and its
# quotes, in any order (the gap keeps them apart).
_DOCUMENTS = f"""INSERT INTO {TABLE} (rowid, document)
    SELECT stance.id, coalesce(stance.summary, '') || coalesce((
        SELECT ' {GAP} ' || group_concat(excerpt.quote, ' {GAP} ')
        FROM positions_stanceevidence AS evidence
        JOIN sources_excerpt AS excerpt ON excerpt.id = evidence.excerpt_id
        WHERE evidence.stance_id = stance.id), '')
    FROM positions_stance AS stance WHERE stance.id {{ids}};"""


def _refresh(ids: str) -> str:
    """Statements that write again the documents of the stances whose ids pass ``ids`` (``= NEW.id``)."""
    return f"DELETE FROM {TABLE} WHERE rowid {ids}; {_DOCUMENTS.format(ids=ids)}"


_OF_EXCERPT = "IN (SELECT stance_id FROM positions_stanceevidence WHERE excerpt_id = NEW.id)"
TRIGGERS = {
    "positions_stance_search_insert": f"AFTER INSERT ON positions_stance BEGIN {_refresh('= NEW.id')} END",
    "positions_stance_search_update": f"AFTER UPDATE OF summary ON positions_stance BEGIN {_refresh('= NEW.id')} END",
    "positions_stance_search_delete": (
        f"AFTER DELETE ON positions_stance BEGIN DELETE FROM {TABLE} WHERE rowid = OLD.id; END"
    ),
    "positions_stanceevidence_search_insert": (
        f"AFTER INSERT ON positions_stanceevidence BEGIN {_refresh('= NEW.stance_id')} END"
    ),
    "positions_stanceevidence_search_delete": (
        f"AFTER DELETE ON positions_stanceevidence BEGIN {_refresh('= OLD.stance_id')} END"
    ),
    "positions_stanceevidence_search_update": (
        "AFTER UPDATE ON positions_stanceevidence BEGIN "
        f"{_refresh('= OLD.stance_id')} {_refresh('= NEW.stance_id')} END"
    ),
    # Rows loaded in any order (a restored copy): a quote may come after the link to it.
    "sources_excerpt_search_insert": f"AFTER INSERT ON sources_excerpt BEGIN {_refresh(_OF_EXCERPT)} END",
    "sources_excerpt_search_update": f"AFTER UPDATE OF quote ON sources_excerpt BEGIN {_refresh(_OF_EXCERPT)} END",
}

CREATE_TABLE = f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(document, tokenize = 'porter unicode61')"
REBUILD = [f"DELETE FROM {TABLE}", _DOCUMENTS.format(ids="IS NOT NULL")]
DROP_TRIGGERS = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]
CREATE_TRIGGERS = [f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in TRIGGERS.items()]


def install(cursor) -> None:
    """The table, every document, and the triggers that keep them."""
    for statement in (CREATE_TABLE, *REBUILD, *CREATE_TRIGGERS):
        cursor.execute(statement)


def uninstall(cursor) -> None:
    for statement in (*DROP_TRIGGERS, f"DROP TABLE IF EXISTS {TABLE}"):
        cursor.execute(statement)


def is_own_table(name: str) -> bool:
    """The FTS5 table and the tables SQLite keeps for it (``…_data``, ``…_idx``…)."""
    return name == TABLE or name.startswith(f"{TABLE}_")


# A query matching at least this many records is read in the list's order, each row tested against the matches:
# the page fills after a few rows (a common word). Below it, the matches are read by their keys and sorted (a rare
# word), rather than walking the whole list to find them. About the square root of a page of 50 times 100,000.
COMMON = 2_000


def is_common(expression: str, *, using: str = "default") -> bool:
    """Whether ``expression`` matches ``COMMON`` records or more: one look-up that stops counting there."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT {COMMON})", [expression]
        )
        return cursor.fetchone()[0] >= COMMON


# --- Queries ---------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


@dataclass
class _Group:
    """Terms that must all match (``include``) and none of which may (``exclude``); groups are OR'd."""

    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


def _term(text: str) -> str | None:
    """An FTS5 string: a word, or a phrase of the words in ``text``; ``None`` if it has none."""
    words = _WORD.findall(text)
    return '"' + " ".join(words) + '"' if words else None


def _groups(query: str) -> list[_Group]:
    groups = [_Group()]
    for match in _TOKEN.finditer(query):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare.lower() == "or":
            if groups[-1].include or groups[-1].exclude:
                groups.append(_Group())
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        term = _term(phrase if phrase is not None else bare)
        if term is not None:
            (groups[-1].exclude if negated else groups[-1].include).append(term)
    return [group for group in groups if group.include or group.exclude]


@dataclass(frozen=True)
class Match:
    """What a query selects: the stances matching ``expression`` (all of them when ``None``), less those matching
    ``excluded`` (none when ``None``)."""

    expression: str | None
    excluded: str | None = None


def match_expression(query: str) -> Match | None:
    """The FTS5 expression of a web-search query, or ``None`` when the query has no word (it matches nothing).

    A group of negated terms alone (``-ice``) selects every stance without them, as on PostgreSQL; in a query of
    several groups such a group is left out, FTS5 having no "everything but"."""
    groups = _groups(query)
    if not groups:
        return None
    if len(groups) == 1 and not groups[0].include:
        return Match(expression=None, excluded=" OR ".join(groups[0].exclude))
    parts = []
    for group in groups:
        if not group.include:
            continue
        part = " AND ".join(group.include)
        if group.exclude:
            part = f"({part}) NOT ({' OR '.join(group.exclude)})"
        parts.append(f"({part})")
    return Match(expression=" OR ".join(parts))
