"""The cursor of PostgreSQL connections that bind and prepare statements on the server (``DATABASE_PREPARE_THRESHOLD``).

A statement's parameters then travel apart from its text, and PostgreSQL's protocol allows at most 65,535 of them:
a lookup of 100,000 ids (``verify_excerpts`` prefetching a million stances' sources, an admin action on every row)
would fail where client-side binding, which writes the values into the text, never does. Statements with that many
values are one-off shapes that preparing would not help anyway: they are bound on the client, as by Django's
default cursor; every other statement is bound by the server.
"""

from psycopg import ClientCursor, Cursor

# Past this many parameters a statement is bound on the client: well under the protocol's 65,535, and more than any
# statement of a fixed shape (a page's ids, a list's filters) carries.
SERVER_BOUND_AT_MOST = 10_000


class ServerBindingCursor(Cursor):
    """psycopg's server-binding cursor, which binds statements with very many parameters on the client."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        if params is not None and len(params) > SERVER_BOUND_AT_MOST:
            query, params = ClientCursor(self.connection).mogrify(query, params), None
        return super().execute(query, params, prepare=prepare, binary=binary)
