"""A form's submission key: a new one each time a form opens, so the rows a form adds are added
once however often it is submitted (`storage.submissions`), and the repeat is answered like the
first submission, to the one who repeated it."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace

from handlers.model import Reply, Request, Visibility

KEY = "submission"
_SHAPE = re.compile(r"[0-9a-f]{32}")


def form_state(request: Request, **more: str) -> dict[str, str]:
    """A form's hidden state: the channel it was opened in, a fresh submission key, `more`."""
    return {"channel": request.channel, KEY: uuid.uuid4().hex, **more}


def submission_key(request: Request) -> str | None:
    """The submitted form's key; None for a typed command or a state not of our making."""
    key = request.state.get(KEY, "")
    return key if _SHAPE.fullmatch(key) else None


def answer(reply: Reply, fresh: bool) -> Reply:
    """The confirmation of a new row; a repeated submission's goes to its submitter only, so
    the channel is not told twice."""
    return reply if fresh else replace(reply, visibility=Visibility.ONLY_YOU)
