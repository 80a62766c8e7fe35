"""A GOV.UK publication as the fourth kind of source evidence rests on: quoted from the passages
editors paste from its attachments (each under the attachment's address), named, dated and linked
on every surface, and triaged under its own tab. The publications are fictional (factories)."""

import csv
import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from commitments.analysis.source_suggestions import analyse_source
from commitments.analysis.suggestions import top_candidates
from commitments.editorial import confirm_evidence
from commitments.exceptions import EvidenceError
from commitments.models import Commitment, Evidence, Publication, RecheckRun, SourceEvent
from commitments.models.evidence import SOURCE_FIELDS, evidence_version
from commitments.parliament.signals import sources_changed
from commitments.text.passages import sentences

from .factories import (
    FICTIONAL_ATTACHMENT,
    CommitmentFactory,
    PublicationFactory,
    RecheckRunFactory,
    WrittenStatementFactory,
)

SCREEN = reverse("admin:commitments_answertotriage_changelist")
PASSAGE = "Fictional passage for tests: the IPP licence reviews were completed."


@pytest.fixture
def commitment(db):
    return CommitmentFactory(
        slug="licence-reviews",
        title="Complete the IPP licence reviews",
        summary="Every IPP licence is reviewed.",
        keywords=["licence reviews", "IPP licence reviews"],
        is_published=True,
    )


def _confirm(commitment, publication, excerpt=PASSAGE):
    evidence = Evidence.objects.create(commitment=commitment, publication=publication, excerpt=excerpt)
    return confirm_evidence(evidence, by=None)


def test_evidence_rests_on_exactly_one_of_four_sources_once_per_commitment(commitment):
    publication = PublicationFactory()
    assert SOURCE_FIELDS == ("question", "statement", "contribution", "publication")
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(
            commitment=commitment, publication=publication, statement=WrittenStatementFactory(), excerpt="x"
        )
    Evidence.objects.create(commitment=commitment, publication=publication, excerpt="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(commitment=commitment, publication=publication, excerpt="y")


def test_the_commitment_page_names_dates_and_links_a_publication_and_where_its_words_were_read(
    client, commitment
):
    publication = PublicationFactory()
    _confirm(commitment, publication)

    page = client.get(reverse("commitments:commitment", args=[commitment.slug])).content.decode()

    assert (
        "Published on GOV.UK, 15 November 2024, updated 17 July 2025: Fictional IPP report for tests" in page
    )
    assert f'href="https://www.gov.uk{publication.base_path}"' in page
    assert PASSAGE in page
    assert f'The quoted words were read in the attachment: <a href="{FICTIONAL_ATTACHMENT}">' in page
    # Counted from the day it was first published, not the day GOV.UK last updated it.
    recency = Commitment.objects.with_evidence_recency().get(pk=commitment.pk)
    assert recency.latest_evidence_on == date(2024, 11, 15)


def test_a_quote_from_the_summary_names_no_attachment(client, commitment):
    publication = PublicationFactory()
    evidence = _confirm(commitment, publication, excerpt=publication.text)
    assert evidence.read_from == publication.official_url
    page = client.get(reverse("commitments:commitment", args=[commitment.slug])).content.decode()
    assert "The quoted words were read in" not in page


def test_csv_api_and_feed_name_a_publication(client, commitment):
    publication = PublicationFactory()
    _confirm(commitment, publication)

    api = client.get(f"/api/v1/commitments/{commitment.slug}/").json()
    [item] = api["evidence"]
    assert item["source_kind"] == "publication" and item["question"] is None
    assert item["source_url"] == f"https://www.gov.uk{publication.base_path}"
    assert item["quote_read_at"] == FICTIONAL_ATTACHMENT  # where the quoted words can be checked
    response = client.get(reverse("dataset-zip"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    archive = zipfile.ZipFile(io.BytesIO(body))
    name = next(n for n in archive.namelist() if "evidence" in n and n.endswith(".csv"))
    [row] = list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
    assert row["source_kind"] == "publication"
    assert row["source_url"] == f"https://www.gov.uk{publication.base_path}"
    assert row["quote_read_at"] == FICTIONAL_ATTACHMENT
    assert row["source"].startswith("Published on GOV.UK, 15 November 2024")
    feed = client.get(reverse("feed")).content.decode()
    assert "new evidence from GOV.UK: Fictional IPP report for tests" in feed


def test_an_excerpt_not_in_the_stored_text_is_refused(commitment):
    publication = PublicationFactory()
    evidence = Evidence.objects.create(commitment=commitment, publication=publication, excerpt="x")
    with pytest.raises(EvidenceError, match="not in the publication's summary or in the passages"):
        confirm_evidence(evidence, by=None, excerpt="The licence reviews were abandoned.")
    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.SUGGESTED


@pytest.mark.parametrize(
    ("pasted", "problem"),
    [
        ("A passage with no address above it.", "start each passage with the address"),
        ("https://example.com/report.pdf\nA passage.", "is not an attachment's address on GOV.UK"),
        (f"{FICTIONAL_ATTACHMENT}\n\n", "has no passage under it"),
    ],
)
def test_passages_must_name_their_attachment_on_govuk(db, pasted, problem):
    publication = PublicationFactory(quoted_passages=pasted)
    with pytest.raises(ValidationError, match=problem):
        publication.clean()


def test_a_passage_confirmed_evidence_quotes_cannot_be_removed(commitment):
    publication = PublicationFactory()
    _confirm(commitment, publication)
    publication.quoted_passages = f"{FICTIONAL_ATTACHMENT}\nSomething else, verbatim."
    with pytest.raises(ValidationError, match="Confirmed evidence quotes words no longer here"):
        publication.clean()


def test_the_triage_screen_has_a_govuk_tab_and_confirming_a_passage_records_it_on_the_publication(
    client, editor, commitment
):
    publication = PublicationFactory()
    client.force_login(editor)

    screen = client.get(SCREEN + "?kind=publication").content.decode()

    assert "GOV.UK (1)" in screen and "Publication 1 of 1" in screen
    assert "GOV.UK: Fictional IPP report for tests</h2>" in screen
    assert "<dt>First published</dt><dd>15 November 2024</dd>" in screen
    assert f'<a href="{FICTIONAL_ATTACHMENT}">Fictional report</a> (application/pdf)' in screen
    assert "First published." in screen  # GOV.UK's change note
    assert PASSAGE in screen
    text = publication.quotable_text
    sentence = next(i for i, (a, b) in enumerate(sentences(text)) if text[a:b] == PASSAGE)
    form = {
        "action": "finish",
        "commitment": commitment.pk,
        "version": evidence_version(None),
        "sentence": [str(sentence)],
    }
    url = reverse("admin:commitments_answertotriage_decide", args=["publication", publication.pk])

    response = client.post(url, form)

    evidence = Evidence.objects.get(publication=publication, commitment=commitment)
    assert evidence.state == Evidence.State.CONFIRMED and evidence.excerpt == PASSAGE
    assert evidence.read_from == FICTIONAL_ATTACHMENT
    assert response.url == SCREEN + "?kind=publication&at=1"
    assert not Publication.objects.awaiting_triage().exists()


def test_a_triaged_publication_comes_back_when_govuk_updates_it(editor):
    publication = PublicationFactory()
    quiet = PublicationFactory(is_about_ipp=False)
    assert list(Publication.objects.awaiting_triage()) == [publication]
    Publication.objects.filter(pk=publication.pk).update(triaged_at=timezone.now(), triaged_by=editor)
    assert not Publication.objects.awaiting_triage().exists()

    SourceEvent.objects.create(publication=publication, kind=SourceEvent.Kind.UPDATED, content_hash="b")

    [back] = Publication.objects.awaiting_triage()
    assert back == publication and back.returned_as == "updated"
    assert quiet not in Publication.objects.worth_reading()


def test_a_publications_passages_are_what_the_matcher_reads(commitment):
    publication = PublicationFactory(text="")
    [best, *_] = top_candidates(publication)
    assert best.slug == commitment.slug and "licence reviews" in " ".join(best.terms).lower()
    assert best.excerpt in publication.quotable_text
    # Matched (not skipped); whether it scores the suggesting threshold is the matcher's business.
    skipped = analyse_source("publication", publication.pk)["skipped"]
    assert skipped in ("", "No commitment scored above the threshold.")
    empty = PublicationFactory(text="", quoted_passages="")
    assert analyse_source("publication", empty.pk)["skipped"] == "It has no text."
    assert not Publication.objects.worth_reading().filter(pk=empty.pk).exists()


def test_the_recheck_queues_a_changed_publications_matching(monkeypatch, db):
    from commitments.parliament import govuk_recheck

    heard = []

    def listen(sender, *, kind, sources, **kwargs):
        heard.append((kind, list(sources.values_list("pk", flat=True))))

    sources_changed.connect(listen, dispatch_uid="test-publication-signal")
    try:
        item = _content_item()
        monkeypatch.setattr(govuk_recheck, "apply_publication", lambda *a, **k: _created(item))
        run = RecheckRunFactory(kind=RecheckRun.Kind.PUBLICATIONS)
        govuk_recheck.ingest_publications([item], client=None, watch=None, run=run, seen=set())
    finally:
        sources_changed.disconnect(dispatch_uid="test-publication-signal")
    assert heard == [("publication", [Publication.objects.get(content_id=item.content_id).pk])]


class _Item:
    id = "fictional"
    fingerprint = "new"

    def __init__(self, content_id, base_path):
        self.content_id, self.base_path = content_id, base_path


def _content_item():
    publication = PublicationFactory.build()
    return _Item(publication.content_id, publication.base_path)


def _created(item):
    PublicationFactory(content_id=item.content_id, base_path=item.base_path)
    return "created", 1


def test_the_review_queue_names_a_publication_and_accepting_its_status_dates_it_first_published(
    client, editor, commitment
):
    from commitments.editorial import accept_status_suggestion
    from commitments.models import Status

    publication = PublicationFactory()
    evidence = Evidence.objects.create(
        commitment=commitment,
        publication=publication,
        excerpt=PASSAGE,
        score=9.0,
        suggested_status=Status.DELIVERED,
        status_cue="were completed",
    )
    client.force_login(editor)
    queue = client.get(reverse("admin:commitments_evidencesuggestion_changelist")).content.decode()
    assert "Published on GOV.UK, 15 November 2024, updated 17 July 2025" in queue
    change = accept_status_suggestion(evidence, by=editor)
    assert change.effective_on == date(2024, 11, 15) and change.question is None
    assert change.source_url == publication.official_url
    assert change.reason.startswith("The GOV.UK publication of 15/11/2024 (Fictional IPP report for tests)")
