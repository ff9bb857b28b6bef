"""The OpenAPI description of the public API: what every operation answers, in every format.

``PublicAutoSchema`` (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``) extends drf-spectacular's AutoSchema
through its public methods: each operation documents its error responses (a 429 only where the view is
throttled, a 400 only where it takes query parameters), and ``?format=csv`` bodies as the CSV text they
are. The error component is added by a postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``).
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework.pagination import CursorPagination

ERROR_COMPONENT = "Error"
ERROR_REFERENCE = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
ERROR_SCHEMA = {
    "type": "object",
    "description": "The one shape of every error response (see ``api.errors``).",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status code, repeated."},
        "code": {
            "type": "string",
            "description": "invalid, not_found, method_not_allowed, throttled, database_unavailable…",
        },
        "message": {"type": "string", "description": "What went wrong, in a sentence."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Each bad query parameter with its problems; empty unless the error is about parameters.",
        },
    },
    "required": ["code", "errors", "message", "status"],
}

ERROR_RESPONSES = {
    "400": "A query parameter is invalid: errors names it.",
    "404": "No such object, page or endpoint.",
    "429": "Too many requests from this client: retry after the Retry-After header's seconds.",
    "503": "The database cannot be reached: retry after the Retry-After header's seconds.",
}
# Errors that say when to come back.
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}}
CSV = "text/csv"


class PublicAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        # A CSV body is text, not the JSON object the same operation answers otherwise.
        for response in responses.values():
            if CSV in response.get("content", {}):
                response["content"][CSV] = {"schema": self.csv_schema()}
        error_content = {"application/json": {"schema": ERROR_REFERENCE}}
        if self.renders_csv():
            # An error to a ?format=csv request is rendered as CSV too (api.renderers).
            error_content[CSV] = {"schema": {"type": "string", "description": "The error's fields as CSV."}}
        for code in self.error_codes(operation):
            response = {"content": error_content, "description": ERROR_RESPONSES[code]}
            if code in ("429", "503"):
                response["headers"] = RETRY_AFTER
            responses.setdefault(code, response)
        return operation

    def error_codes(self, operation) -> list[str]:
        takes_query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
        throttled = bool(self.view.get_throttles())
        return [code for code in ERROR_RESPONSES if (code != "400" or takes_query) and (code != "429" or throttled)]

    def renders_csv(self) -> bool:
        return CSV in self.map_renderers("media_type")

    def csv_schema(self) -> dict:
        columns = ", ".join(getattr(self.view, "csv_columns", {}))
        return {
            "type": "string",
            "description": f"A header row ({columns}), then one row per item; lists are joined with ' | '.",
        }

    def get_paginated_name(self, serializer_name: str) -> str:
        # A cursor page has no count: it must not share the page-number component of the same serializer.
        pagination_class = getattr(self.view, "pagination_class", None)
        if pagination_class is not None and issubclass(pagination_class, CursorPagination):
            return f"CursorPaginated{serializer_name}List"
        return super().get_paginated_name(serializer_name)


def add_error_component(result, generator, request, public):
    """The error shape every operation refers to."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    return result
