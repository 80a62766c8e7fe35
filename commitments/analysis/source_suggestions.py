"""Suggested evidence from written statements and Hansard contributions: the same matcher, threshold,
status cues and rules as for answers (suggestions.py). A suggestion is only ever created or refreshed
here; what an editor confirmed or rejected stays as it is."""

from __future__ import annotations

from ..models import HansardContribution, WrittenStatement
from .matching import Matcher
from .suggestions import SuggestionReport, current_matcher, store_suggestions


def why_source_skipped(source: WrittenStatement | HansardContribution) -> str:
    """Why a statement or contribution is not matched at all, or "" when it is."""
    if not source.is_about_ipp:
        return "It does not mention IPP sentences (no watched term)."
    if not source.text.strip():
        return "It has no text."
    return ""


def suggest_source_evidence(
    source: WrittenStatement | HansardContribution, *, matcher: Matcher | None = None
) -> SuggestionReport:
    """Create or refresh suggested evidence for one statement or contribution. Idempotent; never
    resurrects a rejection, never touches a confirmation."""
    field = "statement" if isinstance(source, WrittenStatement) else "contribution"
    report = SuggestionReport(skipped=why_source_skipped(source))
    if report.skipped:
        return report
    heading = source.title if field == "statement" else source.debate
    matches = (matcher or current_matcher()).match(source.text, heading=heading)
    if not matches:
        report.skipped = "No commitment scored above the threshold."
        return report
    store_suggestions(source, field, matches, report, keep_unscored=True)
    return report


def _summary(report: SuggestionReport) -> dict:
    return {"suggested": report.created, "refreshed": report.refreshed, "skipped": report.skipped}


def analyse_source(kind: str, pk: int) -> dict:
    """A summary a task can return: slugs suggested and refreshed, or why it was skipped."""
    model = WrittenStatement if kind == "statement" else HansardContribution
    source = model.objects.filter(pk=pk).first()
    if source is None:
        return {"skipped": "It no longer exists."}
    return _summary(suggest_source_evidence(source))


def analyse_sources(kind: str, pks: list[int]) -> list[dict]:
    """analyse_source for a page of statements or contributions, read in one query and matched with
    one matcher: each one's summary with its pk, in the order given. Idempotent, as each one's is."""
    model = WrittenStatement if kind == "statement" else HansardContribution
    sources = model.objects.in_bulk(pks)
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
