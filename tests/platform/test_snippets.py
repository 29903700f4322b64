"""app/web/snippets.py: the home page's examples, written from the OpenAPI document.

Each language's program is checked for what it says (method, URL, key, body), parsed where a
parser is at hand (Python always; Node, PHP, Ruby and Go when installed), and the cURL, Python
and Node programs are run against the real server with a real key.
"""

from __future__ import annotations

import ast
import json
import shlex
import shutil
import subprocess
import sys

import pytest

from app.web import snippets
from app.web.snippets import ExampleRequest

BASE = "https://mail.example.test"
TASKS = (
    ("post", "/api/v1/delivery/send", 202),
    ("post", "/api/v1/contacts", 201),
    ("post", "/api/v1/pipelines/events", 202),
)
# The seed's examples (shared/seed/viperatron-api-reference.txt), as JSON values.
SEED_BODIES = {
    "/api/v1/delivery/send": {
        "to": "customer@example.com", "subject": "Welcome to Acme",
        "html": "<h1>Hi {{firstName}}</h1><p>Thanks for signing up.</p>", "from": "hello@acme.com",
    },
    "/api/v1/contacts": {
        "email": "jane@example.com", "firstName": "Jane", "lastName": "Doe",
        "tags": ["newsletter", "early-access"], "customFields": {"plan": "pro"},
    },
    "/api/v1/pipelines/events": {
        "email": "jane@example.com", "eventType": "order.placed", "value": 129.00, "currency": "USD",
        "properties": {"orderId": "ord_1a2b3c", "sku": "ACME-TEE-L"},
    },
}
# Every awkward character a literal must carry: quotes of each kind, backslash, shell and
# interpolation markers, a backtick, non-ASCII, and an empty object and list.
AWKWARD = {
    "to": "o'brien@example.com",
    "subject": 'He said "hi" \\ #{x} $y #@z ${z} `cmd` – café ✓',
    "nested": {"empty": {}, "list": [], "deep": {"n": 1.5, "t": True, "f": False, "none": None}},
}


@pytest.fixture(scope="module")
def spec():
    from app.main import create_app

    return create_app(manage_db=False).openapi()


def _curl_body(program: str) -> object:
    words = shlex.split(program.replace("\\\n", " "))
    return json.loads(words[words.index("-d") + 1])


def _python_body(program: str) -> object:
    call = ast.parse(program).body[1].value
    return ast.literal_eval(next(k.value for k in call.keywords if k.arg == "json"))


def test_example_requests_come_from_the_document(spec):
    for method, path, _ in TASKS:
        request = snippets.example_request(spec, method, path)
        assert (request.method, request.path) == (method.upper(), path)
        assert request.body == SEED_BODIES[path], path
        assert request.summary
    send = snippets.example_request(spec, "post", "/api/v1/delivery/send")
    assert list(send.body)[0] == "to", "keys follow the schema's property order, not the alphabet"
    assert snippets.example_request(spec, "get", "/api/v1/contacts/{contact_id}").body is None


def test_examples_are_found_wherever_the_document_keeps_them():
    schema = {"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "string"}}}
    base = {"components": {"schemas": {"Thing": {**schema, "examples": [{"a": "1", "b": "2"}]}},
                           "examples": {"named": {"value": {"a": "x", "b": "y"}}}}}

    def spec_with(media: dict) -> dict:
        return {**base, "paths": {"/t": {"post": {"requestBody": {"content": {"application/json": media}}}}}}

    ref = {"$ref": "#/components/schemas/Thing"}
    # The schema's JSON Schema `examples` (what Pydantic writes), through a $ref, in property order.
    assert list(snippets.example_request(spec_with({"schema": ref}), "post", "/t").body.items()) == [("b", "2"), ("a", "1")]
    # A media type's `example`, and its OpenAPI `examples` (name -> Example Object, itself a $ref).
    assert snippets.example_request(spec_with({"schema": ref, "example": {"a": "e"}}), "post", "/t").body == {"a": "e"}
    media = {"schema": ref, "examples": {"first": {"$ref": "#/components/examples/named"}}}
    assert snippets.example_request(spec_with(media), "post", "/t").body == {"b": "y", "a": "x"}
    with pytest.raises(ValueError, match="no example"):
        snippets.example_request(spec_with({"schema": {"type": "object"}}), "post", "/t")


def test_every_language_says_method_url_key_and_body(spec):
    for method, path, _ in TASKS:
        request = snippets.example_request(spec, method, path)
        programs = snippets.all_languages(request, BASE, key="et_live_" + "k" * 32)
        assert list(programs) == ["curl", "node", "python", "php", "go", "ruby"]
        for lang, program in programs.items():
            assert BASE + path in program, (lang, program)
            assert "POST" in program or "post" in program or "Post" in program, lang
            assert "Bearer et_live_" + "k" * 32 in program, lang
            for value in ("jane@example.com", "customer@example.com", "order.placed", "early-access"):
                if value in json.dumps(request.body):
                    assert value in program, (lang, value)
        assert _curl_body(programs["curl"]) == SEED_BODIES[path]
        assert _python_body(programs["python"]) == SEED_BODIES[path]


def test_literals_carry_awkward_values_exactly():
    request = ExampleRequest("POST", "/api/v1/delivery/send", AWKWARD)
    programs = snippets.all_languages(request, BASE)
    assert _curl_body(programs["curl"]) == AWKWARD
    assert _python_body(programs["python"]) == AWKWARD
    assert json.loads(snippets.json_text(AWKWARD)) == AWKWARD
    assert "\\#{x}" in programs["ruby"] and "#{x}" not in programs["ruby"].replace("\\#{x}", "")
    assert "'o\\'brien@example.com'" in programs["php"] and "new \\stdClass()" in programs["php"]
    go_literal = programs["go"].split("strings.NewReader(", 1)[1].split(")\n", 1)[0]
    assert go_literal.startswith('"'), "a body with a backtick is a quoted Go string"
    assert json.loads(json.loads(go_literal)) == AWKWARD  # a JSON string is a Go string literal


def test_a_request_without_body(spec):
    request = snippets.example_request(spec, "get", "/api/v1/contacts/{contact_id}")
    programs = snippets.all_languages(request, BASE)
    assert "-d" not in programs["curl"] and "Content-Type" not in programs["curl"]
    assert "requests.get(" in programs["python"] and "json=" not in programs["python"]
    assert "nil)" in programs["go"] and '"strings"' not in programs["go"]
    assert "Net::HTTP::Get.new" in programs["ruby"]
    ast.parse(programs["python"])


# --- parsed by the languages' own tools, where installed ----------------------------------------

SYNTAX_CHECKS = {
    "node": ("node", lambda path: ["node", "--check", str(path)], ".mjs"),
    "php": ("php", lambda path: ["php", "-l", str(path)], ".php"),
    "ruby": ("ruby", lambda path: ["ruby", "-c", str(path)], ".rb"),
    "go": ("gofmt", lambda path: ["gofmt", "-e", "-l", str(path)], ".go"),
}


@pytest.mark.parametrize("lang", list(SYNTAX_CHECKS))
def test_programs_parse_in_their_language(lang, spec, tmp_path):
    tool, command, suffix = SYNTAX_CHECKS[lang]
    if not shutil.which(tool):
        pytest.skip(f"{tool} not installed")
    requests = [snippets.example_request(spec, m, p) for m, p, _ in TASKS]
    requests += [ExampleRequest("POST", "/x", AWKWARD), snippets.example_request(spec, "get", "/api/v1/contacts/{contact_id}")]
    for i, request in enumerate(requests):
        path = tmp_path / f"example{i}{suffix}"
        path.write_text(snippets.all_languages(request, BASE)[lang] + "\n")
        done = subprocess.run(command(path), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (lang, done.stdout, done.stderr, path.read_text())
        if lang == "go":
            assert done.stdout == "", f"not gofmt-formatted: {path.read_text()}"


# --- run for real against the server ------------------------------------------------------------


def _run(lang: str, program: str, tmp_path) -> str:
    if lang == "curl":
        command = ["bash", "-c", program + " -sS -w '\\n%{http_code}'"]
    elif lang == "python":
        command = [sys.executable, "-c", program]
    else:
        path = tmp_path / "example.mjs"
        path.write_text(program)
        command = ["node", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (lang, done.stdout, done.stderr)
    return done.stdout


@pytest.mark.parametrize("lang", ["curl", "python", "node"])
async def test_programs_run_against_the_server(lang, spec, live_server, make_key, tmp_path):
    tool = {"curl": "curl", "python": sys.executable, "node": "node"}[lang]
    if not shutil.which(tool):
        pytest.skip(f"{tool} not installed")
    if lang == "python":
        pytest.importorskip("requests")
    key = await make_key()
    for method, path, status in TASKS:
        program = snippets.all_languages(snippets.example_request(spec, method, path), live_server, key.plaintext)[lang]
        out = _run(lang, program, tmp_path)
        assert str(status) in out.split()[0 if lang != "curl" else -1], (lang, path, out)
