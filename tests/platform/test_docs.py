from __future__ import annotations

import re


async def test_openapi_documents_every_route_with_examples(client):
    spec = (await client.get("/openapi.json")).json()
    operations = {(m, p): op for p, ops in spec["paths"].items() if p.startswith("/api/v1") for m, op in ops.items()}
    assert ("post", "/api/v1/delivery/send") in operations
    for (method, path), op in operations.items():
        assert op.get("summary"), path
        for status in ("401", "422", "429"):
            assert status in op["responses"], (method, path, status)
    schemas = spec["components"]["schemas"]
    assert schemas["SendEmail"]["examples"][0]["html"] == "<h1>Hi {{firstName}}</h1><p>Thanks for signing up.</p>"
    assert schemas["ContactUpsert"]["examples"][0]["customFields"] == {"plan": "pro"}
    assert schemas["IngestEvent"]["examples"][0]["eventType"] == "order.placed"
    send = operations[("post", "/api/v1/delivery/send")]
    assert send["responses"]["202"]["content"]["application/json"]["example"]["status"] == "queued"


async def test_docs_pages_use_no_external_host(client):
    for path in ("/docs", "/redoc"):
        page = await client.get(path)
        assert page.status_code == 200
        urls = re.findall(r'(?:src|href)=["\']([^"\']+)', page.text) + re.findall(r"url: ['\"]([^'\"]+)", page.text)
        assert urls, path
        for url in urls:
            assert url.startswith("/"), (path, url)
            assert (await client.get(url)).status_code == 200, (path, url)
