"""The benchmarked endpoints as datasette canned queries over the SQLite copy (``sqlite_copy.py``).

Each query returns the rows the API's endpoint returns — same filter, same order, same page size, each
stance with its excerpts and their sources — computed as datasette would have to, from the plain tables
(window functions for series, steps and as-of; FTS5 for search), not from the API's stored series columns.
Endpoints with no fair equivalent (the unfiltered positions and shifts, which datasette could only compute
over every series at once) have none and show "–".
"""

PAGE = 50
PUBLISHED = "s.status = 'published'"
EXCERPTS = """(SELECT json_group_array(json_object('quote', e.quote, 'source', src.slug, 'url', src.url))
     FROM positions_stanceevidence se JOIN sources_excerpt e ON e.id = se.excerpt_id
     JOIN sources_source src ON src.id = e.source_id WHERE se.stance_id = {stance})"""
STANCE_COLUMNS = f"""s.id, a.slug AS actor, a.name AS actor_name, p.slug AS policy, p.name AS policy_name,
    s.position, s.stated_on, s.stated_by, s.date_precision, s.known_from, s.evidence_kind, s.qualifier,
    s.summary, {EXCERPTS.format(stance="s.id")} AS excerpts"""
STANCE_JOINS = "JOIN positions_actor a ON a.id = s.actor_id JOIN positions_policy p ON p.id = s.policy_id"
ACTOR = "(SELECT id FROM positions_actor WHERE slug = :actor)"
POLICY = "(SELECT id FROM positions_policy WHERE slug = :policy)"
SERIES_ORDER = "s.known_from, s.stated_on, s.id"

QUERIES = {
    "timeline": f"""
        SELECT {STANCE_COLUMNS}, lag(s.position) OVER series AS previous_position
        FROM positions_stance s {STANCE_JOINS}
        WHERE s.actor_id = {ACTOR} AND s.policy_id = {POLICY} AND {PUBLISHED}
        WINDOW series AS (PARTITION BY s.qualifier ORDER BY {SERIES_ORDER})
        ORDER BY s.qualifier, {SERIES_ORDER} LIMIT {PAGE}""",
    "positions_as_of": f"""
        WITH ranked AS (
            SELECT s.*, row_number() OVER (PARTITION BY s.actor_id, s.qualifier
                                           ORDER BY s.known_from DESC, s.stated_on DESC, s.id DESC) AS latest
            FROM positions_stance s
            WHERE s.policy_id = {POLICY} AND {PUBLISHED} AND s.known_from <= :day)
        SELECT {STANCE_COLUMNS} FROM ranked s {STANCE_JOINS}
        WHERE s.latest = 1 ORDER BY a.name, a.id, s.qualifier, s.id LIMIT {PAGE}""",
    "shifts_of_actor": f"""
        WITH steps AS (
            SELECT s.*, lag(s.id) OVER series AS from_id, lag(s.position) OVER series AS from_position,
                   lag(s.known_from) OVER series AS from_known_from
            FROM positions_stance s WHERE s.actor_id = {ACTOR} AND {PUBLISHED}
            WINDOW series AS (PARTITION BY s.policy_id, s.qualifier ORDER BY {SERIES_ORDER}))
        SELECT {STANCE_COLUMNS}, s.from_id, s.from_position,
               CASE WHEN s.from_position * s.position < 0 THEN 'reversal'
                    WHEN abs(s.position) < abs(s.from_position) THEN 'softening' ELSE 'hardening' END AS kind,
               {EXCERPTS.format(stance="s.from_id")} AS from_excerpts
        FROM steps s {STANCE_JOINS}
        WHERE s.from_id IS NOT NULL AND s.position != s.from_position AND s.from_known_from < s.stated_on
        ORDER BY s.known_from DESC, s.stated_on DESC, s.id DESC LIMIT {PAGE}""",
    "stances_of_policy": f"""
        SELECT {STANCE_COLUMNS} FROM positions_stance s {STANCE_JOINS}
        WHERE s.policy_id = {POLICY} AND {PUBLISHED} ORDER BY s.known_from DESC, s.id DESC LIMIT {PAGE}""",
    "stance": f"""
        SELECT {STANCE_COLUMNS} FROM positions_stance s {STANCE_JOINS} WHERE s.id = :id AND {PUBLISHED}""",
    "search": f"""
        WITH hits AS (
            SELECT rowid AS id FROM positions_stance_fts WHERE positions_stance_fts MATCH :q
            UNION
            SELECT se.stance_id FROM sources_excerpt_fts f JOIN positions_stanceevidence se ON se.excerpt_id = f.rowid
            WHERE sources_excerpt_fts MATCH :q)
        SELECT {STANCE_COLUMNS} FROM hits JOIN positions_stance s ON s.id = hits.id {STANCE_JOINS}
        WHERE {PUBLISHED} ORDER BY s.known_from DESC, s.id DESC LIMIT {PAGE}""",
    # A page of actors with what the API gives of each: its roles, its published stance count and its latest
    # position in each series as of :day (today, as the API's), found per series by a window over the page's
    # actors' stances.
    "actors": f"""
        WITH page AS (
            SELECT a.id, a.slug, a.name, a.kind, a.description, a.wikidata_id, parent.slug AS parent
            FROM positions_actor a LEFT JOIN positions_actor parent ON parent.id = a.parent_id
            ORDER BY a.name, a.id LIMIT {PAGE}),
        ranked AS (
            SELECT s.id, s.actor_id, s.policy_id, s.qualifier, s.position, s.stated_on, s.stated_by,
                   s.date_precision, s.known_from, s.summary,
                   row_number() OVER (PARTITION BY s.actor_id, s.policy_id, s.qualifier
                                      ORDER BY s.known_from DESC, s.stated_on DESC, s.id DESC) AS latest
            FROM positions_stance s
            WHERE s.actor_id IN (SELECT id FROM page) AND {PUBLISHED} AND s.known_from <= :day)
        SELECT page.*,
               (SELECT count(*) FROM positions_stance s WHERE s.actor_id = page.id AND {PUBLISHED}) AS stance_count,
               (SELECT json_group_array(json_object('title', r.title, 'organization', o.slug,
                                                    'start_on', r.start_on, 'end_on', r.end_on))
                FROM (SELECT * FROM positions_role WHERE actor_id = page.id ORDER BY start_on, id) r
                LEFT JOIN positions_actor o ON o.id = r.organization_id) AS roles,
               (SELECT json_group_array(json_object(
                           'stance', l.id, 'policy', l.slug, 'policy_name', l.name, 'qualifier', l.qualifier,
                           'position', l.position, 'stated_on', l.stated_on, 'stated_by', l.stated_by,
                           'date_precision', l.date_precision, 'known_from', l.known_from, 'summary', l.summary))
                FROM (SELECT ranked.*, p.slug, p.name FROM ranked JOIN positions_policy p ON p.id = ranked.policy_id
                      WHERE ranked.actor_id = page.id AND ranked.latest = 1
                      ORDER BY p.name, p.id, ranked.qualifier) l) AS latest_positions
        FROM page ORDER BY page.name, page.id""",
    "stances_before": f"""
        SELECT {STANCE_COLUMNS} FROM positions_stance s {STANCE_JOINS}
        WHERE {PUBLISHED} AND s.known_from < :day ORDER BY s.known_from DESC, s.id DESC LIMIT {PAGE}""",
    "stances": f"""
        SELECT {STANCE_COLUMNS} FROM positions_stance s {STANCE_JOINS}
        WHERE {PUBLISHED} ORDER BY s.known_from DESC, s.id DESC LIMIT {PAGE}""",
}


def metadata(database: str) -> dict:
    """datasette's metadata: the canned queries of ``database``."""
    return {"databases": {database: {"queries": {name: {"sql": sql} for name, sql in QUERIES.items()}}}}


def url(database: str, query: str, extension: str = "json", **parameters) -> str:
    """The URL of a canned query with its parameters; JSON as a plain array of rows."""
    from urllib.parse import urlencode

    shape = {"_shape": "array"} if extension == "json" else {}
    return f"/{database}/{query}.{extension}?{urlencode({**parameters, **shape})}"
