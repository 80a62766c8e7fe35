"""`make bench-ingest` for written ministerial statements and Hansard contributions (#30): each kind's
phases, run in a child process of bench_ingest as the answers' are, so each one's peak memory is its
own.

- floor: the searches a full re-check makes (from the default watch), every page fetched and parsed
  by the kind's client, no database work;
- ingest: the same through recheck_statements(full=True) / recheck_contributions(full=True) into the
  benchmark's database; the matching each new source queues is queued, not run, as deployed;
- no-op: a second, incremental re-check with nothing new: its HTTP requests and database queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..ops.schedules import DEFAULT_WATCHED_BODIES, DEFAULT_WATCHED_TERMS
from ..parliament.spoken_client import ContributionSearch, HansardClient, StatementsClient, StatementSearch

# As the answers' targets, but the ingest within 1.5 times its floor (issue #30); a no-op re-check
# makes one request per search of the default watch (statements: the watched body and each term).
TARGETS = {"ratio": 1.5, "rss_mb": 250, "noop_queries": 20}
KINDS = ("statements", "contributions")


@dataclass(frozen=True)
class Kind:
    noun: str  # plural, in the report
    searches: int  # of the default watch: what a no-op re-check asks, one request each


def _terms() -> list[str]:
    return [term for term, scope in DEFAULT_WATCHED_TERMS if scope == "everywhere"]


SPOKEN = {
    "statements": Kind("statements", 1 + len(_terms())),
    "contributions": Kind("contributions", len(_terms())),
}


def _floor_searches(kind: str, epoch: date) -> tuple[object, list]:
    """The client and searches a full re-check of `kind` makes with the default watch."""
    if kind == "statements":
        bodies = tuple(body for body, _ in DEFAULT_WATCHED_BODIES)
        searches = [StatementSearch(answering_bodies=bodies, made_from=epoch)]
        searches += [StatementSearch(search_term=term, made_from=epoch) for term in _terms()]
        return StatementsClient, searches
    # A full run asks Hansard without a start date (parliament/spoken_recheck.py).
    return HansardClient, [ContributionSearch(search_term=term) for term in _terms()]


def run_phase(kind: str, phase: str, api: str, page_size: int) -> dict:
    """One phase of one kind, in this process; returns what the report needs."""
    from ..models import HansardContribution, SourceEvent, WrittenStatement
    from ..parliament.spoken_recheck import recheck_contributions, recheck_statements

    model = WrittenStatement if kind == "statements" else HansardContribution
    recheck = recheck_statements if kind == "statements" else recheck_contributions
    if phase == "floor":
        client_class, searches = _floor_searches(kind, date.fromisoformat(settings.RECHECK_EPOCH))
        client = client_class(api, page_size=min(100, page_size) if kind == "contributions" else page_size)
        seen: set[int] = set()
        for search in searches:
            for page in client.iter_pages(search):
                seen.update(item.id for item in page.items if hasattr(item, "id"))
        return {"records": len(seen), "requests": client.stats.requests}
    if phase == "ingest":
        from tracker.celery import app

        app.conf.task_always_eager = False  # queue the matching, as a deployed re-check does
        run = recheck(full=True)
        events = SourceEvent.objects.filter(
            **{f"{'statement' if kind == 'statements' else 'contribution'}__isnull": False}
        )
        return {
            "records": run.questions_created + run.questions_updated + run.questions_unchanged,
            "stored": model.objects.count(),
            "events": events.count(),
            "outcome": run.outcome,
            "errors": len(run.errors) + len(run.failed_records or []),
            "requests": run.requests_made,
        }
    call_command("check", verbosity=0)  # warm up imports and the connection before counting
    with CaptureQueriesContext(connection) as queries:
        run = recheck()
    return {"requests": run.requests_made, "queries": len(queries), "outcome": run.outcome}


def report_rows(kind: str, served: int, floor: dict, ingest: dict, noop: dict) -> tuple[list, bool]:
    """The report's lines for one kind, and whether its targets are met."""
    spec = SPOKEN[kind]
    ratio = ingest["seconds"] / floor["seconds"]
    rows = [
        (f"{kind}: served", f"{served:,}"),
        (f"{kind}: floor", _timing(floor, "records", spec.noun) + f", {floor['requests']:,} requests"),
        (f"{kind}: ingest", _timing(ingest, "records", spec.noun)),
        (f"{kind}: ingest / floor", f"{ratio:.2f} (target <= {TARGETS['ratio']})"),
        (f"{kind}: ingest peak RSS", f"{ingest['rss_mb']:.0f} MB (target <= {TARGETS['rss_mb']})"),
        (
            f"{kind}: stored",
            f"{ingest['stored']:,}, {ingest['events']:,} events, {ingest['errors']} errors, "
            f"{ingest['outcome']}",
        ),
        (f"{kind}: no-op HTTP requests", f"{noop['requests']} (target <= {spec.searches}, one per search)"),
        (f"{kind}: no-op database queries", f"{noop['queries']} (target <= {TARGETS['noop_queries']})"),
    ]
    met = (
        ratio <= TARGETS["ratio"]
        and ingest["rss_mb"] <= TARGETS["rss_mb"]
        and noop["requests"] <= spec.searches
        and noop["queries"] <= TARGETS["noop_queries"]
        and ingest["stored"] == served
    )
    rows.append((f"{kind}: targets", "met" if met else "MISSED"))
    return rows, met


def _timing(result: dict, count: str, noun: str) -> str:
    per_second = result[count] / result["seconds"]
    done = f"{result[count]:,} {noun} ({per_second:.0f}/s)"
    return f"{result['seconds']:.1f} s, {done}, {result['rss_mb']:.0f} MB peak"
