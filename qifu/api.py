"""The REST API under /api/v1/: one NinjaAPI, routers from each domain app, one error format.

Authentication: the browser session (with CSRF) or ``Authorization: Bearer <token>``.
Errors are JSON: {"detail": "...", "errors": {"field": ["message", ...]}} with 400, 401, 403, 404 or 409.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from qifu.core.errors import Conflict
from qifu.organisations.tokens import token_digest


class TokenAuth(HttpBearer):
    """Authorization: Bearer <token> (tokens are issued on the profile page or in the admin)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from qifu.organisations.models import ApiToken

        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's Django session; unsafe methods need the CSRF token (checked only when signed in,
    so that an anonymous request gets 401, not a CSRF error)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if key is not None and user is not None and user.is_authenticated and user.is_active:
            return user
        return None


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Field name → messages (400 only); '__all__' for errors not tied to one field.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "current_version": {"type": "integer", "description": "409 on a stale edit: the version now stored."},
    },
    "required": ["detail"],
}
ERROR_RESPONSES = {
    "400": "Invalid input (field errors in `errors`)",
    "401": "Authentication required",
    "403": "Not allowed for your role",
    "404": "Not found, or outside what you may see",
    "409": "Conflict: the object changed meanwhile (stale version) or clashes with its state",
}


class QifuAPI(NinjaAPI):
    """NinjaAPI whose schema documents the common JSON error answers of every operation."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                codes = ["404"]
                if operation.get("security"):
                    codes += ["401", "403"]
                if method in ("post", "put", "patch", "delete") or operation.get("parameters"):
                    codes.append("400")
                if method in ("patch", "put", "post", "delete"):
                    codes.append("409")
                for code in codes:
                    operation["responses"].setdefault(code, {"description": ERROR_RESPONSES[code], **ref})
        return schema


api = QifuAPI(
    title="qifu API",
    version="1",
    description="企服 qifu: enterprises, commissioners, organisation and (later) the problem ledger.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, detail: str, errors: dict[str, list[str]] | None = None) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "form", "payload")]
        errors.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", "invalid"))
    return _error(request, 400, "Invalid input", errors)


@api.exception_handler(DjangoValidationError)
def _invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in DjangoValidationError(msgs).messages] for field, msgs in exc.error_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return _error(request, 400, "Invalid input", errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Authentication required")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "Not allowed")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found")


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message}
    if exc.current_version is not None:
        body["current_version"] = exc.current_version
    return api.create_response(request, body, status=409)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.get("/health", auth=None, tags=["system"], summary="Liveness of the API (same as /healthz)")
def api_health(request: HttpRequest) -> HttpResponse:
    from qifu.core import health

    healthy, body = health.status()
    return api.create_response(request, body, status=200 if healthy else 503)


from qifu.cooperation.api import router as cooperation_router  # noqa: E402
from qifu.enterprises.api import router as enterprises_router  # noqa: E402
from qifu.ledger.api import router as ledger_router  # noqa: E402
from qifu.notifications.api import router as notifications_router  # noqa: E402
from qifu.organisations.api import router as organisations_router  # noqa: E402
from qifu.projects.api import pass_router  # noqa: E402
from qifu.projects.api import router as projects_router  # noqa: E402
from qifu.resumption.api import router as resumption_router  # noqa: E402
from qifu.supplychain.api import router as supplychain_router  # noqa: E402
from qifu.workforce.api import router as workforce_router  # noqa: E402

api.add_router("/", organisations_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/problems", ledger_router)
api.add_router("/notifications", notifications_router)
api.add_router("/resumption", resumption_router)
api.add_router("/supplychain", supplychain_router)
api.add_router("/workforce", workforce_router)
api.add_router("/projects", projects_router)
api.add_router("/passes", pass_router)
api.add_router("/cooperation", cooperation_router)
