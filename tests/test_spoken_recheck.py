"""Written statements and Hansard contributions re-checked end to end: the real clients, real HTTP to
the recorded-API server (every fault mode), PostgreSQL; each run twice, nothing lost or duplicated."""

from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.devtools.recorded_api.datasets import replicate_contributions, replicate_statements
from commitments.loading.spoken import apply_spoken_research, research_contributions, research_statements
from commitments.models import HansardContribution, RecheckRun, SourceEvent, WrittenStatement
from commitments.models.signals import bulk_written
from commitments.parliament.spoken_client import ContributionRecord, HansardClient, StatementsClient
from commitments.parliament.spoken_recheck import recheck_contributions, recheck_statements
from commitments.parliament.spoken_upsert import CONTRIBUTIONS, create_sources
from commitments.parliament.watch import Watch
from commitments.tasks import analyse_source_task, analyse_sources_task

from .conftest import _recreate_core_data
from .factories import HansardContributionFactory
from .parliament import control, start_server

pytestmark = pytest.mark.django_db

EPOCH = date.fromisoformat(settings.RECHECK_EPOCH)
OPTIONS = {"timeout": 0.25, "max_tries": 4, "backoff": 0.01, "page_size": 5}


def _statements(server):
    return recheck_statements(client=StatementsClient(server.url, **OPTIONS), since=EPOCH)


def _contributions(server):
    return recheck_contributions(client=HansardClient(server.url, **OPTIONS), full=True)


# Per kind: the re-check, the model, its key, the records served, and their id field.
KINDS = {
    "statements": (_statements, WrittenStatement, "parliament_id", research_statements, "id"),
    "hansard": (_contributions, HansardContribution, "item_id", research_contributions, "ItemId"),
}


def _state(model, key):
    rows = sorted(model.objects.values_list(key, "house", "content_hash", "text"))
    events = sorted(
        SourceEvent.objects.values_list(
            "kind", "content_hash", "statement__parliament_id", "contribution__item_id"
        )
    )
    return rows, events


def _page_analyses(queued, kind: str) -> list[list[int]]:
    """The pks of each per-page matching message among on_commit callbacks; no per-record message."""
    assert not [c for c in queued if getattr(c, "func", None) == analyse_source_task.delay]
    return [
        c.args[1]
        for c in queued
        if getattr(c, "func", None) == analyse_sources_task.delay and c.args[0] == kind
    ]


@pytest.fixture
def server():
    server = start_server()
    yield server
    server.stop()


@pytest.mark.parametrize("kind", KINDS)
def test_every_record_served_is_stored_once_with_one_first_seen_event(kind, server):
    recheck, model, key, records, id_key = KINDS[kind]
    for _ in range(2):
        run = recheck(server)
        assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
    assert sorted(model.objects.values_list(key, flat=True)) == sorted(r[id_key] for r in records())
    assert SourceEvent.objects.filter(kind=SourceEvent.Kind.FIRST_SEEN).count() == model.objects.count()
    assert (run.questions_created, run.questions_updated, run.events_created) == (0, 0, 0)
    assert run.questions_unchanged == model.objects.count()


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["500", "429", "slow", "malformed", "truncated", "shift"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_fault_mode_twice_ends_in_exactly_the_recorded_data(kind, fault, transactional_db):
    recheck, model, key, _, _ = KINDS[kind]
    truth = start_server()
    try:
        recheck(truth)
    finally:
        truth.stop()
    expected = _state(model, key)
    call_command("flush", "--no-input", verbosity=0)
    _recreate_core_data()
    faulty = start_server(fault=fault, fault_rate=0.5, retry_after=0, slow_seconds=0.6)
    try:
        for attempt in range(2):
            run = recheck(faulty)
            assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
            # A statement published after its query's only page was served (shift, one statement)
            # cannot be noticed by that run; the next run's window holds it.
            if attempt or fault != "shift" or kind != "statements":
                assert _state(model, key) == expected
        assert faulty.state.faults > 0 or fault == "shift"
    finally:
        faulty.stop()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("fault", "reason"),
    [("too-long", "characters long; at most 250 can be stored"), ("nul", "holds a NUL character")],
)
def test_a_poison_record_is_refused_listed_and_the_rest_written(kind, fault, reason, server):
    recheck, model, key, records, id_key = KINDS[kind]
    # One statement is recorded, so it is the one spoiled; half the contributions are.
    step = 1 if kind == "statements" else 2
    control(server, "fault", {"mode": fault, "rate": 1 / step})
    spoiled = {r[id_key] for r in records() if r[id_key] % step == 0}
    assert spoiled, "the fault should spoil some records"
    for _ in range(2):  # and the next run carries on the same way, never stopping on them
        run = recheck(server)
        assert run.outcome == RecheckRun.Outcome.PARTIAL, run.errors
        assert {failure["id"] for failure in run.failed_records} == spoiled
        assert all(reason in failure["reason"] for failure in run.failed_records)
        stored = set(model.objects.values_list(key, flat=True))
        assert stored == {r[id_key] for r in records()} - spoiled


@pytest.mark.parametrize("kind", KINDS)
def test_a_malformed_record_is_refused_whole_and_listed(kind, server):
    recheck, model, key, _, id_key = KINDS[kind]
    served = server.state.statements if kind == "statements" else server.state.contributions
    bad = served[0]
    bad["dateMade" if kind == "statements" else "SittingDate"] = "24/03/2025"
    run = recheck(server)
    assert run.outcome == RecheckRun.Outcome.PARTIAL
    assert any(str(bad[id_key]) in error and "date" in error.lower() for error in run.errors)
    assert not model.objects.filter(**{key: bad[id_key]}).exists()
    assert model.objects.count() == len(served) - 1
    assert RecheckRun.objects.high_water_mark(run.kind) is None


@pytest.mark.parametrize("kind", KINDS)
def test_a_changed_text_records_one_event_with_the_words_before(kind, server):
    recheck, model, key, _, _ = KINDS[kind]
    recheck(server)
    before = {row[0]: row[1] for row in model.objects.values_list(key, "text")}
    control(server, "fault", {"mode": "correction", "rate": 1.0})
    for _ in range(2):
        run = recheck(server)
        assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
    changed = SourceEvent.objects.filter(kind=SourceEvent.Kind.TEXT_CHANGED)
    assert changed.count() == model.objects.count() == len(before)
    for event in changed.select_related("statement", "contribution"):
        source = event.statement or event.contribution
        assert event.previous_text == before[getattr(source, key)]
        assert source.text.endswith("[Corrected: an earlier figure was wrong.]")


def test_api_down_records_a_failed_run_and_writes_nothing(server):
    control(server, "fault", {"mode": "500", "rate": 1.0})
    run = recheck_statements(client=StatementsClient(server.url, **{**OPTIONS, "max_tries": 2}))
    assert run.outcome == RecheckRun.Outcome.FAILED
    assert "failed after 2 tries" in run.errors[0]
    assert not WrittenStatement.objects.exists() and not SourceEvent.objects.exists()


def test_a_first_hansard_run_finds_contributions_whose_date_our_copy_lacks(server):
    _contributions(server)
    undated = HansardContribution.objects.filter(sitting_date__isnull=True)
    assert undated.count() == sum(1 for r in research_contributions() if not r["SittingDate"])
    assert all(c.official_url == "" for c in undated)  # never guessed


def test_research_provenance_marks_copies_cut_short_and_is_idempotent(server):
    _statements(server), _contributions(server)
    assert apply_spoken_research() > 0
    assert apply_spoken_research() == 0
    statement = WrittenStatement.objects.get(uin="HCWS72")
    assert not statement.text_is_complete
    assert statement.source_url.startswith("https://parallelparliament.co.uk/debate/2024-09-05/")
    assert statement.official_url == (
        "https://questions-statements.parliament.uk/written-statements/detail/2024-09-05/HCWS72"
    )
    timpson = HansardContribution.objects.get(sitting_date=date(2025, 3, 24), member="Lord Timpson")
    assert timpson.text_is_complete and "1,742 licences were terminated" in timpson.text
    cut = HansardContribution.objects.filter(text_is_complete=False)
    assert cut.count() == sum(1 for line in _rows() if line.get("text_complete") is False)
    # A re-check after the marking leaves it alone: it describes our copy, not Parliament's record.
    _contributions(server)
    assert HansardContribution.objects.filter(text_is_complete=False).count() == cut.count()


def test_a_contribution_with_its_debate_links_to_hansard_at_the_contribution(server):
    _contributions(server)
    hinds = HansardContribution.objects.get(contribution_ext_id="23042730000120")
    assert hinds.official_url == (
        "https://hansard.parliament.uk/Commons/2023-04-27/debates/DC037346-68F3-4305-9EDE-5DE95D5399B5/"
        "ImprisonmentForPublicProtectionSentences#contribution-23042730000120"
    )


def _rows():
    import json

    from commitments.loading import FIXTURES_DIR

    path = FIXTURES_DIR / "hansard_contributions_dev.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_statements_are_served_in_the_written_statements_api_shape(server):
    import httpx

    body = httpx.get(f"{server.url}/api/writtenstatements/statements", params={"take": 1}).json()
    assert list(body) == ["totalResults", "results"]
    value = body["results"][0]["value"]
    assert list(value) == [
        "id", "memberId", "member", "memberRole", "uin", "dateMade", "answeringBodyId", "answeringBodyName",
        "title", "text", "house", "noticeNumber", "hasAttachments", "hasLinkedStatements",
        "linkedStatements", "attachments",
    ]  # fmt: skip
    assert value["member"] is None  # members only with expandMember=true
    detail = httpx.get(f"{server.url}/api/writtenstatements/statements/2024-09-05/hcws72").json()
    assert detail["value"]["uin"] == "HCWS72"


def test_contributions_are_served_in_the_hansard_search_shape(server):
    import httpx

    params = {"queryParameters.searchTerm": "IPP", "queryParameters.take": 2}
    body = httpx.get(f"{server.url}/search/contributions/Spoken.json", params=params).json()
    assert list(body) == [
        "SearchTerms", "SpokenResultCount", "WrittenResultCount", "CorrectionsResultCount",
        "DivisionsResultCount", "Results", "TotalResultCount",
    ]  # fmt: skip
    assert len(body["Results"]) == 2 and body["TotalResultCount"] > 2
    assert "ContributionTextFull" in body["Results"][0] and "ItemId" in body["Results"][0]
    bad = httpx.get(f"{server.url}/search/contributions/Spoken.json", params={"queryParameters.take": "x"})
    assert bad.status_code == 400


def test_rechecked_sources_are_matched_into_suggestions_and_labels_join_them(
    demo, server, django_capture_on_commit_callbacks
):
    from commitments.analysis.source_suggestions import suggest_source_evidence
    from commitments.loading.spoken import suggest_labelled_evidence
    from commitments.models import Evidence

    with django_capture_on_commit_callbacks() as queued:
        _contributions(server)
    pages = _page_analyses(queued, "contribution")
    # One analysis per page, for every new contribution the matching can read.
    queued_pks = [pk for pks in pages for pk in pks]
    assert sorted(queued_pks) == sorted(
        HansardContribution.objects.worth_matching().values_list("pk", flat=True)
    )
    for pks in pages:
        analyse_sources_task("contribution", pks)  # the task's body, as a worker runs it
    timpson = HansardContribution.objects.get(sitting_date=date(2025, 3, 24), member="Lord Timpson")
    suggestion = timpson.evidence.get(commitment__slug="vpa-automatic-licence-termination")
    assert suggestion.state == Evidence.State.SUGGESTED and suggestion.excerpt in timpson.text
    before = list(Evidence.objects.order_by("pk").values_list("pk", "excerpt", "score"))
    assert suggest_source_evidence(timpson).created == []  # idempotent
    # Every research label whose commitment exists is now a suggestion in the review queue.
    suggest_labelled_evidence()
    assert suggest_labelled_evidence() == 0
    labelled = {
        (row["ItemId"], label["commitment"])
        for row, line in zip(research_contributions(), _rows(), strict=True)
        for label in line["labels"]
        if label["commitment"] != "resentencing-rejected"  # no such commitment in the shipped list
    }
    held = set(
        Evidence.objects.suggested()
        .filter(contribution__isnull=False)
        .values_list("contribution__item_id", "commitment__slug")
    )
    assert labelled and labelled <= held
    assert (
        list(Evidence.objects.order_by("pk").values_list("pk", "excerpt", "score"))[: len(before)] == before
    )


def test_labelled_contributions_and_statements_read_as_labelled_answers_for_evaluation():
    from commitments.analysis.evaluation import read_labelled
    from commitments.loading import FIXTURES_DIR

    contributions = read_labelled(FIXTURES_DIR / "hansard_contributions_dev.jsonl")
    assert len(contributions) == 36 and sum(bool(a.topics) for a in contributions) == 7
    timpson = next(a for a in contributions if a.date_answered == "2025-03-24")
    assert timpson.topics == {"vpa-automatic-licence-termination"} and timpson.house == "Lords"
    statements = read_labelled(FIXTURES_DIR / "written_statements_dev.jsonl")
    assert statements[0].uin == "HCWS72" and "<p>" not in statements[0].answer_text
    assert len(statements[0].topics) == 4 and statements[1].topics == frozenset()


@pytest.mark.parametrize("kind", KINDS)
def test_a_no_op_recheck_stays_within_its_request_and_query_budget(
    kind, server, django_assert_max_num_queries
):
    recheck, model, _, _, _ = KINDS[kind]
    recheck(server)
    with django_assert_max_num_queries(60) as counted:
        run = recheck(server)
    # A fixed few for the run, and per page three: the fingerprints, last seen, the run saved.
    assert len(counted) <= 8 + 3 * run.pages_fetched
    # One request per page and nothing more: the list carries the whole text, so no detail requests;
    # statements are three searches of one page (the watched body and the two IPP terms).
    assert run.requests_made == run.pages_fetched == (3 if kind == "statements" else run.pages_fetched)
    assert run.questions_unchanged == model.objects.count() > 0
    assert (run.questions_created, run.questions_updated, run.events_created) == (0, 0, 0)
    print(f"no-op {kind} re-check: {run.requests_made} requests, {len(counted)} queries")


@pytest.mark.parametrize("kind", KINDS)
def test_a_first_run_inserts_each_page_of_new_records_at_once_and_says_so(kind, server):
    """A page of records never seen is one COPY of the sources and one INSERT of their events, in
    one transaction (a commit per page, not per record), and tells the data version as a save would."""
    recheck, model, _, _, _ = KINDS[kind]
    heard = []

    def listener(sender, objs, **kwargs):
        heard.append((sender, len(objs)))

    bulk_written.connect(listener)
    try:
        with CaptureQueriesContext(connection) as captured:
            run = recheck(server)
    finally:
        bulk_written.disconnect(listener)
    table = model._meta.db_table
    inserts = [q for q in captured.captured_queries if q["sql"].startswith(f'COPY "{table}"')]
    assert not [q for q in captured.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"')]
    stored = model.objects.count()
    assert run.questions_created == run.events_created == stored > 0
    assert 0 < len(inserts) <= run.pages_fetched and (kind == "statements" or len(inserts) < stored)
    assert sum(count for sender, count in heard if sender is model) == stored
    # As an INSERT would store them: the trigger's search vector, JSON as JSON, the model's defaults.
    assert not model.objects.filter(search_vector__isnull=True).exists()
    row = model.objects.filter(is_about_ipp=True).first()
    assert isinstance(row.source_record, dict) and row.source_record and row.matched_terms
    assert row.first_seen_at and row.last_seen_at and row.text_is_complete is True


def test_a_page_insert_meeting_a_row_written_meanwhile_is_taken_record_by_record(server):
    """Another worker inserted one of the page's records first: the page insert writes nothing and
    hands every record back; the re-check then takes them one by one, nothing lost or duplicated."""
    records = [ContributionRecord.from_api(r, id_key="ItemId") for r in research_contributions()[:3]]
    HansardContributionFactory(item_id=records[1].item_id)
    assert create_sources(CONTRIBUTIONS, records, watch=Watch.load()) == records
    assert HansardContribution.objects.count() == 1 and not SourceEvent.objects.exists()
    run = _contributions(server)
    assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
    assert HansardContribution.objects.count() == len(research_contributions())
    assert SourceEvent.objects.filter(kind=SourceEvent.Kind.FIRST_SEEN).count() == len(
        research_contributions()
    )


def test_the_benchmarks_replicas_are_stored_whole_keyed_apart_and_dated_over_the_span():
    """What `make bench-ingest` serves: every replica a record the clients read and the re-check
    stores once, the UINs unique, the dates spread from the epoch to the end of 2025."""
    statements, contributions = replicate_statements(40), replicate_contributions(90)
    server = start_server(statements=statements, contributions=contributions)
    try:
        for recheck in (_statements, _contributions):
            run = recheck(server)
            assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
    finally:
        server.stop()
    assert WrittenStatement.objects.count() == 40 and HansardContribution.objects.count() == 90
    assert len({s["uin"] for s in statements}) == 40
    for model, field in ((WrittenStatement, "date_made"), (HansardContribution, "sitting_date")):
        days = sorted(model.objects.values_list(field, flat=True))
        assert days[0] == date(2016, 1, 1) and days[-1] == date(2025, 12, 31)


@pytest.mark.parametrize("kind", KINDS)
def test_a_page_of_new_sources_queues_its_matching_as_one_message(
    kind, server, django_capture_on_commit_callbacks
):
    recheck, model, _, _, _ = KINDS[kind]
    with django_capture_on_commit_callbacks() as queued:
        run = recheck(server)
    pages = _page_analyses(queued, "statement" if kind == "statements" else "contribution")
    assert 0 < len(pages) <= run.pages_fetched  # a message per page that had sources to match
    assert all(0 < len(pks) <= OPTIONS["page_size"] for pks in pages)
    queued_pks = [pk for pks in pages for pk in pks]
    assert len(queued_pks) == len(set(queued_pks))  # none twice
    assert set(queued_pks) == set(model.objects.worth_matching().values_list("pk", flat=True))


def test_a_source_not_about_ipp_or_without_text_is_not_queued(django_capture_on_commit_callbacks):
    from commitments.parliament.signals import sources_changed

    about = HansardContributionFactory(is_about_ipp=True)
    not_about = HansardContributionFactory(is_about_ipp=False)
    no_text = HansardContributionFactory(is_about_ipp=True, text=" \n\t ")
    sources = HansardContribution.objects.filter(pk__in=[about.pk, not_about.pk, no_text.pk])
    with django_capture_on_commit_callbacks() as queued:
        sources_changed.send(sender=HansardContribution, kind="contribution", sources=sources)
        sources_changed.send(
            sender=HansardContribution, kind="contribution", sources=sources.exclude(pk=about.pk)
        )
    assert _page_analyses(queued, "contribution") == [[about.pk]]  # and nothing for the second page


def test_a_page_analysis_suggests_evidence_and_a_message_queued_per_record_still_runs(demo):
    from commitments.models import Evidence

    timpson, again = HansardContributionFactory.create_batch(2, is_about_ipp=True)
    gone = HansardContributionFactory(is_about_ipp=True)
    gone_pk = gone.pk
    gone.delete()
    summaries = analyse_sources_task("contribution", [timpson.pk, gone_pk])
    assert [s["pk"] for s in summaries] == [timpson.pk, gone_pk]
    assert "vpa-automatic-licence-termination" in summaries[0]["suggested"]
    assert summaries[1]["skipped"] == "It no longer exists."
    suggested = timpson.evidence.filter(state=Evidence.State.SUGGESTED)
    assert sorted(suggested.values_list("commitment__slug", flat=True)) == sorted(summaries[0]["suggested"])
    assert analyse_sources_task("contribution", [timpson.pk])[0]["suggested"] == []  # idempotent
    # A message an earlier re-check queued, one record each, still finds its task and does the same.
    report = analyse_source_task("contribution", again.pk)
    assert report["suggested"] == summaries[0]["suggested"] and not report["skipped"]
