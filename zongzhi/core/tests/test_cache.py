"""The process caches (core.cache): when a copy is used and when it is read again."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from django.db import transaction

from zongzhi.core.cache import ProcessCache

# The suite's own Redis database (the PostgreSQL run beside it uses another): cleared here.
REDIS_URL = os.environ.get("ZONGZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
REDIS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}


class Source:
    """What a cache is made from, counting the reads."""

    def __init__(self) -> None:
        self.value = "一"
        self.reads = 0

    def load(self, key: Any) -> str:
        self.reads += 1
        return f"{key}:{self.value}"


@pytest.fixture
def redis_cache(settings: Any) -> None:
    settings.CACHES = REDIS_CACHE
    from django.core.cache import cache

    cache.clear()


@pytest.mark.django_db
def test_a_committed_change_reaches_the_other_processes_through_the_shared_token(
    redis_cache: None, django_capture_on_commit_callbacks: Any
) -> None:
    source = Source()
    # Two processes' copies of the same cache: same name, so the same token in Redis.
    here = ProcessCache("test_shared", source.load, check_seconds=0.2)
    there = ProcessCache("test_shared", source.load, check_seconds=0.2)
    assert here.get("a") == there.get("a") == "a:一"
    assert (here.get("a"), there.get("a"), source.reads) == ("a:一", "a:一", 2)  # copies used

    with django_capture_on_commit_callbacks(execute=True):
        source.value = "二"
        here.changed()
        assert here.get("a") == "a:二"  # the writing transaction reads its change
        time.sleep(0.25)
        assert there.get("a") == "a:一"  # nobody else sees it before the commit
    # Committed: another process sees it at its next check.
    time.sleep(0.25)
    assert there.get("a") == "a:二"


@pytest.mark.django_db
def test_a_transaction_reads_its_own_change_and_a_rollback_leaves_the_copy(redis_cache: None) -> None:
    source = Source()
    cached = ProcessCache("test_pending", source.load, check_seconds=60)
    assert cached.get("a") == "a:一"
    try:
        with transaction.atomic():
            source.value = "二"
            cached.changed()
            assert cached.get("a") == "a:二"  # read from the source inside the transaction
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    source.value = "一"  # the source as it is after the rollback
    reads = source.reads
    assert cached.get("a") == "a:一" and source.reads == reads  # the copy still serves


def test_with_a_private_cache_a_fingerprint_tells_when_to_read_again(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    source = Source()
    cached = ProcessCache("test_fingerprint", source.load, check_seconds=0.0, fingerprint=lambda: source.value)
    assert cached.get("a") == "a:一" and cached.get("a") == "a:一" and source.reads == 1
    source.value = "二"  # written by another worker: no change hook in this process
    assert cached.get("a") == "a:二"

    plain = ProcessCache("test_expiry", source.load, check_seconds=1.0)  # no fingerprint: kept at most that long
    plain.get("b")
    source.value = "三"
    assert plain.get("b") == "b:二"
    time.sleep(1.05)
    assert plain.get("b") == "b:三"


def test_a_stamped_entry_serves_only_its_stamp_and_not_past_its_age(redis_cache: None) -> None:
    source = Source()
    cached = ProcessCache("test_stamp", source.load, check_seconds=60, max_age=1.0)
    assert cached.get(7, stamp="s1") == "7:一"
    source.value = "二"
    assert cached.get(7, stamp="s1") == "7:一"
    assert cached.get(7, stamp="s2") == "7:二"  # the user's stamp was renewed: read again
    source.value = "三"
    time.sleep(1.05)
    assert cached.get(7, stamp="s2") == "7:三"  # the safety net for writes past the ORM
