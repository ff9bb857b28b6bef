"""SQL expressions of Django's public kind (``django.db.models.Expression``) that the ORM does not offer."""

import re

from django.db import models

# Words an inline constant may be: the values of a code's own choices (a status), never input from a request.
_WORD = re.compile(r"[A-Za-z0-9_]+")


class Constant(models.Value):
    """A fixed word of the code written into the statement itself (``'published'``), not sent as a parameter.

    The database then sees the value when it plans a prepared statement once for every execution: a partial
    index whose condition is ``status = 'published'`` can serve the generic plan, which it cannot for
    ``status = $1`` (the value of ``$1`` is unknown when that plan is made). ``filter(status=Constant(...))``.
    Only plain words are taken, so the text needs no quoting beyond its two quote marks.
    """

    def __init__(self, value: str, output_field=None):
        if not isinstance(value, str) or not _WORD.fullmatch(value):
            raise ValueError(f"Constant takes a plain word of the code, not {value!r}")
        super().__init__(str(value), output_field=output_field)

    def as_sql(self, compiler, connection):
        return f"'{self.value}'", []
