"""The explorer, the entity page's graph and the evidence map in a real Chromium.

Every test also fails (at teardown) on a request to another host, a console error, a CSP
violation or an uncaught script error (see conftest.py): vis-network and its CSS are served by
the app itself.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from graphkb.model import Citation, Entity, Statement
from graphkb.text import slugify as slug

from ..web.conftest import ALLIANCE, ORGANISATIONS, REPORT_QUOTE
from .conftest import serve_small_graph
from .support import shot

MEMBERS = 30  # organisations in the alliance: more than one page of neighbours (25)
PRACTICE, OUTCOME = "fallunspezifische-arbeit", "weniger-stationäre-hilfen"
QUOTE = "Seit der Umstellung sind die stationären Unterbringungen deutlich zurückgegangen"
EVIL = "evil-org"
EVIL_LABEL = '<img src=x onerror="alert(1)">Verein'


def add_members_and_evidence(store) -> None:
    for i in range(1, MEMBERS + 1):
        store.create(
            Entity(
                type="Organization",
                id=f"träger-{i:02d}",
                labels={"de": f"Träger {i:02d}", "en": f"Provider {i:02d}"},
                statements=[Statement("MEMBER_OF", ALLIANCE)],
            ),
            author="tester",
        )
    store.create(
        Entity(
            type="Organization",
            id=EVIL,
            labels={"de": EVIL_LABEL},
            statements=[Statement("ADVISED_BY", "wolfgang-hinte")],
        ),
        author="tester",
    )
    store.create(Entity(type="Outcome", id=OUTCOME, labels={"de": "Weniger stationäre Hilfen"}), author="tester")
    store.create(
        Entity(
            type="Practice",
            id=PRACTICE,
            labels={"de": "Fallunspezifische Arbeit", "en": "Non-case-specific work"},
            statements=[
                Statement(
                    "LEADS_TO",
                    OUTCOME,
                    qualifiers={"evidence_level": "practice_experience"},
                    citations=[Citation("grazer-bericht", QUOTE, "Absatz 9")],
                )
            ],
        ),
        author="tester",
    )


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, browser_account_hashes):
    directory = tmp_path_factory.mktemp("explore-graph")
    yield from serve_small_graph(directory, browser_account_hashes, add_members_and_evidence)


def wait_drawn(page, box: str = ".graph-box"):
    expect(page.locator(box)).to_have_attribute("data-graph-stable", "1", timeout=15000)
    return int(page.locator(box).get_attribute("data-node-count"))


def node_count(page, box: str = ".graph-box") -> int:
    return int(page.locator(box).get_attribute("data-node-count"))


def node_point(page, node_id: str, box: str = ".graph-box") -> tuple[float, float]:
    """Where the node is drawn on the page."""
    point = page.locator(box).evaluate(
        """(box, id) => {
            const net = box.graphView.network;
            const spot = net.canvasToDOM(net.getPositions([id])[id]);
            const rect = box.querySelector(".graph-canvas").getBoundingClientRect();
            return {x: rect.left + spot.x, y: rect.top + spot.y};
        }""",
        node_id,
    )
    return point["x"], point["y"]


def click_node(page, node_id: str, *, double: bool = False, box: str = ".graph-box") -> None:
    """A real mouse click on the node's spot on the canvas."""
    x, y = node_point(page, node_id, box)
    if double:
        page.mouse.dblclick(x, y)
    else:
        page.mouse.click(x, y)


def node_ids(page, box: str = ".graph-box") -> set[str]:
    return set(page.locator(box).evaluate("box => box.graphView.nodes.getIds().map(String)"))


def expand_param(page) -> str:
    return parse_qs(urlsplit(page.url).query).get("expand", [""])[0]


def test_the_explorer_draws_the_view_with_its_legend_from_the_apps_own_assets(page, browser_log):
    page.goto("/explore?center=graz&depth=2")
    assert wait_drawn(page) >= 5
    assert {"graz", ALLIANCE, "sozialraum-2", "wolfgang-hinte"} <= node_ids(page)
    legend = page.locator(".graph-legend li")
    expect(legend.filter(has_text="Kommune")).to_have_count(1)  # labels in the UI language
    expect(page.locator(".graph-legend li.type-City .shape-square")).to_have_count(1)
    # the vendored vis-network came from this app; nothing else was asked for elsewhere
    assert any("/static/vendor/vis-network-9.1.2/vis-network.min.js" in url for url in browser_log.requests)
    assert all(browser_log.is_local(url) for url in browser_log.requests)
    shot(page, "explorer")


def test_clicking_a_node_expands_a_page_of_neighbours_with_more_and_clicking_again_collapses(page):
    page.goto("/explore?center=graz")
    before = wait_drawn(page)
    assert not any(n.startswith("träger-") for n in node_ids(page))

    shown = node_ids(page)
    click_node(page, ALLIANCE)
    expect(page.locator(".graph-box")).not_to_have_attribute("data-node-count", str(before))
    # hidden: the 30 members and the office it cooperates with; one page of 25 comes, by id
    added = node_ids(page) - shown - {f"more:{ALLIANCE}"}
    assert len(added) == 25 and "amt-für-jugend-und-familie-graz" in added
    assert f"more:{ALLIANCE}" in node_ids(page)  # "+6 more" instead of all of them
    label = page.locator(".graph-box").evaluate("(box, id) => box.graphView.nodes.get(id).label", f"more:{ALLIANCE}")
    assert label.startswith("+6 ")
    assert expand_param(page) == ALLIANCE  # the state is in the address
    expect(page.locator(".graph-legend li.type-Organization")).to_contain_text("(25)")  # the legend follows

    count = node_count(page)
    click_node(page, f"more:{ALLIANCE}")
    expect(page.locator(".graph-box")).not_to_have_attribute("data-node-count", str(count))
    assert len({n for n in node_ids(page) if n.startswith("träger-")}) == MEMBERS
    assert f"more:{ALLIANCE}" not in node_ids(page)
    assert expand_param(page) == f"{ALLIANCE}:2"
    page.mouse.move(5, 5)  # no hover: the picture shows every node in its colour
    shot(page, "explorer-expanded")

    click_node(page, ALLIANCE)
    expect(page.locator(".graph-box")).to_have_attribute("data-node-count", str(before))
    assert not any(n.startswith("träger-") for n in node_ids(page))
    assert expand_param(page) == ""
    expect(page.locator(".graph-legend li.type-Organization")).to_have_count(0)

    page.wait_for_timeout(700)  # two clicks within the double-click interval would open the page
    click_node(page, ALLIANCE)  # and it expands again
    expect(page.locator(".graph-box")).to_have_attribute("data-node-count", str(before + 26))


def test_a_shared_address_shows_the_same_expanded_view_at_the_same_places(page):
    page.goto(f"/explore?center=graz&expand={ALLIANCE}")
    wait_drawn(page)
    first = page.locator(".graph-box").evaluate("box => box.graphView.network.getPositions()")
    assert len([n for n in first if n.startswith("träger-")]) == 24  # and the office: a page of 25
    page.goto(f"/explore?center=graz&expand={ALLIANCE}")
    wait_drawn(page)
    again = page.locator(".graph-box").evaluate("box => box.graphView.network.getPositions()")
    assert again == first  # a returning visitor finds every node where it was


def test_hovering_a_node_dims_all_but_its_neighbourhood(page):
    page.goto("/explore?center=graz&depth=2")
    wait_drawn(page)
    page.mouse.move(*node_point(page, "wolfgang-hinte"))
    colour = "(box, id) => JSON.stringify(box.graphView.nodes.get(id).color)"
    box = page.locator(".graph-box")
    page.wait_for_function("() => document.querySelector('.graph-box').graphView.dimmed === true")
    assert "eceef0" in box.evaluate(colour, "sozialraum-2")  # not a neighbour of Wolfgang Hinte: dimmed
    assert "eceef0" not in box.evaluate(colour, "graz")  # his neighbour keeps its colour


def test_double_clicking_a_node_opens_the_entity_page(page):
    page.goto("/explore?center=graz")
    wait_drawn(page)
    with page.expect_navigation():
        click_node(page, "wolfgang-hinte", double=True)
    expect(page.locator("h1")).to_have_text("Wolfgang Hinte")


def test_filters_by_entity_type_narrow_the_graph_in_english_too(new_page):
    page = new_page(locale="en-GB")
    page.goto("/explore")
    page.locator("details summary").click()
    page.locator("input[name=type][value=Organization]").check()
    page.get_by_role("button", name="Show").click()
    wait_drawn(page)
    assert "type=Organization" in page.url
    ids = node_ids(page)
    organisations = {f"träger-{i:02d}" for i in range(1, MEMBERS + 1)} | {slug(name) for name in ORGANISATIONS}
    assert ids == organisations | {EVIL}
    expect(page.locator(".graph-legend li")).to_have_count(1)
    expect(page.locator(".graph-legend li")).to_contain_text("Organisation")


def test_the_entity_page_draws_its_one_hop_graph_when_scrolled_to(page):
    page.goto("/entity/graz")
    section = page.locator("section.graph-embed")
    section.scroll_into_view_if_needed()
    assert wait_drawn(page, "section.graph-embed .graph-box") == 4  # Graz and its three neighbours
    assert node_ids(page, "section.graph-embed .graph-box") == {"graz", "sozialraum-2", "wolfgang-hinte", ALLIANCE}
    assert urlsplit(page.url).query == ""  # an embedded graph leaves the page's address alone
    shot(page, "entity-graph")


def test_the_evidence_map_drills_down_to_paths_quotes_and_sources(page):
    page.goto("/evidence")
    cell = page.locator(".evidence-matrix td.direct a")
    expect(cell).to_have_count(1)
    expect(cell).to_have_text("1")
    cell.click()
    detail = page.locator("section.evidence-cell")
    expect(detail.locator("h2")).to_have_text("Fallunspezifische Arbeit → Weniger stationäre Hilfen")
    expect(detail.locator("blockquote")).to_contain_text(QUOTE)
    expect(detail.locator("blockquote a")).to_have_text("Von Graz lernen")
    expect(detail).to_contain_text("Praxiserfahrung")
    # the same map as a bipartite graph
    page.locator("section[aria-labelledby=bip-h] .graph-box").scroll_into_view_if_needed()
    assert wait_drawn(page, "section[aria-labelledby=bip-h] .graph-box") == 2
    shot(page, "evidence-map")


def test_labels_with_markup_are_drawn_and_shown_as_text(page):
    page.goto("/explore?center=wolfgang-hinte")
    wait_drawn(page)
    assert page.locator(".graph-box").evaluate("(box, id) => box.graphView.nodes.get(id).label", EVIL) == EVIL_LABEL
    page.mouse.move(*node_point(page, EVIL))
    tooltip = page.locator("div.vis-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(EVIL_LABEL)  # as text: no image, no script (a dialog would fail the test)
    expect(tooltip.locator("img")).to_have_count(0)


def test_the_analytics_page_ranks_and_shows_the_path_between_two_entities(page):
    page.goto("/analytics?from=wolfgang-hinte&to=sozialraum-2")
    expect(page.locator(".rankings tr").first).to_contain_text("Trägerverbünde in Graz")  # 31 neighbours
    steps = page.locator(".paths ol.path-steps").first.locator("> li")
    expect(steps).to_contain_text(["Graz beraten von Wolfgang Hinte", "Graz hat Sozialraum Sozialraum 2"])
    expect(steps.first.locator("blockquote")).to_contain_text(REPORT_QUOTE)  # the statement's evidence
    expect(page.locator("#from-q")).to_have_value("Wolfgang Hinte")
    shot(page, "analytics")


def test_an_analysis_still_being_computed_shows_a_sign_and_the_page_reloads_itself_into_the_result(page, live_server):
    import threading

    from webui.background import jobs

    registry, opened = jobs(live_server.app), threading.Event()

    def hold_betweenness(key) -> None:  # the test hook: this one question is slow until the test says so
        if "betweenness" in key:
            opened.wait(30)

    registry.before_compute = hold_betweenness
    try:
        page.goto("/analytics?measure=betweenness")
        notice = page.locator(".job-notice.computing")
        expect(notice).to_be_visible()
        expect(notice.locator(".spinner")).to_be_visible()
        expect(page.locator(".rankings")).to_have_count(0)
        shot(page, "analytics-computing")
        opened.set()
        expect(page.locator(".rankings tr").first).to_be_visible(timeout=10000)  # no click: the page reloaded
        expect(page.locator(".job-notice")).to_have_count(0)
    finally:
        opened.set()
        registry.before_compute = None
