"""The OpenAPI document's extras (a module of its own: drf-spectacular imports REST framework's
views, which read the API settings that name this class)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse


class TrackerSchema(AutoSchema):
    """Documents the error answers every operation can give, so clients (and schemathesis) know."""

    ERRORS = {
        "400": "An invalid filter value or page: a JSON object naming each parameter with its messages.",
        "404": "No such item, or a page past the end: a JSON object with the reason.",
        "429": "Too many requests from this client: wait and retry.",
    }

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for code, text in self.ERRORS.items():
            bodies.setdefault(
                code, self._get_response_for_code(OpenApiResponse(OpenApiTypes.OBJECT, text), code)
            )
        return bodies
