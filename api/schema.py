"""The OpenAPI description of the public API: every operation also documents its error responses.

Added by a drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``),
its documented way to change the generated schema as a whole.
"""

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "The one shape of every error response (see ``api.errors``).",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status code, repeated."},
        "code": {"type": "string", "description": "invalid, not_found, method_not_allowed, throttled…"},
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
}


def add_error_responses(result, generator, request, public):
    """Document the error shape on every operation; a 400 only where the operation takes parameters."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            takes_query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
            for code, description in ERROR_RESPONSES.items():
                if code == "400" and not takes_query:
                    continue
                operation["responses"].setdefault(code, {"content": reference, "description": description})
    return result
