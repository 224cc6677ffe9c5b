"""Small graphs with hand-checkable answers for the contract suite."""

from __future__ import annotations

from graphkb.model import Citation, Entity, Statement


def source(store, label="Von Graz lernen", layer="report"):
    return store.create(Entity(type="Source", labels={"de": label}, properties={"layer": layer}), author="alice")


def cite(source_id, quote="Die Stadt Graz setzt das Konzept der Sozialraumorientierung seit 2004"):
    return [Citation(source_id, quote, "Abs. 3")]


def small_graph(store):
    """Graz with a social space, a provider alliance responsible for it, a practice leading to an outcome."""
    src = source(store).entity_id
    store.create(Entity(type="City", labels={"de": "Graz", "en": "Graz"}), author="alice")
    store.create(
        Entity(type="SocialSpace", labels={"de": "Sozialraum 2", "en": "Social space 2"}),
        author="alice",
    )
    store.create(
        Entity(
            type="ProviderAlliance",
            labels={"de": "Trägerverbund Süd", "en": "Provider alliance South"},
            aliases={"de": ["AG SR 2"]},
            descriptions={"de": "Zusammenschluss freier Träger im Sozialraum 2"},
            statements=[Statement("RESPONSIBLE_FOR", "sozialraum-2", {"since": "2015-01"}, cite(src))],
        ),
        author="alice",
    )
    store.create(
        Entity(
            type="Outcome",
            labels={"de": "Augenhöhe in Entscheidungsprozessen", "en": "Parity in decisions"},
        ),
        author="alice",
    )
    store.create(
        Entity(
            type="Practice",
            labels={"de": "Zusammenarbeit im Trägerverbund", "en": "Cooperation in the provider alliance"},
            statements=[
                Statement(
                    "LEADS_TO",
                    "augenhöhe-in-entscheidungsprozessen",
                    {"evidence_level": "report"},
                    cite(src, "gegenüber der Verwaltung haben sie in Entscheidungsprozessen an Augenhöhe gewonnen"),
                )
            ],
        ),
        author="alice",
    )
    g = store.get("graz")
    g.statements.append(Statement("HAS_SOCIAL_SPACE", "sozialraum-2", {}, cite(src)))
    store.update(g, base_revision=g.revision, author="alice", summary="social space")
    return src
