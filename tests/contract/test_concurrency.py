"""Many writers on a few hot entities: no lost update, every success in history, every failure a conflict."""

from __future__ import annotations

import threading
from collections import Counter

from graphkb.errors import EditConflict
from graphkb.model import Entity

THREADS = 8
EDITS = 50
HOT = ["graz", "celle", "stuttgart"]


def test_eight_writers_fifty_edits_each_lose_nothing(store):
    for city in HOT:
        store.create(Entity(type="City", id=city, labels={"de": city.capitalize()}), author="setup")
    successes: list[tuple[str, int, str]] = []
    conflicts: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def writer(t: int) -> None:
        barrier.wait()
        for j in range(EDITS):
            city = HOT[(t + j) % len(HOT)]
            marker = f"w{t}e{j}"
            try:
                e = store.get(city)
                # each edit appends to what it read: a lost update would drop a marker
                e.body = (e.body + "\n" + marker).strip()
                rev = store.update(e, base_revision=e.revision, author=f"writer{t}", summary=marker)
                with lock:
                    successes.append((city, rev.number, marker))
            except EditConflict as exc:
                with lock:
                    conflicts.append((city, exc.current.number))
            except BaseException as exc:  # noqa: BLE001 - any other failure fails the test below
                with lock:
                    errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(successes) + len(conflicts) == THREADS * EDITS
    assert successes, "some writes must succeed"
    for city in HOT:
        mine = sorted((number, marker) for c, number, marker in successes if c == city)
        history = store.history(city, limit=1000)
        # revision numbers 1..n without gaps or repeats, each naming its parent
        assert [r.number for r in history] == list(range(len(mine) + 1, 0, -1))
        assert all(r.parent == r.number - 1 for r in history if r.number > 1)
        # every successful write is in history, under the number it was given, with its summary
        assert [(r.number, r.summary) for r in reversed(history[:-1])] == mine
        # and nothing was lost: the final text carries every successful writer's marker, in order
        assert store.get(city).body.split("\n") == [marker for _, marker in mine]
    assert not [n for n, count in Counter((c, n) for c, n, _ in successes).items() if count > 1]
    assert store.stats().revisions == len(HOT) + len(successes)
