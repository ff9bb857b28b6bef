"""A database outage, for tests of what clients see while it lasts."""

from contextlib import contextmanager

from django.db import OperationalError, connection

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused\n\tIs the server running?'


@contextmanager
def database_down(error: Exception | None = None):
    """Every query fails as it does when the database server is unreachable."""

    def refuse(execute, sql, params, many, context):
        raise error or OperationalError(REFUSED)

    with connection.execute_wrapper(refuse):
        yield
