"""`/auth/*`: the JSON endpoints the dashboard signs people in and out with (docs/accounts.md).

Not part of the public API (left out of /openapi.json): they take and set the session cookie,
and every one of them is a POST held to the same-origin rule (app.web.sessions), with a JSON
body (a cross-site HTML form cannot send one). Each is a thin call of a resolver in
schema/accounts/resolvers.py; errors leave in the REST shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.core.errors import ApiError, ErrorCode, from_pydantic
from app.core.validation import loads_strict
from app.web.guard import admit, services_of
from app.web.sessions import check_same_origin, clear_session_cookie, session_token, set_session_cookie
from schema.accounts import resolvers as accounts

router = APIRouter(prefix="/auth", include_in_schema=False)


async def _body(request: Request, model: type[BaseModel]) -> Any:
    check_same_origin(request, services_of(request).settings)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise ApiError(ErrorCode.VALIDATION_ERROR, "Send a JSON body with Content-Type: application/json.")
    raw = await request.body()
    try:
        return model.model_validate(loads_strict(raw) if raw else {})
    except ValidationError as exc:
        raise from_pydantic(exc.errors()) from None


def _json(model: BaseModel | dict, status: int = 200) -> JSONResponse:
    content = model.model_dump(by_alias=True, mode="json") if isinstance(model, BaseModel) else model
    return JSONResponse(content, status_code=status)


def _signed_in(request: Request, started: accounts.Started, status: int = 200) -> JSONResponse:
    response = _json(started.view, status)
    set_session_cookie(response, started.token, services_of(request).settings)
    return response


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/signup")
async def signup(request: Request) -> Response:
    data = await _body(request, accounts.SignUp)
    started = await accounts.sign_up(services_of(request).settings, data, session_token(request))
    return _signed_in(request, started, 201)


@router.post("/login")
async def login(request: Request) -> Response:
    data = await _body(request, accounts.LogIn)
    started = await accounts.log_in(services_of(request).settings, data, _client(request), session_token(request))
    return _signed_in(request, started)


@router.post("/logout")
async def logout(request: Request) -> Response:
    check_same_origin(request, services_of(request).settings)
    await accounts.end_session(services_of(request).settings, session_token(request))
    response = Response(status_code=204)
    clear_session_cookie(response, services_of(request).settings)
    return response


@router.post("/verify")
async def verify(request: Request) -> Response:
    data = await _body(request, accounts.TokenIn)
    return _json(await accounts.verify_email(services_of(request).settings, data))


@router.post("/verify/resend")
async def resend_verification(request: Request) -> Response:
    """Mail the signed-in person a new verification link."""
    check_same_origin(request, services_of(request).settings)
    if session_token(request) is None:
        raise ApiError(ErrorCode.UNAUTHORIZED, "Sign in first.")
    principal = await admit(request, people=True)
    if not principal.is_person:
        raise ApiError(ErrorCode.UNAUTHORIZED, "Sign in first.")
    return _json(await accounts.resend_verification(services_of(request).settings, principal), 202)


@router.post("/password-reset")
async def password_reset(request: Request) -> Response:
    data = await _body(request, accounts.PasswordResetRequest)
    await accounts.request_password_reset(services_of(request).settings, data)
    return _json({"status": "sent if the address has an account"}, 202)


@router.post("/password-reset/confirm")
async def password_reset_confirm(request: Request) -> Response:
    data = await _body(request, accounts.PasswordResetConfirm)
    person = await accounts.confirm_password_reset(services_of(request).settings, data)
    response = _json(person)
    clear_session_cookie(response, services_of(request).settings)  # every session ended: sign in again
    return response


@router.post("/invitations/accept")
async def accept_invitation(request: Request) -> Response:
    data = await _body(request, accounts.InvitationAccept)
    started = await accounts.accept_invitation(services_of(request).settings, data, session_token(request))
    return _signed_in(request, started)


@router.post("/setup")
async def setup(request: Request) -> Response:
    data = await _body(request, accounts.OwnerSetup)
    started = await accounts.set_up_owner(services_of(request).settings, data, session_token(request))
    return _signed_in(request, started, 201)


@router.post("/organization")
async def switch_organization(request: Request) -> Response:
    """Point the session at another organization of the person's (the dashboard's switcher)."""
    data = await _body(request, accounts.OrganizationSwitch)
    if session_token(request) is None:
        raise ApiError(ErrorCode.UNAUTHORIZED, "Sign in first.")
    principal = await admit(request, people=True)
    return _json(await accounts.switch_organization(services_of(request).settings, principal, data))
