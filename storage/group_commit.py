"""Group commit for SQLite: concurrent writers share one transaction and one fsync.

SQLite has one writer at a time and `synchronous=FULL` syncs on every commit, so under load each
request would wait its turn and pay a full sync. Here the first writer to get the lock becomes the
leader: it runs every queued piece of work, each in its own savepoint (one failure does not spoil
the others), commits once, and hands each waiting writer its own result or exception.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
Work = Callable[[Session], Any]


class GroupCommit:
    """Runs write work durably, batching the writers that arrive while one commit is running."""

    def __init__(self, sessions: sessionmaker[Session], lock: threading.Lock) -> None:
        self._sessions = sessions
        self._lock = lock
        self._queue: deque[tuple[Work, Future[Any]]] = deque()

    def run(self, work: Callable[[Session], T]) -> T:
        """Return `work`'s result once it is committed, or raise what it raised."""
        done: Future[T] = Future()
        self._queue.append((work, done))
        with self._lock:
            if not done.done():
                self._commit_queued()
        return done.result()

    def _commit_queued(self) -> None:
        batch = []
        while self._queue:
            batch.append(self._queue.popleft())
        results: list[tuple[Future[Any], Any]] = []
        try:
            with self._sessions.begin() as session:
                for work, done in batch:
                    try:
                        with session.begin_nested():
                            results.append((done, work(session)))
                    except Exception as error:
                        done.set_exception(error)
        except Exception as error:
            for done, _ in results:
                done.set_exception(error)
            return
        for done, result in results:
            done.set_result(result)
