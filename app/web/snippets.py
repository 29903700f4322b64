"""Code examples generated from the OpenAPI document: one function per language.

`example_request(spec, method, path)` reads an operation's method, path and example body (the
request body's media-type `example`/`examples`, else its schema's `example`/`examples`, with the
keys in the schema's property order); `curl`, `node`, `python`, `php`, `go` and `ruby` write
it as a program a developer can paste and run. Pure functions of their input: no framework,
no I/O, so the home page computes them once per process and tests run them for real.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

PLACEHOLDER_KEY = "et_live_YOUR_API_KEY"
_MISSING = object()


@dataclass(frozen=True)
class ExampleRequest:
    method: str  # upper case: "POST"
    path: str  # "/api/v1/delivery/send"
    body: Any = None  # the JSON example, or None for no body
    summary: str = ""
    operation_id: str = ""

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.path


# --- reading the document ----------------------------------------------------------------


def _resolve(spec: dict, node: Any) -> Any:
    """Follow local `$ref`s (`#/components/...`) until a node that is not one."""
    seen = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"circular $ref {ref}")
        seen.add(ref)
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _first_example(holder: dict, spec: dict) -> Any:
    if "example" in holder:
        return holder["example"]
    examples = holder.get("examples")
    if isinstance(examples, list) and examples:  # JSON Schema `examples`: a list of values
        return examples[0]
    if isinstance(examples, dict) and examples:  # OpenAPI `examples`: name -> Example Object
        first = _resolve(spec, next(iter(examples.values())))
        if isinstance(first, dict) and "value" in first:
            return first["value"]
    return _MISSING


def _ordered(value: Any, schema: dict, spec: dict) -> Any:
    """The example with its keys in the schema's property order (the document's own order
    is alphabetical after Pydantic), keys the schema does not name last; nested objects too."""
    if not isinstance(value, dict):
        return value
    schema = _resolve(spec, schema) if isinstance(schema, dict) else {}
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    keys = [k for k in properties if k in value] + [k for k in value if k not in properties]
    return {k: _ordered(value[k], properties.get(k, {}), spec) for k in keys}


def example_request(spec: dict, method: str, path: str) -> ExampleRequest:
    """The operation `method path` of `spec` with its example JSON body (None when it takes none)."""
    operation = spec["paths"][path][method.lower()]
    body = None
    request_body = _resolve(spec, operation.get("requestBody") or {})
    media = (request_body.get("content") or {}).get("application/json")
    if media is not None:
        schema = media.get("schema") or {}
        value = _first_example(media, spec)
        if value is _MISSING:
            value = _first_example(_resolve(spec, schema), spec)
        if value is _MISSING:
            raise ValueError(f"{method.upper()} {path} has a JSON body but no example in the OpenAPI document")
        body = _ordered(value, schema, spec)
    return ExampleRequest(
        method.upper(), path, body, summary=operation.get("summary", ""), operation_id=operation.get("operationId", "")
    )


# --- writing literals ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Syntax:
    """How one language writes a JSON value as a literal."""

    string: Callable[[str], str]
    true: str = "true"
    false: str = "false"
    null: str = "null"
    open: str = "{"
    close: str = "}"
    list_open: str = "["
    list_close: str = "]"
    colon: str = ": "
    empty_object: str = "{}"
    trailing_comma: bool = False
    indent: str = "  "


def _json_string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _php_string(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _ruby_string(s: str) -> str:
    # A JSON string is a Ruby double-quoted string, but for `#{`, `#@` and `#$` interpolation.
    return _json_string(s).replace("#", "\\#")


JSON_SYNTAX = _Syntax(_json_string)
PYTHON_SYNTAX = _Syntax(_json_string, "True", "False", "None", trailing_comma=True, indent="    ")
PHP_SYNTAX = _Syntax(
    _php_string, open="[", close="]", colon=" => ", empty_object="new \\stdClass()", trailing_comma=True, indent="    "
)
RUBY_SYNTAX = _Syntax(_ruby_string, null="nil", colon=" => ", trailing_comma=True)

INLINE_WIDTH = 60  # a container of scalars this short stays on one line


def literal(value: Any, syntax: _Syntax = JSON_SYNTAX, level: int = 0, *, inline: bool = True) -> str:
    """`value` written in `syntax`; `level` is the indentation of the line it starts on."""
    if value is True:
        return syntax.true
    if value is False:
        return syntax.false
    if value is None:
        return syntax.null
    if isinstance(value, str):
        return syntax.string(value)
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, dict):
        if not value:
            return syntax.empty_object
        items = [f"{syntax.string(str(k))}{syntax.colon}{literal(v, syntax, level + 1)}" for k, v in value.items()]
        opening, closing = syntax.open, syntax.close
    elif isinstance(value, (list, tuple)):
        if not value:
            return syntax.list_open + syntax.list_close
        items = [literal(v, syntax, level + 1) for v in value]
        opening, closing = syntax.list_open, syntax.list_close
    else:
        raise TypeError(f"not a JSON value: {value!r}")
    flat = all(not isinstance(v, (dict, list, tuple)) or not v for v in (value.values() if isinstance(value, dict) else value))
    one_line = opening + ", ".join(items) + closing
    if inline and flat and len(one_line) <= INLINE_WIDTH:
        return one_line
    inner = syntax.indent * (level + 1)
    tail = "," if syntax.trailing_comma else ""
    return opening + "\n" + ",\n".join(inner + item for item in items) + tail + "\n" + syntax.indent * level + closing


def json_text(body: Any, level: int = 0) -> str:
    """The body as the JSON a request sends, laid out like the seed's examples."""
    return literal(body, JSON_SYNTAX, level, inline=False)


# --- one function per language -------------------------------------------------------------------


def curl(req: ExampleRequest, base_url: str, key: str = PLACEHOLDER_KEY) -> str:
    lines = [f"curl -X {req.method} {req.url(base_url)}", f'-H "Authorization: Bearer {key}"']
    if req.body is not None:
        lines.append('-H "Content-Type: application/json"')
        lines.append("-d '" + json_text(req.body, level=1).replace("'", "'\\''") + "'")
    return " \\\n  ".join(lines)


def node(req: ExampleRequest, base_url: str, key: str = PLACEHOLDER_KEY) -> str:
    headers = [f'    "Authorization": "Bearer {key}",']
    if req.body is not None:
        headers.append('    "Content-Type": "application/json",')
    options = [f'  method: "{req.method}",', "  headers: {", *headers, "  },"]
    if req.body is not None:
        options.append(f"  body: JSON.stringify({json_text(req.body, level=1)}),")
    return "\n".join([
        "// Node.js 18+, as an ES module (save as example.mjs)",
        f"const response = await fetch({_json_string(req.url(base_url))}, {{",
        *options,
        "});",
        "console.log(response.status, await response.json());",
    ])


def python(req: ExampleRequest, base_url: str, key: str = PLACEHOLDER_KEY) -> str:
    function = req.method.lower() if req.method in ("GET", "POST", "PUT", "PATCH", "DELETE") else None
    call = f"requests.{function}(" if function else f"requests.request({_json_string(req.method)}, "
    args = [f"    {_json_string(req.url(base_url))},", f'    headers={{"Authorization": "Bearer {key}"}},']
    if req.body is not None:
        args.append(f"    json={literal(req.body, PYTHON_SYNTAX, 1, inline=False)},")
    return "\n".join(["import requests", "", "response = " + call, *args, ")", "print(response.status_code, response.json())"])


def php(req: ExampleRequest, base_url: str, key: str = PLACEHOLDER_KEY) -> str:
    headers = [f"        {_php_string('Authorization: Bearer ' + key)},"]
    if req.body is not None:
        headers.append(f"        {_php_string('Content-Type: application/json')},")
    options = [
        f"    CURLOPT_CUSTOMREQUEST => {_php_string(req.method)},",
        "    CURLOPT_HTTPHEADER => [",
        *headers,
        "    ],",
    ]
    if req.body is not None:
        options.append(f"    CURLOPT_POSTFIELDS => json_encode({literal(req.body, PHP_SYNTAX, 1, inline=False)}),")
    options.append("    CURLOPT_RETURNTRANSFER => true,")
    return "\n".join([
        "<?php",
        f"$curl = curl_init({_php_string(req.url(base_url))});",
        "curl_setopt_array($curl, [",
        *options,
        "]);",
        "$response = curl_exec($curl);",
        "echo curl_getinfo($curl, CURLINFO_RESPONSE_CODE), ' ', $response, PHP_EOL;",
    ])


def _go_string(text: str) -> str:
    return f"`{text}`" if "`" not in text else _json_string(text)  # a JSON string is a Go string literal


def go(req: ExampleRequest, base_url: str, key: str = PLACEHOLDER_KEY) -> str:
    imports = ['"fmt"', '"io"', '"net/http"'] + (['"strings"'] if req.body is not None else [])
    lines = ["package main", "", "import (", *(f"\t{i}" for i in imports), ")", "", "func main() {"]
    if req.body is not None:
        body = "\n".join("\t" + line if i else line for i, line in enumerate(json_text(req.body).split("\n")))
        lines.append(f"\tbody := strings.NewReader({_go_string(body)})")
    lines += [
        f"\treq, err := http.NewRequest({_json_string(req.method)}, {_json_string(req.url(base_url))}, "
        + ("body)" if req.body is not None else "nil)"),
        "\tif err != nil {",
        "\t\tpanic(err)",
        "\t}",
        f'\treq.Header.Set("Authorization", "Bearer {key}")',
    ]
    if req.body is not None:
        lines.append('\treq.Header.Set("Content-Type", "application/json")')
    lines += [
        "\tres, err := http.DefaultClient.Do(req)",
        "\tif err != nil {",
        "\t\tpanic(err)",
        "\t}",
        "\tdefer res.Body.Close()",
        "\tout, err := io.ReadAll(res.Body)",
        "\tif err != nil {",
        "\t\tpanic(err)",
        "\t}",
        "\tfmt.Println(res.Status, string(out))",
        "}",
    ]
    return "\n".join(lines)


def ruby(req: ExampleRequest, base_url: str, key: str = PLACEHOLDER_KEY) -> str:
    lines = [
        'require "json"',
        'require "net/http"',
        "",
        f"uri = URI({_ruby_string(req.url(base_url))})",
        f"request = Net::HTTP::{req.method.capitalize()}.new(uri)",
        f'request["Authorization"] = "Bearer {key}"',
    ]
    if req.body is not None:
        lines.append('request["Content-Type"] = "application/json"')
        lines.append(f"request.body = JSON.generate({literal(req.body, RUBY_SYNTAX, 0, inline=False)})")
    lines += [
        'response = Net::HTTP.start(uri.hostname, uri.port, use_ssl: uri.scheme == "https") do |http|',
        "  http.request(request)",
        "end",
        'puts "#{response.code} #{response.body}"',
    ]
    return "\n".join(lines)


# (id, tab label, the language's name for syntax highlighting, the function), in tab order.
LANGUAGES: tuple[tuple[str, str, str, Callable[..., str]], ...] = (
    ("curl", "cURL", "shell", curl),
    ("node", "Node", "javascript", node),
    ("python", "Python", "python", python),
    ("php", "PHP", "php", php),
    ("go", "Go", "go", go),
    ("ruby", "Ruby", "ruby", ruby),
)


def all_languages(req: ExampleRequest, base_url: str, key: str = PLACEHOLDER_KEY) -> dict[str, str]:
    """language id -> program, in tab order."""
    return {lang: write(req, base_url, key) for lang, _, _, write in LANGUAGES}
