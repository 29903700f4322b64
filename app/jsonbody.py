"""Strict JSON for request bodies: RFC 8259 has no NaN or Infinity, and neither do we.

Python's json accepts `NaN`, `Infinity` and `-Infinity`; stored, they break PostgreSQL and
every JSON reader downstream, so they are refused where a body is decoded."""

from __future__ import annotations

import json
from typing import Any

from app.errors import ApiError, ErrorCode


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def decode_json(body: bytes | str) -> Any:
    """The decoded body, or 400 `invalid_json` (NaN and Infinity included)."""
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ApiError(ErrorCode.INVALID_JSON, f"The request body is not valid JSON: {exc}.") from None
    except RecursionError:
        raise ApiError(ErrorCode.INVALID_JSON, "The request body is nested too deeply.") from None
