"""What every app's API shares: strict filters and ordering, capped pagination, JSON errors with codes, ETags for
conditional writes, CSV output, per-token throttling. It lives in the first app so that every app may use it
(apps depend one way: regencies <- mou <- masterplans <- smartcity)."""

import datetime
import functools
import hashlib
import re
from collections.abc import Mapping

import django_filters
from django import forms
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import exception_handler
from rest_framework_csv.renderers import PaginatedCSVRenderer

from regencies import data_version
from regencies.spreadsheets import defuse

# Query parameters that every list endpoint takes besides its filters.
API_PARAMETERS = ("page", "page_size", "ordering", "format")


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100  # a larger page_size is capped to this, never refused


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend with the HTML pages' filtersets, which refuse unknown parameters; here the API's
    own parameters (paging, ordering, format) are known too."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            filterset.extra_parameters = (*filterset.extra_parameters, *API_PARAMETERS)
        return filterset

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None and (unknown := filterset.unknown_parameters()):
            raise exceptions.ValidationError(
                {name: [_("Unknown parameter: this list has no filter by that name.")] for name in unknown},
                code="unknown_parameter",
            )
        return super().filter_queryset(request, queryset, view)

    def get_filterset_kwargs(self, request, queryset, view):
        # Bind even without parameters, so that validation (and the unknown-parameter check) always runs.
        return {**super().get_filterset_kwargs(request, queryset, view), "data": request.query_params}


class StrictBooleanField(forms.Field):
    """``true`` or ``false`` (also ``1``/``0``); anything else is an error. Django's NullBooleanField reads an
    unknown value as "no filter", which would hand a caller who typed ``?is_active=yes`` the unfiltered list."""

    default_error_messages = {"invalid": gettext_lazy("Use true or false.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if str(value).lower() in ("true", "1"):
            return True
        if str(value).lower() in ("false", "0"):
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, turned into UTC. Python accepts offsets up to a day, PostgreSQL only up to 15:59, so
    ``...T13:04:18+18:33`` would otherwise be a database error (a 500). A time that UTC cannot hold (before year 1
    or after 9999) becomes the earliest or latest there is, which filters the same."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            limit = datetime.datetime.min if value.utcoffset() > datetime.timedelta(0) else datetime.datetime.max
            return limit.replace(tzinfo=datetime.UTC)


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


def updated_since_filter(field_name="updated_at"):
    """``?updated_since=<ISO 8601 date-time>``: records changed at or after it, for partners who sync."""
    return UtcIsoDateTimeFilter(label=gettext_lazy("Changed since"), field_name=field_name, lookup_expr="gte")


class StrictOrderingFilter(OrderingFilter):
    """Ordering that refuses a field it does not offer (DRF's own ignores it and returns the default order)."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",")]
            allowed = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [field for field in fields if field.lstrip("-") not in allowed]
            if unknown:
                raise exceptions.ValidationError(
                    {
                        self.ordering_param: [
                            _("Cannot order by %(fields)s. Choose from: %(allowed)s.")
                            % {"fields": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)


class CSVRenderer(PaginatedCSVRenderer):
    """A list page as CSV (``?format=csv``); cells that a spreadsheet would run as a formula are defused. A single
    record (a detail) is one row, rather than the empty document that a paginated renderer makes of it, and an
    empty page is its header row, rather than an empty body without a Content-Type."""

    def render(self, data, media_type=None, renderer_context=None, writer_opts=None):
        renderer_context = renderer_context or {}
        if isinstance(data, dict) and self.results_field not in data:
            data = [data]
        rows = data.get(self.results_field) if isinstance(data, dict) else data
        view = renderer_context.get("view")
        if not rows and "header" not in renderer_context and hasattr(view, "get_serializer"):
            renderer_context = {**renderer_context, "header": csv_columns(view.get_serializer())}
        return super().render(defuse(data), media_type, renderer_context, writer_opts)


def csv_columns(serializer, prefix=""):
    """The columns the CSV of ``serializer``'s records has, nested objects flattened as the renderer does (a nested
    list is one column here, as its items are not known)."""
    columns = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):
            columns += csv_columns(field, f"{prefix}{name}.")
        else:
            columns.append(f"{prefix}{name}")
    return sorted(columns)


class StrictFieldsMixin:
    """For write serializers: a field the serializer does not take is a 400 naming it, not silently dropped (a
    typo such as ``"titel"`` would otherwise look like a successful change)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(name for name in data if name not in writable)
            if unknown:
                message = _("Unknown field: this request does not take it.")
                raise exceptions.ValidationError({name: [message] for name in unknown}, code="unknown_field")
        return super().to_internal_value(data)


class WholeNumber:
    """An integer sent as a JSON integer (or a string of plain digits). DRF's own fields read ``1.0``, ``1.000``
    and ``"1.000000"`` as 1: a client who meant a million would never hear of it. Anything else is refused."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "A whole number is required, as a JSON integer such as 1250000000: no decimal point, no separators."
        ),
    }
    plain = re.compile(r"\s*[-+]?\d{1,30}\s*", re.ASCII)

    def to_internal_value(self, data):
        integer = isinstance(data, int) and not isinstance(data, bool)
        if not integer and not (isinstance(data, str) and self.plain.fullmatch(data)):
            self.fail("invalid")
        return super().to_internal_value(data)


class WholeNumberField(WholeNumber, serializers.IntegerField):
    pass


class WholeBigNumberField(WholeNumber, serializers.BigIntegerField):
    pass


WHOLE_NUMBER_FIELDS = {serializers.IntegerField: WholeNumberField, serializers.BigIntegerField: WholeBigNumberField}


class StrictNumbersMixin:
    """For write model serializers: every integer model field (years, quarters, rupiah) takes whole numbers only."""

    serializer_field_mapping = {
        model_field: WHOLE_NUMBER_FIELDS.get(field, field)
        for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
    }


class TokenRateThrottle(UserRateThrottle):
    """Per token when the caller sent one, per user for a browser session."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is not None and hasattr(token, "pk"):
            return self.cache_format % {"scope": self.scope, "ident": f"token-{token.pk}"}
        return super().get_cache_key(request, view)


class AnonymousRateThrottle(AnonRateThrottle):
    scope = "anonymous"


def shared_answer(request, answer):
    """``answer()``, a GET's response, served from the cache shared by every caller who would get the same bytes.

    Only for what every such caller sees alike (published data): the key holds the data version, so any committed
    change makes it old, and today's date, the language, the chosen format and the whole address, so an answer
    is reused only where nothing it depends on differs. Authentication, permissions and throttling have run
    before this; errors and other statuses are never kept."""
    parts = [
        str(data_version.version()),
        timezone.localdate().isoformat(),
        get_language() or "",
        getattr(request, "accepted_media_type", "") or "",
        request.build_absolute_uri(),
    ]
    key = "api:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
    kept = cache.get(key)
    if kept is not None:
        content, headers = kept
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return response
    response = answer()

    def keep(rendered):
        if rendered.status_code == 200:
            cache.set(key, (rendered.content, list(rendered.headers.items())), data_version.TIMEOUT)

    response.add_post_render_callback(keep)
    return response


class SharedListMixin:
    """A viewset whose list is answered from the shared cache (``shared_answer``) for callers who see only what
    everyone sees; ``shares_answers`` says who they are (everyone, unless a view's rows depend on its caller)."""

    def shares_answers(self, request):
        return True

    def list(self, request, *args, **kwargs):
        if not self.shares_answers(request):
            return super().list(request, *args, **kwargs)
        return shared_answer(request, functools.partial(super().list, request, *args, **kwargs))


def etag_for(data):
    """The ETag a GET of ``data`` answers with (what Django's ConditionalGetMiddleware computes from the body)."""
    return f'"{hashlib.md5(JSONRenderer().render(data), usedforsecurity=False).hexdigest()}"'


def check_if_match(request, current_data):
    """Refuse a write whose ``If-Match`` names another version of the record than the current one (412)."""
    wanted = request.headers.get("If-Match")
    if wanted and wanted.strip() != "*" and etag_for(current_data) not in [tag.strip() for tag in wanted.split(",")]:
        raise PreconditionFailed()


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since you read it; read it again and repeat the change."
    default_code = "precondition_failed"


def handle_exception(exc, context):
    """Every API error as JSON: ``{"code": ..., "detail": ..., "fields": {name: [messages]}}``.

    The services' Django errors are mapped too: ``ValidationError`` is a 400 (keyed by field where it names
    one), ``PermissionDenied`` a 403, ``Http404`` a 404.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_error_details(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    if request is not None:  # errors are JSON even when the caller asked for CSV
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    response.data = error_body(exc, response.data)
    return response


def django_error_details(exc):
    """A Django ``ValidationError`` as DRF error details by field, keeping each message's code (``wrong_status``,
    ``incomplete``, ...); errors of the whole record go under ``detail``."""

    # A list of messages raised with one code keeps it only in the exception's arguments.
    shared = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], str) else None

    def details(errors):
        return [
            exceptions.ErrorDetail(message, code=error.code or shared or "invalid")
            for error in errors
            for message in error
        ]

    if hasattr(exc, "error_dict"):
        return {
            ("detail" if name == NON_FIELD_ERRORS else name): details(errors) for name, errors in exc.error_dict.items()
        }
    return {"detail": details(exc.error_list)}


def error_body(exc, data):
    if isinstance(exc, exceptions.ValidationError):
        fields = data if isinstance(data, dict) else {"detail": data}
        codes = exc.get_codes()
        first = next(iter(codes.values()), "invalid") if isinstance(codes, dict) else codes
        while isinstance(first, list | dict):
            first = first[0] if isinstance(first, list) else next(iter(first.values()))
        detail = fields.pop("detail", None)
        body = {"code": first or "invalid", "detail": _("The request is not valid; see the fields.")}
        if detail:
            body["detail"] = " ".join(map(str, detail)) if isinstance(detail, list) else str(detail)
        if fields:
            body["fields"] = fields
        return body
    detail = data.get("detail", data) if isinstance(data, dict) else data
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    return {"code": code if isinstance(code, str) else "error", "detail": str(detail)}


# The error responses every operation may give, for the OpenAPI schema (``complete_schema``).
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error: a machine-readable code, a message, and the messages per field or parameter.",
    "properties": {
        "code": {"type": "string", "description": "e.g. invalid, unknown_parameter, not_authenticated, throttled"},
        "detail": {"type": "string"},
        "fields": {
            "type": "object",
            "description": "Messages by field or query parameter name (a list, or an object for nested data).",
            "additionalProperties": {},
        },
    },
    "required": ["code", "detail"],
}
ERROR_DESCRIPTIONS = {
    "400": gettext_lazy("Bad request: an unknown parameter, a bad filter or ordering value, or invalid data."),
    "401": gettext_lazy("The token is missing where one is needed, malformed, unknown, expired or revoked."),
    "403": gettext_lazy("Not allowed: a read-only token, or an action this user may not take."),
    "404": gettext_lazy("No such record (or one the caller may not see), or no such page."),
    "412": gettext_lazy("If-Match names another version of the record: read it again and repeat the change."),
    "415": gettext_lazy("The body is not JSON (send Content-Type: application/json)."),
    "429": gettext_lazy("Too many requests: wait the number of seconds in Retry-After."),
}
SAFE_METHODS = ("get", "head", "options")
HTTP_METHODS = (*SAFE_METHODS, "post", "put", "patch", "delete")


def error_codes(path, method, operation):
    """The error statuses an operation can answer with, from what it takes."""
    takes_parameters = bool(operation.get("parameters")) or "requestBody" in operation
    has_pages = any(parameter.get("name") == "page" for parameter in operation.get("parameters", []))
    codes = ["401", "429"]
    if takes_parameters:
        codes.append("400")
    if method not in SAFE_METHODS:
        codes.append("403")
    if "{" in path or has_pages:
        codes.append("404")
    if method not in SAFE_METHODS and "{" in path:
        codes.append("412")
    if "requestBody" in operation:
        codes.append("415")
    return sorted(codes)


def complete_schema(result, generator, request, public):
    """drf-spectacular post-processing hook for what every operation shares: the JSON error bodies it may answer
    with, CSV bodies as text (their rows are the JSON records, flattened), and reading without signing in."""
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("Error", ERROR_SCHEMA)
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            if method in SAFE_METHODS and {} not in operation.setdefault("security", []):
                operation["security"].append({})  # anyone may read
            responses = operation.setdefault("responses", {})
            for code in error_codes(path, method, operation):
                responses.setdefault(code, {"description": str(ERROR_DESCRIPTIONS[code]), "content": error})
            if "429" in responses:
                responses["429"].setdefault(
                    "headers",
                    {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
                )
            for response in responses.values():
                if "text/csv" in response.get("content", {}):
                    response["content"]["text/csv"] = {
                        "schema": {"type": "string", "description": "A header row, then one row per record."}
                    }
    return result
