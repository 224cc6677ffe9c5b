"""The seed content (seed/graz.yaml, seed/background.yaml) is sound: sourced, consistent, valid.

Loads the YAML with PyYAML directly; no store is needed.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from graphkb.errors import ValidationError
from graphkb.model import Entity
from graphkb.schema import default_ontology
from graphkb.text import slugify

SEED = Path(__file__).resolve().parent.parent / "seed"
REPORT_ID = "von-graz-lernen-studienreise-zur-sozialraumorientierung"
REPORT_FILE = "sources/000_89d5b04bed7495f8.txt"

# Places that background.md marks as not verified (or only "named, not checked"): they stay out.
UNVERIFIED_PLACES = (
    "Wien",
    "Linz",
    "Wels",
    "Steyr",
    "Bonn",
    "Hannover",
    "Augsburg",
    "St. Wendel",
    "Ravensburg",
    "Zürich",
)


# ---------------------------------------------------------------------------------- loading


def _load(name: str) -> dict:
    with open(SEED / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


GRAZ = _load("graz.yaml")
BACKGROUND = _load("background.yaml")
REPORT_TEXT = (SEED / REPORT_FILE).read_text(encoding="utf-8")
BACKGROUND_TEXT = (SEED / "sources" / "background.md").read_text(encoding="utf-8")

GRAZ_ENTITIES: list[dict] = GRAZ.get("entities") or []
BG_ENTITIES: list[dict] = BACKGROUND.get("entities") or []
BG_EXTEND: list[dict] = BACKGROUND.get("extend") or []
ALL_ENTITIES = GRAZ_ENTITIES + BG_ENTITIES
TYPES = {e["id"]: e["type"] for e in ALL_ENTITIES}
BY_ID = {e["id"]: e for e in ALL_ENTITIES}


def _report_paragraphs() -> list[str]:
    """Title as 0, then the body paragraphs 1, 2, … as the locators count them."""
    return [p.strip() for p in REPORT_TEXT.split("\n\n") if p.strip()]


def _background_sections() -> dict[str, str]:
    """'2.1' … '2.7' and 'Quellenliste' → the text of that section of background.md."""
    sections: dict[str, str] = {}
    parts = re.split(r"^(#{2,3} .*)$", BACKGROUND_TEXT, flags=re.M)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        m = re.match(r"### (2\.\d)", heading)
        if m:
            sections[m.group(1)] = body
        elif heading.startswith("## Sources"):
            sections["Quellenliste"] = body
    return sections


def _source_list() -> dict[str, str]:
    """Qn → address, from the source list at the end of background.md."""
    return {
        q: url for q, url in re.findall(r"^- \*\*\[(Q\d+)\]\*\* .*?<(https?://[^>]+)>\s*$", BACKGROUND_TEXT, flags=re.M)
    }


def _statements(entities: list[dict]) -> list[tuple[str, dict]]:
    return [(e["id"], st) for e in entities for st in e.get("statements") or []]


GRAZ_STATEMENTS = _statements(GRAZ_ENTITIES)
BG_STATEMENTS = _statements(BG_ENTITIES) + _statements(BG_EXTEND)
ALL_STATEMENTS = GRAZ_STATEMENTS + BG_STATEMENTS


def _merged_entities() -> list[Entity]:
    """All entities as graphkb Entities, with background `extend` merged in."""
    data = {e["id"]: copy.deepcopy(e) for e in ALL_ENTITIES}
    for ext in BG_EXTEND:
        target = data[ext["id"]]
        target.setdefault("properties", {}).update(ext.get("properties") or {})
        aliases = target.setdefault("aliases", {})
        for lang, values in (ext.get("aliases") or {}).items():
            aliases[lang] = list(aliases.get(lang) or []) + list(values)
        target.setdefault("statements", []).extend(copy.deepcopy(ext.get("statements") or []))
    return [Entity.from_dict(d) for d in data.values()]


def _walk(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


# ---------------------------------------------------------------------------------- identity


def test_both_files_have_entities_and_only_background_has_extend():
    assert GRAZ_ENTITIES and BG_ENTITIES
    assert set(GRAZ) == {"entities"}
    assert set(BACKGROUND) <= {"entities", "extend"}


def test_every_entity_id_is_the_slug_of_its_german_label():
    wrong = [(e["id"], slugify(e["labels"]["de"])) for e in ALL_ENTITIES if e["id"] != slugify(e["labels"]["de"])]
    assert not wrong


def test_entity_ids_are_unique_across_both_files():
    counts = Counter(e["id"] for e in ALL_ENTITIES)
    assert [i for i, n in counts.items() if n > 1] == []


def test_every_entity_has_german_and_english_labels_and_descriptions():
    for e in ALL_ENTITIES:
        for key in ("labels", "descriptions"):
            for lang in ("de", "en"):
                assert str((e.get(key) or {}).get(lang) or "").strip(), f"{e['id']}: {key}.{lang} is empty"


def test_extend_only_touches_report_entities_and_never_overwrites_their_properties():
    graz_ids = {e["id"]: e for e in GRAZ_ENTITIES}
    for ext in BG_EXTEND:
        assert set(ext) <= {"id", "properties", "aliases", "statements"}, ext["id"]
        assert ext["id"] in graz_ids, f"extend of {ext['id']}, which graz.yaml does not define"
        clash = set(ext.get("properties") or {}) & set(graz_ids[ext["id"]].get("properties") or {})
        assert not clash, f"{ext['id']}: extend redefines {clash}"


def test_dates_are_written_as_strings_not_yaml_dates():
    for name, data in (("graz.yaml", GRAZ), ("background.yaml", BACKGROUND)):
        for path, value in _walk(data):
            assert not isinstance(value, datetime.date), f"{name}{path} is a YAML date; quote it"


# ---------------------------------------------------------------------------------- report layer


def test_the_report_source_is_layer_report_and_carries_no_outside_facts():
    report = BY_ID[REPORT_ID]
    assert report["type"] == "Source"
    assert report["properties"] == {"kind": "blog", "layer": "report", "file": REPORT_FILE}


def test_every_report_statement_cites_the_report_with_a_verbatim_quote_from_the_named_paragraph():
    paragraphs = _report_paragraphs()
    assert paragraphs[0].startswith("Von Graz lernen")
    for subject, st in GRAZ_STATEMENTS:
        where = f"{subject} {st['type']} {st['target']}"
        citations = st.get("citations") or []
        assert citations, f"{where}: no citation"
        for cit in citations:
            quote = cit["quote"]
            assert cit["source"] == REPORT_ID, f"{where}: cites {cit['source']}, not the report"
            assert "\n" not in quote and quote.strip() == quote and quote, f"{where}: bad quote {quote!r}"
            assert quote in REPORT_TEXT, f"{where}: quote not verbatim in the report: {quote!r}"
            m = re.fullmatch(r"Abs\. (\d)|Titel", cit.get("locator") or "")
            assert m, f"{where}: locator {cit.get('locator')!r} is not 'Abs. N' or 'Titel'"
            number = int(m.group(1)) if m.group(1) else 0
            assert 0 <= number <= 6 and quote in paragraphs[number], f"{where}: quote is not in {cit['locator']}"


def test_the_report_has_the_study_trip_with_14_participants_and_3_days():
    trips = [e for e in GRAZ_ENTITIES if e["type"] == "Event" and e["properties"].get("kind") == "study_trip"]
    assert len(trips) == 1
    assert trips[0]["properties"]["participants"] == 14
    assert trips[0]["properties"]["duration_days"] == 3
    counted = [
        st
        for _, st in GRAZ_STATEMENTS
        if st["type"] == "PARTICIPATED_IN"
        and st["target"] == trips[0]["id"]
        and (st.get("qualifiers") or {}).get("count")
    ]
    assert [st["qualifiers"]["count"] for st in counted] == [14]


def test_the_report_layer_gives_graz_four_social_spaces_all_visited():
    graz = BY_ID["graz"]
    spaces = [st["target"] for st in graz["statements"] if st["type"] == "HAS_SOCIAL_SPACE"]
    assert len(spaces) == 4 and all(TYPES[s] == "SocialSpace" for s in spaces)
    assert sorted(BY_ID[s]["properties"]["number"] for s in spaces) == [1, 2, 3, 4]
    visited = {st["target"] for _, st in GRAZ_STATEMENTS if st["type"] == "VISITED"}
    assert set(spaces) <= visited


def test_the_report_layer_has_a_practice_leading_to_an_outcome():
    found = [
        (s, st["target"])
        for s, st in GRAZ_STATEMENTS
        if st["type"] == "LEADS_TO" and TYPES[s] == "Practice" and TYPES[st["target"]] == "Outcome"
    ]
    assert found


def test_graz_implements_the_fachkonzept_since_2004_in_the_report_layer():
    (st,) = [
        st
        for st in BY_ID["graz"]["statements"]
        if st["type"] == "IMPLEMENTS" and st["target"] == "fachkonzept-sozialraumorientierung"
    ]
    assert st["qualifiers"]["since"] == "2004"


def test_every_speaker_role_spoke_at_the_study_trip_and_has_an_organisation():
    speakers = {s for s, st in GRAZ_STATEMENTS if st["type"] == "SPOKE_AT"}
    expected = {
        "controllerin-des-jugendamts",
        "regionaler-jugendamtsleiter",
        "sozialraumkoordinator-trägerverbund",
        "abteilungsvorständin-jugendamtsleiterin",
        "magistratsdirektor",
        "zuständiger-stadtrat",
    }
    assert expected <= speakers
    with_org = {s for s, st in GRAZ_STATEMENTS if st["type"] == "ROLE_IN"}
    assert expected <= with_org


# ---------------------------------------------------------------------------------- background layer


def test_background_sources_are_layer_background_with_an_address_from_the_source_list():
    addresses = set(_source_list().values())
    sources = [e for e in BG_ENTITIES if e["type"] == "Source"]
    assert sources
    for e in sources:
        assert e["properties"]["layer"] == "background", e["id"]
        assert e["properties"].get("url") in addresses, f"{e['id']}: url not in the source list"
    assert all(e["properties"]["layer"] == "report" for e in GRAZ_ENTITIES if e["type"] == "Source")


def test_no_two_background_sources_share_an_address():
    urls = Counter(e["properties"]["url"] for e in BG_ENTITIES if e["type"] == "Source")
    assert [u for u, n in urls.items() if n > 1] == []


def test_every_background_statement_cites_background_sources_verbatim_in_the_named_section():
    q_of_url = {url: q for q, url in _source_list().items()}
    sections = _background_sections()
    for subject, st in BG_STATEMENTS:
        where = f"{subject} {st['type']} {st['target']}"
        citations = st.get("citations") or []
        assert citations, f"{where}: no citation"
        for cit in citations:
            source = BY_ID.get(cit["source"])
            assert source and source["type"] == "Source", f"{where}: {cit['source']} is not a Source"
            assert source["properties"]["layer"] == "background", f"{where}: cites a non-background source"
            quote = cit["quote"]
            assert "\n" not in quote and quote.strip() == quote and quote, f"{where}: bad quote {quote!r}"
            assert quote in BACKGROUND_TEXT, f"{where}: quote not verbatim in background.md: {quote!r}"
            m = re.fullmatch(r"(§(2\.\d)|Quellenliste), \[(Q\d+)\]", cit.get("locator") or "")
            assert m, f"{where}: locator {cit.get('locator')!r} is not '§2.N, [Qn]' or 'Quellenliste, [Qn]'"
            section = m.group(2) or "Quellenliste"
            assert quote in sections[section], f"{where}: quote is not in {section}"
            assert m.group(3) == q_of_url[source["properties"]["url"]], f"{where}: locator names {m.group(3)}"


def test_every_background_source_is_cited_at_least_once():
    cited = {cit["source"] for _, st in BG_STATEMENTS for cit in st.get("citations") or []}
    uncited = [e["id"] for e in BG_ENTITIES if e["type"] == "Source" and e["id"] not in cited]
    assert uncited == []


def test_the_five_hinte_principles_are_numbered_1_to_5_and_developed_by_issab():
    canon = [e for e in BG_ENTITIES if e["type"] == "Principle" and (e.get("properties") or {}).get("canonical_number")]
    assert sorted(e["properties"]["canonical_number"] for e in canon) == ["1", "2", "3", "4", "5"]
    for e in canon:
        developers = {st["target"] for st in e.get("statements") or [] if st["type"] == "DEVELOPED_BY"}
        assert "issab" in developers, e["id"]


def test_report_principles_align_only_where_background_md_finds_a_match():
    by_number = {
        e["properties"]["canonical_number"]: e["id"]
        for e in BG_ENTITIES
        if e["type"] == "Principle" and (e.get("properties") or {}).get("canonical_number")
    }
    aligns = {
        (s, st["target"], st["qualifiers"]["strength"]) for s, st in ALL_STATEMENTS if st["type"] == "ALIGNS_WITH"
    }
    assert aligns == {
        ("willensorientierung", by_number["1"], "direct"),
        ("ressourcenorientierung", by_number["3"], "direct"),
        ("zusammenarbeit-auf-augenhöhe", by_number["5"], "partial"),
    }


def test_contested_claims_carry_their_counter_position():
    contested = [st for _, st in BG_STATEMENTS if (st.get("qualifiers") or {}).get("stance") == "contested"]
    assert contested
    assert all(st["qualifiers"].get("evidence_level") == "counter_position" for st in contested)
    assert any(st["type"] == "CRITICIZES" for _, st in BG_STATEMENTS)


def test_unverified_places_stay_out_of_the_seed():
    for e in ALL_ENTITIES:
        texts = [e["labels"]["de"], e["labels"]["en"], *((e.get("aliases") or {}).get("de") or [])]
        for place in UNVERIFIED_PLACES:
            assert not any(re.search(rf"\b{re.escape(place)}\b", t) for t in texts), f"{e['id']} names {place}"


# ---------------------------------------------------------------------------------- references and ontology


def test_every_target_citation_source_and_reference_exists():
    for subject, st in ALL_STATEMENTS:
        where = f"{subject} {st['type']} {st['target']}"
        assert st["target"] in TYPES, f"{where}: unknown target"
        for cit in st.get("citations") or []:
            assert cit["source"] in TYPES, f"{where}: unknown source {cit['source']}"
        quals = st.get("qualifiers") or {}
        if "social_space" in quals:
            assert TYPES.get(quals["social_space"]) == "SocialSpace", where
        if "place" in quals:
            assert TYPES.get(quals["place"]) == "City", where
    for ext in BG_EXTEND:
        assert ext["id"] in TYPES


def test_no_entity_states_the_same_thing_twice():
    for e in _merged_entities():
        keys = Counter(
            (st.type, st.target, tuple(sorted((k, repr(v)) for k, v in st.qualifiers.items()))) for st in e.statements
        )
        assert [k for k, n in keys.items() if n > 1] == [], e.id


def test_the_whole_seed_validates_against_the_ontology():
    ontology = default_ontology()
    errors = []
    for entity in _merged_entities():
        try:
            ontology.validate_entity(entity, TYPES.get)
        except ValidationError as exc:  # collect all, report together
            errors.append(f"{entity.id}: {exc}")
    assert errors == []


@pytest.mark.parametrize(
    ("entities", "statements", "min_entities", "min_statements"),
    [
        (GRAZ_ENTITIES, GRAZ_STATEMENTS, 40, 60),
        (BG_ENTITIES, BG_STATEMENTS, 60, 80),
    ],
    ids=["graz", "background"],
)
def test_each_layer_is_substantial(entities, statements, min_entities, min_statements):
    assert len(entities) >= min_entities
    assert len(statements) >= min_statements


def test_the_seed_as_a_whole_is_well_over_40_entities_and_60_statements():
    assert len(ALL_ENTITIES) > 100
    assert len(ALL_STATEMENTS) > 150
