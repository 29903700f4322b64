"""Schemathesis hooks for tests/platform/test_openapi_fuzz.py (loaded through SCHEMATHESIS_HOOKS).

The OpenAPI document declares every rule JSON Schema can say. A few rules it can only state in
words: they depend on another field, on the clock, or on what the server issued. Schema-valid
data that breaks one of them is refused with a 422 naming the field and the rule; such a
refusal is the API doing what the document says, not a failure. Only these exact
(field, code) pairs are excused, and only for "schema-valid request rejected"."""

from __future__ import annotations

import json
import re

import schemathesis
from schemathesis.specs.openapi.checks import AcceptedNegativeData, RejectedPositiveData

# (field, details[].code) -> the rule, as the document states it.
STATED_IN_WORDS = {
    ("cursor", "invalid_format"): "cursors are opaque: only a `nextCursor` the API returned is one",
    ("to", "invalid"): "analytics: `to` must be after `from`",
    ("to", "too_large"): "analytics: at most 366 days after `from` (31 with `hour`)",
    ("sendAt", "too_late"): "a send may be scheduled at most 30 days ahead of now",
    ("to", "too_many"): "at most 50 recipients across to, cc and bcc",
    ("unsubscribe", "too_many"): "`unsubscribe` is for one recipient only (one address across to, cc and bcc)",
    ("attachments", "too_large"): "attachments total at most 10 MiB",
    ("timezone", "invalid"): "an IANA time zone name",
    ("currency", "required"): "`currency` is required with `value`",
    ("value", "too_precise"): "`value` no more precise than its currency",
    ("value", "invalid"): "`value` below 10^15",
    ("currency", "invalid_currency"): "an ISO 4217 code",
    ("url", "blocked_address"): "webhooks call no loopback, private or link-local address (unless configured)",
    ("tags", "too_long"): "imports: at most 20 tags once comma-separated values are split",
    ("body", "required"): "an import file holds data (an empty upload, or a multipart file part with none)",
    ("html", "required"): "a non-empty `html`, `text` or both (kept out of the schema: an `anyOf` there makes "
    "client generators split the model in two)",
}
# The same, for fields at an index: trigger conditions (`value` by `op`, see Condition's description).
STATED_IN_WORDS_AT = {
    (re.compile(r"trigger\.conditions\.\d+"), "invalid"): "a condition's value fits its op",
    (re.compile(r"steps\.\d+"), "required"): "a sendEmail step has a non-empty `html`, `text` or both",
}
# Template syntax is checked by rendering rules no schema can state (any field may hold a template).
TEMPLATE_FIELDS = ("subject", "html", "text")


def _excused(detail: dict) -> bool:
    field, code = detail.get("field") or "", detail.get("code")
    leaf = field.rsplit(".", 1)[-1] if field.startswith(("messages.", "events.", "steps.")) else field
    if code == "template_error" and leaf in TEMPLATE_FIELDS:
        return True
    if any(pattern.fullmatch(field) and code == rule_code for pattern, rule_code in STATED_IN_WORDS_AT):
        return True
    return (leaf, code) in STATED_IN_WORDS


# Bodies that are files, not JSON: any bytes are a string, so no "schema-violating" body exists
# (a generator's `true` is a one-line NDJSON file whose row the import job then reports).
TEXT_BODIES = ("text/csv", "application/x-ndjson")


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    """Keep every failure but a 422 whose every detail is one of the rules stated in words, and
    a file upload "accepted with a schema-violating body" (see TEXT_BODIES)."""
    if isinstance(failure, AcceptedNegativeData) and (case.media_type or "") in TEXT_BODIES:
        return False
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 422:
        return True
    try:
        details = json.loads(response.content)["error"]["details"]
    except (ValueError, KeyError, TypeError):
        return True
    return not (details and all(_excused(d) for d in details))


# Import uploads: NDJSON goes on the wire as the text it is.
schemathesis.serializer.alias("application/x-ndjson", "text/plain")
