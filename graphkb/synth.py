"""Synthetic graphs that look like a real graphkb graph, for benchmarks and load tests.

The graph is built from word lists (German compounds with umlauts, their English glosses),
follows the ontology (every entity passes :meth:`graphkb.schema.Ontology.validate_entity`)
and has the shape of real data: many Practices, Outcomes, Organizations, Persons and
Sources, few Cities, and heavy-tailed in-degrees (a few hubs are the target of very many
statements), because targets are drawn from a Zipf distribution over each entity type.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .gcpause import gc_paused
from .model import Citation, Entity, Statement
from .schema import Ontology, PropertySpec, default_ontology
from .text import slugify

__all__ = ["generate", "type_counts", "transliterate", "TYPE_WEIGHTS", "COMPOUND_HEADS", "PLACES"]

# Share of each entity type in a graph, roughly that of the curated graphkb graph.
TYPE_WEIGHTS: dict[str, float] = {
    "Source": 0.14,
    "Practice": 0.14,
    "Organization": 0.13,
    "Person": 0.13,
    "Outcome": 0.11,
    "Event": 0.07,
    "SocialSpace": 0.05,
    "Lesson": 0.05,
    "Program": 0.045,
    "Critique": 0.04,
    "Role": 0.04,
    "ProviderAlliance": 0.03,
    "Principle": 0.02,
    "City": 0.005,
}
_OTHER_TYPE_WEIGHT = 0.01  # entity types the ontology has and TYPE_WEIGHTS does not know

# Targets: with probability _UNIFORM_SHARE any entity of the type, otherwise Zipf(_ZIPF_S)
# over a random ranking of the type's entities, so a few hubs collect many links.
_ZIPF_S = 1.0
_UNIFORM_SHARE = 0.3
_RELATION_WEIGHTS = {"DESCRIBED_IN": 1.5}
_MAX_STATEMENTS = 60
_QUALIFIED_SHARE = 0.35
_CITED_SHARE = 0.8
_BATCH = 2000

# -- word lists: (German, English) ------------------------------------------------------------

PLACES = [
    "Ölberg", "Süderbrück", "Münsterau", "Großhain", "Bärental", "Füssenbach", "Lübzin",
    "Weißenfeld", "Straßberg", "Nürnhausen", "Göttelfing", "Ährenfeld", "Überlingenhof",
    "Mühlbach", "Schönau", "Kälberhof", "Höxtal", "Dürrwangen", "Rötelsee", "Jägersruh",
    "Lindenau", "Talheim", "Brückenfeld", "Kornwestheim",
]  # fmt: skip
_DIRECTIONS = [
    ("Nord", "North"), ("Süd", "South"), ("Ost", "East"), ("West", "West"), ("Mitte", "Centre"),
    ("Südost", "South-East"), ("Nordwest", "North-West"), ("Südwest", "South-West"), ("Nordost", "North-East"),
]  # fmt: skip
_PREFIXES = [
    ("Jugend", "youth"), ("Familien", "family"), ("Sozial", "social"), ("Träger", "provider"),
    ("Stadtteil", "district"), ("Schul", "school"), ("Kinder", "children's"), ("Bürger", "citizens'"),
    ("Quartiers", "neighbourhood"), ("Gemeinwesen", "community"), ("Fall", "case"),
    ("Ressourcen", "resource"), ("Netzwerk", "network"), ("Beteiligungs", "participation"),
    ("Eltern", "parents'"), ("Präventions", "prevention"), ("Übergangs", "transition"),
    ("Wirkungs", "impact"), ("Fach", "specialist"), ("Zuständigkeits", "responsibility"),
    ("Großfamilien", "extended family"), ("Mädchen", "girls'"), ("Frühförder", "early support"),
]  # fmt: skip
_MIDDLES = [
    ("hilfe", "welfare"), ("raum", "space"), ("träger", "provider"), ("schutz", "protection"),
    ("sozial", "social"), ("büro", "office"),
]  # fmt: skip
COMPOUND_HEADS = [
    ("verbund", "alliance"), ("konferenz", "conference"), ("planung", "planning"), ("arbeit", "work"),
    ("management", "management"), ("beratung", "counselling"), ("büro", "office"), ("team", "team"),
    ("forum", "forum"), ("budget", "budget"), ("zentrum", "centre"), ("netz", "network"),
    ("gremium", "committee"), ("runde", "round table"), ("steuerung", "steering"), ("förderung", "support"),
    ("begleitung", "mentoring"), ("prüfung", "review"), ("sprechstunde", "consultation hours"),
    ("werkstatt", "workshop"), ("koordination", "coordination"), ("säule", "pillar"),
]  # fmt: skip
_CITY_KINDS = [("Stadt", "City of", "city"), ("Landkreis", "County of", "county"), ("Kanton", "Canton of", "canton"),
               ("Bezirk", "District of", "district")]  # fmt: skip
_PROGRAM_KINDS = [("Fachkonzept", "concept"), ("Modellprojekt", "pilot project"), ("Programm", "programme"),
                  ("Initiative", "initiative")]  # fmt: skip
_ORG_KINDS = [
    ("Jugendamt", "Youth welfare office", "youth_welfare_office"),
    ("Caritasverband", "Caritas association", "free_provider"),
    ("Diakonisches Werk", "Diakonie", "free_provider"),
    ("Kinderschutzbund", "Child protection league", "association"),
    ("Hochschule für Soziale Arbeit", "University of Social Work", "university"),
    ("Stiftung Kinderglück", "Kinderglück Foundation", "foundation"),
    ("Verein für Straßensozialarbeit", "Street work association", "association"),
    ("Familienzentrum", "Family centre", "free_provider"),
    ("Landesjugendamt", "State youth welfare office", "public_authority"),
    ("Institut für Sozialraumforschung", "Institute for social-space research", "institute"),
    ("Arbeiterwohlfahrt", "Workers' welfare association", "free_provider"),
    ("Verwaltungsgericht", "Administrative court", "court"),
]
_ALLIANCE_KINDS = [("Trägerverbund", "Provider alliance"), ("Trägergemeinschaft", "Provider association"),
                   ("Sozialraumteam", "Social space team")]  # fmt: skip
_ROLES = [
    ("Sozialraumkoordination", "Social space coordination", "administration"),
    ("Fachbereichsleitung", "Head of department", "administration"),
    ("Teamleitung", "Team lead", "free_providers"),
    ("Bezirkssozialarbeit", "District social work", "administration"),
    ("Jugendhilfeplanung", "Youth welfare planning", "administration"),
    ("Stadtteilmanagement", "District management", "civil_society"),
    ("Bürgermeisterin", "Mayor", "politics"),
    ("Geschäftsführung", "Managing director", "free_providers"),
    ("Wissenschaftliche Begleitung", "Scientific evaluation", "science"),
]
_FIRST = ["Jürgen", "Björn", "Sören", "Gülay", "Käthe", "Jörg", "Ömer", "Ute", "Hannelore", "Günther",
          "Mareike", "Özlem", "Bärbel", "Jürgen-Peter", "Anneliese", "Dörte", "Ülkü", "Grete"]  # fmt: skip
_LAST = ["Müller", "Schäfer", "Köhler", "Weiß", "Groß", "Hähnel", "Krüger", "Böhm", "Jäger", "Fuchs",
         "Schröder", "Möller", "Özdemir", "Lütke", "Straßner", "Müller-Lüdenscheidt", "Brückner", "Föhr"]  # fmt: skip
_PRINCIPLES = [
    ("Orientierung am Willen", "Orientation towards the will"),
    ("Aktivierende Arbeit", "Activating work"),
    ("Ressourcenorientierung", "Resource orientation"),
    ("Zielgruppenübergreifendes Arbeiten", "Working across target groups"),
    ("Kooperation und Vernetzung", "Cooperation and networking"),
    ("Fallunspezifische Arbeit", "Non-case-specific work"),
]
_OUTCOMES = [
    ("Rückgang der Fallzahlen", "Fewer cases"),
    ("Stärkung der Eltern", "Stronger parents"),
    ("Weniger Heimunterbringungen", "Fewer residential placements"),
    ("Höhere Zufriedenheit", "Higher satisfaction"),
    ("Entlastung der Fachkräfte", "Relief for professionals"),
    ("Schnellere Hilfen", "Faster help"),
    ("Geringere Kostensteigerung", "Slower cost growth"),
]
_EVENT_KINDS = [
    ("Fachtagung", "Conference", "conference"), ("Studienreise nach", "Study trip to", "study_trip"),
    ("Webinar", "Webinar", "webinar"), ("Gründung", "Founding", "founding"),
    ("Stadtratsbeschluss", "Council decision", "decision"), ("Evaluation", "Evaluation", "evaluation"),
    ("Preisverleihung", "Award ceremony", "award"),
]  # fmt: skip
_SOURCE_KINDS = [
    ("Bericht", "Report", "report"), ("Evaluationsstudie", "Evaluation study", "study"),
    ("Zeitungsartikel", "Newspaper article", "press"), ("Stadtratsvorlage", "Council paper", "parliamentary"),
    ("Fachbeitrag", "Journal article", "article"), ("Broschüre", "Brochure", "brochure"),
    ("Webseite", "Web page", "web_page"), ("Urteil", "Court decision", "court_decision"),
]  # fmt: skip
_PHRASES = [
    ("stärkt die Zusammenarbeit zwischen Jugendamt und freien Trägern",
     "strengthens cooperation between the youth welfare office and independent providers"),
    ("setzt am Willen der Familien an", "starts from what families want"),
    ("nutzt die Ressourcen des Quartiers", "uses the resources of the neighbourhood"),
    ("wird im Stadtteilbüro koordiniert", "is coordinated in the district office"),
    ("fördert fallunspezifische Arbeit im Sozialraum", "promotes non-case-specific work in the social space"),
    ("verbindet Schulsozialarbeit und Hilfen zur Erziehung", "links school social work and educational support"),
    ("entlastet die Bezirkssozialarbeit", "relieves district social work"),
    ("beruht auf einem gemeinsamen Sozialraumbudget", "rests on a shared social-space budget"),
    ("wurde von der Jugendhilfeplanung begleitet", "was accompanied by youth welfare planning"),
]  # fmt: skip
_QUOTES = [
    "Die Fallzahlen im Sozialraum {place} sind seit {year} deutlich zurückgegangen.",
    "Der Trägerverbund übernimmt gemeinsam Verantwortung für alle Hilfen im Stadtteil {place}.",
    "Fachkräfte berichten, dass die Fallkonferenzen in {place} schneller zu passenden Hilfen führen.",
    "„Wir fragen zuerst, was die Familie selbst will“, sagt die Sozialraumkoordinatorin aus {place}.",
    "Das Sozialraumbudget ersetzt seit {year} die Einzelfallfinanzierung.",
    "Kritiker bemängeln, dass die Wahlfreiheit der Leistungsberechtigten eingeschränkt werde.",
    "Die Evaluation {year} zeigt weniger stationäre Unterbringungen im Bezirk {place}.",
    "Schulsozialarbeit, Kita und Jugendamt treffen sich monatlich im Stadtteilbüro {place}.",
]
_NOTES = [
    "Laut Jahresbericht {year} der Jugendhilfeplanung.",
    "Angabe der Stadtverwaltung {place}, nicht unabhängig geprüft.",
    "Zahl bezieht sich auf das Haushaltsjahr {year}.",
    "Nach Aussage der Teamleitung im Interview.",
]
_BODY = (
    "## Hintergrund\n\nIm Sozialraum {place} arbeiten Jugendamt und freie Träger seit {year} zusammen. "
    "Die {compound} {phrase}.\n\n- Fallkonferenzen\n- Stadtteilbegehungen\n- Sozialraumbudget\n"
)
_TITLES = ["Dr.", "Prof. Dr.", "Dipl.-Soz.-Päd.", "M. A.", "Bürgermeisterin", "Stadträtin"]
_COUNTRIES = ["Deutschland", "Österreich", "Schweiz"]
_REGIONS = ["Nordrhein-Westfalen", "Baden-Württemberg", "Steiermark", "Thüringen", "Zürich", "Bayern", "Hessen"]
T = TypeVar("T")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def transliterate(text: str) -> str:
    """The ASCII spelling of German text: ``ä`` → ``ae``, ``ß`` → ``ss``.

    >>> transliterate("Trägerverbund Süd, Straße")
    'Traegerverbund Sued, Strasse'
    """
    return text.translate(_UMLAUTS)


def type_counts(n: int, ontology: Ontology | None = None) -> dict[str, int]:
    """How many entities of each type a graph of ``n`` entities gets (largest remainders).

    Every entity type of the ontology gets at least one entity once ``n`` is at least the
    number of types.

    >>> counts = type_counts(1000)
    >>> sum(counts.values()), counts["Source"], counts["City"]
    (1000, 140, 5)
    """
    ontology = ontology or default_ontology()
    names = list(ontology.entity_types)
    weights = {t: TYPE_WEIGHTS.get(t, _OTHER_TYPE_WEIGHT) for t in names}
    total = sum(weights.values())
    exact = {t: n * w / total for t, w in weights.items()}
    counts = {t: int(x) for t, x in exact.items()}
    by_remainder = sorted(names, key=lambda t: (-(exact[t] - counts[t]), -weights[t], t))
    for t in by_remainder[: n - sum(counts.values())]:
        counts[t] += 1
    if n >= len(names):
        for t in names:
            if counts[t] == 0:
                donor = max(names, key=lambda x: (counts[x], weights[x]))
                counts[donor] -= 1
                counts[t] = 1
    return counts


def _c(r: Callable[[], float], seq: Sequence[T]) -> T:
    """``random.choice`` with ``r = rng.random``: the same determinism, a fifth of the cost."""
    return seq[int(r() * len(seq))]


def _ri(r: Callable[[], float], a: int, b: int) -> int:
    """``random.randint(a, b)`` with ``r = rng.random``."""
    return a + int(r() * (b - a + 1))


@dataclass
class _Picker:
    """Draws entity indices of one type: uniform share plus Zipf over a random ranking."""

    ranked: list[int]
    cum: list[float]

    @classmethod
    def of(cls, indices: list[int], rng: random.Random) -> _Picker:
        ranked = list(indices)
        rng.shuffle(ranked)
        cum = list(itertools.accumulate(1.0 / (r + 1) ** _ZIPF_S for r in range(len(ranked))))
        return cls(ranked, cum)

    def pick(self, r: Callable[[], float]) -> int:
        ranked = self.ranked
        if r() < _UNIFORM_SHARE:
            return ranked[int(r() * len(ranked))]
        i = bisect.bisect_left(self.cum, r() * self.cum[-1])
        return ranked[i if i < len(ranked) else -1]


def _compound(r: Callable[[], float]) -> tuple[str, str]:
    pre_de, pre_en = _c(r, _PREFIXES)
    head_de, head_en = _c(r, COMPOUND_HEADS)
    if r() < 0.3:
        mid_de, mid_en = _c(r, _MIDDLES)
        if mid_de != head_de and not pre_de.lower().startswith(mid_de):
            return pre_de + mid_de + head_de, f"{pre_en} {mid_en} {head_en}"
    return pre_de + head_de, f"{pre_en} {head_en}"


def _label(etype: str, number: int, r: Callable[[], float]) -> tuple[str, str, str, str | None]:
    """German and English label, place and kind; the trailing ``number`` makes labels and slugs unique."""
    place = _c(r, PLACES)
    kind = None
    if etype == "City":
        k_de, k_en, kind = _c(r, _CITY_KINDS)
        de, en = f"{k_de} {place} {number}", f"{k_en} {place} {number}"
    elif etype == "SocialSpace":
        d_de, d_en = _c(r, _DIRECTIONS)
        de, en = f"Sozialraum {d_de} {place} {number}", f"Social space {d_en} {place} {number}"
    elif etype == "Program":
        k_de, k_en = _c(r, _PROGRAM_KINDS)
        c_de, c_en = _compound(r)
        de, en = f"{k_de} {c_de} {place} {number}", f"{c_en.capitalize()} {k_en} {place} {number}"
    elif etype == "Organization":
        k_de, k_en, kind = _c(r, _ORG_KINDS)
        de, en = f"{k_de} {place} {number}", f"{k_en} {place} {number}"
    elif etype == "ProviderAlliance":
        k_de, k_en = _c(r, _ALLIANCE_KINDS)
        d_de, d_en = _c(r, _DIRECTIONS)
        if r() < 0.5:
            de, en = f"{k_de} {d_de} {number}", f"{k_en} {d_en} {number}"
        else:
            de, en = f"{k_de} {d_de} {place} {number}", f"{k_en} {d_en} {place} {number}"
    elif etype == "Role":
        k_de, k_en, _ = _c(r, _ROLES)
        de, en = f"{k_de} {place} {number}", f"{k_en} {place} {number}"
    elif etype == "Person":
        de = en = f"{_c(r, _FIRST)} {_c(r, _LAST)} {number}"
    elif etype == "Principle":
        if r() < 0.5:
            p_de, p_en = _c(r, _PRINCIPLES)
            de, en = f"{p_de} {number}", f"{p_en} {number}"
        else:
            c_de, c_en = _compound(r)
            de, en = f"Prinzip {c_de} {number}", f"Principle of {c_en} {number}"
    elif etype == "Outcome":
        o_de, o_en = _c(r, _OUTCOMES)
        c_de, c_en = _compound(r)
        de, en = f"{o_de} durch {c_de} {number}", f"{o_en} through {c_en} {number}"
    elif etype == "Lesson":
        c_de, c_en = _compound(r)
        de, en = f"Erkenntnis {c_de} {place} {number}", f"Lesson on {c_en} {place} {number}"
    elif etype == "Event":
        k_de, k_en, kind = _c(r, _EVENT_KINDS)
        de, en = f"{k_de} {place} {_ri(r, 2005, 2024)} {number}", f"{k_en} {place} {number}"
    elif etype == "Critique":
        c_de, c_en = _compound(r)
        de, en = f"Kritik an {c_de} {number}", f"Criticism of {c_en} {number}"
    elif etype == "Source":
        k_de, k_en, kind = _c(r, _SOURCE_KINDS)
        c_de, c_en = _compound(r)
        year = _ri(r, 2000, 2024)
        de, en = f"{k_de} {c_de} {place} {year} {number}", f"{k_en} on {c_en}, {place} {year} {number}"
    else:
        c_de, c_en = _compound(r)
        de, en = f"{c_de} {place} {number}", f"{c_en.capitalize()} {place} {number}"
    return de, en, place, kind


def _date(r: Callable[[], float]) -> str:
    year = _ri(r, 1995, 2024)
    x = r()
    if x < 0.4:
        return str(year)
    if x < 0.7:
        return f"{year}-{_ri(r, 1, 12):02d}"
    return f"{year}-{_ri(r, 1, 12):02d}-{_ri(r, 1, 28):02d}"


class _Builder:
    def __init__(self, n: int, seed: int, statements_per_entity: float, ontology: Ontology):
        self.rng = rng = random.Random(seed)
        self.r = r = rng.random
        self.ontology = ontology
        self.mean = max(0.0, float(statements_per_entity))
        self.seed = seed
        self.statement_seq = 0
        counts = type_counts(n, ontology)
        # Sources first, so every citation names a Source that came before; the rest mixed.
        rest = [t for t, c in counts.items() if t != "Source" for _ in range(c)]
        rng.shuffle(rest)
        self.types = ["Source"] * counts.get("Source", 0) + rest
        self.labels = [_label(t, i + 1, r) for i, t in enumerate(self.types)]
        self.ids = [slugify(label[0]) for label in self.labels]
        by_type: dict[str, list[int]] = {}
        for i, t in enumerate(self.types):
            by_type.setdefault(t, []).append(i)
        self.pickers = {t: _Picker.of(ix, rng) for t, ix in sorted(by_type.items())}
        self.sources = self.pickers.get("Source")
        self.options = {t: self._options(t, counts) for t in ontology.entity_types}
        self.qualifiers = {name: list(rt.qualifiers.values()) for name, rt in ontology.relation_types.items()}
        years = range(2005, 2025)
        self.quotes = [q.format(place=p, year=y) for q in _QUOTES for p in PLACES for y in years]
        self.notes = [q.format(place=p, year=y) for q in _NOTES for p in PLACES for y in years]
        self.locators = (
            [f"S. {p}" for p in range(1, 241)]
            + [f"Abschnitt {a}.{b}" for a in range(1, 10) for b in range(1, 10) for _ in range(2)]
            + [""] * 100
        )

    def _options(self, subject: str, counts: dict[str, int]) -> tuple[list[tuple[str, str]], list[float]]:
        """Every (relation, target type) the ontology allows from ``subject``, with cumulative weights."""
        options, weights = [], []
        for rtype in self.ontology.relation_types.values():
            targets = [t for t in self.ontology.entity_types if counts.get(t) and rtype.allows(subject, t)]
            total = sum(counts[t] for t in targets)
            for t in targets:
                options.append((rtype.name, t))
                weights.append(_RELATION_WEIGHTS.get(rtype.name, 1.0) * counts[t] / total)
        return options, list(itertools.accumulate(weights))

    def _ref(self, spec: PropertySpec) -> str | None:
        types = [t for t in (spec.ref or self.pickers) if t in self.pickers]
        if not types:
            return None
        return self.ids[self.pickers[_c(self.r, types)].pick(self.r)]

    def _value(self, spec: PropertySpec, index: int) -> object:
        r, t, name = self.r, spec.type, spec.name
        if t == "enum":
            return _c(r, spec.values)
        if t == "date":
            return _date(r)
        if t == "integer":
            return _ri(r, 1, 20) if name in ("districts", "number", "duration_days") else _ri(r, 1, 500)
        if t == "number":
            return round(r() * 1000, 2)
        if t == "boolean":
            return r() < 0.5
        if t == "ref":
            return self._ref(spec)
        if t == "text":
            return _c(r, self.notes)
        place = _c(r, PLACES)
        if t == "url":
            return f"https://www.{slugify(transliterate(place))}.example.org/graphkb/{index + 1}"
        if t == "list":
            first = _ri(r, 0, len(_DIRECTIONS) - 1)
            return [f"{d} {place}" for d, _ in _DIRECTIONS[first : first + _ri(r, 1, 3)]]
        # string
        if name == "country":
            return _c(r, _COUNTRIES)
        if name == "region":
            return _c(r, _REGIONS)
        if name == "title":
            return _c(r, _TITLES)
        if name == "address":
            return f"{_compound(r)[0]}straße {_ri(r, 1, 120)}, {place}"
        if name in ("author", "publisher"):
            return f"{_c(r, _FIRST)} {_c(r, _LAST)}"
        if name == "file":
            return f"sources/{index + 1:06d}_{slugify(transliterate(place))}.txt"
        if name == "canonical_number":
            return str(_ri(r, 1, 5))
        return f"{_compound(r)[0]} {place}"

    def _properties(self, etype: str, index: int, kind: str | None) -> dict[str, object]:
        r = self.r
        props: dict[str, object] = {}
        for spec in self.ontology.entity_types[etype].properties.values():
            if not spec.required and r() >= 0.5:
                continue
            value = kind if (spec.name == "kind" and kind in spec.values) else self._value(spec, index)
            if value is not None and value != "" and value != []:
                props[spec.name] = value
        return props

    def _statement(self, relation: str, target: str) -> Statement:
        r = self.r
        qualifiers: dict[str, object] = {}
        specs = self.qualifiers[relation]
        if specs and r() < _QUALIFIED_SHARE:
            for _ in range(1 if r() < 0.7 else 2):
                spec = _c(r, specs)
                value = self._value(spec, self.statement_seq)
                if value is not None:
                    qualifiers[spec.name] = value
        citations: list[Citation] = []
        if self.sources is not None and r() < _CITED_SHARE:
            ids, quotes, locators, sources = self.ids, self.quotes, self.locators, self.sources
            for _ in range(1 if r() < 0.85 else 2):
                citations.append(Citation(ids[sources.pick(r)], _c(r, quotes), _c(r, locators)))
        # ascending like the store's own time-ordered ids (index inserts append), unique per graph
        self.statement_seq += 1
        sid = f"s{self.seed & 0xFFFFF:05x}{self.statement_seq:010x}"
        return Statement(relation, target, qualifiers, citations, sid)

    def _statements(self, index: int) -> list[Statement]:
        r = self.r
        options, cum = self.options[self.types[index]]
        if not options or self.mean <= 0:
            return []
        # geometric number of statements with mean self.mean: skewed out-degrees, some zero
        count = min(_MAX_STATEMENTS, int(math.log(1.0 - r()) / math.log(self.mean / (self.mean + 1.0))))
        statements: list[Statement] = []
        seen: set[tuple[str, int]] = set()
        last = len(options) - 1
        for _ in range(count):
            for _attempt in range(5):
                i = bisect.bisect_left(cum, r() * cum[-1])
                relation, ttype = options[i if i < last else last]
                target = self.pickers[ttype].pick(r)
                if target != index and (relation, target) not in seen:
                    seen.add((relation, target))
                    statements.append(self._statement(relation, self.ids[target]))
                    break
        return statements

    def entity(self, index: int) -> Entity:
        r = self.r
        etype = self.types[index]
        de, en, place, kind = self.labels[index]
        phrase_de, phrase_en = _c(r, _PHRASES)
        et = self.ontology.entity_types[etype]
        descriptions = {
            "de": f"{et.labels['de']} im synthetischen Benchmark-Graphen, verortet in {place}; {phrase_de}.",
            "en": f"{et.labels['en']} of the synthetic benchmark graph, located in {place}; {phrase_en}."
            if r() < 0.9
            else "",
        }
        aliases: dict[str, list[str]] = {"de": [], "en": []}
        if r() < 0.2:
            ascii_de = transliterate(de)
            if ascii_de != de:
                aliases["de"].append(ascii_de)
            words = de.split()
            aliases["de"].append("".join(w[0] for w in words[:-1] if w[0].isalpha()).upper() + " " + words[-1])
        if r() < 0.05:
            aliases["en"].append(en.lower())
        body = ""
        if r() < 0.1:
            body = _BODY.format(place=place, year=_ri(r, 2005, 2024), compound=_compound(r)[0], phrase=phrase_de)
        return Entity(
            type=etype,
            id=self.ids[index],
            labels={"de": de, "en": en},
            aliases=aliases,
            descriptions=descriptions,
            body=body,
            properties=self._properties(etype, index, kind),
            statements=self._statements(index),
        )


def generate(
    n: int,
    *,
    seed: int = 0,
    statements_per_entity: float = 3.0,
    ontology: Ontology | None = None,
) -> Iterator[Entity]:
    """Yield ``n`` synthetic entities that together form a valid graphkb graph.

    Parameters
    ----------
    n : int
        Number of entities. From 100 on (in fact from the number of entity types on) every
        entity type of the ontology occurs at least once; the mix follows :data:`TYPE_WEIGHTS`.
    seed : int, optional
        Seed of the one :class:`random.Random` that drives everything: the same ``n`` and
        ``seed`` give identical entities, statements, ids and citations.
    statements_per_entity : float, optional
        Mean number of outgoing statements per entity (geometrically distributed, at most 60,
        fewer when an entity type allows few relations). In-degrees are heavy-tailed: targets
        are drawn per entity type from a Zipf distribution (30 % uniform), so a few hubs get
        very many incoming statements.
    ontology : Ontology, optional
        The ontology to follow; :func:`graphkb.schema.default_ontology` by default.

    Yields
    ------
    Entity
        New entities (revision 0, no bookkeeping) with ids ``slugify(labels["de"])``, unique
        because every label ends in the entity's running number. All Sources come first, the
        other types mixed; statements may point at entities yielded later, so import them in
        one :meth:`~graphkb.store.base.Store.bulk_import`. Statements carry deterministic,
        ascending ids (like the store's own time-ordered ones) and qualifiers where the relation
        type has some (about a third); most (about 80 %) cite a Source of the graph with quote
        and locator.

    Examples
    --------
    >>> from graphkb.schema import default_ontology
    >>> entities = list(generate(30, seed=1))
    >>> len(entities), entities[0].type
    (30, 'Source')
    >>> entities == list(generate(30, seed=1))
    True
    >>> known = {e.id: e.type for e in entities}
    >>> for e in entities:
    ...     default_ontology().validate_entity(e, known.get)
    >>> len({e.type for e in generate(100)}) == len(default_ontology().entity_types)
    True
    """
    if n < 0:
        raise ValueError("n must not be negative")
    # Work runs in batches with the cyclic garbage collector paused (restored before each
    # yield): the new objects hold no cycles, and collecting while a big graph is being built
    # costs a third of the time.
    with gc_paused():
        builder = _Builder(n, seed, statements_per_entity, ontology or default_ontology())
    for start in range(0, n, _BATCH):
        with gc_paused():
            batch = [builder.entity(i) for i in range(start, min(n, start + _BATCH))]
        yield from batch
