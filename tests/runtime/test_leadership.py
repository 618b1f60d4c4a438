"""One holder of a named lock at a time; the next takes over when the holder goes."""

from __future__ import annotations

import threading
import time

from services.runtime.leadership import leadership
from tests.support.servers import fresh_database


def test_a_second_process_waits_for_the_lock_and_gets_it_when_the_first_lets_go() -> None:
    with fresh_database("leader") as url:
        stop = threading.Event()
        order: list[str] = []
        first_holds = threading.Event()

        def second() -> None:
            with leadership(url, "job:test", stop) as conn:
                assert conn is not None
                order.append("second")

        with leadership(url, "job:test", stop) as conn:
            assert conn is not None
            order.append("first")
            first_holds.set()
            waiter = threading.Thread(target=second)
            waiter.start()
            time.sleep(2.5)
            assert order == ["first"], "the second must wait while the first holds the lock"
        waiter.join(10)
        assert order == ["first", "second"]


def test_waiting_for_the_lock_ends_when_asked_to_stop() -> None:
    with fresh_database("leader") as url:
        stop = threading.Event()
        outcome: list[object] = []
        with leadership(url, "job:test", stop):

            def waiter() -> None:
                with leadership(url, "job:test", stop) as conn:
                    outcome.append(conn)

            thread = threading.Thread(target=waiter)
            thread.start()
            stop.set()
            thread.join(10)
        assert outcome == [None]
