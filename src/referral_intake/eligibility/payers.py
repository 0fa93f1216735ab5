"""Payer directory: payer names as referrals write them ("BCBS TX") -> electronic payer IDs.

The shipped payers.toml is the base; admin rows in `eligibility_payer` override, add or disable entries.
Matching normalizes abbreviations first, then falls back to rapidfuzz with a score floor and a margin, so an
ambiguous name ("Blue Cross") is flagged unknown rather than guessed.
"""

from __future__ import annotations

import re
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from referral_intake.audit import record
from referral_intake.eligibility.tables import EligibilityPayer
from referral_intake.settings import Settings
from referral_intake.store.base import utcnow

SHIPPED = Path(__file__).with_name("payers.toml")

_EXPANSIONS: dict[str, str] = {
    "bcbs": "blue cross blue shield",
    "bc": "blue cross",
    "bs": "blue shield",
    "uhc": "unitedhealthcare",
    "med": "medicare",
    "tx": "texas",
    "il": "illinois",
    "fl": "florida",
    "ca": "california",
    "ny": "new york",
    "pt": "part",
}
_STOPWORDS = frozenset(
    {"of", "the", "inc", "co", "company", "and", "corp", "corporation", "ins", "insurance"}
)
# Words that tell payers apart although they are short: a fuzzy match must agree on all of them.
_STATES = frozenset(
    [
        "alabama",
        "alaska",
        "arizona",
        "arkansas",
        "california",
        "colorado",
        "connecticut",
        "delaware",
        "florida",
        "georgia",
        "hawaii",
        "idaho",
        "illinois",
        "indiana",
        "iowa",
        "kansas",
        "kentucky",
        "louisiana",
        "maine",
        "maryland",
        "massachusetts",
        "michigan",
        "minnesota",
        "mississippi",
        "missouri",
        "montana",
        "nebraska",
        "nevada",
        "ohio",
        "oklahoma",
        "oregon",
        "pennsylvania",
        "tennessee",
        "texas",
        "utah",
        "vermont",
        "virginia",
        "washington",
        "wisconsin",
        "wyoming",
    ]
)


def _discriminators(key: str) -> frozenset[str]:
    return frozenset(w for w in key.split() if w in _STATES or len(w) == 1)


def _score(query: str, choice: str, **_: object) -> float:
    # token_sort catches typos, token_set catches extra words ("Humana Gold"); discriminators veto
    # "Medicare Part A" -> Part B or "BCBS IL" -> Texas however close the strings are.
    ours, theirs = _discriminators(query), _discriminators(choice)
    if ours and ours != theirs:
        return 0.0
    return max(fuzz.token_sort_ratio(query, choice), 0.96 * fuzz.token_set_ratio(query, choice))


def normalize(name: str) -> str:
    """Lower case, '&' as 'and', punctuation gone, abbreviations expanded, filler words dropped."""
    text = name.lower().replace("&", " and ").replace("/", " ")
    text = re.sub(r"[^a-z0-9 ]", " ", text)
    text = re.sub(r"\bunited\s*health\s*care\b", "unitedhealthcare", text)
    text = re.sub(r"\bblue(cross|shield)\b", r"blue \1", text)
    text = re.sub(r"\bhealth\s+care\b", "healthcare", text)
    words = [_EXPANSIONS.get(w, w) for w in text.split()]
    return " ".join(w for w in " ".join(words).split() if w not in _STOPWORDS)


@dataclass(frozen=True, slots=True)
class PayerEntry:
    payer_id: str
    name: str
    aliases: tuple[str, ...] = ()
    source: Literal["shipped", "admin"] = "shipped"


@dataclass(frozen=True, slots=True)
class PayerMatch:
    """The outcome of a lookup; `payer_id` is None when the payer is unknown or ambiguous (flag it)."""

    written: str
    payer_id: str | None
    name: str | None
    score: float
    matched_by: Literal["payer_id", "exact", "fuzzy", "unknown", "ambiguous"]

    @property
    def known(self) -> bool:
        return self.payer_id is not None


@dataclass
class PayerDirectory:
    entries: list[PayerEntry]
    threshold: float = 88.0
    margin: float = 4.0
    _keys: list[tuple[str, PayerEntry]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            for written in (entry.name, *entry.aliases):
                self._keys.append((normalize(written), entry))

    @classmethod
    def shipped(cls, threshold: float = 88.0) -> PayerDirectory:
        return cls(_read_toml(SHIPPED), threshold=threshold)

    @classmethod
    def load(cls, session: Session | None, threshold: float = 88.0) -> PayerDirectory:
        """Shipped entries with the admin rows applied (same payer id: the row wins; inactive: removed)."""
        by_id = {e.payer_id: e for e in _read_toml(SHIPPED)}
        if session is not None:
            for row in session.execute(select(EligibilityPayer)).scalars():
                if not row.active:
                    by_id.pop(row.payer_id, None)
                else:
                    by_id[row.payer_id] = PayerEntry(
                        row.payer_id, row.name, tuple(row.aliases or ()), "admin"
                    )
        return cls(list(by_id.values()), threshold=threshold)

    def by_id(self, payer_id: str) -> PayerEntry | None:
        return next((e for e in self.entries if e.payer_id == payer_id.strip()), None)

    def resolve(self, written: str | None, payer_id: str | None = None) -> PayerMatch:
        """Find the payer for a name as written, or for an id stated on the referral (which wins)."""
        if payer_id and (entry := self.by_id(payer_id)):
            return PayerMatch(written or "", entry.payer_id, entry.name, 100.0, "payer_id")
        if not written or not written.strip():
            return PayerMatch("", None, None, 0.0, "unknown")
        key = normalize(written)
        exact = {e.payer_id: e for k, e in self._keys if k == key}
        if len(exact) == 1:
            entry = next(iter(exact.values()))
            return PayerMatch(written, entry.payer_id, entry.name, 100.0, "exact")
        hits = process.extract(key, [k for k, _ in self._keys], scorer=_score, limit=20)
        best: dict[str, float] = {}
        for _, score, index in hits:
            entry = self._keys[index][1]
            best[entry.payer_id] = max(best.get(entry.payer_id, 0.0), float(score))
        ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
        if not ranked or ranked[0][1] < self.threshold:
            return PayerMatch(written, None, None, ranked[0][1] if ranked else 0.0, "unknown")
        if len(exact) > 1 or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < self.margin):
            return PayerMatch(written, None, None, ranked[0][1], "ambiguous")
        entry = next(e for e in self.entries if e.payer_id == ranked[0][0])
        return PayerMatch(written, entry.payer_id, entry.name, ranked[0][1], "fuzzy")


def _read_toml(path: Path) -> list[PayerEntry]:
    data = tomllib.loads(path.read_text())
    return [
        PayerEntry(str(p["payer_id"]), str(p["name"]), tuple(str(a) for a in p.get("aliases", ())))
        for p in data.get("payer", [])
    ]


def save_payer(
    session: Session, payer_id: str, name: str, aliases: list[str], actor: str
) -> EligibilityPayer:
    """Add or change a directory entry (admin), recorded in the audit log."""
    row = session.execute(
        select(EligibilityPayer).where(EligibilityPayer.payer_id == payer_id)
    ).scalar_one_or_none()
    if row is None:
        row = EligibilityPayer(payer_id=payer_id, name=name, aliases=aliases, active=True, updated_by=actor)
        session.add(row)
    else:
        row.name, row.aliases, row.active, row.updated_by, row.updated_at = (
            name,
            aliases,
            True,
            actor,
            utcnow(),
        )
    session.flush()
    record(session, actor, "admin", "eligibility_payer", payer_id, reason="payer directory entry saved")
    _cache.clear()  # this process sees the change at once; others within _CACHE_SECONDS
    return row


def disable_payer(session: Session, payer_id: str, actor: str) -> None:
    """Hide a payer (shipped or admin) from matching; referrals naming it are then flagged unknown."""
    row = session.execute(
        select(EligibilityPayer).where(EligibilityPayer.payer_id == payer_id)
    ).scalar_one_or_none()
    if row is None:
        shipped = PayerDirectory.shipped().by_id(payer_id)
        row = EligibilityPayer(payer_id=payer_id, name=shipped.name if shipped else payer_id, aliases=[])
        session.add(row)
    row.active, row.updated_by, row.updated_at = False, actor, utcnow()
    session.flush()
    record(session, actor, "admin", "eligibility_payer", payer_id, reason="payer directory entry disabled")
    _cache.clear()


_cache: dict[str, tuple[float, PayerDirectory]] = {}
_cache_lock = threading.Lock()
_CACHE_SECONDS = 30.0


def directory_for(settings: Settings) -> PayerDirectory:
    """The effective directory of an installation, re-read from its database at most every 30 s.

    Falls back to the shipped file when the database is absent or not migrated, so checks never fail on it.
    """
    url = settings.effective_database_url
    threshold = settings.eligibility.payer_match_threshold
    with _cache_lock:
        hit = _cache.get(url)
        if hit and time.monotonic() - hit[0] < _CACHE_SECONDS and hit[1].threshold == threshold:
            return hit[1]
    directory = PayerDirectory.shipped(threshold)
    if settings.database_url or (settings.data_dir / "referral-intake.db").exists():
        from referral_intake.store.engine import make_engine

        # A database that does not answer must not eat the payer's time budget: connect briefly or fall back.
        extra = {"connect_args": {"connect_timeout": 2}} if not url.startswith("sqlite") else {}
        engine = make_engine(url, **extra)
        try:
            with Session(engine) as session:
                directory = PayerDirectory.load(session, threshold)
        except SQLAlchemyError:
            pass  # table not migrated yet: the shipped directory still works
        finally:
            engine.dispose()
    with _cache_lock:
        _cache[url] = (time.monotonic(), directory)
    return directory
