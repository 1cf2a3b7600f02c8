"""Answers sent as JSON bytes straight from the rows' dicts, without building the response
model: the routes already give each answer the model's shape (tests/test_api_serialise.py
holds every route to it), and validating a page again cost more than the query behind it."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Response


def json_response(content: Any, status_code: int = 200) -> Response:
    """``content`` (dicts, lists, str, int, float, bool, None) as an application/json answer."""
    return Response(orjson.dumps(content), status_code=status_code,
                    media_type="application/json")
