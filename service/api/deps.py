"""What the routers share: the loaded services, the maintainer-token check, search parameters."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from extractors.schema import ACTORS
from index.base import SearchMode
from service.usecases.results import SortOrder
from service.usecases.search import SearchRequest, build_query
from service.usecases.services import Services as LoadedServices

_bearer = HTTPBearer(auto_error=False, description="maintainer token (UNEA_MANDATES_TOKEN)")


async def get_services(request: Request) -> LoadedServices:  # async: no thread-pool hop
    return request.app.state.services


Services = Annotated[LoadedServices, Depends(get_services)]


def require_writer(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """Writes need `Authorization: Bearer <UNEA_MANDATES_TOKEN>`; with no token set they are off."""
    token = request.app.state.settings.token
    if not token:
        raise HTTPException(403, "writes are disabled: set UNEA_MANDATES_TOKEN")
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            401,
            "a maintainer token is required: Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not secrets.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(401, "wrong maintainer token", headers={"WWW-Authenticate": "Bearer"})


Writer = Depends(require_writer)


async def search_query(  # async: FastAPI would hand a plain def to the thread pool (a hop per request)
    q: Annotated[str, Query(description='words, "phrases", AND/OR/NOT as the index supports')] = "",
    mode: Annotated[SearchMode, Query(description="keyword | semantic | hybrid")] = "keyword",
    resolution: Annotated[list[str] | None, Query(description="e.g. UNEP/EA.3/Res.7 (repeatable)")] = None,
    session: Annotated[list[str] | None, Query(description="UNEA session number (repeatable)")] = None,
    actor: Annotated[
        list[str] | None,
        Query(description=" | ".join(ACTORS) + ", or the page's labels (UNEP, Member States), any case"),
    ] = None,
    action_area: Annotated[list[str] | None, Query(description="knowledge | implementation | …")] = None,
    language: Annotated[list[str] | None, Query(description="ar | en | es | fr | ru | zh (repeatable)")] = None,
    with_partners: Annotated[list[str] | None, Query(description="true | false")] = None,
    document: Annotated[list[str] | None, Query(description="document id (repeatable)")] = None,
    limit: Annotated[int, Query(ge=0, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    sort: Annotated[SortOrder, Query(description="relevance | date (adopted, newest first) | paragraph (resolution, then paragraph)")] = "relevance",
    year: Annotated[list[int] | None, Query(description="year the resolution was adopted (repeatable)")] = None,
    uploaded: Annotated[str | None, Query(description="false: leave uploaded documents out; true: only uploads")] = None,
    official: Annotated[str | None, Query(description="true: only documents whose symbol they state")] = None,
) -> SearchRequest:
    filters = {
        "resolution": resolution,
        "session": session,
        "actor": actor,
        "action_area": action_area,
        "language": language,
        "with_partners": with_partners,
        "document": document,
    }
    return build_query(q, mode, filters, limit, offset, sort=sort, years=year, uploaded=uploaded, official=official)


SearchParams = Annotated[SearchRequest, Depends(search_query)]
