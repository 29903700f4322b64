"""Accounts over /auth/* and /graphql: sign-up to viewer through the outbox link, the
same-origin rule, session fixation and logout, login throttling, sign-up modes, invitations
and password reset."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from app.core import clock
from models import ApiKey, Membership, Message, Organization, User, UserSession
from tests.helpers import (
    ORIGIN,
    PASSWORD,
    SESSION_COOKIE,
    auth_post,
    delivery_worker,
    gql,
    link_in_eml,
    log_in_ok,
    session_of,
)

VIEWER = "{ viewer { organization { id name } apiKey { id } user { id email emailVerified } role } }"
CREATE_KEY = 'mutation { createApiKey(input: {name: "x"}) { secret userErrors { code } } }'


def unique_email(label: str = "p") -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@example.com"


async def mailed_link(settings, tmp_path, organization_id: str, to: str) -> str:
    """Deliver the organization's queued mail into an outbox folder; the link mailed to `to`."""
    worker = delivery_worker(dataclasses.replace(settings, outbox_dir=str(tmp_path)))
    try:
        await worker.drain()
    finally:
        await worker.transport.close()
    message = await Message.filter(organization_id=organization_id, to=[to]).order_by("-created_at").first()
    assert message is not None and message.status == "sent", message
    return link_in_eml(tmp_path / f"{message.id}.eml")


def fresh_address() -> str:
    """A client address no earlier test (or run: failures stay in the database) has used."""
    return "10." + ".".join(str(secrets.randbelow(254) + 1) for _ in range(3))


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


async def test_sign_up_verify_through_the_outbox_link_log_in_and_ask_graphql_who_i_am(
    make_client, make_person, settings, tmp_path, test_organizations,
):
    await make_person("owner")  # not the server's first account (that one owns `default`)
    client = await make_client(signup="open")
    email, org = unique_email("founder"), f"acme-{uuid.uuid4().hex[:8]}"
    response = await auth_post(client, "signup", {"email": email, "password": PASSWORD, "organization": org})
    assert response.status_code == 201, response.text
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie and "secure" not in set_cookie
    session = session_of(client, response)
    test_organizations.add(session.organization_id)
    stored = await UserSession.get(user_id=session.user_id)
    assert session.cookie not in (stored.token_hash, stored.id)  # only a digest is kept

    data = (await gql(client, session, VIEWER)).json()["data"]["viewer"]
    assert data == {"organization": {"id": session.organization_id, "name": org}, "apiKey": None,
                    "user": {"id": session.user_id, "email": email, "emailVerified": False}, "role": "OWNER"}

    resent = await auth_post(client, "verify/resend", {}, session.cookie)  # a second link, the one used below
    assert resent.status_code == 202 and resent.json()["emailVerified"] is False
    assert await Message.filter(organization_id=session.organization_id, to=[email]).count() == 2
    link = await mailed_link(settings, tmp_path, session.organization_id, email)
    assert link.startswith(f"{settings.public_url}/dashboard/verify?token=")
    verified = await auth_post(client, "verify", {"token": token_of(link)})
    assert verified.status_code == 200 and verified.json()["emailVerified"] is True
    again = await auth_post(client, "verify", {"token": token_of(link)})  # single use
    assert again.status_code == 422 and again.json()["error"]["details"][0]["field"] == "token"
    before = await Message.filter(organization_id=session.organization_id).count()
    resent = await auth_post(client, "verify/resend", {}, session.cookie)
    assert resent.status_code == 202 and resent.json()["emailVerified"] is True
    assert await Message.filter(organization_id=session.organization_id).count() == before  # verified: no mail
    assert (await auth_post(client, "verify/resend", {})).status_code == 401

    assert (await auth_post(client, "logout", {}, session.cookie)).status_code == 204
    session = await log_in_ok(client, email)
    data = (await gql(client, session, VIEWER)).json()["data"]["viewer"]
    assert data["user"]["emailVerified"] is True and data["organization"]["name"] == org


async def test_a_cross_site_request_with_the_cookie_is_refused_and_same_origin_works(client, make_person):
    owner = await make_person("owner")
    cookie = {"Cookie": f"{SESSION_COOKIE}={owner.cookie}"}
    keys_before = await ApiKey.filter(organization_id=owner.organization_id).count()
    refused = [
        # a cross-origin fetch with credentials
        {**cookie, "Origin": "https://evil.example"},
        {**cookie, "Origin": ORIGIN, "Sec-Fetch-Site": "cross-site"},
        {**cookie, "Sec-Fetch-Site": "same-site"},
        # no Origin and no Sec-Fetch-Site: nothing shows it comes from us
        cookie,
    ]
    for headers in refused:
        response = await client.post("/graphql", json={"query": CREATE_KEY}, headers=headers)
        assert response.status_code == 403, headers
        assert response.json()["errors"][0]["extensions"]["code"] == "forbidden"
    # A cross-site HTML form post (urlencoded, no JSON) to GraphQL and to the auth endpoints.
    form = {**cookie, "Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"}
    assert (await client.post("/graphql", content=f"query={CREATE_KEY}", headers=form)).status_code == 403
    for path in ("logout", "login", "signup"):
        response = await client.post(f"/auth/{path}", content="email=a%40b.c", headers=form)
        assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", path
    assert await ApiKey.filter(organization_id=owner.organization_id).count() == keys_before
    # The session survived all of that; from our own origin it acts.
    for headers in ({**cookie, "Origin": ORIGIN}, {**cookie, "Sec-Fetch-Site": "same-origin"}):
        response = await client.post("/graphql", json={"query": CREATE_KEY}, headers=headers)
        assert response.status_code == 200 and response.json()["data"]["createApiKey"]["secret"], response.text
    assert await ApiKey.filter(organization_id=owner.organization_id).count() == keys_before + 2


async def test_login_rotates_the_session_and_logout_ends_it(client, make_person):
    person = await make_person("member")
    assert (await gql(client, person, VIEWER)).status_code == 200
    # Logging in with a cookie already set (a planted one, or the person's own): a new token,
    # and the old one no longer works.
    fresh = await log_in_ok(client, person.email, cookie=person.cookie)
    assert fresh.cookie != person.cookie
    stale = await gql(client, person, VIEWER)
    assert stale.status_code == 401 and stale.json()["errors"][0]["extensions"]["code"] == "unauthorized"
    planted = "attacker-chosen-value"
    after_planted = await log_in_ok(client, person.email, cookie=planted)
    assert after_planted.cookie != planted
    assert (await gql(client, fresh, VIEWER)).status_code == 200  # other sessions of the person go on

    out = await auth_post(client, "logout", {}, fresh.cookie)
    assert out.status_code == 204 and f'{SESSION_COOKIE}=""' in out.headers["set-cookie"]
    assert (await gql(client, fresh, VIEWER)).status_code == 401
    assert (await gql(client, after_planted, VIEWER)).status_code == 200


async def test_sessions_expire_when_idle(make_client, make_person):
    person = await make_person("member")
    client = await make_client()
    assert (await gql(client, person, VIEWER)).status_code == 200
    await UserSession.filter(user_id=person.user_id).update(expires_at=clock.now() - timedelta(seconds=1))
    assert (await gql(client, person, VIEWER)).status_code == 401


async def test_login_is_throttled_per_account(make_client, make_person):
    person = await make_person("member")
    here, elsewhere = await make_client(address=fresh_address()), await make_client(address=fresh_address())
    for _ in range(10):
        assert (await auth_post(here, "login", {"email": person.email, "password": "wrong"})).status_code == 401
    # The right password, from another address: the account is locked for the window.
    locked = await auth_post(elsewhere, "login", {"email": person.email.upper(), "password": PASSWORD})
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "rate_limited"
    assert 0 < int(locked.headers["Retry-After"]) <= 900
    # Another account from that address is not held back.
    other = await make_person("member")
    assert (await auth_post(elsewhere, "login", {"email": other.email, "password": PASSWORD})).status_code == 200


async def test_login_is_throttled_per_client_address(make_client, make_person):
    person = await make_person("member")
    here, elsewhere = await make_client(address=fresh_address()), await make_client(address=fresh_address())
    for i in range(10):  # ten different (unknown) accounts from one address
        response = await auth_post(here, "login", {"email": unique_email(f"guess{i}"), "password": "wrong"})
        assert response.status_code == 401
    refused = await auth_post(here, "login", {"email": person.email, "password": PASSWORD})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert (await auth_post(elsewhere, "login", {"email": person.email, "password": PASSWORD})).status_code == 200


@pytest.mark.parametrize("mode", ["invite", "closed"])
async def test_sign_up_needs_an_invitation_unless_open(make_client, make_person, mode):
    await make_person("owner")  # an account exists: not the first sign-up
    client = await make_client(signup=mode)
    email = unique_email()
    response = await auth_post(client, "signup", {"email": email, "password": PASSWORD})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert not await User.filter(email_key=email).exists()


async def test_open_sign_up_makes_an_organization_each_and_one_account_per_address(
    make_client, make_person, test_organizations,
):
    await make_person("owner")  # not the server's first account (that one owns `default`)
    client = await make_client(signup="open")
    email = unique_email()
    first = session_of(client, await auth_post(client, "signup", {"email": email, "password": PASSWORD}))
    test_organizations.add(first.organization_id)
    assert first.role == "owner" and (await Organization.get(id=first.organization_id)).name == email
    again = await auth_post(client, "signup", {"email": email.upper(), "password": PASSWORD})
    assert again.status_code == 409 and again.json()["error"]["details"][0]["field"] == "email"
    short = await auth_post(client, "signup", {"email": unique_email(), "password": "short"})
    assert short.status_code == 422 and short.json()["error"]["details"][0]["field"] == "password"


INVITE = """mutation($e: String!, $r: Role!) { inviteMember(input: {email: $e, role: $r}) {
    invitation { email role expiresAt } userErrors { field code } } }"""
MEMBERS = "{ members { id email role } }"


async def test_an_invitation_makes_a_member_of_the_organization(client, make_person, settings, tmp_path):
    owner = await make_person("owner")
    email = unique_email("invitee")
    invited = (await gql(client, owner, INVITE, {"e": email, "r": "ADMIN"})).json()["data"]["inviteMember"]
    assert invited["userErrors"] == [] and invited["invitation"]["role"] == "ADMIN"
    link = await mailed_link(settings, tmp_path, owner.organization_id, email)
    assert link.startswith(f"{settings.public_url}/dashboard/accept-invitation?token=")
    accepted = await auth_post(client, "invitations/accept", {"token": token_of(link), "password": PASSWORD})
    newcomer = session_of(client, accepted)
    assert (newcomer.organization_id, newcomer.role) == (owner.organization_id, "admin")
    viewer = (await gql(client, newcomer, VIEWER)).json()["data"]["viewer"]
    assert viewer["user"]["emailVerified"] is True and viewer["role"] == "ADMIN"
    members = (await gql(client, owner, MEMBERS)).json()["data"]["members"]
    assert {(m["email"], m["role"]) for m in members} == {(owner.email, "OWNER"), (email, "ADMIN")}
    reused = await auth_post(client, "invitations/accept", {"token": token_of(link), "password": PASSWORD})
    assert reused.status_code == 422


async def test_an_existing_account_accepts_with_its_password_and_joins_a_second_organization(
    client, make_person, settings, tmp_path,
):
    owner, elsewhere = await make_person("owner"), await make_person("member")
    await gql(client, owner, INVITE, {"e": elsewhere.email, "r": "MEMBER"})
    token = token_of(await mailed_link(settings, tmp_path, owner.organization_id, elsewhere.email))
    wrong = await auth_post(client, "invitations/accept", {"token": token, "password": "not the password"})
    assert wrong.status_code == 401
    joined = await auth_post(client, "invitations/accept", {"token": token, "password": PASSWORD})
    session = session_of(client, joined)
    assert session.organization_id == owner.organization_id
    assert {o["id"] for o in joined.json()["organizations"]} == {owner.organization_id, elsewhere.organization_id}
    # The switcher points the session at the other organization.
    switched = await client.post("/auth/organization", json={"organizationId": elsewhere.organization_id},
                                 headers=session.headers)
    assert switched.status_code == 200 and switched.json()["organizationId"] == elsewhere.organization_id
    viewer = (await gql(client, session, VIEWER)).json()["data"]["viewer"]
    assert viewer["organization"]["id"] == elsewhere.organization_id and viewer["role"] == "MEMBER"
    stranger = await make_person("owner")
    refused = await client.post("/auth/organization", json={"organizationId": stranger.organization_id},
                                headers=session.headers)
    assert refused.status_code == 404
    # Logging straight into one of the person's organizations, or into someone else's.
    direct = await log_in_ok(client, elsewhere.email, organizationId=elsewhere.organization_id)
    assert direct.organization_id == elsewhere.organization_id
    other = await auth_post(client, "login", {"email": elsewhere.email, "password": PASSWORD,
                                              "organizationId": stranger.organization_id})
    assert other.status_code == 404 and other.json()["error"]["details"][0]["field"] == "organizationId"


async def test_sign_up_with_an_invitation_in_invite_mode(client, make_person, settings, tmp_path):
    owner = await make_person("owner")
    email = unique_email("joiner")
    await gql(client, owner, INVITE, {"e": email, "r": "MEMBER"})
    token = token_of(await mailed_link(settings, tmp_path, owner.organization_id, email))
    response = await auth_post(client, "signup", {"email": email, "password": PASSWORD, "invitation": token})
    joined = session_of(client, response)
    assert (joined.organization_id, joined.role) == (owner.organization_id, "member")


async def test_password_reset_through_the_outbox_link_ends_every_session(
    client, make_client, make_person, settings, tmp_path,
):
    person = await make_person("member")
    assert (await auth_post(client, "password-reset", {"email": person.email})).status_code == 202
    nobody = await auth_post(client, "password-reset", {"email": unique_email("nobody")})
    assert nobody.status_code == 202  # the same answer: no account enumeration
    link = await mailed_link(settings, tmp_path, person.organization_id, person.email)
    assert link.startswith(f"{settings.public_url}/dashboard/reset-password?token=")
    new_password = "a brand new passphrase"
    confirmed = await auth_post(client, "password-reset/confirm", {"token": token_of(link), "password": new_password})
    assert confirmed.status_code == 200, confirmed.text
    assert (await gql(client, person, VIEWER)).status_code == 401  # the old session ended
    reused = await auth_post(client, "password-reset/confirm", {"token": token_of(link), "password": "another one!!"})
    assert reused.status_code == 422
    other_address = await make_client(address=fresh_address())
    assert (await auth_post(other_address, "login", {"email": person.email, "password": PASSWORD})).status_code == 401
    assert (await gql(client, await log_in_ok(client, person.email, new_password), VIEWER)).status_code == 200


async def test_secure_cookie_when_the_public_url_is_https(make_client, make_person):
    person = await make_person("member")
    client = await make_client(public_url="https://mail.example.com")
    response = await client.post("/auth/login", json={"email": person.email, "password": PASSWORD},
                                 headers={"Origin": "https://mail.example.com"})
    assert response.status_code == 200 and "secure" in response.headers["set-cookie"].lower()


def test_auth_endpoints_stay_out_of_the_public_openapi(app):
    assert not [path for path in app.openapi()["paths"] if path.startswith("/auth")]


async def test_two_simultaneous_first_sign_ups_make_one_owner(make_client, test_organizations):
    """With no account yet, the first sign-up owns `default` and the next needs an invitation,
    even when both arrive at once (they decide one after the other)."""
    await User.all().delete()  # memberships, sessions and tokens go with them
    client = await make_client()  # VIPERATRON_SIGNUP=invite, the default
    emails = [unique_email(f"first{i}") for i in range(4)]
    responses = await asyncio.gather(
        *(auth_post(client, "signup", {"email": email, "password": PASSWORD}) for email in emails))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 403, 403, 403], [r.text for r in responses]
    [owner] = [session_of(client, r) for r in responses if r.status_code == 201]
    test_organizations.add(owner.organization_id)
    assert owner.role == "owner" and (await Organization.get(id=owner.organization_id)).name == "default"
    assert await User.all().count() == 1
    assert await Membership.filter(role="owner").count() == 1
