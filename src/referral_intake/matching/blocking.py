"""In-memory blocking for training and for the dedupe job: which pairs of records are worth scoring.

The same keys as the EHR lookup's indexes (normalize.blocking_keys), so a pair the dedupe job finds is one
a referral lookup would also find. Oversized blocks (e.g. a clinic's main phone number) are skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterator, Sequence

from referral_intake.matching.normalize import Person, blocking_keys

# recordlinkage's Index/Block was considered: it needs pandas frames and builds one block rule per call,
# where these keys must stay identical to the SQL lookup's (normalize.blocking_keys).
MAX_BLOCK = 300  # a block this large is a shared value (clinic phone, placeholder DOB), not an identity


def _keys(p: Person) -> Iterator[tuple[Hashable, ...]]:
    k = blocking_keys(p)
    if p.dob:
        lo, hi = sorted((p.dob.month, p.dob.day))
        yield ("dob", p.dob.year, lo, hi)  # one key for a date and its day/month transposition
    if k.last_phon and k.first_phon:
        yield ("names", k.last_phon, k.first_phon)
    if k.last_phon and k.birth_year:
        yield ("last_year", k.last_phon, k.birth_year)
    if k.first_phon and k.birth_year:
        yield ("first_year", k.first_phon, k.birth_year)
    if k.name_key:
        yield ("name_key", k.name_key)
    if k.phone:
        yield ("phone", k.phone)
    if k.mrn:
        yield ("mrn", k.mrn)
    if k.email:
        yield ("email", k.email)
    if p.ssn:
        yield ("ssn", p.ssn)
    if p.postal and p.street:
        yield ("street", p.postal, p.street)


def candidate_pairs(
    people: Sequence[Person], max_block: int = MAX_BLOCK, kinds: frozenset[str] | None = None
) -> list[tuple[int, int]]:
    """Index pairs (i < j) sharing at least one blocking key (of the given kinds, default all), sorted."""
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for i, p in enumerate(people):
        for key in _keys(p):
            if kinds is None or key[0] in kinds:
                blocks[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > max_block:
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs.add((members[x], members[y]))
    return sorted(pairs)
