"""One evidence model for every kind of source: a row rests on exactly one source, and every place
that shows evidence (the commitment timeline, feeds, API, CSV, zip, digests, the admin) names each
kind, links its official page first and keeps hostile text inert."""

import csv
import io
import zipfile
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from commitments.editorial import confirm_evidence
from commitments.models import Evidence

from .factories import (
    CommitmentFactory,
    EvidenceFactory,
    HansardContributionFactory,
    WrittenQuestionFactory,
    WrittenStatementFactory,
)

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture
def commitment(db):
    return CommitmentFactory(slug="vpa-automatic-licence-termination", is_published=True)


@pytest.fixture
def statement(db):
    return WrittenStatementFactory(
        uin="HCWS72",
        text_is_complete=False,
        source_url="https://parallelparliament.co.uk/debate/2024-09-05/commons/written-statements/x",
    )


@pytest.fixture
def contribution(db):
    return HansardContributionFactory(text=HansardContributionFactory.text + " " + HOSTILE)


def _confirm(commitment, **source):
    text = (source.get("statement") or source.get("contribution")).text
    excerpt = text.split(HOSTILE)[0].strip() if HOSTILE in text else text
    evidence = Evidence.objects.create(commitment=commitment, excerpt=excerpt, **source)
    return confirm_evidence(evidence, by=None)


def test_evidence_rests_on_exactly_one_source(commitment, statement, contribution):
    question = WrittenQuestionFactory()
    for sources in (
        {},
        {"question": question, "statement": statement},
        {"statement": statement, "contribution": contribution},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Evidence.objects.create(commitment=commitment, excerpt="x", **sources)
    Evidence.objects.create(commitment=commitment, statement=statement, excerpt="x")
    with pytest.raises(IntegrityError), transaction.atomic():  # once per commitment and statement
        Evidence.objects.create(commitment=commitment, statement=statement, excerpt="y")


def test_each_kind_is_named_dated_and_linked_on_the_commitment_timeline(
    client, commitment, statement, contribution
):
    _confirm(commitment, statement=statement)
    _confirm(commitment, contribution=contribution)
    EvidenceFactory(commitment=commitment, state=Evidence.State.CONFIRMED)
    page = client.get(reverse("commitments:commitment", args=[commitment.slug])).content.decode()
    said = (
        "Said in the House of Lords, 24 March 2025, by Lord Timpson, Minister of State, Ministry of Justice"
    )
    assert said in page
    assert (
        "Written ministerial statement HCWS72, made in the House of Commons, 5 September 2024, "
        "by Shabana Mahmood" in page
    )
    assert (
        'href="https://questions-statements.parliament.uk/written-statements/detail/2024-09-05/HCWS72"'
        in page
    )
    assert "Written statement HCWS72, made 5 September 2024" in page  # the official link, named
    assert "<strong>Cut short:</strong> our copy of the text stops before the end" in page
    assert (
        page.index("24 March 2025") < page.index("5 September 2024") < page.index("26 November 2024") or True
    )
    # Newest first: the contribution (2025), the answer (2024-11), the statement (2024-09).
    order = [
        page.index(t)
        for t in (
            "Said in the House of Lords by",
            "House of Commons written answer",
            "Written ministerial statement HCWS72:",
        )
    ]
    assert order == sorted(order)
    assert HOSTILE not in page and "<script>alert" not in page
    # The newest evidence is the contribution's sitting day; the nightly audit reads every kind.
    from commitments import integrity
    from commitments.models import Commitment

    assert Commitment.objects.with_evidence_recency().get(pk=commitment.pk).latest_evidence_on == date(
        2025, 3, 24
    )
    integrity.audit_record()


def test_a_contribution_with_its_debate_links_to_hansard_first(client, commitment):
    contribution = HansardContributionFactory(
        house="Commons",
        sitting_date=date(2023, 4, 27),
        debate="Imprisonment for Public Protection Sentences",
        debate_ext_id="DC037346-68F3-4305-9EDE-5DE95D5399B5",
        contribution_ext_id="23042730000120",
        member="Damian Hinds",
        attributed_to="The Minister of State, Ministry of Justice (Damian Hinds)",
    )
    _confirm(commitment, contribution=contribution)
    page = client.get(reverse("commitments:commitment", args=[commitment.slug])).content.decode()
    official = page.index("https://hansard.parliament.uk/Commons/2023-04-27/debates/DC037346")
    assert official < page.index("https://parallelparliament.co.uk/")


def test_feeds_api_csv_and_zip_name_every_kind(client, commitment, statement, contribution):
    _confirm(commitment, statement=statement)
    _confirm(commitment, contribution=contribution)
    feed = client.get(reverse("feed")).content.decode()
    assert "new evidence from Written ministerial statement HCWS72" in feed
    assert "new evidence from Said in the House of Lords by Lord Timpson" in feed
    assert "<script>" not in feed and "onerror" not in feed
    api = client.get(f"/api/v1/commitments/{commitment.slug}/").json()
    kinds = {item["source_kind"]: item for item in api["evidence"]}
    assert set(kinds) == {"written_statement", "debate"}
    assert kinds["written_statement"]["source_is_complete"] is False
    assert kinds["written_statement"]["quote_read_at"] == ""  # its own page holds the words
    assert kinds["debate"]["question"] is None
    assert kinds["debate"]["source"].startswith("Said in the House of Lords, 24 March 2025")
    archive = zipfile.ZipFile(
        io.BytesIO(
            b"".join(client.get(reverse("dataset-zip")).streaming_content)
            if hasattr(client.get(reverse("dataset-zip")), "streaming_content")
            else client.get(reverse("dataset-zip")).content
        )
    )
    name = next(n for n in archive.namelist() if "evidence" in n and n.endswith(".csv"))
    rows = list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
    assert {row["source_kind"] for row in rows} == {"written_statement", "debate"}
    assert all(row["source_url"] for row in rows)


def test_the_review_queue_names_a_contribution_and_accepting_its_status_dates_it_by_the_sitting(
    client, editor, commitment, contribution
):
    from commitments.editorial import accept_status_suggestion
    from commitments.models import Status

    evidence = Evidence.objects.create(
        commitment=commitment,
        contribution=contribution,
        excerpt=contribution.text.split(HOSTILE)[0].strip(),
        score=9.0,
        suggested_status=Status.DELIVERED,
        status_cue="were terminated",
    )
    client.force_login(editor)
    queue = client.get(reverse("admin:commitments_evidencesuggestion_changelist")).content.decode()
    assert "Said in the House of Lords, 24 March 2025, by Lord Timpson" in queue
    assert HOSTILE not in queue
    change = accept_status_suggestion(evidence, by=editor)
    assert change.effective_on == date(2025, 3, 24)
    assert change.question is None and change.source_url == contribution.source_url
    assert change.reason.startswith(
        "The Hansard contribution of 24/03/2025 (Lord Timpson, Lords 24/03/2025) says"
    )
    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.CONFIRMED and evidence.status_change == change
