"""Every read route sends its rows as JSON without building its response model: each answer
must be exactly what the model would have made of it, key for key and type for type."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from service.api.models import (ArticleDetail, ArticlePage, EventPage, LetterDetail, LetterPage,
                                PersonDetail, PersonPage, Source, SourceList)
from store import Store
from test_api_support import AUTH, client, corpus  # noqa: F401 - fixtures


def _types(value: Any) -> Any:
    """The value with each number's JSON type kept (1 and 1.0 compare equal in Python)."""
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return (type(value).__name__, value)


ROUTES: list[tuple[str, dict[str, Any], type[BaseModel]]] = [
    ("/letters", {}, LetterPage),
    ("/letters", {"q": "letter", "limit": 2}, LetterPage),
    ("/letters/{letter}", {}, LetterDetail),
    ("/letters/{reply}", {}, LetterDetail),
    ("/people", {}, PersonPage),
    ("/people", {"q": "kim"}, PersonPage),
    ("/people/kimjongun", {}, PersonDetail),
    ("/articles", {}, ArticlePage),
    ("/articles", {"limit": 2}, ArticlePage),
    ("/articles/a3", {}, ArticleDetail),
    ("/articles/a6", {}, ArticleDetail),
    ("/events", {"limit": 5}, EventPage),
    ("/sources", {"removed": True}, SourceList),
    ("/sources/src", {}, Source),
]


@pytest.mark.parametrize(("path", "params", "model"), ROUTES,
                         ids=[f"{p}?{'&'.join(map(str, q))}" for p, q, _ in ROUTES])
def test_answers_have_exactly_the_models_shape(client: TestClient, corpus: Store, path: str,
                                               params: dict[str, Any], model: type[BaseModel]):
    client.post("/sources", json={"source_id": "src", "url": "https://example.org/feed",
                                  "kind": "feed"}, headers=AUTH)
    letters = client.get("/letters", params={"person": "Donald Trump"}).json()["items"]
    reply = next(x for x in letters if x["in_reply_to"])
    url = path.format(letter=reply["in_reply_to"], reply=reply["letter_id"])
    body = client.get(url, params=params).json()
    assert _types(body) == _types(model.model_validate(body).model_dump(mode="json"))
    if path.startswith("/letters/"):
        assert body["replies"] or body["in_reply_to_letter"]  # both shapes of a reference seen
