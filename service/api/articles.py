"""/articles: what was extracted from each page, and the letters found in it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response

from store import Store

from . import queries
from .deps import get_store, require_read
from .errors import READ_RESPONSES, invalid
from .models import ArticleDetail, ArticlePage
from .queries import BadInput
from .serialise import json_response

router = APIRouter(prefix="/articles", tags=["articles"], dependencies=[Depends(require_read)],
                   responses=READ_RESPONSES)


@router.get("", response_model=ArticlePage, summary="Articles, latest first")
def list_articles(
    store: Annotated[Store, Depends(get_store)],
    q: Annotated[str | None, Query(min_length=1, max_length=200,
                                   description="part of the title")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    try:
        items, nxt = queries.page_articles(store, q, limit, cursor)
    except BadInput as exc:
        raise invalid("query", exc.field, str(exc)) from exc
    return json_response({"items": items, "next_cursor": nxt})


@router.get("/{article_id}", response_model=ArticleDetail, summary="One article",
            responses={404: {"description": "no such article"}})
def get_article(article_id: Annotated[str, Path(max_length=64)],
                store: Annotated[Store, Depends(get_store)]) -> Response:
    """Metadata, clean text, the extractor's findings and the letters they became."""
    found = queries.get_article(store, article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return json_response(found)
