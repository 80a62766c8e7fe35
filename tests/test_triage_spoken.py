"""Triage of written statements and Hansard contributions: a queue per kind on the one triage
screen, the same decisions as for answers, recorded on the statement or contribution, and the
status change filled in from its official page."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.digests.editors import editors_message, editors_news
from commitments.editorial.triage import backlog, clear_backlog
from commitments.models import Evidence, HansardContribution, SourceEvent, StatusChange, WrittenStatement
from commitments.models.evidence import evidence_version, triage_version

from .factories import (
    CommitmentFactory,
    EvidenceFactory,
    HansardContributionFactory,
    PublicationFactory,
    WrittenStatementFactory,
)
from .test_admin import _change_form

SCREEN = reverse("admin:commitments_answertotriage_changelist")
SAID = (
    "On 1 November, 1,742 licences were terminated following the commencement of reforms in the "
    "Victims and Prisoners Act 2024. We will publish the next annual report in the summer."
)


@pytest.fixture
def termination(db):
    return CommitmentFactory(
        slug="termination",
        title="Automatic IPP licence termination",
        summary="Licences end automatically after the qualifying period.",
        keywords=["licence termination", "licences were terminated"],
    )


def contribution(**fields):
    values = {"text": SAID, "is_about_ipp": True}
    return HansardContributionFactory(**{**values, **fields})


def decide_url(source):
    kind = "statement" if isinstance(source, WrittenStatement) else "contribution"
    return reverse("admin:commitments_answertotriage_decide", args=[kind, source.pk])


def source_form(source, action, **extra):
    source.refresh_from_db()
    return {"action": action, "version": triage_version(source, source.evidence.all()), **extra}


def candidate_form(source, commitment, action, *, sentences=("0",)):
    row = source.evidence.filter(commitment=commitment).first()
    return {
        "action": action,
        "commitment": commitment.pk,
        "version": evidence_version(row),
        "sentence": sentences,
    }


def page(response) -> str:
    return response.content.decode()


def test_a_labelled_contribution_waits_under_the_hansard_tab_named_and_linked(client, editor, termination):
    said = contribution(debate_ext_id="ABC-123", contribution_ext_id="XYZ-9")
    EvidenceFactory(
        contribution=said, question=None, commitment=termination, excerpt=SAID.split(". ")[0] + "."
    )
    client.force_login(editor)

    screen = page(client.get(SCREEN + "?kind=contribution"))

    assert "Hansard (1)" in screen and "Written statements (0)" in screen
    assert "Contribution 1 of 1" in screen
    assert (
        "Said in the House of Lords by Lord Timpson, Minister of State, Ministry of Justice: Sentences of "
        "Imprisonment for Public Protection</h2>" in screen
    )
    assert "<dt>Sitting</dt><dd>24 March 2025</dd>" in screen
    assert said.official_url.startswith("https://hansard.parliament.uk/Lords/2025-03-24/debates/ABC-123/")
    assert f'href="{said.official_url}"' in screen
    assert "Automatic IPP licence termination" in screen  # the research's suggestion, a candidate
    assert 'aria-current="page"' in screen


def test_confirm_and_finish_records_the_quote_on_the_contribution_and_it_leaves_the_queue(
    client, editor, termination
):
    said = contribution()
    client.force_login(editor)

    response = client.post(decide_url(said), candidate_form(said, termination, "finish", sentences=["0"]))

    evidence = Evidence.objects.get(contribution=said, commitment=termination)
    assert evidence.state == Evidence.State.CONFIRMED and evidence.question_id is None
    assert evidence.excerpt == SAID.split(" We will")[0]  # a whole sentence, verbatim
    said.refresh_from_db()
    assert said.triaged_by == editor and not said.not_evidence
    assert not HansardContribution.objects.awaiting_triage().exists()
    assert response.url == SCREEN + "?kind=contribution&at=1"
    assert "No contributions are waiting for triage." in page(client.get(response.url))


def test_a_statement_found_to_be_no_evidence_rejects_its_suggestions_and_leaves_the_queue(
    client, editor, termination
):
    statement = WrittenStatementFactory(is_about_ipp=True)
    suggestion = EvidenceFactory(statement=statement, question=None, commitment=termination, score=6.0)
    client.force_login(editor)

    client.post(decide_url(statement), source_form(statement, "not_evidence"))

    suggestion.refresh_from_db()
    statement.refresh_from_db()
    assert suggestion.state == Evidence.State.REJECTED and suggestion.reviewed_by == editor
    assert statement.not_evidence and statement.triaged_at is not None
    assert not WrittenStatement.objects.awaiting_triage().exists()


def test_a_triaged_contribution_whose_words_changed_comes_back_marked_as_such(client, editor, termination):
    said = contribution()
    client.force_login(editor)
    client.post(decide_url(said), source_form(said, "not_evidence"))
    assert not HansardContribution.objects.awaiting_triage().exists()

    SourceEvent.objects.create(contribution=said, kind=SourceEvent.Kind.TEXT_CHANGED, content_hash="new")

    assert list(HansardContribution.objects.awaiting_triage()) == [said]
    screen = page(client.get(SCREEN + f"?kind=contribution&source={said.pk}"))
    assert "Back in the queue: its text changed since it was triaged" in screen


def test_what_waits_is_what_names_ipp_with_words_or_holds_a_suggestion(termination):
    waiting = contribution()
    contribution(is_about_ipp=False)  # about something else
    contribution(text=" ")  # nothing to read
    labelled = contribution(is_about_ipp=False)
    EvidenceFactory(contribution=labelled, question=None, commitment=termination, excerpt="On 1 November")

    assert set(HansardContribution.objects.awaiting_triage()) == {waiting, labelled}


def test_the_queue_is_newest_first_with_an_unknown_date_last(client, editor):
    older = contribution(sitting_date=date(2024, 1, 16))
    undated = contribution(sitting_date=None)
    newer = contribution(sitting_date=date(2025, 3, 24))
    client.force_login(editor)

    assert list(HansardContribution.objects.awaiting_triage()) == [newer, older, undated]
    assert "Contribution 3 of 3" in page(client.get(SCREEN + f"?kind=contribution&source={undated.pk}"))
    assert "Contribution 2 of 3" in page(client.get(SCREEN + f"?kind=contribution&source={older.pk}"))


def test_confirm_and_record_status_fills_in_the_official_page_and_returns_to_the_contribution(
    client, editor, termination
):
    said = contribution(debate_ext_id="ABC-123")
    client.force_login(editor)

    response = client.post(decide_url(said), candidate_form(said, termination, "confirm_record"))

    query = {key: values[0] for key, values in parse_qs(urlsplit(response.url).query).items()}
    assert query["status_source_url"] == said.official_url
    assert query["status_effective_on"] == "2025-03-24" and "status_question" not in query
    assert query["status_reason"].startswith(
        "Said in the House of Lords, 24 March 2025, by Lord Timpson, Minister of State, Ministry of "
        "Justice: “On 1 November"
    )
    data = _change_form(
        termination,
        new_status="delivered",
        status_reason=query["status_reason"],
        status_effective_on="24 March 2025",
        status_source_url=query["status_source_url"],
    )
    after = client.post(response.url, data)

    assert after.status_code == 302
    assert after.url == SCREEN + f"?kind=contribution&source={said.pk}"
    change = StatusChange.objects.get(commitment=termination)
    assert (change.source_url, change.question) == (said.official_url, None)


def test_an_old_backlog_of_contributions_clears_only_what_has_no_strong_candidate(editor, termination):
    old = contribution(sitting_date=date(2023, 5, 1))
    old_with_suggestion = contribution(sitting_date=date(2023, 5, 2))
    EvidenceFactory(contribution=old_with_suggestion, question=None, commitment=termination, score=7.0)
    recent = contribution(sitting_date=date(2025, 3, 24))
    undated = contribution(sitting_date=None)

    assert list(backlog(date(2024, 1, 1), kind="contribution")) == [old]
    cleared = clear_backlog(before=date(2024, 1, 1), by=editor, kind="contribution")

    assert cleared == [old]
    old.refresh_from_db()
    assert old.cleared_in_bulk and old.triaged_by == editor
    assert set(HansardContribution.objects.awaiting_triage()) == {old_with_suggestion, recent, undated}


def test_an_unknown_kind_is_not_found_and_the_screen_falls_back_to_answers(client, editor):
    said = contribution()
    client.force_login(editor)

    url = reverse("admin:commitments_answertotriage_decide", args=["speech", said.pk])
    assert client.post(url, {"action": "done"}).status_code == 404
    assert "No answers are waiting for triage." in page(client.get(SCREEN + "?kind=speech"))


def test_the_editors_news_counts_statements_contributions_and_publications_waiting(editor):
    contribution()
    WrittenStatementFactory(is_about_ipp=True)
    PublicationFactory(is_about_ipp=True)
    PublicationFactory(is_about_ipp=False)  # not about IPP: not waiting

    news = editors_news(timezone.now())

    assert news.others_waiting == 3
    body = editors_message(news, to="ed@example.org").body
    assert "Statements, Hansard and GOV.UK publications waiting for triage: 3" in body


def test_every_labelled_contribution_waits_on_the_hansard_tab_with_its_commitment(
    demo, client, editor, django_capture_on_commit_callbacks
):
    """As `make run` does: re-check the recorded Hansard API, match each page, add the research
    labels; then each labelled contribution's commitment is a candidate on its triage page."""
    from commitments.loading.spoken import research_contributions, suggest_labelled_evidence
    from commitments.models import Commitment

    from .parliament import start_server
    from .test_spoken_recheck import _contributions, _rows

    server = start_server()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _contributions(server)
    finally:
        server.stop()
    suggest_labelled_evidence()
    titles = dict(Commitment.objects.values_list("slug", "title"))
    labelled = [
        (row["ItemId"], label["commitment"])
        for row, line in zip(research_contributions(), _rows(), strict=True)
        for label in line["labels"]
        if label["commitment"] in titles  # "resentencing-rejected" is a recommendation, not a commitment
    ]
    client.force_login(editor)

    assert len(labelled) == 5
    for item_id, slug in labelled:
        said = HansardContribution.objects.get(item_id=item_id)
        screen = page(client.get(SCREEN + f"?kind=contribution&source={said.pk}"))
        assert "Contribution " in screen and " of 36</strong>" in screen
        assert f"<h4>{titles[slug]}</h4>" in screen.replace("&#x27;", "'"), (item_id, slug)


def test_the_queryset_and_the_reason_agree_on_what_matching_reads(termination):
    """`worth_matching()` (what is queued) and `why_source_skipped` (why one is not) are one rule
    told twice, in SQL and in Python: they must agree on every kind."""
    from commitments.analysis.suggestions import why_source_skipped
    from commitments.models import Publication

    sources = [
        contribution(),
        contribution(is_about_ipp=False),
        contribution(text=""),
        contribution(text="  \n "),
        WrittenStatementFactory(is_about_ipp=True),
        WrittenStatementFactory(is_about_ipp=False),
        PublicationFactory(is_about_ipp=True),
        PublicationFactory(is_about_ipp=True, text="", quoted_passages=""),
        PublicationFactory(is_about_ipp=True, text=""),  # only its pasted passage to read
        PublicationFactory(is_about_ipp=False),
    ]
    for source in sources:
        queued = type(source).objects.worth_matching().filter(pk=source.pk).exists()
        assert queued == (why_source_skipped(source) == ""), (source, why_source_skipped(source))
    assert (
        sum(
            Model.objects.worth_matching().count()
            for Model in (HansardContribution, WrittenStatement, Publication)
        )
        == 4
    )


def test_clearing_the_backlog_of_an_unknown_kind_clears_nothing(client, editor):
    from .factories import WrittenQuestionFactory

    old = WrittenQuestionFactory(is_about_ipp=True, date_answered=date(2023, 5, 1), answer_text=SAID)
    assert list(backlog(date(2024, 1, 1))) == [old]  # what an answers' clearing would take
    client.force_login(editor)

    response = client.post(
        reverse("admin:commitments_answertotriage_clear_backlog"),
        {"kind": "speech", "before": "1 January 2024"},
        follow=True,
    )

    assert "Nothing was cleared." in page(response)
    old.refresh_from_db()
    assert old.triaged_at is None
