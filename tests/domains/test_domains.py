"""Sending domains: the DNS records to publish and their checks against a real DNS server
(dnslib on 127.0.0.1), DKIM signatures on mail that left over real SMTP, verified by dkimpy
and by Mail::DKIM (Perl, independent), kept across retries; the verified-domain rule; bad
input, test keys and other organizations."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import dkim
import dns.resolver
import pytest

from models import Domain, Message
from schema.domains.resolvers import SystemDns, recheck_domains
from tests.helpers import delivery_worker, gql, send_ok
from tests.support.dns_server import DnsServer, dns_server  # noqa: F401  (fixture)

SECRET = "test-secret-key-for-dkim"
VERIFIER = Path(__file__).resolve().parents[1] / "support" / "dkim_verify.pl"



@pytest.fixture
def domain_settings(settings, dns_server):
    return dataclasses.replace(settings, secret_key=SECRET, dns_server=dns_server.address,
                               public_url="http://mail.viperatron.test")


@pytest.fixture
async def dclient(make_client, domain_settings):
    return await make_client(**{f.name: getattr(domain_settings, f.name) for f in dataclasses.fields(domain_settings)
                                if f.name in ("secret_key", "dns_server", "public_url")})


def a_domain() -> str:
    return f"acme-{uuid.uuid4().hex[:10]}.com"


async def create(client, key, name: str) -> dict:
    response = await client.post("/api/v1/domains", json={"name": name}, headers=key.headers)
    assert response.status_code == 201, response.text
    return response.json()


def record(domain: dict, purpose: str) -> dict:
    [found] = [r for r in domain["dnsRecords"] if r["purpose"] == purpose]
    return found


def publish(dns_server: DnsServer, domain: dict) -> None:
    for r in domain["dnsRecords"]:
        if r["type"] == "TXT":
            dns_server.txt(r["name"], r["value"])
        else:
            priority, host = r["value"].split()
            dns_server.mx(r["name"], int(priority), host)


def dnsfunc(dns_server: DnsServer):
    """dkimpy's key lookup, asking the test's DNS server over the network."""
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], dns_server.port

    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        try:
            answer = resolver.resolve(name.decode().rstrip("."), "TXT", lifetime=timeout)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return None
        return b"".join(answer[0].strings)

    return lookup


async def test_a_domain_lists_its_records_and_is_verified_once_dkim_is_published(dclient, key, dns_server):
    name = a_domain()
    domain = await create(dclient, key, name.upper())  # kept lower-case
    assert domain["id"].startswith("dom_") and domain["name"] == name and domain["status"] == "pending"
    dkim_record = record(domain, "dkim")
    assert dkim_record["type"] == "TXT" and dkim_record["name"].endswith(f"._domainkey.{name}")
    assert dkim_record["value"].startswith("v=DKIM1; k=rsa; p=") and dkim_record["status"] == "pending"
    assert record(domain, "spf") == {"type": "TXT", "name": f"bounces.{name}", "value": "v=spf1 a:mail.viperatron.test ~all",
                                     "purpose": "spf", "status": "pending"}
    assert record(domain, "return_path")["value"] == "10 mail.viperatron.test"
    assert record(domain, "dmarc")["name"] == f"_dmarc.{name}"
    # The private key is stored sealed, never as PEM, and no answer carries it.
    stored = await Domain.get(id=domain["id"])
    assert "PRIVATE KEY" not in stored.dkim_private_key and stored.dkim_private_key.startswith("gAAAA")

    checked = (await dclient.post(f"/api/v1/domains/{domain['id']}/verify", headers=key.headers)).json()
    assert checked["status"] == "pending" and checked["checkedAt"]
    assert {r["status"] for r in checked["dnsRecords"]} == {"pending"}
    # A DKIM record with another key is `invalid`; ours makes the domain verified.
    dns_server.txt(dkim_record["name"], "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong")
    checked = (await dclient.post(f"/api/v1/domains/{domain['id']}/verify", headers=key.headers)).json()
    assert record(checked, "dkim")["status"] == "invalid" and checked["status"] == "pending"
    publish(dns_server, domain)
    checked = (await dclient.post(f"/api/v1/domains/{domain['id']}/verify", headers=key.headers)).json()
    assert checked["status"] == "verified" and checked["verifiedAt"]
    assert {r["purpose"]: r["status"] for r in checked["dnsRecords"]} == {
        "dkim": "verified", "spf": "verified", "return_path": "verified", "dmarc": "verified"}
    listed = (await dclient.get("/api/v1/domains", headers=key.headers)).json()
    assert [d["id"] for d in listed["data"]] == [domain["id"]] and listed["hasMore"] is False


async def test_bad_names_duplicates_test_keys_and_other_organizations(dclient, key, make_key):
    for bad in ("", "localhost", "-acme.com", "acme..com", "a" * 64 + ".com", "10.0.0.1", "acme.com/x", " acme.com",
                "acme.com.", "bücher.de"):
        response = await dclient.post("/api/v1/domains", json={"name": bad}, headers=key.headers)
        assert response.status_code == 422, (bad, response.text)
        assert response.json()["error"]["details"][0]["field"] == "name"
    name = a_domain()
    domain = await create(dclient, key, name)
    again = await dclient.post("/api/v1/domains", json={"name": name}, headers=key.headers)
    assert again.status_code == 409 and again.json()["error"]["details"][0]["field"] == "name"
    test_key = await make_key(org=key.organization_name, test=True)
    refused = await dclient.post("/api/v1/domains", json={"name": a_domain()}, headers=test_key.headers)
    assert refused.status_code == 403
    other = await make_key()
    for method, path in (("GET", ""), ("POST", "/verify"), ("DELETE", "")):
        response = await dclient.request(method, f"/api/v1/domains/{domain['id']}{path}", headers=other.headers)
        assert response.status_code == 404, (method, path)
    assert (await dclient.get("/api/v1/domains", headers=other.headers)).json()["data"] == []
    assert (await gql(dclient, other, "{ domains { id } }")).json()["data"]["domains"] == []
    deleted = await dclient.delete(f"/api/v1/domains/{domain['id']}", headers=key.headers)
    assert deleted.status_code == 200 and not await Domain.filter(id=domain["id"]).exists()


async def test_without_a_secret_key_no_domain_can_be_made(make_client, key):
    client = await make_client(secret_key=None)
    response = await client.post("/api/v1/domains", json={"name": a_domain()}, headers=key.headers)
    assert response.status_code == 503 and "VIPERATRON_SECRET_KEY" in response.json()["error"]["message"]


async def test_graphql_creates_and_verifies_a_domain(dclient, key, dns_server):
    created = (await gql(dclient, key, """mutation($n: String!) { createDomain(input: {name: $n}) {
        domain { id name status dnsRecords { type name value purpose status } } userErrors { field code } } }""",
                         {"n": a_domain()})).json()["data"]["createDomain"]
    assert created["userErrors"] == [] and created["domain"]["status"] == "PENDING"
    publish(dns_server, created["domain"])
    verified = (await gql(dclient, key, "mutation($id: ID!) { verifyDomain(input: {id: $id}) { domain { status } } }",
                          {"id": created["domain"]["id"]})).json()["data"]["verifyDomain"]
    assert verified["domain"]["status"] == "VERIFIED"
    bad = (await gql(dclient, key, 'mutation { createDomain(input: {name: "nodot"}) { domain { id } '
                     "userErrors { field code } } }")).json()["data"]["createDomain"]
    assert bad["domain"] is None and bad["userErrors"][0]["field"] == "name"


async def test_mail_from_a_domain_is_signed_and_verifies_with_dkimpy_and_mail_dkim(
    dclient, key, dns_server, worker_settings, smtp_sink,
):
    name = a_domain()
    domain = await create(dclient, key, name)
    publish(dns_server, domain)
    message_id = await send_ok(dclient, key, to="jane@example.com",
                               **{"from": f"Acme <hello@news.{name}>"}, subject="Your receipt ✓",
                               html="<p>Thanks for your order.</p>", headers={"List-Unsubscribe": "<mailto:u@unsubscribe-example.com>"})
    worker = delivery_worker(dataclasses.replace(worker_settings, secret_key=SECRET))
    try:
        await worker.drain()
    finally:
        await worker.transport.close()
    [received] = smtp_sink.received_by_id(message_id)
    signature = received.message["DKIM-Signature"]
    assert signature is not None and f"d={name}" in signature.replace("\r\n", "").replace(" ", "")
    tags = dict(t.strip().split("=", 1) for t in str(signature).replace("\r\n", "").split(";") if "=" in t)
    assert tags["c"] == "relaxed/relaxed" and tags["a"] == "rsa-sha256"
    assert {"from", "to", "subject", "date", "message-id", "mime-version", "content-type"} <= {
        h.strip().lower() for h in tags["h"].split(":")}
    assert dkim.verify(received.data, dnsfunc=dnsfunc(dns_server))
    tampered = received.data.replace(b"Thanks for your order", b"Thanks for your ORDER")
    assert tampered != received.data and not dkim.verify(tampered, dnsfunc=dnsfunc(dns_server))
    # Mail::DKIM (Perl; Debian's libmail-dkim-perl) agrees.
    if shutil.which("perl") is None or subprocess.run(["perl", "-MMail::DKIM::Verifier", "-e", "1"]).returncode:
        if os.environ.get("CI"):
            pytest.fail("Mail::DKIM is missing (CI is set, so this is a failure, not a skip)")
        pytest.skip("needs Debian's libmail-dkim-perl (CI installs it)")
    for data, expected in ((received.data, "pass"), (tampered, "fail")):
        result = subprocess.run(["perl", str(VERIFIER), "127.0.0.1", str(dns_server.port)], input=data,
                                capture_output=True, timeout=30)
        assert result.stdout.decode().split("\n")[0] == expected, result


async def test_the_signature_of_a_deferred_message_is_kept_for_its_retry(dclient, key, dns_server, worker_settings,
                                                                          smtp_sink):
    name = a_domain()
    publish(dns_server, await create(dclient, key, name))
    smtp_sink.script_data_for("later@example.com", "451 4.3.0 Try again later")
    message_id = await send_ok(dclient, key, to="later@example.com", **{"from": f"hello@{name}"}, subject="S",
                               text="T", html="<p>T</p>")
    worker = delivery_worker(dataclasses.replace(worker_settings, secret_key=SECRET, retry_base_seconds=60, retry_give_up_seconds=3600,
                                                 retry_max_interval_seconds=60))
    try:
        await worker.drain()  # 451: deferred, its signature kept
        stored = await Message.get(id=message_id)
        assert stored.status == "deferred" and stored.dkim_signature.startswith("DKIM-Signature:")
        await Message.filter(id=message_id).update(due_at=stored.created_at)
        await worker.drain()
    finally:
        await worker.transport.close()
    assert (await Message.get(id=message_id)).attempts == 2
    [received] = smtp_sink.received_by_id(message_id)
    # The first attempt's signature, over the first attempt's bytes: the retry sent the same ones.
    assert received.data.startswith(stored.dkim_signature.encode())
    assert dkim.verify(received.data, dnsfunc=dnsfunc(dns_server))


async def test_a_server_that_requires_verified_domains_refuses_other_senders(make_client, domain_settings, key,
                                                                             dns_server):
    client = await make_client(secret_key=SECRET, dns_server=dns_server.address, require_verified_domain=True)
    name = a_domain()
    domain = await create(client, key, name)
    body = {"to": "jane@example.com", "subject": "S", "text": "T"}
    refused = await client.post("/api/v1/delivery/send", json={**body, "from": f"hello@{name}"}, headers=key.headers)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "domain_not_verified" and error["details"][0] == {
        "field": "from", "message": f"{name} is not a verified domain of your organization.",
        "code": "domain_not_verified"}
    publish(dns_server, domain)
    assert (await client.post(f"/api/v1/domains/{domain['id']}/verify", headers=key.headers)).json()["status"] == "verified"
    for sender in (f"hello@{name}", f"Acme <news@mail.{name}>"):
        response = await client.post("/api/v1/delivery/send", json={**body, "from": sender}, headers=key.headers)
        assert response.status_code == 202, response.text
    other = await client.post("/api/v1/delivery/send", json={**body, "from": "x@elsewhere-example.com"}, headers=key.headers)
    assert other.status_code == 422
    graphql = (await gql(client, key, """mutation { sendEmail(input: {to: ["a@example.com"], from: "x@elsewhere-example.com",
        subject: "S", text: "T"}) { messageId userErrors { field code } } }""")).json()["data"]["sendEmail"]
    assert graphql == {"messageId": None, "userErrors": [{"field": "from", "code": "domain_not_verified"}]}


async def test_the_periodic_recheck_finds_a_record_that_disappeared(dclient, key, dns_server, domain_settings):
    name = a_domain()
    domain = await create(dclient, key, name)
    publish(dns_server, domain)
    await dclient.post(f"/api/v1/domains/{domain['id']}/verify", headers=key.headers)
    dns_server.clear()
    row = await Domain.get(id=domain["id"])
    checked = await recheck_domains(domain_settings, older_than=row.checked_at.replace(year=row.checked_at.year + 1),
                                    resolver=SystemDns(dns_server.address))
    assert checked >= 1
    assert (await Domain.get(id=domain["id"])).status == "pending"


async def test_a_sender_stops_at_once_when_its_domain_goes(make_client, domain_settings, key, dns_server):
    """Verified senders are remembered for a while; deleting the domain, or a re-check that no
    longer finds its key, refuses the next send in this process."""
    client = await make_client(secret_key=SECRET, dns_server=dns_server.address, require_verified_domain=True)
    body = {"to": "jane@example.com", "subject": "S", "text": "T"}

    async def verified_domain() -> dict:
        domain = await create(client, key, a_domain())
        publish(dns_server, domain)
        answer = await client.post(f"/api/v1/domains/{domain['id']}/verify", headers=key.headers)
        assert answer.json()["status"] == "verified"
        return domain

    async def send_from(domain: dict) -> int:
        response = await client.post("/api/v1/delivery/send", json={**body, "from": f"hello@{domain['name']}"},
                                     headers=key.headers)
        return response.status_code

    deleted = await verified_domain()
    assert [await send_from(deleted), await send_from(deleted)] == [202, 202]
    assert (await client.delete(f"/api/v1/domains/{deleted['id']}", headers=key.headers)).status_code == 200
    assert await send_from(deleted) == 422

    unpublished = await verified_domain()
    assert await send_from(unpublished) == 202
    dns_server.clear()
    assert (await client.post(f"/api/v1/domains/{unpublished['id']}/verify", headers=key.headers)).json()["status"] \
        == "pending"
    assert await send_from(unpublished) == 422
