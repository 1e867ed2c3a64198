"""The data cache computes a missing value once while others wait for it (policyhub/cache.py)."""

import threading
import time

import pytest
from django.db import connections

from policyhub.editorial import cache as page_cache

pytestmark = pytest.mark.django_db


def slow_counter(seconds=0.3):
    calls = []

    def compute():
        calls.append(threading.get_ident())
        time.sleep(seconds)
        return {"aid": 4}

    return compute, calls


def in_threads(count, target):
    results, threads = [], []

    def run():
        try:
            results.append(target())
        finally:
            connections.close_all()  # each thread's own connection

    for _ in range(count):
        threads.append(threading.Thread(target=run))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return results


def test_concurrent_requests_compute_a_missing_value_once():
    compute, calls = slow_counter()

    results = in_threads(4, lambda: page_cache.remember("facets:test", compute, counts=True))

    assert results == [{"aid": 4}] * 4
    assert len(calls) == 1


def test_many_cheap_values_are_not_serialised():
    compute, calls = slow_counter(0.1)

    def cards():
        return page_cache.remember_many({1: "card:1"}, lambda missing: {1: compute()})

    in_threads(3, cards)
    assert len(calls) == 3  # no lock: each computes its own (cards are cheap)


def test_a_waiter_computes_itself_when_the_first_one_fails(monkeypatch):
    monkeypatch.setattr(page_cache, "WAIT_STEP_SECONDS", 0.01)
    started = threading.Event()

    def failing():
        started.set()
        time.sleep(0.2)
        raise RuntimeError("database went away")

    failures = []

    def first():
        try:
            page_cache.remember("facets:flaky", failing)
        except RuntimeError as error:
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    started.wait(5)
    began = time.monotonic()
    value = page_cache.remember("facets:flaky", lambda: "computed here")
    thread.join(5)

    assert failures and value == "computed here"
    assert time.monotonic() - began < page_cache.WAIT_FOR_OTHERS_SECONDS


def test_a_waiter_gives_up_waiting_after_the_limit(monkeypatch):
    monkeypatch.setattr(page_cache, "WAIT_FOR_OTHERS_SECONDS", 0.2)
    compute, calls = slow_counter(1.0)

    results = in_threads(2, lambda: page_cache.remember("facets:slow", compute))

    assert results == [{"aid": 4}] * 2
    assert len(calls) == 2  # the second stopped waiting and counted too
