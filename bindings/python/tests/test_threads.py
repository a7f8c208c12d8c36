"""Threads: ctypes drops the GIL inside C calls, so the binding's locks must keep a
handle from being changed or freed under a reader."""

from __future__ import annotations

import threading

import pytest

import contour
from test_memory import TEXT


def run_all(targets: list[threading.Thread]) -> None:
    for t in targets:
        t.start()
    for t in targets:
        t.join(timeout=120)
        assert not t.is_alive()


@pytest.mark.load
def test_readers_writers_and_close() -> None:
    snap = contour.Snapshot.from_text(TEXT)
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(300):
                snap.objects()
                snap.diagnostics
        except ValueError as exc:
            assert "closed Snapshot" in str(exc)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def writer() -> None:
        try:
            for i in range(100):
                snap.load_text(TEXT.replace("name: s1", f"name: s{i}"), name=f"w{i}.yaml")
        except ValueError as exc:
            assert "closed Snapshot" in str(exc)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def closer() -> None:
        import time

        time.sleep(0.05)
        snap.close()

    run_all([threading.Thread(target=reader) for _ in range(4)] + [threading.Thread(target=writer), threading.Thread(target=closer)])
    assert not errors, errors
    assert snap.closed


@pytest.mark.resolve
def test_concurrent_resolve_and_walk() -> None:
    results: list[object] = []
    errors: list[BaseException] = []
    with contour.Snapshot.from_text(TEXT) as snap:

        def work() -> None:
            try:
                for _ in range(50):
                    with snap.resolve() as g:
                        results.append(g.walk())
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        run_all([threading.Thread(target=work) for _ in range(4)])
    assert not errors, errors
    assert len(results) == 200 and all(r == results[0] for r in results)


@pytest.mark.resolve
def test_graph_closed_while_walked() -> None:
    with contour.Snapshot.from_text(TEXT) as snap:
        g = snap.resolve()
    errors: list[BaseException] = []

    def walker() -> None:
        try:
            for _ in range(200):
                g.walk()
        except ValueError as exc:
            assert "closed Graph" in str(exc)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=walker) for _ in range(3)]
    threads.append(threading.Thread(target=g.close))
    run_all(threads)
    assert not errors, errors
