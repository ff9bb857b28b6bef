"""CSV for spreadsheet users: one flat row per item of a JSON list, columns chosen by the view."""

import csv
import io
from functools import lru_cache

import orjson
from django.conf import settings
from rest_framework.renderers import JSONRenderer
from rest_framework_csv.renderers import CSVRenderer


class FastJSONRenderer(JSONRenderer):
    """DRF's JSON, written by orjson: the same compact UTF-8 bytes for the data the serializers produce, several
    times faster on large pages. A client asking for indented JSON (``Accept: application/json; indent=4``) gets
    DRF's own rendering."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            return orjson.dumps(data, option=orjson.OPT_PASSTHROUGH_DATETIME, default=self.encoder_class().default)
        except TypeError:  # a value orjson cannot write, e.g. an integer beyond 64 bits
            return super().render(data, accepted_media_type, renderer_context)


@lru_cache(maxsize=512)
def path_names(path: str) -> tuple[str, ...]:
    """A column's dotted path as its names, split once: ``"excerpts[].source.slug"``."""
    return tuple(path.split("."))


def pluck(item, names: tuple[str, ...]):
    """The value at a dotted path (``path_names``) in a JSON item; ``[]`` after a name maps over a list.

    ``"excerpts[].source.slug"`` is the list of every excerpt's source slug.
    """
    for index, name in enumerate(names):
        if name.endswith("[]"):
            values = item.get(name[:-2]) or []
            rest = names[index + 1 :]
            return [pluck(value, rest) for value in values] if rest else list(values)
        item = item.get(name) if isinstance(item, dict) else None
        if item is None:
            return None
    return item


def cell(value) -> str | int | None:
    if isinstance(value, list):
        return " | ".join(str(part) for part in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class FlatCSVRenderer(CSVRenderer):
    """Renders the page's ``results`` (or a bare list) with the view's ``csv_columns``.

    ``csv_columns`` maps each column to a dotted path in the JSON item (see ``pluck``); lists become
    ``" | "``-separated cells. The link to the next page goes in a ``Link`` header, as the JSON body
    gives it in ``next``.
    """

    def render(self, data, media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        columns = getattr(view, "csv_columns", None)
        response = renderer_context.get("response")
        if columns is None or (response is not None and response.status_code >= 400):
            # Errors (and anything without declared columns) keep their own keys.
            return super().render(data, media_type, renderer_context)
        if isinstance(data, dict):
            # A page gives its results; a detail view is a single row.
            items = data["results"] if "results" in data else [data]
        else:
            items = data
        if isinstance(data, dict) and data.get("next") and response is not None:
            response["Link"] = f'<{data["next"]}>; rel="next"'
        # The rows are flat already: written as they are, rather than flattened again by the CSV library's
        # ``tablize`` (which took most of a CSV page's time), with the same header, cells and encoding.
        paths = [path_names(path) for path in columns.values()]
        buffer = io.StringIO()
        writer = csv.writer(buffer, **(renderer_context.get("writer_opts") or self.writer_opts or {}))
        writer.writerow(columns)
        writer.writerows([cell(pluck(item, names)) for names in paths] for item in items)
        return buffer.getvalue().encode(renderer_context.get("encoding", settings.DEFAULT_CHARSET))
