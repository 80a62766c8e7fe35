"""Suggested evidence from written statements, Hansard contributions and GOV.UK publications (their
summary and the passages editors pasted): the same matcher, threshold, status cues and rules as for
answers (suggestions.py). A suggestion is only ever created or refreshed here; what an editor
confirmed or rejected stays as it is."""

from __future__ import annotations

from ..models import HansardContribution, Publication, WrittenStatement
from ..models.evidence import SOURCE_MODELS, source_field
from .matching import Matcher
from .suggestions import SuggestionReport, current_matcher, store_suggestions, why_source_skipped


def suggest_source_evidence(
    source: WrittenStatement | HansardContribution | Publication, *, matcher: Matcher | None = None
) -> SuggestionReport:
    """Create or refresh suggested evidence for one statement, contribution or publication. Idempotent; never
    resurrects a rejection, never touches a confirmation."""
    report = SuggestionReport(skipped=why_source_skipped(source))
    if report.skipped:
        return report
    matches = (matcher or current_matcher()).match(**source.match_inputs())
    if not matches:
        report.skipped = "No commitment scored above the threshold."
        return report
    store_suggestions(source, source_field(source), matches, report, keep_unscored=True)
    return report


def _summary(report: SuggestionReport) -> dict:
    return {"suggested": report.created, "refreshed": report.refreshed, "skipped": report.skipped}


def analyse_source(kind: str, pk: int) -> dict:
    """A summary a task can return: slugs suggested and refreshed, or why it was skipped. `kind` is
    the Evidence field: "statement", "contribution" or "publication"."""
    source = SOURCE_MODELS[kind].objects.filter(pk=pk).first()
    if source is None:
        return {"skipped": "It no longer exists."}
    return _summary(suggest_source_evidence(source))


def analyse_sources(kind: str, pks: list[int]) -> list[dict]:
    """analyse_source for a page of statements, contributions or publications, read in one query and
    matched with one matcher: each one's summary with its pk, in the order given. Idempotent, as
    each one's is."""
    sources = SOURCE_MODELS[kind].objects.in_bulk(pks)
    matcher = current_matcher() if sources else None
    return [
        {"pk": pk}
        | (
            _summary(suggest_source_evidence(sources[pk], matcher=matcher))
            if pk in sources
            else {"skipped": "It no longer exists."}
        )
        for pk in pks
    ]
