"""Templates are bounded per render, not only by their source: output per field, the values
they build, loop iterations and time. Over a limit the send is a 422 `template_error` that
names the field and the limit, and nothing is stored (REST, its batch, GraphQL)."""

from __future__ import annotations

import gc
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import templating
from models import Message
from tests.helpers import gql

SEND_EMAIL = """mutation($input: SendEmailInput!) {
  sendEmail(input: $input) { messageId status userErrors { field message code } } }"""
VALUE_LIMIT = "a value would be longer than 524288 characters or items"
LOOP_LIMIT = "more than 10000 loop iterations"
ROWS = [{"name": f"Item {i}", "price": i + 0.5} for i in range(500)]

ABUSES = [
    pytest.param("html", "{{ 'a' * 10**7 }}", {}, VALUE_LIMIT, id="string-repetition"),
    pytest.param("text", "{{ ([1] * 10**8)|length }}", {}, VALUE_LIMIT, id="list-repetition"),
    pytest.param("text", "{{ '%999999999s' % 'a' }}", {}, VALUE_LIMIT, id="percent-width"),
    pytest.param("text", "{{ '{:>999999999}'.format(1) }}", {}, VALUE_LIMIT, id="format-width"),
    pytest.param("html", "{% set s = 'a' * 500000 %}{{ ([s] * 1000)|join }}", {}, VALUE_LIMIT, id="join"),
    pytest.param(
        "text", "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        {}, VALUE_LIMIT, id="doubling-concat",
    ),
    pytest.param("html", "{% set s = 'a' * 500000 %}{{ [s, s] }}", {}, VALUE_LIMIT, id="list-as-text"),
    pytest.param(
        "html", "{% set s = 'a' * 500000 %}{% macro m() %}{% for i in range(5) %}{{ s }}{% endfor %}{% endmacro %}"
        "{{ m()|length }}", {}, VALUE_LIMIT, id="macro-output",
    ),
    pytest.param(
        "html", "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        {}, LOOP_LIMIT, id="nested-range",
    ),
    pytest.param(
        "text", "{% for a in rows %}{% for b in rows %}{{ b }}{% endfor %}{% endfor %}",
        {"rows": list(range(200))}, LOOP_LIMIT, id="loops-over-variables",
    ),
    pytest.param(
        "html", "{% for i in range(10000) %}{{ 'a' * 100 }}{% endfor %}",
        {}, "rendered output exceeds 524288 characters", id="output",
    ),
    pytest.param("subject", "{{ 'Hello ' * 200 }}", {}, "rendered output exceeds 998 characters", id="subject-output"),
    pytest.param(  # 2**25 macro calls, no loop at all
        "text", "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(25) }}",
        {}, "rendering took longer than 100 ms", id="time",
    ),
]


def send_body(field: str, template: str, variables: dict) -> dict:
    message = {"to": "a@example.com", "from": "hello@acme.com", "subject": "Hi", "text": "Hello", field: template}
    return {**message, "variables": variables} if variables else message


async def stored(key) -> int:
    return await Message.filter(organization_id=key.organization_id).count()


@pytest.mark.parametrize("field, template, variables, limit", ABUSES)
async def test_rest_send_over_a_template_limit_is_422_and_stores_nothing(client, key, field, template, variables, limit):
    before = await stored(key)
    response = await client.post("/api/v1/delivery/send", json=send_body(field, template, variables), headers=key.headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["details"] == [{"field": field, "message": limit, "code": "template_error"}]
    assert error["message"] == f"{field}: {limit}"
    assert await stored(key) == before


async def test_batch_rejects_only_the_message_over_a_limit(client, key):
    over = send_body("html", "{% for i in range(20000) %}.{% endfor %}", {})
    fine = send_body("html", "{% for i in range(3) %}{{ i }}{% endfor %}", {})
    response = await client.post("/api/v1/delivery/batch", json={"messages": [over, fine]}, headers=key.headers)
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["accepted"], result["rejected"]) == (1, 1)
    assert result["data"][0]["status"] == "rejected"
    assert result["data"][0]["error"]["details"] == [{"field": "html", "message": LOOP_LIMIT, "code": "template_error"}]
    [message] = await Message.filter(organization_id=key.organization_id)
    assert message.id == result["data"][1]["messageId"] and message.html == "012"


async def test_graphql_send_email_over_a_limit_is_a_user_error(client, key):
    variables = {"input": send_body("text", "{{ 'a' * 10**7 }}", {})}
    payload = (await gql(client, key, SEND_EMAIL, variables)).json()["data"]["sendEmail"]
    # userErrors carry REST's detail code (as every mutation's do), the message names the limit
    assert payload == {
        "messageId": None, "status": None,
        "userErrors": [{"field": "text", "message": VALUE_LIMIT, "code": "template_error"}],
    }
    assert await stored(key) == 0


async def test_an_honest_big_template_still_renders(client, key):
    html = (
        "<table>{% for row in rows %}<tr class=\"{{ loop.cycle('odd', 'even') }}\"><td>{{ loop.index }}</td>"
        "<td>{{ row.name|upper }}</td><td>{{ '%.2f'|format(row.price) }}</td></tr>{% endfor %}</table>"
        "<p>{{ rows|map(attribute='name')|join(', ') }}</p>"
    )
    text = "{% for row in rows %}{{ row.name }}: {{ '{:,.2f}'.format(row.price * 1000) }}\n{% endfor %}"
    response = await client.post(
        "/api/v1/delivery/send", json={**send_body("html", html, {"rows": ROWS}), "text": text}, headers=key.headers
    )
    assert response.status_code == 202, response.text
    message = await Message.get(id=response.json()["messageId"])
    assert message.html.count("<tr") == 500 and '<td>500</td><td>ITEM 499</td><td>499.50</td>' in message.html
    assert message.text.count("\n") == 500 and "Item 499: 499,500.00\n" in message.text


class CollectsGarbage:
    """Prints after 150 ms of garbage collection, as any allocation during a render may start."""

    def __str__(self) -> str:
        start = time.thread_time()
        while time.thread_time() - start < 0.15:
            gc.collect()
        return "ok"


def test_garbage_collection_during_a_render_is_not_the_templates_time():
    assert templating.render("{{ value }}", {"value": CollectsGarbage()}) == "ok"


# ----------------------------------------------------------------------------- substitutions

_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
    st.sampled_from(["<b>Jane</b>", "Tom & Jerry", '"quoted"', "{{ not code }}", "O'Brien"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)
_NAMES = st.sampled_from(["firstName", "lastName", "plan", "missing", "x1"])
_PIECES = st.lists(st.one_of(
    st.text(alphabet=st.characters(blacklist_characters="{}%#", blacklist_categories=("Cs",)), max_size=12),
    _NAMES.map(lambda name: "{{ " + name + " }}"), _NAMES.map(lambda name: "{{" + name + "}}"),
), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(pieces=_PIECES, values=st.dictionaries(_NAMES, _VALUES), html=st.booleans(), max_chars=st.integers(0, 80))
def test_a_substitution_template_renders_as_jinja_renders_it(pieces, values, html, max_chars):
    """Templates that only print variables skip Jinja: the same text, or the same error."""
    source = "".join(pieces) + "{{ firstName }}"
    parts = templating._substitutions(source, html)
    assert parts is not None
    template = templating._compile(source, html)

    def outcome(render):
        try:
            return render()
        except templating.TemplateError as error:
            return f"error: {error}"

    fast = outcome(lambda: templating._substitute(parts, values, html, max_chars))
    jinja = outcome(lambda: templating._render_with_jinja(template, values, max_chars))
    assert fast == jinja


@pytest.mark.parametrize("source", [
    "{{ firstName|upper }}", "{% if plan %}x{% endif %}", "{{ range }}", "{{ a.b }}", "{{ 'lit' }}", "{# c #}{{ x }}",
])
def test_anything_more_than_a_name_renders_with_jinja(source):
    parts = templating._substitutions(source, True)
    assert parts is None or all(isinstance(p, str) or p.name != "range" for p in parts), parts
    if source != "{# c #}{{ x }}":
        assert parts is None
