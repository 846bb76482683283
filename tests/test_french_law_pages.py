"""French readers open the law in French (issue 16): a `source:` on the Justice Laws site in English is, in the
French rulebook, the same act or regulation at its French address. The pairs below were read in public material
(the site's own French pages of the IRPR, page 1 and page 12, and of the IRPA), not produced by the code under
test; the English rulebook keeps every address as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from screener.cli import app
from screener.rulebook import Rulebook, load_rulebook
from screener.translations import law_page

RULES = Path(__file__).parent.parent / "rules"
SITE = "https://laws-lois.justice.gc.ca"
FRENCH = {  # English page -> its French page, as the site publishes them
    f"{SITE}/eng/acts/I-2.5/": f"{SITE}/fra/lois/I-2.5/",
    f"{SITE}/eng/regulations/SOR-2002-227/page-1.html": f"{SITE}/fra/reglements/DORS-2002-227/page-1.html",
    f"{SITE}/eng/regulations/SOR-2002-227/page-12.html": f"{SITE}/fra/reglements/DORS-2002-227/page-12.html",
    f"{SITE}/eng/acts/I-2.5/FullText.html": f"{SITE}/fra/lois/I-2.5/TexteComplet.html",
    f"{SITE}/eng/acts/C-29/index.html": f"{SITE}/fra/lois/C-29/index.html",
    f"{SITE}/eng/regulations/SOR-2002-227/section-220.html": f"{SITE}/fra/reglements/DORS-2002-227/section-220.html",
}


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(RULES)


def sources(rulebook: Rulebook) -> dict[tuple[str, ...], str]:
    """Every cited item's `source`, keyed by where it sits."""
    found: dict[tuple[str, ...], str] = {}

    def put(key: tuple[str, ...], item: Any) -> None:
        if item.source:
            found[key] = item.source

    for did, value in rulebook.derived.items():
        put(("derived", did), value)
        for index, version in enumerate(value.versions or []):
            put(("derived", did, str(index)), version)
    for section in ("tables", "scores", "pathways", "flags", "leads", "answer_warnings"):
        for item_id, item in getattr(rulebook, section).items():
            put((section, item_id), item)
    for pid, pathway in rulebook.pathways.items():
        for requirement in pathway.requirements:
            put(("pathways", pid, requirement.id), requirement)
    return found


def test_the_french_rulebook_cites_the_french_law_pages(book: Rulebook) -> None:
    english, french = sources(book), sources(book.in_language("fr"))
    on_the_site = {key: url for key, url in english.items() if url.startswith(f"{SITE}/eng/")}
    assert len(on_the_site) >= 5  # the IRPA and the IRPR are cited: the check is not vacuous
    assert {key: french[key] for key in on_the_site} == {key: FRENCH[url] for key, url in on_the_site.items()}
    assert {key: url for key, url in french.items() if key not in on_the_site} == {
        key: url for key, url in english.items() if key not in on_the_site}  # other addresses as written


def test_the_english_rulebook_keeps_its_addresses(book: Rulebook) -> None:
    assert all("/fra/" not in url for url in sources(book).values())
    assert sources(book.in_language("en")) == sources(book)


@pytest.mark.parametrize(("english", "french"), sorted(FRENCH.items()))
def test_each_published_pair(english: str, french: str) -> None:
    assert law_page(english, "fr") == french
    assert law_page(english, "en") == english


@pytest.mark.parametrize("address", [
    f"{SITE}/eng/acts/I-2.5/page-1.html#h-274012",  # an anchor: named differently in French
    f"{SITE}/eng/regulations/SOR-2002-227/section-78-20221116.html",  # a dated version
    "https://www.canada.ca/en/immigration-refugees-citizenship/services/immigrate-canada/express-entry.html",
    "IRPR s.80(1)"])
def test_other_addresses_stay_as_written(address: str) -> None:
    assert law_page(address, "fr") == address


def test_rules_explain_in_french_links_the_french_regulation() -> None:
    def explain(lang: str) -> str:
        result = CliRunner().invoke(app, ["rules", "explain", "express_entry_fsw", "--rules", str(RULES), "--markdown",
                                          "--lang", lang], env={"COLUMNS": "200", "NO_COLOR": "1"})
        assert result.exit_code == 0, result.output
        return result.stdout

    assert f"{SITE}/fra/reglements/DORS-2002-227/page-12.html" in explain("fr")
    assert f"{SITE}/eng/regulations/SOR-2002-227/" not in explain("fr")
    assert f"{SITE}/eng/regulations/SOR-2002-227/page-12.html" in explain("en")
