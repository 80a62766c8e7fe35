"""The pages that explain: what a family can do (help, their MP, the words), the glossary and its
links from the first use of each term, and how the tracker decides a status."""

import re
from datetime import date

from commitments.editorial import record_status_change
from commitments.models import Status
from commitments.public.glossary import TERMS, link_first_uses

from .factories import CommitmentFactory
from .pages import get_page

HOSTILE = '<img src=x onerror="alert(1)"> tariff'


def test_what_can_i_do_is_one_tap_from_the_home_page_and_the_about_page(client, db):
    for url in ["/", "/about/", "/what-is-an-ipp-sentence/"]:
        assert 'href="/what-can-i-do/"' in get_page(client, url), url
    page = get_page(client, "/what-can-i-do/")
    assert '<a href="tel:+448088083444">0808 808 3444</a>' in page
    assert 'href="https://www.prisonadvice.org.uk/pact-helpline"' in page
    assert '<a href="tel:116123">116 123</a>' in page
    assert 'href="https://members.parliament.uk/FindYourMP"' in page
    assert 'href="https://www.writetothem.com/"' in page
    # Where a detail could not be read on the organisation's own site, the page says so.
    assert page.count("We could not") == 2 and 'href="/glossary/"' in page


def test_the_glossary_explains_every_term_with_its_source(client, db):
    page = get_page(client, "/glossary/")
    for term in TERMS:
        entry = page.split(f'id="{term.slug}"')[1].split("</div>")[0]
        assert term.name in entry.replace("&#x27;", "'") and f'href="{term.source_url}"' in entry, term.slug
    slugs = {term.slug for term in TERMS}
    assert {"tariff", "recall", "licence", "ppcs", "hmpps", "approved-premises", "qualifying-period"} <= slugs
    assert {"ipp", "parole-board"} <= slugs


def test_a_page_links_the_first_use_of_each_term_to_the_glossary_once(client, db):
    page = get_page(client, "/what-is-an-ipp-sentence/")
    main = page.split('id="main"')[1]
    assert main.count('href="/glossary/#tariff"') == 1
    assert (
        '<a class="glossary-term" href="/glossary/#tariff">minimum term</a>' in main
    )  # "often called the tariff"
    assert main.count('href="/glossary/#parole-board"') == 1 and main.count('href="/glossary/#recall"') == 1
    # Never inside a heading or another link.
    assert not re.search(r"<h[1-6][^>]*>[^<]*<a class=\"glossary-term\"", main)


def test_glossary_links_touch_only_text_never_tags_links_or_headings():
    html = (
        '<p title="the tariff">The <b>tariff</b> and recall.</p><a href="/x">licence</a>'
        "<h2>licence</h2><blockquote><p>the Parole Board</p></blockquote>"
        "<p>Then the licence, and the tariff again. ipp-sentence IPP.</p>"
    )
    linked = link_first_uses(html)
    assert '<p title="the tariff">' in linked
    assert '<b><a class="glossary-term" href="/glossary/#tariff">tariff</a></b>' in linked
    assert '<a href="/x">licence</a><h2>licence</h2><blockquote><p>the Parole Board</p>' in linked
    assert 'the <a class="glossary-term" href="/glossary/#licence">licence</a>' in linked
    assert linked.count("#tariff") == 1 and linked.count("#recall") == 1
    assert "ipp-sentence" in linked and linked.count("#ipp") == 1  # capitals only for initialisms


def test_hostile_text_on_a_page_with_glossary_links_stays_inert(client, db):
    commitment = CommitmentFactory(title="Panels")
    record_status_change(commitment, to="delayed", reason=HOSTILE, effective_on=date(2024, 1, 1))
    page = get_page(client, f"/commitments/{commitment.slug}/")
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page and "<img src=x" not in page
    assert '<a class="glossary-term" href="/glossary/#tariff">tariff</a>' in page


def test_how_we_decide_defines_each_status_with_an_example_from_the_shipped_data(client, demo):
    page = get_page(client, "/how-we-decide/")
    for status in Status:
        assert f"status-{status.value}" in page
    assert 'href="/commitments/contracted-prisons-alignment/"' in page  # first delivered, by title
    assert "The reason recorded: In 2022 ministers said each contracted site had an" in page
    assert "Rests on:" in page
    assert "No commitment is at this status in the tracker’s data at present." in page  # planned
    for words in ["Official and secondary sources", "How evidence is found and confirmed", "corrections"]:
        assert words in page
    for url in ["/", "/about/"]:
        assert 'href="/how-we-decide/"' in get_page(client, url) and 'href="/whats-new/"' in get_page(
            client, url
        )
