"""`GET /files/{token}/{filename}`: the files of Teams replies, which Teams fetches by link.

Any replica answers, since the bytes are in the database. An unknown, mistyped or expired link
gets the same bare 404, so a guess learns nothing of which links exist or existed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from aiohttp import web
from aiohttp.helpers import content_disposition_header

from storage import shared_files
from storage.store import Store

Clock = Callable[[], datetime]


async def shared_file(store: Store, clock: Clock, request: web.Request) -> web.Response:
    """An image is shown where it is opened (in a Teams card), any other file downloaded; the
    response is for the one person holding the link, never for a shared cache."""
    token, filename = request.match_info["token"], request.match_info["filename"]
    found = await asyncio.to_thread(shared_files.shared, store, token, filename, clock())
    if found is None:
        raise web.HTTPNotFound()
    disposition = "inline" if found.mime.startswith("image/") else "attachment"
    return web.Response(
        body=found.content,
        content_type=found.mime,
        headers={
            "Content-Disposition": content_disposition_header(disposition, filename=filename),
            "Cache-Control": "private",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
