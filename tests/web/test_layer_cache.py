"""Citation layers come from the cited Source; a page must show the layer the Source has now."""

from __future__ import annotations

from .helpers import outgoing_part


def test_changing_a_sources_layer_shows_on_the_citing_pages_at_once(wclient):
    store = wclient.application.extensions["graphkb_store"].get()

    def badges() -> tuple[int, int]:
        # the legend shows one of each; the cited statement shows its layer twice (statement and citation)
        part = outgoing_part(wclient.get("/entity/graz").text)
        return part.count("badge layer-report"), part.count("badge layer-background")

    assert badges() == (3, 1)
    source = store.get("grazer-bericht")
    source.properties["layer"] = "background"
    store.update(source, base_revision=source.revision, author="tester", summary="Ebene geändert")
    assert badges() == (1, 3)
