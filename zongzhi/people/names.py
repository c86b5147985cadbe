"""The character n-gram index of residents' names.

Each name (and former name) gives one token per character and one per pair of adjacent
characters. A token is an integer: a character is its code point, a pair is the first code
point shifted left by 21 bits plus the second (code points stay below 2**21, so the two kinds
never collide). A fragment of one character looks up its character token, a longer one its
first pair; the name itself is then compared, so longer fragments are exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from django.db.models import Exists, OuterRef, Q

from zongzhi.core.scope import subtree_q
from zongzhi.people.models import NameToken, Resident

_SHIFT = 21
_IGNORED = str.maketrans("", "", " \t\u3000·•.")  # spaces and the middle dot of 买买提·艾力


def normalize(name: str) -> str:
    return name.translate(_IGNORED).lower()


def name_tokens(*names: str) -> set[int]:
    """Every token of the given names (a set: a token is stored once per resident)."""
    out: set[int] = set()
    for raw in names:
        text = normalize(raw)
        out.update(ord(c) for c in text)
        out.update((ord(a) << _SHIFT) | ord(b) for a, b in pairwise(text))
    return out


def query_token(fragment: str) -> int | None:
    """The token a search for `fragment` looks up, or None for an empty fragment."""
    text = normalize(fragment)
    if not text:
        return None
    if len(text) == 1:
        return ord(text)
    return (ord(text[0]) << _SHIFT) | ord(text[1])


def index_rows(resident_id: int, path: str, names: Iterable[str]) -> list[NameToken]:
    return [NameToken(token=t, resident_id=resident_id, path=path) for t in sorted(name_tokens(*names))]


def reindex(resident: Resident, old_names: tuple[str, ...] = ()) -> None:
    """Write one resident's tokens; `old_names` are the names indexed until now (a change of
    name, former name or place rewrites them)."""
    if old_names:
        NameToken.objects.filter(token__in=sorted(name_tokens(*old_names)), resident=resident).delete()
    NameToken.objects.bulk_create(index_rows(resident.pk, resident.path, [resident.name, resident.former_name]))


def search_terms(fragment: str) -> tuple[int | None, int | None, str]:
    """What a search for `fragment` looks up: its token, the token of its last pair when it has
    three characters or more (None otherwise), and the text the name must then contain ("" when
    the token decides alone: a one-character fragment). The ORM form (`name_filter`) and the
    resident list's SQL (`queries.resident_page`) both take their terms from here."""
    text, normalized = fragment.strip(), normalize(fragment)
    last_pair = query_token(normalized[-2:]) if len(normalized) > 2 else None
    return query_token(fragment), last_pair, (text if len(normalize(text)) > 1 else "")


def name_filter(fragment: str, view_paths: Iterable[str]) -> Q:
    """A filter on residents: the name or former name contains `fragment`, through the index.

    The token rows carry the path, so the scope is tested inside the index as well. A longer
    fragment's last pair is a token of every name that holds it: probing the index for it drops
    most candidates of a common first pair before their rows are read (罗秀斌: 308 residents
    have 罗秀, five of them also 秀斌).
    """
    token, last_pair, text = search_terms(fragment)
    if token is None:
        return Q()
    found = Q(name_tokens__token=token) & subtree_q(view_paths, "name_tokens__path")
    if last_pair is not None:
        found &= Q(Exists(NameToken.objects.filter(token=last_pair, resident_id=OuterRef("pk"))))
    if text:  # the pairs found candidates; the name decides
        found &= Q(name__contains=text) | Q(former_name__contains=text)
    return found
