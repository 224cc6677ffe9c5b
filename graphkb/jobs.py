"""Heavy computations in the background, answered stale-while-revalidate.

A web request asks :meth:`Jobs.ask` for a named result (``key``) of an owner (the store) at a graph
version. The result is computed in a small thread pool, one computation per key at a time; the
request waits a short budget for it (so small graphs answer at once), and otherwise gets the newest
result computed for an older graph version (``stale``) or word that it is being computed
(``computing``) — never a wait of tens of seconds. A computation that failed is reported once
(``failed``, with its reason) and computed again on the next ask.

Threads and the shared projection: computations read :func:`graphkb.projection.projection_of`,
which a request thread may update in place (under the projection's lock) while a computation
iterates it. Taking that lock for a computation would stall every edit's next page for seconds,
and copying a 100k-entity graph costs seconds and hundreds of MB; so computations run on the shared
graph and are repeated when the graph changed under them: :func:`graphkb.analytics.cached` (which
the computations use) recomputes when the version moved during a run, and :meth:`Jobs.ask`'s runner
retries a computation that raised ``RuntimeError`` ("dictionary changed size during iteration")
up to ``RETRIES`` times. A result is labelled with the version the asker saw, which is never newer
than the graph the computation read (the projection is brought up to date first), so a result is
at worst recomputed once too often, never served as newer than it is.

>>> import time
>>> jobs = Jobs(workers=1, wait=1.0)
>>> class Store: pass
>>> store = Store()
>>> jobs.ask(store, "answer", 1, lambda: 42).state, jobs.ask(store, "answer", 1, lambda: 42).value
('ready', 42)
>>> slow = jobs.ask(store, "answer", 2, lambda: time.sleep(0.3) or 43, wait=0)
>>> slow.state, slow.value, slow.version
('stale', 42, 1)
>>> jobs.ask(store, "answer", 2, lambda: 43).value
43
>>> jobs.shutdown()
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from .errors import GraphKBError, NotFound, ValidationError

__all__ = ["Jobs", "Answer", "RETRIES", "KEYS_KEPT"]

log = logging.getLogger(__name__)

RETRIES = 3
"""Runs of a computation that met the graph changing under it ("dictionary changed size")."""
KEYS_KEPT = 64
"""Results kept per owner (least recently asked go first): one per page and question asked."""


@dataclass(frozen=True)
class Answer:
    """What a request gets: ``state`` is ``ready`` (``value`` is for the version asked), ``stale``
    (``value`` is for the older ``version``; a newer one is being computed), ``computing`` (no
    value yet) or ``failed`` (``error`` says why; the next ask computes again)."""

    state: str
    value: Any = None
    version: int | None = None
    wanted: int | None = None
    computed_at: float | None = None
    error: str | None = None

    @property
    def age_s(self) -> float | None:
        """Seconds since the value was computed."""
        return None if self.computed_at is None else max(0.0, time.time() - self.computed_at)

    def result(self) -> Any:
        """The value; a graphkb error the computation raised (bad input, say) is raised again here."""
        if isinstance(self.value, _Raised):
            raise self.value.error
        return self.value


@dataclass(frozen=True)
class _Raised:
    """A computation's answer that is an error of the question (no such entity, a bad filter): kept
    like a value. Other errors (the store down ...) are failures, computed again on the next ask."""

    error: GraphKBError


class _Slot:
    __slots__ = ("result", "running", "started", "took", "queued", "error")

    def __init__(self) -> None:
        self.result: tuple[int, Any, float] | None = None  # version, value, computed at
        self.running: int | None = None  # version being computed
        self.started = 0.0  # time.monotonic() when the running computation began
        self.took: float | None = None  # seconds the last successful computation took
        self.queued: tuple[int, Callable[[], Any]] | None = None  # newer version asked meanwhile
        self.error: tuple[int, str] | None = None  # version, reason: reported once, then retried


class Jobs:
    """A bounded pool of background computations, each remembered per owner and key.

    ``workers``: threads (CPU is scarce: 1–2 per process); ``wait``: seconds a request waits for a
    result before it takes a stale one or the computing answer. ``before_compute`` is a hook for
    tests (called in the worker with the key before each computation: a small sleep there makes a
    computation slow without touching the store).
    """

    def __init__(self, *, workers: int = 1, wait: float = 1.5) -> None:
        self.wait = wait
        self.before_compute: Callable[[Hashable], None] | None = None
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._slots: weakref.WeakKeyDictionary[Any, OrderedDict[Hashable, _Slot]] = weakref.WeakKeyDictionary()

    def ask(
        self, owner: Any, key: Hashable, version: int, compute: Callable[[], Any], *, wait: float | None = None
    ) -> Answer:
        """The result of ``compute()`` for ``owner`` and ``key`` at graph ``version``, within ``wait`` seconds.

        Starts ``compute`` in the background unless a computation for this version (or a newer
        one) runs; a result for ``version`` or newer is ``ready``. The wait is skipped when it
        cannot help: the last computation of this key took longer, or the running one began more
        than ``wait`` seconds ago (a page polling for it answers at once).
        """
        budget = self.wait if wait is None else wait
        with self._changed:
            slot = self._slot(owner, key)
            answer = self._answer(slot, version)
            if answer is not None:
                return answer
            if slot.running is None:
                self._start(owner, key, slot, version, compute)
            elif slot.running < version:
                slot.queued = (version, compute)
            deadline = slot.started + budget
            if slot.took is not None and slot.took > budget:
                deadline = 0.0
            while True:
                answer = self._answer(slot, version)
                if answer is not None:
                    return answer
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            if slot.result is not None:
                done, value, at = slot.result
                return Answer("stale", value, done, version, at)
            return Answer("computing", wanted=version)

    def _slot(self, owner: Any, key: Hashable) -> _Slot:
        slots = self._slots.get(owner)
        if slots is None:
            slots = self._slots[owner] = OrderedDict()
        slot = slots.get(key)
        if slot is None:
            slot = slots[key] = _Slot()
            idle = [k for k, s in slots.items() if s.running is None and k != key]
            for old in idle[: max(0, len(slots) - KEYS_KEPT)]:
                del slots[old]
        slots.move_to_end(key)
        return slot

    @staticmethod
    def _answer(slot: _Slot, version: int) -> Answer | None:
        """Ready or failed, if so (under the lock); a failure is reported once."""
        if slot.result is not None and slot.result[0] >= version:
            done, value, at = slot.result
            return Answer("ready", value, done, version, at)
        if slot.error is not None and slot.running is None:
            failed_version, reason = slot.error
            slot.error = None  # the next ask computes again
            return Answer("failed", version=failed_version, wanted=version, error=reason)
        return None

    def _start(self, owner: Any, key: Hashable, slot: _Slot, version: int, compute: Callable[[], Any]) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="graphkb-job")
        slot.running, slot.error, slot.started = version, None, time.monotonic()
        self._pool.submit(self._run, weakref.ref(owner), key, slot, version, compute)

    def _run(self, owner_ref: weakref.ref, key: Hashable, slot: _Slot, version: int, compute: Callable) -> None:
        outcome: tuple[str, Any]
        began = time.monotonic()
        try:
            if self.before_compute is not None:
                self.before_compute(key)
            outcome = ("value", self._compute(compute))
        except (NotFound, ValidationError) as exc:  # the question's fault (no such entity): an answer
            outcome = ("value", _Raised(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the next request, logged here
            log.exception("background computation %r for graph version %s failed", key, version)
            outcome = ("error", f"{exc.__class__.__name__}: {exc}"[:500])
        with self._changed:
            slot.running = None
            if outcome[0] == "value":
                slot.took = time.monotonic() - began
                if slot.result is None or slot.result[0] <= version:
                    slot.result = (version, outcome[1], time.time())
            else:
                slot.error = (version, outcome[1])
            queued, slot.queued = slot.queued, None
            owner = owner_ref()
            if queued is not None and owner is not None and outcome[0] == "value" and queued[0] > version:
                self._start(owner, key, slot, *queued)
            self._changed.notify_all()

    @staticmethod
    def _compute(compute: Callable[[], Any]) -> Any:
        for attempt in range(RETRIES):
            try:
                return compute()
            except RuntimeError:  # the shared graph changed under the computation: run again
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def shutdown(self) -> None:
        """Stop the pool (waits for running computations)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
