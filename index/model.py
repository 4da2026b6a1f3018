"""What the search index holds and answers, independent of the engine behind it.

- `IndexedDocument`: the searchable view of one read document (`from_outcome`), keyed by sha256,
  with the unit scope (`unit_path`: the ids of its unit and all its ancestors) given by the caller,
  and the registers its events belong to (`families`: personnel, organisation, local_government,
  awards, training — pipeline.families).
- `SearchQuery`: the words typed (quotes make a phrase), filters, the reader's scope, paging and
  the facets wanted.
- `SearchResult`: hits best first (the fields of `sohoa search --json`, CONTRACT.md), the total and
  facet counts — all three restricted to the query's scope.

Every string is stored in `canonical` form (NFC, one tone-mark placement): "Uỷ ban" and "Ủy ban"
are one facet value and one search term.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace

from pipeline.families import family_of
from pipeline.model import Event, Outcome
from pipeline.vietnamese import canonical

FACETS = ("doc_type", "issuer", "year", "event_types", "units", "family")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = canonical(value)
    return value or None


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        value = _clean(value)
        if value:
            seen.setdefault(value, None)
    return tuple(seen)


@dataclass(frozen=True)
class IndexedDocument:
    """One document as the index sees it. Build it with `from_outcome`; fields are canonicalised."""

    sha256: str
    number: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    issued_place: str | None = None
    issued_date: dt.date | None = None
    subject: str | None = None
    text: str = ""
    person_names: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    units: tuple[str, ...] = ()  # unit names the document is about (events' from/to units, units' events)
    unit_path: tuple[str, ...] = ()  # ids: the owning unit and every ancestor, up to the root
    families: tuple[str, ...] = ()  # the registers of its events ("personnel", "organisation", …)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("sha256", "issued_date"):
                continue
            if f.name == "text":
                object.__setattr__(self, "text", canonical_text(value))
            elif f.name in ("unit_path", "families"):  # ids and keys: kept as given, once each
                object.__setattr__(self, f.name, tuple(dict.fromkeys(str(v) for v in value)))
            elif isinstance(value, tuple):
                object.__setattr__(self, f.name, _unique(value))
            else:
                object.__setattr__(self, f.name, _clean(value))

    @property
    def title(self) -> list[str]:
        """The short identifying parts searched with a higher weight than the text."""
        return [v for v in (self.subject, *self.person_names, self.issuer, *self.units) if v]

    @property
    def year(self) -> int | None:
        return self.issued_date.year if self.issued_date else None

    @classmethod
    def from_outcome(cls, outcome: Outcome, unit_path: Iterable[str] = ()) -> "IndexedDocument":
        """The searchable view of a successfully read document (ValueError for a failed one)."""
        if not outcome.ok or outcome.document is None:
            raise ValueError(f"cannot index a failed outcome: {outcome.source} ({outcome.error_code})")
        st = outcome.structure
        events = outcome.events
        names = [e.person.name for e in events if e.person is not None] + [st.signer_name if st else None]
        units = [name for e in events for name in _units_of(e)]
        return cls(
            sha256=outcome.document.source.sha256,
            number=st.number if st else None,
            doc_type=st.doc_type if st else None,
            issuer=st.issuer if st else None,
            issued_place=st.issued_place if st else None,
            issued_date=st.issued_date if st else None,
            subject=st.subject if st else None,
            text=outcome.document.text,
            person_names=tuple(n for n in names if n),
            event_types=tuple(e.type for e in events),
            units=tuple(u for u in units if u),
            unit_path=tuple(unit_path),
            families=_families(events),
        )

    def with_unit_path(self, unit_path: Iterable[str]) -> "IndexedDocument":
        return replace(self, unit_path=tuple(unit_path))


def _units_of(event: Event) -> list[str | None]:
    """The unit names an event is about: its posts' units; a unit's event names the unit, the name
    it takes, the units merged or split; a class names its organiser."""
    out = [post.unit for post in (event.from_post, event.to_post) if post is not None]
    if event.unit is not None:
        out += [event.unit.name, event.unit.new_name, *event.unit.related]
    if event.course is not None:
        out.append(event.course.organiser)
    return out


def _families(events: Iterable[Event]) -> tuple[str, ...]:
    """The registers of a decision's events; one about commune officials (an event with a staff
    group) is also of the local government register, which lists them (docs/registers.md)."""
    events = list(events)
    out = families_of(e.type for e in events)
    if any(e.staff_group for e in events) and "local_government" not in out:
        out += ("local_government",)
    return out


def families_of(event_types: Iterable[str]) -> tuple[str, ...]:
    """The registers these event types belong to, each once (types no family lists are left out)."""
    out: dict[str, None] = {}
    for event_type in event_types:
        try:
            out.setdefault(family_of(event_type), None)
        except KeyError:
            continue
    return tuple(out)


_WORDS: dict[str, str] = {}  # written word → canonical word; administrative prose reuses few words
_WORDS_MAX = 200_000


def canonical_text(text: str) -> str:
    """`canonical` line by line (snippets keep the lines), word by word through a cache: the
    tone-placement rule works inside one whitespace-separated word, and looking words up is ~10×
    faster than running the rule over every word of a 2 KB page."""
    lines = []
    for line in text.split("\n"):
        words = []
        for word in line.split():
            done = _WORDS.get(word)
            if done is None:
                done = canonical(word)
                if len(_WORDS) < _WORDS_MAX:
                    _WORDS[word] = done
            words.append(done)
        lines.append(" ".join(words))
    return "\n".join(lines).strip()


@dataclass(frozen=True)
class SearchQuery:
    """A search. Empty `text` lists every document that passes the filters, newest first.

    `scope` is the reader's unit id: only documents whose `unit_path` contains it are seen, in the
    hits, the total and the facets alike. None means no restriction (an administrator, the CLI).
    Text filters (`doc_type`, `issuer`, `unit`) ignore case and diacritics; `issuer` matches a
    phrase inside the issuer's name ("Sở Nội vụ" finds "Sở Nội vụ tỉnh Đồng Nai").
    """

    text: str = ""
    doc_type: str | None = None
    issuer: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_type: str | None = None
    family: str | None = None  # one register: personnel, organisation, local_government, awards, training
    unit: str | None = None
    year: int | None = None
    scope: str | None = None
    limit: int = 20
    offset: int = 0
    facets: tuple[str, ...] = ()
    facet_size: int = 20

    def __post_init__(self) -> None:
        unknown = set(self.facets) - set(FACETS)
        if unknown:
            raise ValueError(f"unknown facets {sorted(unknown)}; known: {FACETS}")
        if self.limit < 0 or self.offset < 0:
            raise ValueError("limit and offset must be >= 0")


@dataclass(frozen=True)
class Hit:
    sha256: str
    number: str | None
    doc_type: str | None
    issued_date: dt.date | None
    subject: str | None
    score: float
    highlight: str | None  # a fragment of the text, matches wrapped in <em>…</em>

    def to_json(self) -> dict:
        """The `sohoa search --json` object (CONTRACT.md)."""
        return {
            "sha256": self.sha256,
            "number": self.number,
            "doc_type": self.doc_type,
            "issued_date": self.issued_date.isoformat() if self.issued_date else None,
            "subject": self.subject,
            "score": round(float(self.score), 4),
            "highlight": self.highlight,
        }


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: tuple[Hit, ...] = ()
    facets: dict[str, tuple[FacetCount, ...]] = field(default_factory=dict)

    def facet(self, name: str) -> dict[str, int]:
        """One facet as {value: count}, for callers and tests that do not care about order."""
        return {fc.value: fc.count for fc in self.facets.get(name, ())}


def sorted_facet(counts: Iterable[tuple[str, int]], size: int) -> tuple[FacetCount, ...]:
    """Largest count first, ties by value: both engines report facets in this one order."""
    ordered = sorted(((str(v), int(c)) for v, c in counts if c > 0), key=lambda vc: (-vc[1], vc[0]))
    return tuple(FacetCount(v, c) for v, c in ordered[:size])
