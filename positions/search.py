"""The stored search document of each stance, on PostgreSQL: its summary and every quote of its evidence, as one
``tsvector`` in ``positions_stance.search_document``, with a GIN index over published stances.

A search (``StanceQuerySet.search``) is then one test on one column of the stance row. Before, it was the summary's
own index OR'd with a semi-join through the evidence to the quotes' index: for a query of several common words
the planner misjudged how many matched and read every matching quote before the first row (``?q=police budget``
took seconds at a million stances and could run into the statement timeout). One column has one set of
statistics, which the planner reads well: a rare word is found through the index, a common one by walking the
list's order and testing each row's document until the page is full.

The document is kept by triggers, in the writing transaction, whatever writes: the summary when a stance is
written, the quotes when evidence is linked or unlinked (or, outside the app, when a quote is changed). Bulk
loads set the triggers aside and rebuild the documents they leave empty in one set-wise statement
(``maintained_after``).

Quotes are joined with a gap of positions between them, so a phrase (``"city budget"``) matches words that stand
together in one text, never the end of one quote and the start of the next. SQLite keeps its own document, in
an FTS5 table (``positions.search_sqlite``).
"""

from contextlib import contextmanager

from django.db import connection

COLUMN = "search_document"
INDEX = "positions_stance_search_document"
CONFIG = "english"
# A lexeme no text gives (the English parser splits at the hyphen), standing between two texts and then removed:
# it pushes the positions of the second text past the first's.
GAP = "'positions-search-gap':64"

TRIGGERS = {
    "positions_stance": ["positions_stance_search_document"],
    "positions_stanceevidence": [
        "positions_stanceevidence_search_insert",
        "positions_stanceevidence_search_delete",
        "positions_stanceevidence_search_update",
    ],
    "sources_excerpt": ["sources_excerpt_search_update"],
}

INSTALL = [
    f"ALTER TABLE positions_stance ADD COLUMN IF NOT EXISTS {COLUMN} tsvector",
    f"""CREATE OR REPLACE FUNCTION positions_search_join(first tsvector, second tsvector) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT ts_delete(first || '{GAP.replace("'", "''")}'::tsvector || second, 'positions-search-gap') $$""",
    "DROP AGGREGATE IF EXISTS positions_search_agg(tsvector)",
    """CREATE AGGREGATE positions_search_agg(tsvector) (
        SFUNC = positions_search_join, STYPE = tsvector, INITCOND = '', PARALLEL = SAFE)""",
    # One stance's document from its summary and its quotes as they stand, put together as ``REBUILD`` does.
    f"""CREATE OR REPLACE FUNCTION positions_stance_document(stance bigint, summary text) RETURNS tsvector
        LANGUAGE sql STABLE PARALLEL SAFE AS $$
            SELECT positions_search_agg(texts.document ORDER BY texts.place, texts.excerpt_id) FROM (
                SELECT -1 AS place, 0 AS excerpt_id, to_tsvector('{CONFIG}', coalesce(summary, '')) AS document
                UNION ALL
                SELECT excerpt.start, excerpt.id, to_tsvector('{CONFIG}', excerpt.quote)
                FROM positions_stanceevidence AS evidence
                JOIN sources_excerpt AS excerpt ON excerpt.id = evidence.excerpt_id
                WHERE evidence.stance_id = stance
            ) AS texts
        $$""",
    f"""CREATE OR REPLACE FUNCTION positions_stance_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.{COLUMN} := positions_stance_document(NEW.id, NEW.summary);
            RETURN NEW;
        END $$""",
    # Evidence linked or unlinked: the documents of the stances of the statement's rows, once each.
    f"""CREATE OR REPLACE FUNCTION positions_stanceevidence_search() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                UPDATE positions_stance SET {COLUMN} = positions_stance_document(id, summary)
                WHERE id IN (SELECT stance_id FROM changed_new);
            END IF;
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                UPDATE positions_stance SET {COLUMN} = positions_stance_document(id, summary)
                WHERE id IN (SELECT stance_id FROM changed_old);
            END IF;
            RETURN NULL;
        END $$""",
    f"""CREATE OR REPLACE FUNCTION sources_excerpt_search() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE positions_stance SET {COLUMN} = positions_stance_document(id, summary)
            WHERE id IN (SELECT evidence.stance_id FROM positions_stanceevidence AS evidence
                         JOIN changed_new ON changed_new.id = evidence.excerpt_id);
            RETURN NULL;
        END $$""",
    "DROP TRIGGER IF EXISTS positions_stance_search_document ON positions_stance",
    """CREATE TRIGGER positions_stance_search_document BEFORE INSERT OR UPDATE OF summary ON positions_stance
        FOR EACH ROW EXECUTE FUNCTION positions_stance_search_document()""",
    "DROP TRIGGER IF EXISTS positions_stanceevidence_search_insert ON positions_stanceevidence",
    """CREATE TRIGGER positions_stanceevidence_search_insert AFTER INSERT ON positions_stanceevidence
        REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION positions_stanceevidence_search()""",
    "DROP TRIGGER IF EXISTS positions_stanceevidence_search_delete ON positions_stanceevidence",
    """CREATE TRIGGER positions_stanceevidence_search_delete AFTER DELETE ON positions_stanceevidence
        REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION positions_stanceevidence_search()""",
    "DROP TRIGGER IF EXISTS positions_stanceevidence_search_update ON positions_stanceevidence",
    """CREATE TRIGGER positions_stanceevidence_search_update AFTER UPDATE ON positions_stanceevidence
        REFERENCING NEW TABLE AS changed_new OLD TABLE AS changed_old
        FOR EACH STATEMENT EXECUTE FUNCTION positions_stanceevidence_search()""",
    "DROP TRIGGER IF EXISTS sources_excerpt_search_update ON sources_excerpt",
    """CREATE TRIGGER sources_excerpt_search_update AFTER UPDATE ON sources_excerpt
        REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION sources_excerpt_search()""",
]

# The documents left empty (every one, after INSTALL; those a bulk load wrote), set-wise. Stemming the texts is
# most of the cost (about a minute of one core for a million stances and two million quotes): it is done first,
# into a table of its own, where PostgreSQL spreads it over its parallel workers; the documents are then put
# together from the stemmed texts (the summary first, then the quotes in text order) in one pass. ``{stances}`` is
# ``positions_stance`` or a load's ``STAGED`` stances.
STAGING = "positions_search_staging"
STEM = f"""CREATE UNLOGGED TABLE {STAGING} AS
        SELECT stance.id AS stance_id, -1 AS place, 0 AS excerpt_id,
               to_tsvector('{CONFIG}', coalesce(stance.summary, '')) AS document
        FROM {{stances}} AS stance WHERE stance.{COLUMN} IS NULL
        UNION ALL
        SELECT evidence.stance_id, excerpt.start, excerpt.id, to_tsvector('{CONFIG}', excerpt.quote)
        FROM positions_stanceevidence AS evidence
        JOIN sources_excerpt AS excerpt ON excerpt.id = evidence.excerpt_id
        JOIN {{stances}} AS stance ON stance.id = evidence.stance_id
        WHERE stance.{COLUMN} IS NULL"""
DOCUMENTS = f"""SELECT stance_id, positions_search_agg(document ORDER BY place, excerpt_id) AS document
              FROM {STAGING} GROUP BY stance_id"""
REBUILD = [
    STEM.format(stances="positions_stance"),
    f"""UPDATE positions_stance AS stance SET {COLUMN} = documents.document
        FROM ({DOCUMENTS}) AS documents
        WHERE documents.stance_id = stance.id""",
    f"DROP TABLE {STAGING}",
]
# A load's new stances, held apart until their evidence is in (``maintained_after``): positions_stance's columns,
# without its constraints, and not written to the write-ahead log.
STAGED = "positions_stance_staged"

INDEX_SQL = f"CREATE INDEX IF NOT EXISTS {INDEX} ON positions_stance USING gin ({COLUMN}) WHERE status = 'published'"

UNINSTALL = [
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for table, names in TRIGGERS.items() for name in names),
    "DROP FUNCTION IF EXISTS sources_excerpt_search()",
    "DROP FUNCTION IF EXISTS positions_stanceevidence_search()",
    "DROP FUNCTION IF EXISTS positions_stance_search_document()",
    "DROP FUNCTION IF EXISTS positions_stance_document(bigint, text)",
    "DROP AGGREGATE IF EXISTS positions_search_agg(tsvector)",
    "DROP FUNCTION IF EXISTS positions_search_join(tsvector, tsvector)",
    f"DROP INDEX IF EXISTS {INDEX}",
    f"ALTER TABLE positions_stance DROP COLUMN IF EXISTS {COLUMN}",
]


def install(cursor) -> None:
    """Add the column, its triggers and its index, and fill every document."""
    for statement in (*INSTALL, *REBUILD, INDEX_SQL):
        cursor.execute(statement)


def uninstall(cursor) -> None:
    for statement in UNINSTALL:
        cursor.execute(statement)


@contextmanager
def maintained_after(*, staged: bool = False):
    """Within a transaction: set the document triggers and index aside for a bulk write, then fill the documents
    it left empty set-wise (``REBUILD``) and build the index: a trigger run per row and per evidence link would
    cost many minutes at a million stances. Elsewhere than on PostgreSQL, nothing to do.

    With ``staged``, the block writes its new stances into the table whose name it is given (``STAGED``), not into
    ``positions_stance``, and writes no other stance; they are moved in at the end with their documents. So each
    row is written once, where writing it and then filling its document would write it twice, and leave both
    versions in the table for the indexes built after a load to read (at a million stances, about 40 s more). The
    name given elsewhere than on PostgreSQL is ``positions_stance``'s."""
    if connection.vendor != "postgresql":
        yield "positions_stance"
        return
    with connection.cursor() as cursor:
        _set_triggers(cursor, "DISABLE")
        # Built once from the filled documents, rather than kept up to date row by row.
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        if staged:
            cursor.execute(f"CREATE UNLOGGED TABLE {STAGED} (LIKE positions_stance INCLUDING DEFAULTS)")
    yield STAGED if staged else "positions_stance"
    with connection.cursor() as cursor:
        # Before the triggers are back: the stance trigger would make each inserted stance's document again.
        if staged:
            _move_staged(cursor)
        else:
            for statement in REBUILD:
                cursor.execute(statement)
        _set_triggers(cursor, "ENABLE")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as for ALTER TABLE: no index is built with checks pending
        cursor.execute(INDEX_SQL)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _move_staged(cursor) -> None:
    """Insert the ``STAGED`` stances into ``positions_stance`` with their documents, in one statement."""
    cursor.execute(STEM.format(stances=STAGED))
    cursor.execute(f"SELECT * FROM {STAGED} LIMIT 0")
    names = [column.name for column in cursor.description]
    quote = connection.ops.quote_name
    values = ", ".join("documents.document" if name == COLUMN else f"stance.{quote(name)}" for name in names)
    cursor.execute(
        f"""INSERT INTO positions_stance ({", ".join(map(quote, names))}) SELECT {values}
            FROM {STAGED} AS stance JOIN ({DOCUMENTS}) AS documents ON documents.stance_id = stance.id"""
    )
    cursor.execute(f"DROP TABLE {STAGING}")
    cursor.execute(f"DROP TABLE {STAGED}")


def _set_triggers(cursor, action: str) -> None:
    # A table with foreign key checks still pending (earlier writes of the transaction) cannot be altered: they
    # are made now, and the rest of the transaction defers them again.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table, names in TRIGGERS.items():
        for name in names:
            cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {name}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
