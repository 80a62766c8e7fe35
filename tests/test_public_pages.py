"""The public, read-only pages: what they show, what they refuse, how many queries they cost."""

import csv
import html
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commitments.editorial import record_status_change
from commitments.models import Commitment, Evidence, FigureTable, WrittenQuestion
from commitments.public.views import timeline

from .factories import (
    ActionPlanFactory,
    CommitmentFactory,
    EvidenceFactory,
    FigureCellFactory,
    QuestionEventFactory,
    ThemeFactory,
    WrittenQuestionFactory,
)
from .pages import get_page
from .servers import clear_cache

pytestmark = pytest.mark.django_db


def test_every_page_type_answers_with_the_demo_data(client, demo):
    question = WrittenQuestion.objects.get(uin="HL7122")
    for url in [
        "/",
        "/commitments/",
        "/commitments/ipp-delivery-plans/",
        "/themes/",
        "/themes/electronic-monitoring/",
        "/questions/",
        f"/questions/{question.pk}/",
        "/figures/hl7122-progression-panels-by-region/",
        "/about/",
    ]:
        page = get_page(client, url)
        assert page.count("<h1") == 1, url
        assert '<html lang="en-GB">' in page and 'href="#main"' in page


def test_home_shows_progress_counts_and_latest_changes(client, demo):
    page = get_page(client, "/")
    assert "30 commitments tracked." in page  # promises only: never the recommendations
    assert "In progress</span> 15" in page and "Delivered</span> 13" in page
    assert "Statutory annual report on IPP progress" in page  # the latest change, 17 July 2025


def test_only_published_commitments_and_confirmed_evidence_appear(client):
    shown = CommitmentFactory(title="Shown commitment")
    hidden = CommitmentFactory(title="Draft commitment", is_published=False)
    suggestion = EvidenceFactory(commitment=shown, excerpt="A suggestion nobody reviewed yet.")
    assert "Draft commitment" not in get_page(client, "/commitments/")
    get_page(client, f"/commitments/{hidden.slug}/", status=404)
    assert "A suggestion nobody reviewed yet." not in get_page(client, f"/commitments/{shown.slug}/")
    suggestion.state = Evidence.State.CONFIRMED
    suggestion.save()
    assert "A suggestion nobody reviewed yet." in get_page(client, f"/commitments/{shown.slug}/")


def test_commitment_page_tells_the_promise_then_where_it_stands_then_the_evidence_newest_first(client, demo):
    page = get_page(client, "/commitments/em-gps-domestic-abuse/")
    promise, standing, evidence = (
        page.index(f'id="{part}-heading"') for part in ("promise", "standing", "evidence")
    )
    assert promise < page.index("The tracker’s summary, not a quotation.") < standing
    assert standing < page.index("since <time") < evidence  # status, since when, the reason
    timeline = page[evidence:]
    assert timeline.index("1 August 2023") < timeline.index("27 April 2022")  # newest first
    assert "we expect to tag around 3,500 offenders." in page
    assert "https://questions-statements.parliament.uk/written-questions/detail/2022-03-21/HL7122" in page
    assert "House of Lords written answer HL7122" in page


def test_plan_versions_are_listed_with_their_dates_and_named_sources(client, demo):
    page = get_page(client, "/commitments/ipp-data-dashboard/")
    promise = page[page.index('id="promise-heading"') : page.index('id="standing-heading"')]
    assert "<strong>HMPPS IPP Action Plan (updated, April 2023)</strong>" in promise
    assert '<time datetime="2023-04-26">26 April 2023</time>' in promise
    assert ">Sentences of imprisonment for public protection updated action plan</a>" in promise
    assert "(House of Lords Library)" in promise and "Official" in promise


def test_promise_is_marked_as_the_trackers_summary_unless_it_quotes_a_source(client):
    own = CommitmentFactory(summary="Every area has a plan.")
    quoted = CommitmentFactory(
        summary="We will roll out IPP Delivery Plans.",
        summary_quoted_from="https://www.gov.uk/government/publications/ipp-action-plan",
    )
    assert "The tracker’s summary, not a quotation." in get_page(client, f"/commitments/{own.slug}/")
    page = get_page(client, f"/commitments/{quoted.slug}/")
    assert "The tracker’s summary" not in page
    assert (
        '<blockquote class="promise-wording"><p>We will roll out IPP Delivery Plans.</p></blockquote>' in page
    )
    assert '>IPP action plan</a> <span class="publisher">(GOV.UK)</span> <strong class="official">' in page


def test_where_it_stands_names_the_source_the_status_rests_on(client):
    commitment = CommitmentFactory()
    record_status_change(
        commitment,
        to="delivered",
        reason="The provisions commenced.",
        effective_on=date(2024, 11, 1),
        source_url="https://www.legislation.gov.uk/uksi/2024/966/note/made/data.xht",
    )
    page = get_page(client, f"/commitments/{commitment.slug}/")
    standing = page[page.index('id="standing-heading"') : page.index('id="evidence-heading"')]
    assert 'since <time datetime="2024-11-01">1 November 2024</time>. The provisions commenced.' in standing
    assert (
        '>Statutory instrument 2024/966</a> <span class="publisher">(legislation.gov.uk)</span>' in standing
    )
    assert '<strong class="official">Official</strong>' in standing
    assert ">Source<" not in page


def test_undated_evidence_is_placed_by_what_is_known_of_its_date(client):
    commitment = CommitmentFactory()
    record_status_change(commitment, to="in_progress", reason="Plan laid.", effective_on=date(2024, 11, 15))
    older = EvidenceFactory(
        commitment=commitment,
        state="confirmed",
        question__date_answered=date(2024, 6, 3),
        question__answer_text="An older answer.",
    )
    after = EvidenceFactory(
        commitment=commitment,
        state="confirmed",
        question__date_tabled=None,
        question__date_answered=None,
        question__answered_after=date(2024, 11, 15),
        question__answer_text="An answer given after the refresh.",
    )
    unknown = EvidenceFactory(
        commitment=commitment,
        state="confirmed",
        question__date_tabled=None,
        question__date_answered=None,
        question__answer_text="An answer nobody can date.",
    )
    changes = list(commitment.status_changes.all())
    entries = timeline(changes, [older, unknown, after])
    assert [entry.get("evidence", entry.get("change")) for entry in entries] == [
        after,
        changes[0],
        older,
        unknown,
    ]
    assert entries[0]["date"] == date(2024, 11, 15) and entries[0]["after"]
    page = get_page(client, f"/commitments/{commitment.slug}/")
    evidence = page[page.index('id="evidence-heading"') :]
    assert evidence.index("An answer given after the refresh.") < evidence.index("Plan laid.")
    assert (
        evidence.index("Plan laid.")
        < evidence.index("An older answer.")
        < evidence.index("An answer nobody can date.")
    )
    assert 'After <time datetime="2024-11-15">15 November 2024</time>' in evidence
    undated = 'answered after <time datetime="2024-11-15">15 November 2024</time> (exact date not known)'
    assert undated in evidence
    assert "Date not known" in evidence
    assert ", date answered not known." in evidence


def test_the_seed_answer_given_after_the_refresh_is_the_newest_evidence(client, demo):
    page = get_page(client, "/commitments/ipp-delivery-plans/")
    evidence = page[page.index('id="evidence-heading"') :]
    seed = evidence.index(
        'After <time datetime="2024-11-15">15 November 2024</time>: House of Commons written answer 15167'
    )
    assert seed < evidence.index("15 November 2024</time>: status recorded as")
    assert "Date not known" not in evidence


def test_quotes_are_whole_sentences_with_the_picked_part_marked(client, demo):
    page = get_page(client, "/commitments/vpa-automatic-licence-termination/")
    assert "<p>The new measure will:</p><ul><li>Reduce the qualifying period" in page
    assert "<li><mark>Introduce a provision that will automatically terminate the IPP licence" in page
    assert "<li>Introduce a power to amend the qualifying period by Statutory Instrument.</li></ul>" in page
    for evidence in Evidence.objects.confirmed().select_related("question"):
        text = evidence.quote.text
        assert text[:1].isupper() and text.rstrip().endswith((".", "!", "?", ":")), (evidence, text)


def test_a_quote_that_introduces_a_table_shows_that_table(client, demo):
    page = get_page(client, "/commitments/progression-panels/")
    quote = page.index("The following table shows the number of progression panels")
    table = page.index('<table class="data-table figures">')
    assert quote < table < page.index("13,988") < page.index("House of Lords written answer HL7122, answered")
    assert "East of England" in page[table:] and "Name lost (row 1)" in page[table:]
    assert quote < page.index("8 of the 14 probation region names are missing here.") < table
    assert 'href="/figures/hl7122-progression-panels-by-region/"' in page


def test_other_sources_are_named_links_not_raw_addresses(client, demo):
    page = get_page(client, "/commitments/vpa-automatic-licence-termination/")
    sources = page[page.index('id="sources-heading"') :]
    assert ">Statutory instrument 2024/966</a>" in sources and "Official" in sources
    # Parallel Parliament's copy is listed at Parliament's own page, the copy kept as "also at".
    assert (
        '>Written question 29260, tabled 5 February 2025</a> <span class="publisher">(UK Parliament)'
        in sources
    )
    assert (
        '(also at <a href="https://beta.parallelparliament.co.uk/question/29260/prison-sentences">' in sources
    )
    assert ">https://" not in page and ">http://" not in page


def test_commitment_page_costs_the_same_queries_however_much_evidence_it_shows(client):
    commitment = CommitmentFactory()
    record_status_change(commitment, to="in_progress", reason="Started", effective_on=date(2024, 1, 1))

    def add_evidence_with_a_table():
        question = WrittenQuestionFactory(
            answer_text="The following table shows panels:\n\nRegion | 2021 |\nLondon | 4 |"
        )
        EvidenceFactory(
            commitment=commitment,
            question=question,
            state="confirmed",
            excerpt="The following table shows panels:",
        )
        FigureCellFactory(row__table__question=question)

    def queries():
        clear_cache()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/commitments/{commitment.slug}/").status_code == 200
        return len(captured)

    add_evidence_with_a_table()
    one = queries()
    for _ in range(4):
        add_evidence_with_a_table()
    page = client.get(f"/commitments/{commitment.slug}/").content.decode()
    assert page.count('<table class="data-table figures">') == 5
    assert queries() == one


def test_no_recent_evidence_notice_after_twelve_months(client):
    fresh = CommitmentFactory()
    EvidenceFactory(commitment=fresh, state="confirmed", question__date_answered=date.today())
    stale = CommitmentFactory()
    EvidenceFactory(commitment=stale, state="confirmed", question__date_answered=date(2022, 4, 27))
    assert "No recent evidence" not in get_page(client, f"/commitments/{fresh.slug}/")
    assert "dates from 27 April 2022, over twelve months ago" in get_page(
        client, f"/commitments/{stale.slug}/"
    )
    undated = CommitmentFactory()
    EvidenceFactory(
        commitment=undated,
        state="confirmed",
        question__date_answered=None,
        question__answered_after=date(2024, 11, 15),
    )
    assert (
        "has no exact date: it was given after 15 November 2024, and the tracker counts from that day"
        in get_page(client, f"/commitments/{undated.slug}/")
    )


def test_a_last_evidence_date_that_is_only_a_lower_bound_says_after_on_every_list(client):
    theme = ThemeFactory(name="Licences")
    undated = CommitmentFactory(title="Undated", theme=theme)
    EvidenceFactory(
        commitment=undated,
        state="confirmed",
        question__date_answered=None,
        question__answered_after=date(2024, 11, 15),
    )
    both = CommitmentFactory(title="Both", theme=theme)  # an exact answer on the same day: exact
    EvidenceFactory(commitment=both, state="confirmed", question__date_answered=date(2024, 11, 15))
    EvidenceFactory(
        commitment=both,
        state="confirmed",
        question__date_answered=None,
        question__answered_after=date(2024, 11, 15),
    )
    for url in ("/commitments/", f"/themes/{theme.slug}/"):
        rows = {
            row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in get_page(client, url).split("<tr")[2:]
        }
        assert "After 15 Nov 2024" in rows["Undated"], url
        assert "15 Nov 2024" in rows["Both"] and "After" not in rows["Both"], url
    assert "has no exact date" not in get_page(client, f"/commitments/{both.slug}/")


def test_no_recent_evidence_is_one_rule_for_the_page_the_admin_filter_and_the_api(client):
    """An answer whose exact date is unknown counts from the date it is known to have come after."""
    undated = CommitmentFactory()
    EvidenceFactory(
        commitment=undated,
        state="confirmed",
        question__date_answered=None,
        question__answered_after=date.today(),
        question__is_about_ipp=True,
    )
    stale = CommitmentFactory()
    EvidenceFactory(commitment=stale, state="confirmed", question__date_answered=date(2022, 4, 27))
    never = CommitmentFactory()

    flagged = set(Commitment.objects.without_recent_evidence().values_list("slug", flat=True))
    assert flagged == {stale.slug, never.slug}
    assert [c.no_recent_evidence for c in (undated, stale, never)] == [False, True, True]
    assert "No recent evidence" not in get_page(client, f"/commitments/{undated.slug}/")
    api = {row["slug"]: row for row in client.get("/api/v1/commitments/").json()["results"]}
    assert {slug for slug, row in api.items() if row["no_recent_evidence"]} == flagged
    assert api[undated.slug]["latest_evidence_on"] == date.today().isoformat()
    assert [api[c.slug]["latest_evidence_is_lower_bound"] for c in (undated, stale, never)] == [
        True,
        False,
        False,
    ]
    detail = client.get(f"/api/v1/commitments/{undated.slug}/").json()
    assert detail["latest_evidence_is_lower_bound"] is True


@pytest.mark.parametrize(
    ("status", "flagged"),
    [
        ("planned", True),
        ("in_progress", True),
        ("delayed", True),
        ("delivered", False),
        ("discontinued", False),
    ],
)
def test_only_open_commitments_are_flagged_for_no_recent_evidence(client, status, flagged):
    commitment = CommitmentFactory(status=status)
    EvidenceFactory(commitment=commitment, state="confirmed", question__date_answered=date(2022, 4, 27))
    assert Commitment.objects.with_evidence_recency().get().no_recent_evidence is flagged
    assert ("No recent evidence" in get_page(client, f"/commitments/{commitment.slug}/")) is flagged
    listed = get_page(client, "/commitments/?evidence=stale")
    assert (commitment.title in listed) is flagged


def test_the_list_shows_last_evidence_and_the_home_page_counts_open_commitments_without_it(client):
    old = CommitmentFactory(status="in_progress", title="Waiting for news")
    EvidenceFactory(commitment=old, state="confirmed", question__date_answered=date(2022, 4, 27))
    CommitmentFactory(status="planned", title="Never evidenced")
    done = CommitmentFactory(status="delivered", title="Delivered long ago")
    EvidenceFactory(commitment=done, state="confirmed", question__date_answered=date(2021, 1, 5))
    fresh = CommitmentFactory(status="in_progress", title="Evidenced this year")
    EvidenceFactory(commitment=fresh, state="confirmed", question__date_answered=date.today())
    listed = get_page(client, "/commitments/")
    assert "Last evidence" in listed and "27 Apr 2022" in listed and "None yet" in listed
    home = get_page(client, "/")
    assert "2 open commitments</a>" in home and "no parliamentary evidence for over a year" in home
    stale = get_page(client, "/commitments/?evidence=stale")
    assert "Waiting for news" in stale and "Never evidenced" in stale
    assert "Delivered long ago" not in stale and "Evidenced this year" not in stale
    assert client.get("/commitments/?evidence=recent").status_code == 400


def test_filters_and_sort_stay_in_the_url_and_narrow_the_list(client, demo):
    page = get_page(client, "/commitments/?theme=electronic-monitoring&status=delivered&sort=-title")
    assert "1 commitment found." in page
    assert "GPS tagging project" in page and "£183m electronic monitoring" not in page
    assert "theme=electronic-monitoring" in page  # sort and page links keep the filters
    assert 'aria-sort="descending"' in page


def test_unknown_filter_value_gets_the_filters_own_message(client, demo):
    page = get_page(client, "/commitments/?status=abandoned", status=400)
    assert "Select a valid choice. abandoned is not one of the available choices." in page
    assert "0 commitments found." in page


def test_unknown_sort_column_is_refused_with_a_reason(client, demo):
    page = get_page(client, "/commitments/?sort=secret_column", status=400)
    assert "“secret_column” is not a column you can sort by." in page


@pytest.mark.parametrize("page_number", ["99", "0", "abc", "-1"])
def test_bad_page_numbers_are_not_found(client, demo, page_number):
    get_page(client, f"/commitments/?page={page_number}", status=404)


# Each passes str.isdigit(): superscript two, circled five, Arabic-Indic three, and more digits than
# int() will read. A page number in a URL is ASCII digits, nothing else.
UNICODE_AND_OVERLONG_PAGES = ["%C2%B2", "%E2%91%A4", "%D9%A3", "9" * 5000]
PAGE_IDS = ["superscript-two", "circled-five", "arabic-indic-three", "5000-nines"]


@pytest.mark.parametrize("url", ["/commitments/", "/questions/"])
@pytest.mark.parametrize("page_number", UNICODE_AND_OVERLONG_PAGES, ids=PAGE_IDS)
def test_page_numbers_that_are_not_ascii_digits_are_not_found_never_an_error(client, url, page_number):
    CommitmentFactory()
    WrittenQuestionFactory()
    get_page(client, f"{url}?page={page_number}", status=404)


def test_invalid_date_filter_on_questions_gets_a_message(client, demo):
    assert "Enter a valid date." in get_page(client, "/questions/?answered_from=31-02-2024", status=400)


@pytest.mark.parametrize(
    "url",
    [
        "/commitments/no-such-thing/",
        "/themes/nope/",
        "/questions/999999/",
        "/questions/abc/",
        "/figures/nope/",
        "/no/such/page/",
    ],
)
def test_unknown_slugs_and_ids_are_friendly_404s(client, demo, url):
    page = get_page(client, url, status=404)
    assert "Page not found" in page
    assert '<a href="/commitments/">Go to the list of commitments</a>' in page  # it goes where it says


def test_questions_not_about_ipp_and_evidencing_nothing_stay_private(client):
    private = WrittenQuestionFactory(is_about_ipp=False, heading="Fly-tipping")
    public = WrittenQuestionFactory(is_about_ipp=True, heading="Prisoners: IPP")
    assert "Fly-tipping" not in get_page(client, "/questions/")
    get_page(client, f"/questions/{private.pk}/", status=404)
    get_page(client, f"/questions/{public.pk}/")


def test_hostile_answer_html_is_sanitised_before_display(client):
    question = WrittenQuestionFactory(
        is_about_ipp=True,
        answer_html='<p>Safe</p><script>alert("x")</script><img src=x onerror="alert(1)">',
        answer_html_safe='<p>Safe</p><img src="x">',
    )
    from commitments.parliament.answer_html import sanitise_answer_html

    question.answer_html_safe = sanitise_answer_html(question.answer_html)
    question.save()
    page = get_page(client, f"/questions/{question.pk}/")
    assert "<p>Safe</p>" in page
    assert "<script>alert" not in page and "onerror" not in page


def test_plain_text_answers_are_escaped(client):
    question = WrittenQuestionFactory(is_about_ipp=True, answer_html="", answer_text="<b>bold</b> & more")
    page = get_page(client, f"/questions/{question.pk}/")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in page


def test_question_page_shows_its_event_timeline(client):
    event = QuestionEventFactory(
        question__is_about_ipp=True, kind="holding_answer", occurred_on=date(2024, 11, 13)
    )
    page = get_page(client, f"/questions/{event.question_id}/")
    assert "13 November 2024" in page and "Holding answer" in page


def test_figure_page_keeps_suppressed_and_nil_cells_and_never_plots_them_as_zero(client, demo):
    page = get_page(client, "/figures/hl7122-progression-panels-by-region/")
    assert page.count('<abbr title="suppressed">*</abbr>') == 4
    assert page.count('<abbr title="nil">–</abbr>') == 2
    assert "13,988" in page
    assert page.count("Name lost (row ") == 8  # in the table; their rows are left out of the charts
    assert 'width="0"' not in page and 'width="0.0"' not in page


@pytest.mark.parametrize(
    ("url", "most"),
    [
        (
            "/",
            10,
        ),  # +2 (#31): the headline series (with its figures, when there is one) and the dates counted
        ("/commitments/", 10),
        # With the promise's words and its recommendations; +3 (#31): its promised dates, the series it
        # aims to move, and their figures when it has any.
        ("/commitments/{c}/", 12),
        ("/themes/", 6),
        ("/themes/{t}/", 6),
        ("/questions/", 8),
        ("/questions/{q}/", 8),
    ],
)
def test_public_pages_cost_a_fixed_number_of_queries(client, django_assert_max_num_queries, url, most):
    commitments = CommitmentFactory.create_batch(40, theme__name="One theme")
    for commitment in commitments[:10]:
        record_status_change(commitment, to="in_progress", reason="Started", effective_on=date(2024, 1, 1))
        EvidenceFactory(commitment=commitment, state="confirmed", question__is_about_ipp=True)
    question = WrittenQuestion.objects.first()
    for _ in range(5):
        QuestionEventFactory(question=question, content_hash=str(_))
    url = url.format(c=commitments[0].slug, t=commitments[0].theme.slug, q=question.pk)
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200


def test_security_headers_and_a_strict_content_security_policy(client, demo):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "script-src 'self'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_healthz_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("commitments:healthz"))
    assert response.content == b"ok"


def test_figure_of_a_private_question_is_not_found(client, demo):
    table = FigureTable.objects.get()
    WrittenQuestion.objects.filter(pk=table.question_id).update(is_about_ipp=False)
    Evidence.objects.filter(question_id=table.question_id).update(state="rejected")
    get_page(client, f"/figures/{table.slug}/", status=404)


def test_a_hostile_quote_and_source_address_stay_inert_on_the_commitment_page(client):
    commitment = CommitmentFactory(source_urls=['javascript:alert("x")', "https://example.org/<script>"])
    EvidenceFactory(
        commitment=commitment,
        state="confirmed",
        question__answer_text="Work started.\n\nIt said: <script>alert(1)</script> and more; and\n- <b>x</b>",
        excerpt="<script>alert(1)</script> and more; and",
    )
    page = get_page(client, f"/commitments/{commitment.slug}/")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page and 'href="javascript:' not in page


def test_home_lists_each_newly_evidenced_answer_once_dated_with_its_asker(client):
    question = WrittenQuestionFactory(
        uin="HL1234", is_about_ipp=True, asking_member="Lord Example", date_answered=date(2024, 3, 5)
    )
    for title in ["Delivery plans everywhere", "Psychology after release"]:
        EvidenceFactory(
            question=question, commitment__title=title, state="confirmed", reviewed_at=timezone.now()
        )
    page = get_page(client, "/")
    assert page.count("HL1234") == 1
    assert 'Answered <time datetime="2024-03-05">5 March 2024</time>, asked by Lord Example' in page
    evidence = page[page.index("Newly evidenced answers") :]
    assert "Delivery plans everywhere</a>" in evidence and "Psychology after release</a>" in evidence
    assert "</a> and <a" in evidence


def test_the_answers_list_shows_who_asked_and_when_or_what_is_known_of_when(client):
    WrittenQuestionFactory(uin="UIN-DATED", is_about_ipp=True, asking_member="Kate Hollern")
    WrittenQuestionFactory(
        uin="UIN-UNDATED", is_about_ipp=True, date_answered=None, answered_after=date(2024, 11, 15)
    )
    page = get_page(client, "/questions/")
    assert ">Asked by<" in page and ">Kate Hollern</td>" in page and "26 Nov 2024" in page
    assert "After 15 Nov 2024" in page


def test_list_rows_label_every_cell_link_the_record_escape_text_and_mark_what_is_missing(client):
    question = WrittenQuestionFactory(
        uin="UIN-1", is_about_ipp=True, heading="<script>alert(1)</script>", asking_member=""
    )
    CommitmentFactory(title="Panels <b>now</b>", owner="", status="delayed")
    answers, commitments = get_page(client, "/questions/"), get_page(client, "/commitments/")
    row = re.search(r"<tr><td[^>]*>.*?</tr>", answers).group(0)
    assert re.findall(r'data-label="([^"]+)"', row) == [
        "Question",
        "Subject",
        "Asked by",
        "House",
        "Answered",
        "Answered by",
    ]
    assert f'<a href="/questions/{question.pk}/">House of Commons UIN-1</a>' in row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row and "<script>alert" not in answers
    assert 'data-label="Asked by">Not known</td>' in row  # the column default for an empty value
    assert 'data-label="Status"><span class="status status-delayed">Delayed</span>' in commitments
    assert "Panels &lt;b&gt;now&lt;/b&gt;</a>" in commitments and 'data-label="Owner">—</td>' in commitments


@pytest.mark.parametrize("url", ["/no-such-page/", "/commitments/no-such-commitment/"])
def test_the_demo_answers_an_unknown_address_with_the_sites_own_404_page(client, settings, url):
    """`make run` has DEBUG on; TRACKER_DEMO adds the middleware that keeps Django's debug 404 away."""
    settings.DEBUG = True
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "commitments.devtools.not_found.SiteNotFoundPageMiddleware"]
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page and "URLconf" not in page and "Raised by" not in page
    assert response.headers["X-Frame-Options"] == "DENY"  # the other middleware still ran


def _head_tags(page: str) -> dict[str, str]:
    """The description, OpenGraph and canonical tags of a page, by name."""
    head = page[: page.index("</head>")]
    tags = dict(re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)">', head))
    canonical = re.findall(r'<link rel="canonical" href="([^"]*)">', head)
    if canonical:
        tags["canonical"] = canonical[0]
    return {name: html.unescape(value) for name, value in tags.items()}


def test_each_page_has_its_own_description_preview_tags_and_absolute_canonical_address(client, settings):
    settings.SITE_URL = "https://ipp.example.org"
    commitment = CommitmentFactory(
        title="Psychology after release", summary='Support "after" <b>release</b>.'
    )
    question = WrittenQuestionFactory(is_about_ipp=True, uin="HL42", asking_member="Lord Example")
    home, detail, answer = (
        _head_tags(get_page(client, url))
        for url in ["/", f"/commitments/{commitment.slug}/", f"/questions/{question.pk}/"]
    )
    assert detail["og:title"] == "Psychology after release" and detail["og:type"] == "article"
    assert detail["description"] == detail["og:description"] == 'Planned. Support "after" release.'
    assert (
        detail["canonical"] == detail["og:url"] == f"https://ipp.example.org/commitments/{commitment.slug}/"
    )
    assert answer["og:title"] == "House of Commons written question HL42: Probation"
    assert answer["description"].startswith("Answered 26 November 2024, asked by Lord Example. To ask")
    assert home["description"] != detail["description"] and home["canonical"] == "https://ipp.example.org/"
    assert {"og:site_name", "og:type", "og:url"} <= home.keys()


def test_a_lists_canonical_address_keeps_its_filters_and_drops_its_order_and_page(client, demo, settings):
    settings.SITE_URL = "https://ipp.example.org"
    page = get_page(
        client, "/commitments/?sort=-title&status=delivered&page=1&q=&theme=electronic-monitoring"
    )
    expected = "https://ipp.example.org/commitments/?theme=electronic-monitoring&status=delivered"
    assert _head_tags(page)["canonical"] == expected
    invalid = get_page(client, "/commitments/?status=abandoned", status=400)
    assert _head_tags(invalid)["canonical"] == "https://ipp.example.org/commitments/"


def test_not_found_and_one_persons_pages_have_no_canonical_address(client, demo):
    assert "canonical" not in _head_tags(get_page(client, "/commitments/no-such-commitment/", status=404))
    assert "canonical" not in _head_tags(get_page(client, "/no-such-page/", status=404))
    assert "canonical" not in _head_tags(get_page(client, "/subscribe/check-your-email/"))


def test_download_csv_carries_the_lists_filters_and_gives_only_those_rows(client, demo):
    page = get_page(client, "/commitments/?status=delivered&theme=electronic-monitoring&sort=-title&page=1")
    link = re.search(r'<a href="([^"]+)">Download CSV</a>', page).group(1)
    assert link == "/exports/commitments.csv?theme=electronic-monitoring&amp;status=delivered"
    response = client.get(link.replace("&amp;", "&"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    expected = Commitment.objects.filter(
        theme__slug="electronic-monitoring", status="delivered", is_published=True
    )
    assert sorted(row["slug"] for row in rows) == sorted(expected.values_list("slug", flat=True)) != []
    questions = get_page(client, "/questions/?house=Lords")
    assert '<a href="/exports/questions.csv?house=Lords">Download CSV</a>' in questions


def _queries_for(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        get_page(client, url)
    return [query["sql"] for query in captured]


def test_what_many_pages_share_is_computed_once_per_data_version_and_follows_every_change(client):
    """As for a filter nobody asked for yet: the home page's figures, the
    filters' options and a list's count (shared by its sort orders) are not read again until the
    data changes, and a change shows at once."""
    CommitmentFactory(title="Panels", status="delayed")
    WrittenQuestionFactory(is_about_ipp=True)
    first_home = _queries_for(client, "/")
    assert first_home and _queries_for(client, "/") == []
    first_list = _queries_for(client, "/questions/?sort=heading")
    other_sort = _queries_for(client, "/questions/?sort=-heading")
    assert any("COUNT(" in sql for sql in first_list) and not any("COUNT(" in sql for sql in other_sort)
    assert any('"commitments_commitment"' in sql for sql in first_list)  # the "Evidence for" options
    assert not any('FROM "commitments_commitment"' in sql for sql in other_sort)

    CommitmentFactory(title="Psychology <i>support</i>", status="delayed")  # a write bumps the version
    home = get_page(client, "/")
    assert "2 commitments tracked." in home and ">2 open commitments</a>" in home
    answers = get_page(client, "/questions/?sort=-heading")
    assert (
        ">Psychology &lt;i&gt;support&lt;/i&gt;</option>" in answers and "1 written answer found" in answers
    )


def test_a_commitment_page_reads_recency_and_plans_once_per_data_version_and_follows_changes(client):
    """Every commitment's evidence recency and plan versions are read together, once per data
    version, so a second commitment's page costs only its own three queries; a change shows at once."""
    first, second = CommitmentFactory(status="in_progress"), CommitmentFactory(status="in_progress")
    first.action_plans.add(ActionPlanFactory(title="Dated plan", published_on=date(2024, 11, 15)))
    first.action_plans.add(ActionPlanFactory(title="Undated plan", published_on=None))
    assert _queries_for(client, f"/commitments/{first.slug}/")
    shared = _queries_for(client, f"/commitments/{second.slug}/")
    # The commitment, its status changes, its evidence, the promise's words, its promised dates and the
    # series it aims to move (#31; none here, so no query for their figures).
    assert len(shared) == 6
    assert not any("MAX(" in sql or "commitments_commitment_action_plans" in sql for sql in shared)
    page = get_page(client, f"/commitments/{first.slug}/")
    assert "No recent evidence." in page
    assert page.index("Undated plan") < page.index("Dated plan")  # the plans' own order: undated first

    first.action_plans.add(ActionPlanFactory(title="Newest plan", published_on=date(2025, 6, 1)))
    EvidenceFactory(commitment=first, state="confirmed", question__date_answered=timezone.localdate())
    page = get_page(client, f"/commitments/{first.slug}/")
    assert "No recent evidence." not in page
    assert page.index("Dated plan") < page.index("Newest plan")
    assert "Newest plan" not in get_page(client, f"/commitments/{second.slug}/")


def test_a_remembered_count_belongs_to_its_own_filters_only(client):
    WrittenQuestionFactory(is_about_ipp=True, house="Commons")
    WrittenQuestionFactory(is_about_ipp=True, house="Lords", uin="HL1")
    assert "2 written answers found" in get_page(client, "/questions/?sort=heading")
    assert "1 written answer found" in get_page(client, "/questions/?house=Lords")
    assert "There is a problem with the filters" in get_page(client, "/questions/?house=Neither", status=400)
    assert "2 written answers found" in get_page(client, "/questions/?sort=-heading")
    assert "1 written answer found" in get_page(client, "/questions/?house=Lords&sort=reference")


def test_a_remembered_value_is_forgotten_when_the_data_or_the_day_changes(monkeypatch):
    from commitments.public import cache as public_cache

    remembered = public_cache.PerDataVersion()
    computed = []

    def compute():
        computed.append(len(computed) + 1)
        return computed[-1]

    assert remembered.get("figures", compute) == 1 and remembered.get("figures", compute) == 1
    public_cache.bump_data_version()
    assert remembered.get("figures", compute) == 2
    monkeypatch.setattr(public_cache.timezone, "localdate", lambda: date(2030, 1, 1))
    assert remembered.get("figures", compute) == 3 and remembered.get("figures", compute) == 3
