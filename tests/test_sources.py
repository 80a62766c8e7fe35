"""The one rule for links to sources: named by what they are, official ones marked apart."""

import re
from datetime import date

import pytest
from django.template import Context, Template

from commitments.models import WrittenQuestion
from commitments.models.evidence_source import answer_date
from commitments.sources import is_official, name_source

from .factories import WrittenQuestionFactory
from .pages import get_page


@pytest.mark.parametrize(
    ("url", "official"),
    [
        ("https://questions-statements.parliament.uk/written-questions/detail/2022-03-21/HL7122", True),
        ("https://questions-statements-api.parliament.uk/api/writtenquestions/questions", True),
        ("https://committees.parliament.uk/writtenevidence/40384/html/", True),
        ("https://www.gov.uk/government/publications/ipp-action-plan", True),
        ("https://www.legislation.gov.uk/uksi/2024/966/note/made/data.xht", True),
        ("https://www.theyworkforyou.com/wrans/?id=2022-03-21.HL7122.h", False),
        ("https://parallelparliament.co.uk/question/15167/probation", False),
        ("https://parliament.uk.example.com/fake", False),  # a look-alike host is not Parliament
        ("https://notparliament.uk/", False),
        ("javascript:alert(1)", False),
    ],
)
def test_official_means_parliament_or_government_on_their_own_domains(url, official):
    assert is_official(url) is official
    assert name_source(url).is_official is official


@pytest.mark.parametrize(
    ("url", "title", "publisher"),
    [
        (
            "https://questions-statements.parliament.uk/written-questions/detail/2022-03-21/HL7122",
            "Written question HL7122, tabled 21 March 2022",
            "UK Parliament",
        ),
        (
            "https://parallelparliament.co.uk/question/15167/probation",
            "Written question 15167: Probation",
            "Parallel Parliament",
        ),
        (
            "https://www.theyworkforyou.com/wrans/?id=2022-03-21.HL7122.h",
            "Written question HL7122",
            "TheyWorkForYou",
        ),
        (
            "https://www.theyworkforyou.com/whall/?id=2024-10-29a.243.1",
            "Westminster Hall debate, 29 October 2024",
            "TheyWorkForYou",
        ),
        (
            "https://www.legislation.gov.uk/uksi/2024/966/note/made/data.xht",
            "Statutory instrument 2024/966",
            "legislation.gov.uk",
        ),
        ("https://laurakjanes.co.uk/blog/timing-of-ipp-changes", "Timing of IPP changes", "Laura Janes"),
        (
            "https://publications.parliament.uk/pa/cm5803/cmselect/cmjust/266/report.html",
            "Justice Committee paper HC 266",
            "UK Parliament",
        ),
        (
            "https://www.justiceinspectorates.gov.uk/hmiprobation/media/press-releases/2023/12/ipp-recall-thematic/",
            "IPP recall thematic",
            "HM Inspectorate of Probation",
        ),
        (
            "https://www.accountabilityindex.uk/committees/3/report/395/",
            "Accountability Index",
            "Accountability Index",
        ),
        ("https://example.org/", "example.org", "example.org"),
    ],
)
def test_a_link_is_named_by_what_it_is_and_who_publishes_it(url, title, publisher):
    link = name_source(url)
    assert (link.title, link.publisher) == (title, publisher)
    assert name_source(url, title="A title the caller knows").title == "A title the caller knows"


def test_the_template_tag_links_web_addresses_only_and_keeps_hostile_text_inert(db):
    render = Template("{% load sources %}{% source_link url %}").render
    official = render(Context({"url": "https://www.gov.uk/government/publications/ipp-action-plan"}))
    assert official == (
        '<a href="https://www.gov.uk/government/publications/ipp-action-plan">IPP action plan</a>'
        ' <span class="publisher">(GOV.UK)</span> <strong class="official">Official</strong>'
    )
    hostile = render(Context({"url": 'javascript:alert("x")<script>'}))
    assert "<a" not in hostile and "<script>" not in hostile and "&lt;script&gt;" in hostile


# An answer's date: worded once (models/evidence_source.answer_date), used everywhere


@pytest.mark.parametrize(
    ("dates", "sentence", "bare", "cell"),
    [
        ((date(2024, 11, 26), None), "answered 26 November 2024", "26 November 2024", "26 Nov 2024"),
        (
            (None, date(2024, 11, 15)),
            "answered after 15 November 2024 (exact date not known)",
            "after 15 November 2024 (exact date not known)",
            "after 15 Nov 2024",
        ),
        ((None, None), "date answered not known", "not known", "not known"),
    ],
)
def test_an_answers_date_has_one_wording_in_every_form(dates, sentence, bare, cell):
    question = WrittenQuestion(date_answered=dates[0], answered_after=dates[1])
    assert answer_date(question) == sentence
    assert answer_date(question, verb=False) == bare
    assert answer_date(question, verb=False, short=True) == cell
    tag = Template("{% load sources %}{% answered q %}|{% answered q markup=False %}")
    marked, plain = tag.render(Context({"q": question})).split("|")
    assert plain == sentence
    assert re.sub(r"</?time[^>]*>", "", marked) == sentence
    if any(dates):
        day = (dates[0] or dates[1]).isoformat()
        assert f'<time datetime="{day}">' in marked


@pytest.mark.django_db
def test_an_undated_answer_is_dated_the_same_way_on_its_page_the_list_search_and_link_previews(client):
    WrittenQuestionFactory(
        uin="UIN-UNDATED",
        is_about_ipp=True,
        date_answered=None,
        answered_after=date(2024, 11, 15),
        heading="Probation hostels",
        asking_member="Kate Hollern",
    )
    question = WrittenQuestion.objects.get(uin="UIN-UNDATED")
    page = get_page(client, f"/questions/{question.pk}/")
    undated = '<time datetime="2024-11-15">15 November 2024</time> (exact date not known)'
    assert f"<dt>Answered</dt><dd>After {undated}</dd>" in page
    assert 'content="Answered after 15 November 2024 (exact date not known), asked by Kate Hollern.' in page
    assert "After 15 Nov 2024" in get_page(client, "/questions/")
    found = get_page(client, "/search/?q=hostels")
    assert f"answered after {undated}" in found
