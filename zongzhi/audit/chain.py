"""Tamper evidence for the audit log: a keyed hash chain over its entries.

The triggers of migrations 0002 and 0004 stop the application from rewriting history, but an
owner of the tables (or anyone with a copy of the database files) can disable them. The chain
shows what such a person changed: every entry gets a link in `audit_auditseal`,

    mac(n) = HMAC-SM3(ZONGZHI_AUDIT_KEY, mac(n-1) || canonical bytes of entry n)

with mac(0) = 32 zero bytes. The key never enters the database, so whoever edits a row, deletes
one or inserts one cannot make the links that follow agree again.

Why a job and not a column filled at insert time. Chaining at insert time needs the previous
entry's mac, i.e. one lock over every audited transaction: the hot paths (a report writes its
audit rows inside one batched statement, `core.fastinsert.Batch`) would queue behind each other.
Instead a periodic job (`audit.seal`: Celery beat in production, the in-process scheduler in
the embedded default) chains committed entries in id order, `SEAL_PER_RUN` per run.

Which entries may be sealed. On PostgreSQL ids come from a sequence when a row is written,
not when it commits: entry 100 may commit after entry 101 has been sealed, and would then look
forged. So each run (1) remembers the highest committed id it sees (`mark_id`) and a
transaction id taken just after that look (`mark_xid`, its own), and (2) a later run seals up
to `mark_id` once no other transaction with an id below `mark_xid` is still running: those are
all the transactions that held an id when the mark was taken. The sealed horizon therefore
lags one period (60 s). A snapshot's xmax is not the bound: a transaction that has an id but
began after the last commit is at or above xmax and not listed in the snapshot. Running ids
below the current xmax come from the snapshot (`pg_snapshot_xip`); the rest of the range, which
exists only while the marking transaction is still open (tests), from `pg_xact_status`.
A statement that drew its entry id but had not yet been given a transaction id when the mark
was taken escapes this test; that window lies inside one INSERT, and the mark waits a period.
On SQLite there is one writer at a time: every committed id is below any uncommitted one.

Verifying (`verify`) walks entries and links of an id range together, streamed in chunks of
`CHUNK`, and reports the first broken link:

1. a link whose `prev_id` is not the previous link: links were deleted (with their entries);
2. a link whose entry exists but whose mac does not follow: the entry was changed;
3. a link without its entry: the entry was deleted, unless it is older than the retention
   floor (`PURGE_FLOOR_DAYS`), which `purge_audit` may delete;
4. an entry without a link below the sealed horizon: the entry was inserted afterwards (forged).

Entries above the horizon are counted as not yet sealed.

The key: settings.AUDIT_KEY (env ZONGZHI_AUDIT_KEY, 64 hex digits). The embedded default may
leave it empty: a key is then made on first use and kept in DATA_DIR/audit.key, the way
`core.crypto` keeps the data key. Production without it refuses to seal or verify, and the
deploy check (core.E002) fails. Losing the key means old links can no longer be checked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from zongzhi.core.crypto import configured_key

from . import queries
from .models import AuditLog, AuditSeal, AuditSealState

KEY_FILE_NAME = "audit.key"
GENESIS = bytes(32)
# The entry's fields in the order they are hashed. A new AuditLog field is not covered until
# it is added here, which changes every mac: add a version then.
FIELDS = (
    "id",
    "at",
    "layer",
    "action",
    "user_id",
    "username",
    "actor_path",
    "object_type",
    "object_id",
    "object_repr",
    "object_path",
    "changes",
    "detail",
    "ip",
    "request_id",
)
CHUNK = 2000
SEAL_CHUNK = 5000
SEAL_PER_RUN = 50_000
# Entries older than this may be deleted by purge_audit (the floor of migration 0002's trigger).
PURGE_FLOOR_DAYS = 180

KIND_LABELS = {"changed": "记录被修改", "deleted": "记录被删除", "forged": "伪造记录"}


def require_sm3() -> None:
    """Fail at start-up, not at the first seal, when OpenSSL lacks SM3 (some FIPS builds)."""
    try:
        hashlib.new("sm3")
    except ValueError:
        raise ImproperlyConfigured(
            "This Python's OpenSSL has no SM3: the audit chain (HMAC-SM3) and the data key "
            "derivation need it. Use an OpenSSL build with the SM algorithms (1.1.1 or later, not FIPS-only)."
        ) from None


def audit_key() -> bytes:
    """The chain key: configured, or the embedded default's key file, or an error."""
    return configured_key(
        settings.AUDIT_KEY,
        "ZONGZHI_AUDIT_KEY (settings.AUDIT_KEY)",
        KEY_FILE_NAME,
        "ZONGZHI_AUDIT_KEY must be set to 64 hex digits when DATABASE_URL is set (production); "
        "generate one with `python -c 'import secrets; print(secrets.token_hex(32))'`, keep it out of "
        "the database and apart from ZONGZHI_DATA_KEY: it seals the audit log against tampering.",
    )


def canonical(values: tuple[Any, ...]) -> bytes:
    """The bytes of one entry (its FIELDS values as read from the database) that are hashed:
    a JSON array with the time in UTC to the microsecond and object keys sorted, so that
    PostgreSQL's jsonb key order and the time zone of the connection do not matter."""
    row = list(values)
    row[1] = row[1].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(row, sort_keys=True, separators=(",", ":"), default=str).encode()


def link(key: bytes, prev_mac: bytes, values: tuple[Any, ...]) -> bytes:
    return hmac.new(key, prev_mac + canonical(values), "sm3").digest()


# --- Sealing ------------------------------------------------------------------------------------


def seal_pending(max_rows: int = SEAL_PER_RUN) -> int:
    """Chain the entries that can no longer be preceded by a late commit; returns how many.
    Each chunk is its own short transaction, so the job never holds a lock for long."""
    key = audit_key()
    target = _advance_target()
    sealed = 0
    while sealed < max_rows:
        count = _seal_chunk(key, target, min(SEAL_CHUNK, max_rows - sealed))
        if not count:
            break
        sealed += count
    return sealed


def _advance_target() -> int:
    """Move the sealing horizon (see the module's docstring) and return it."""
    with transaction.atomic():
        queries.take_sealing_lock()
        if connection.vendor == "postgresql":
            # Before this transaction writes anything: its own id, taken after the look at the
            # highest committed id, must be above every id already handed out.
            newest, own_xid = queries.newest_entry_and_own_xid()
        state = AuditSealState.objects.select_for_update().filter(pk=1).first()
        if state is None:
            state = AuditSealState.objects.create(pk=1)
        if connection.vendor != "postgresql":
            state.target_id = AuditLog.objects.aggregate(m=Max("id"))["m"] or 0
        else:
            if (
                state.mark_id is not None
                and state.mark_xid is not None
                and not queries.transaction_running_below(state.mark_xid)
            ):
                state.target_id = max(state.target_id, state.mark_id)
                state.mark_id = state.mark_xid = None
            if state.mark_id is None and newest > state.target_id:
                state.mark_id, state.mark_xid = newest, own_xid
        state.save()
        return state.target_id


def _seal_chunk(key: bytes, target: int, size: int) -> int:
    with transaction.atomic():
        queries.take_sealing_lock()
        last = AuditSeal.objects.order_by("-entry_id").values_list("entry_id", "mac").first()
        prev_id, prev_mac = (last[0], bytes(last[1])) if last else (None, GENESIS)
        rows = AuditLog.objects.filter(id__gt=prev_id or 0, id__lte=target).order_by("id").values_list(*FIELDS)[:size]
        now = timezone.now()
        seals: list[AuditSeal] = []
        for values in rows:
            mac = link(key, prev_mac, values)
            seals.append(AuditSeal(entry_id=values[0], prev_id=prev_id, at=values[1], mac=mac, sealed_at=now))
            prev_id, prev_mac = values[0], mac
        AuditSeal.objects.bulk_create(seals)
        return len(seals)


# --- Verifying ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first broken link: which entry, what kind (KIND_LABELS), said in Chinese."""

    kind: str
    entry_id: int
    at: datetime | None
    message: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class Verdict:
    from_id: int | None = None
    to_id: int | None = None
    checked: int = 0  # entries whose link verified
    purged: int = 0  # links whose entry was purged after the retention period
    unsealed: int = 0  # entries above the sealed horizon
    sealed_to: int = 0  # the sealed horizon (highest sealed entry id)
    broken: Break | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def id_range(since: datetime | None, until: datetime | None) -> tuple[int, int] | None:
    """The ids of entries and links timed in [since, until), or None when there are none.
    Links count too, so a deleted entry at the edge of the range is still inside it."""
    entries: QuerySet[Any] = AuditLog.objects.all()
    seals: QuerySet[Any] = AuditSeal.objects.all()
    if since:
        entries, seals = entries.filter(at__gte=since), seals.filter(at__gte=since)
    if until:
        entries, seals = entries.filter(at__lt=until), seals.filter(at__lt=until)
    e = entries.aggregate(lo=Min("id"), hi=Max("id"))
    s = seals.aggregate(lo=Min("entry_id"), hi=Max("entry_id"))
    lows = [v for v in (e["lo"], s["lo"]) if v is not None]
    highs = [v for v in (e["hi"], s["hi"]) if v is not None]
    return (min(lows), max(highs)) if lows else None


def _stream(qs: QuerySet[Any], key: str, lo: int, hi: int | None) -> Iterator[tuple[Any, ...]]:
    """Rows of `qs` with lo <= key <= hi in key order, CHUNK at a time (keyset, no cursor
    kept open between chunks: two streams are read side by side)."""
    after = lo - 1
    while True:
        page = qs.filter(**{f"{key}__gt": after})
        if hi is not None:
            page = page.filter(**{f"{key}__lte": hi})
        rows = list(page.order_by(key)[:CHUNK])
        yield from rows
        if len(rows) < CHUNK:
            return
        after = rows[-1][0]


def _when(at: datetime | None) -> str:
    return f"（{timezone.localtime(at):%Y-%m-%d %H:%M:%S}）" if at else ""


def verify(from_id: int | None = None, to_id: int | None = None) -> Verdict:
    """Recompute the chain over entries from_id..to_id (inclusive; None: from the start, to
    the end) and stop at the first broken link (see the module's docstring)."""
    key = audit_key()
    lo = from_id or 0
    verdict = Verdict(from_id=from_id, to_id=to_id)
    verdict.sealed_to = AuditSeal.objects.aggregate(m=Max("entry_id"))["m"] or 0
    below = AuditSeal.objects.filter(entry_id__lt=lo).order_by("-entry_id").values_list("entry_id", "mac").first()
    prev_id, prev_mac = (below[0], bytes(below[1])) if below else (None, GENESIS)
    purge_before = timezone.now() - timedelta(days=PURGE_FLOOR_DAYS)
    entries = _stream(AuditLog.objects.values_list(*FIELDS), "id", lo, to_id)
    seals = _stream(AuditSeal.objects.values_list("entry_id", "prev_id", "at", "mac"), "entry_id", lo, to_id)
    entry, seal = next(entries, None), next(seals, None)
    while entry is not None or seal is not None:
        if seal is not None and (entry is None or seal[0] <= entry[0]):
            sid, sprev, sat, smac = seal[0], seal[1], seal[2], bytes(seal[3])
            if sprev != prev_id:
                after = f"第 {prev_id} 条与" if prev_id is not None else ""
                verdict.broken = Break(
                    "deleted",
                    sid,
                    sat,
                    f"{after}第 {sid} 条记录{_when(sat)}之间的封存缺失：其间的记录连同封存被删除",
                )
                return verdict
            if entry is not None and entry[0] == sid:
                if not hmac.compare_digest(link(key, prev_mac, entry), smac):
                    verdict.broken = Break(
                        "changed", sid, entry[1], f"第 {sid} 条记录{_when(entry[1])}与封存时的内容不符：记录被修改"
                    )
                    return verdict
                verdict.checked += 1
                entry = next(entries, None)
            elif sat < purge_before:
                verdict.purged += 1
            else:
                verdict.broken = Break(
                    "deleted", sid, sat, f"第 {sid} 条记录{_when(sat)}已封存，但已不存在：记录被删除"
                )
                return verdict
            prev_id, prev_mac = sid, smac
            seal = next(seals, None)
        else:
            assert entry is not None
            if entry[0] <= verdict.sealed_to:
                verdict.broken = Break(
                    "forged",
                    entry[0],
                    entry[1],
                    f"第 {entry[0]} 条记录{_when(entry[1])}不在封存链中，而其后的记录已经封存：记录系事后插入（伪造）",
                )
                return verdict
            verdict.unsealed += 1
            entry = next(entries, None)
    return verdict
