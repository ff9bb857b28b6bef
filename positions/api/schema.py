"""The OpenAPI description of the public API: every operation also documents its error responses."""

from drf_spectacular.openapi import AutoSchema

from .serializers import ErrorSerializer

ERROR_RESPONSES = {
    "400": "A query parameter is invalid: errors names it.",
    "404": "No such object, page or endpoint.",
    "429": "Too many requests from this client: retry after the Retry-After header's seconds.",
}


class PublicAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_RESPONSES.items():
            if code == "400" and not self._get_filter_parameters() and not self._get_pagination_parameters():
                continue
            response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            responses.setdefault(code, {**response, "description": description})
        return responses
