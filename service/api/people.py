"""/people: everyone who wrote or received a letter, computed from the letters table."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response

from store import Store

from . import queries
from .deps import get_store, require_read
from .errors import READ_RESPONSES, invalid
from .letters import Status, statuses
from .models import PersonDetail, PersonPage
from .queries import BadInput
from .serialise import json_response

router = APIRouter(prefix="/people", tags=["people"], dependencies=[Depends(require_read)],
                   responses=READ_RESPONSES)


@router.get("", response_model=PersonPage, summary="People, most letters first")
def list_people(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    q: Annotated[str | None, Query(min_length=1, max_length=200,
                                   description="the start of any word of the name; syntax as /letters q")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    status: Status = None,
) -> Response:
    """Persons and organisations (``party_type``), counting the letters of the statuses asked
    for (reported and claimed unless told otherwise)."""
    memo: queries.Memo = request.app.state.memo
    chosen = statuses(status)
    try:
        items = memo.get(("people", q, limit, offset, chosen),
                         lambda: queries.people(store, q, limit, offset, chosen))
    except BadInput as exc:
        raise invalid("query", exc.field, str(exc)) from exc
    return json_response({"items": items})


@router.get("/{person_id}", response_model=PersonDetail, summary="One person's correspondence",
            responses={404: {"description": "nobody of that name wrote or received a letter"}})
def get_person(
    person_id: Annotated[str, Path(max_length=200, description="person_id, or the name in any "
                                   "spelling that differs only by case, spaces, hyphens or dots")],
    store: Annotated[Store, Depends(get_store)],
    request: Request,
    status: Status = None,
) -> Response:
    """Their letters both ways, newest first, and each counterpart with counts."""
    memo: queries.Memo = request.app.state.memo
    chosen = statuses(status)
    found = memo.get(("person", queries.norm(person_id), chosen),
                     lambda: queries.person(store, person_id, statuses=chosen))
    if found is None:
        raise HTTPException(404, f"no letters from or to {person_id!r}")
    return json_response(found)
