"""The newcomer and follower layer: what an IPP sentence is, who runs the tracker, follow links."""

import re

import pytest

from commitments.models import DigestFrequency

from .factories import CommitmentFactory, ThemeFactory

pytestmark = pytest.mark.django_db

OFFICIAL = (
    "https://www.legislation.gov.uk/",
    "https://www.gov.uk/",
    "https://publications.parliament.uk/",
    "https://lordslibrary.parliament.uk/",
)


def _page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_the_home_page_links_to_what_an_ipp_sentence_is(client):
    assert 'href="/what-is-an-ipp-sentence/">what an IPP sentence is</a>' in _page(client, "/")


def test_the_ipp_page_cites_the_legislation_and_reports_it_rests_on(client, django_assert_num_queries):
    # One: the footer's "Parliament last checked", read once per data version; the page needs none.
    with django_assert_num_queries(1):
        page = _page(client, "/what-is-an-ipp-sentence/")
    assert page.count("<h1") == 1 and "What is an IPP sentence?" in page
    for source in [
        "https://www.legislation.gov.uk/ukpga/2003/44/section/225",  # Criminal Justice Act 2003
        "https://www.legislation.gov.uk/ukpga/2012/10/section/123",  # LASPO 2012, the abolition
        "https://www.legislation.gov.uk/ukpga/2024/21/section/66",  # Victims and Prisoners Act 2024
        "https://publications.parliament.uk/pa/cm5803/cmselect/cmjust/266/report.html",  # Justice Committee
    ]:
        assert f'href="{source}"' in page, source
    assert "3 December 2012" in page and "not retrospective" in page
    # Every paragraph of claims ends with its official source.
    main = page.split('id="ipp-help"')[0]
    for paragraph in re.findall(r"<p>(.*?)</p>", main, flags=re.S)[:-1]:
        links = re.findall(r'href="([^"]+)"', paragraph)
        assert any(link.startswith(OFFICIAL) for link in links), paragraph[:80]


def test_help_for_families_only_links_out_to_well_known_organisations(client):
    page = _page(client, "/what-is-an-ipp-sentence/")
    help_section = page.split('id="ipp-help"')[1].split("</section>")[0]
    links = re.findall(r'href="([^"]+)"', help_section)
    # First the tracker's own page for families, with contact details and the glossary (#33).
    assert links[:2] == ["/what-can-i-do/", "/glossary/"]
    assert links[2:] == [
        "https://www.prisonersfamilies.org/",
        "https://www.prisonadvice.org.uk/",
        "https://prisonreformtrust.org.uk/",
        "https://www.gov.uk/government/organisations/parole-board",
        "https://www.samaritans.org/",
    ]
    assert "cannot give advice" in help_section


def test_the_about_page_says_who_runs_the_tracker_and_how_to_ask_for_a_correction(client, settings):
    settings.TRACKER_RUN_BY = "the Example Trust"
    settings.CONTACT_EMAIL = "corrections@example.org"
    page = _page(client, "/about/")
    assert "This tracker is run by the Example Trust." in page
    assert 'href="mailto:corrections@example.org"' in page and "Suggest a correction" in page
    settings.TRACKER_RUN_BY = settings.CONTACT_EMAIL = ""
    page = _page(client, "/about/")
    assert "This is an independent tracker." in page and "mailto:" not in page


def test_the_correction_form_names_the_contact_address_when_set(client, settings, commitment):
    settings.CONTACT_EMAIL = "corrections@example.org"
    assert 'href="mailto:corrections@example.org"' in _page(
        client, f"/commitments/{commitment.slug}/correction/"
    )


def test_theme_pages_offer_the_digest_preset_to_the_theme_and_its_atom_feed(client):
    theme = ThemeFactory(name="Electronic monitoring", slug="electronic-monitoring")
    other = ThemeFactory(name="Recall", slug="recall")
    CommitmentFactory(theme=theme)
    page = _page(client, "/themes/electronic-monitoring/")
    assert 'href="/subscribe/?theme=electronic-monitoring">Follow this theme</a>' in page
    assert 'href="/themes/electronic-monitoring/feed.atom"' in page

    form = _page(client, "/subscribe/?theme=electronic-monitoring&theme=%3Cscript%3E")
    assert re.search(rf'name="themes" value="{theme.pk}"[^>]*checked', form)
    assert not re.search(rf'name="themes" value="{other.pk}"[^>]*checked', form)
    assert re.search(rf'name="frequency" value="{DigestFrequency.WEEKLY}"[^>]*checked', form)
    assert "<script>" not in form
    assert not re.search(r'name="themes" value="\d+"[^>]*checked', _page(client, "/subscribe/?theme=no-such"))


def test_commitment_pages_offer_their_atom_feed_beside_the_follow_link(client, commitment):
    page = _page(client, f"/commitments/{commitment.slug}/")
    assert f'href="/subscribe/?commitment={commitment.slug}">Follow this commitment</a>' in page
    assert f'href="/commitments/{commitment.slug}/feed.atom" type="application/atom+xml">' in page
    assert client.get(f"/commitments/{commitment.slug}/feed.atom").status_code == 200
