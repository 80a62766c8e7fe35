"""GOV.UK publications re-checked end to end: the real client, real HTTP to the recorded-API server
(real content items, every fault mode), PostgreSQL; each run twice, nothing lost or duplicated."""

import json

import pytest
from django.core.management import call_command

from commitments.devtools.recorded_api.govuk import CORRECTION_NOTE, recorded_content_items
from commitments.models import Publication, RecheckRun, SourceEvent
from commitments.parliament.govuk_client import GovukClient
from commitments.parliament.govuk_recheck import recheck_publications

from .conftest import _recreate_core_data
from .parliament import control, start_server

pytestmark = pytest.mark.django_db

OPTIONS = {"timeout": 0.25, "max_tries": 4, "backoff": 0.01}
RECORDED = {path: json.loads(raw) for path, raw in recorded_content_items().items()}
PATHS = sorted(item["base_path"] for item in RECORDED.values())
FOSTERING = "/government/statistics/fostering-in-england-1-april-2013-to-31-march-2014"


def _recheck(server, paths=PATHS, **options):
    return recheck_publications(paths=paths, client=GovukClient(server.url, **{**OPTIONS, **options}))


def _state():
    rows = sorted(Publication.objects.values_list("content_id", "base_path", "title", "content_hash", "text"))
    events = sorted(SourceEvent.objects.values_list("kind", "content_hash", "publication__base_path"))
    return rows, events


@pytest.fixture
def server():
    server = start_server()
    yield server
    server.stop()


def test_every_watched_page_is_stored_once_with_what_govuk_says(server):
    for _ in range(2):
        run = _recheck(server)
        assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
    assert run.kind == RecheckRun.Kind.PUBLICATIONS
    assert sorted(Publication.objects.values_list("base_path", flat=True)) == PATHS
    assert SourceEvent.objects.filter(kind=SourceEvent.Kind.FIRST_SEEN).count() == len(PATHS)
    fostering = Publication.objects.get(base_path=FOSTERING)
    assert str(fostering.content_id) == "e7797693-90a9-4190-8658-cd52a4b87bfe"
    assert fostering.official_url == f"https://www.gov.uk{FOSTERING}"
    assert fostering.document_type == "official_statistics"
    assert [note["note"] for note in fostering.change_history][-1] == "First published."
    assert len(fostering.change_history) == 4
    assert fostering.attachments[0] == {
        "title": "Fostering in England 1 April 2013 to 31 March 2014 time series dataset (2011 - 2014)",
        "url": "https://www.gov.uk/government/uploads/system/uploads/attachment_data/file/416769/"
        "Fostering_in_England_1_April_2013_to_31_March_2014_time_series_dataset__2011_-_2014_.xls",
        "content_type": "MS Excel Spreadsheet",
    }
    assert len(fostering.attachments) == 6
    assert fostering.text.startswith("Data was submitted by 99% of all fostering services.")
    assert fostering.source_record == RECORDED[FOSTERING]  # as received
    assert not fostering.is_about_ipp


def test_a_recheck_with_nothing_changed_writes_nothing_and_asks_once_per_page(server):
    _recheck(server)
    before = _state(), list(Publication.objects.values_list("source_record", "list_fingerprint"))
    asked = server.state.requests
    run = _recheck(server)
    assert server.state.requests - asked == run.requests_made == len(PATHS)
    assert (run.questions_created, run.questions_updated, run.events_created) == (0, 0, 0)
    assert run.questions_unchanged == len(PATHS)
    assert (_state(), list(Publication.objects.values_list("source_record", "list_fingerprint"))) == before


def test_an_update_on_govuk_records_one_event_however_often_it_is_seen(server):
    _recheck(server)
    control(server, "fault", {"mode": "correction", "rate": 1.0})
    for _ in range(3):
        run = _recheck(server)
        assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
    updated = SourceEvent.objects.filter(kind=SourceEvent.Kind.UPDATED)
    assert updated.count() == len(PATHS)
    event = updated.get(publication__base_path=FOSTERING)
    assert CORRECTION_NOTE in event.detail and "last update moved" in event.detail
    assert Publication.objects.get(base_path=FOSTERING).change_history[0]["note"] == CORRECTION_NOTE
    assert SourceEvent.objects.count() == 2 * len(PATHS)  # first seen, updated: nothing more


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("too-long", "characters long; at most 300 can be stored"), ("nul", "holds a NUL character")],
)
def test_a_poison_item_is_refused_listed_and_the_rest_written(fault, reason, server):
    control(server, "fault", {"mode": fault, "rate": 0.5})  # the first and third pages, in path order
    spoiled = {PATHS[0], PATHS[2]}
    for _ in range(2):
        run = _recheck(server)
        assert run.outcome == RecheckRun.Outcome.PARTIAL, run.errors
        assert {failure["uin"] for failure in run.failed_records} == spoiled
        assert all(reason in failure["reason"] for failure in run.failed_records)
        assert set(Publication.objects.values_list("base_path", flat=True)) == set(PATHS) - spoiled


def test_a_malformed_item_and_a_page_govuk_lacks_are_listed_not_fatal(server):
    broken = {**RECORDED[FOSTERING], "content_id": "not-a-uuid"}
    server.state.publications[FOSTERING] = json.dumps(broken).encode()
    gone = "/government/publications/imprisonment-for-public-protection-ipp"
    run = _recheck(server, paths=[*PATHS, gone])
    assert run.outcome == RecheckRun.Outcome.PARTIAL
    assert any(FOSTERING in error and "content_id" in error for error in run.errors)
    assert any(gone in error and "404" in error for error in run.errors)
    assert Publication.objects.count() == len(PATHS) - 1


def test_govuk_down_records_a_failed_run_and_writes_nothing(server):
    control(server, "fault", {"mode": "500", "rate": 1.0})
    run = _recheck(server, max_tries=2)
    assert run.outcome == RecheckRun.Outcome.FAILED
    assert "failed after 2 tries" in run.errors[0]
    assert not Publication.objects.exists() and not SourceEvent.objects.exists()


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["500", "429", "slow", "malformed", "truncated", "shift"])
def test_every_fault_mode_twice_ends_in_exactly_the_recorded_items(fault, transactional_db):
    truth = start_server()
    try:
        _recheck(truth)
    finally:
        truth.stop()
    expected = _state()
    call_command("flush", "--no-input", verbosity=0)
    _recreate_core_data()
    faulty = start_server(fault=fault, fault_rate=0.5, retry_after=0, slow_seconds=0.6)
    try:
        for _ in range(2):
            run = _recheck(faulty)
            assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
            assert _state() == expected
        assert faulty.state.faults > 0 or fault == "shift"
    finally:
        faulty.stop()


def test_the_scheduled_task_rechecks_the_watched_pages_from_settings(server, settings):
    from commitments.tasks import recheck_publications_task

    settings.GOVUK_CONTENT_API_URL = server.url
    settings.GOVUK_WATCHED_PATHS = PATHS
    run = RecheckRun.objects.get(pk=recheck_publications_task())
    assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
    assert run.questions_created == Publication.objects.count() == len(PATHS)


def test_editors_read_a_publication_with_its_notes_attachments_and_events(server, admin_client):
    _recheck(server)
    fostering = Publication.objects.get(base_path=FOSTERING)
    listing = admin_client.get("/admin/commitments/publication/?q=fostering")
    assert listing.status_code == 200 and "Fostering in England" in listing.text
    page = admin_client.get(f"/admin/commitments/publication/{fostering.pk}/change/")
    assert page.status_code == 200
    assert "Quality report uploaded." in page.text and "MS Excel Spreadsheet" in page.text
    assert "First seen in GOV.UK" in page.text
