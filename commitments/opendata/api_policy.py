"""Paging, throttling and lookups of the JSON API. Kept apart from api.py because REST framework imports
these classes from its settings while its views module loads."""

import re

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle

from ..public.pagination import page_number


class Pagination(PageNumberPagination):
    """A page that is not a number of 1 or more is a 400 naming the parameter; a page past the end
    is a 404 naming it."""

    page_size = 50

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.get(self.page_query_param)
        if page is not None and page_number(page) is None:
            raise ValidationError({"page": [f"“{page}” is not a page number (1 or more)."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound({"page": [f"There is no page {page}."]}) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


class PublicThrottle(AnonRateThrottle):
    scope = "public"


class LookupGuard:
    """An id or slug that cannot exist (a null byte, spaces, punctuation) is a JSON 404 at once,
    before the database sees it: PostgreSQL refuses a null byte with an error, not an empty result."""

    lookup_pattern = re.compile(r"^[-\w]{1,120}$")

    def get_object(self):
        value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        if not self.lookup_pattern.match(value):
            raise NotFound("No such item.")
        return super().get_object()
