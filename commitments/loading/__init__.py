"""Load the data that ships in fixtures/: action plans, themes, commitments with their initial
status, the two seed answers, the labelled research answers, evidence, the seed's figure table, and
outside recommendations (loading/recommendations.py), the numbers and the promised dates
(loading/numbers.py).

Idempotent by natural keys (slugs; Parliament's question key): a second run creates nothing and
never overwrites what editors have changed since.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from ..analysis import figures
from ..editorial import record_status_change
from ..models import ActionPlan, Commitment, Evidence, StatusChange, Theme, WrittenQuestion
from ..ops.roles import EDITORS_GROUP
from ..parliament.events import mark_seen, record_known_events
from ..parliament.watch import Watch
from ..text.passages import best_excerpt
from .numbers import load_deadlines, load_numbers
from .recommendations import RECOMMENDATIONS_FILE, load_recommendations
from .record import SOURCE_COPIES_FILE, WORDING_FILE, load_promise_wordings, load_source_copies
from .report import LoadReport

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
RESEARCH_FILE = "ipp_commitments.json"
ANSWERS_FILE = "answers_dev.jsonl"
SEEDS_FILE = "seed_answers.json"
LABELLED_FILE = "labelled_evidence.json"

# Demo logins exist only with TRACKER_DEMO=1 (which requires DEBUG=1); see README.
DEMO_USERS = (
    {"username": "editor", "password": "ipp-demo-editor", "is_superuser": False},
    {"username": "admin", "password": "ipp-demo-admin", "is_superuser": True},
)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@transaction.atomic
def load_shipped_data(*, fixtures_dir: Path = FIXTURES_DIR, demo_users: bool = False) -> LoadReport:
    report = LoadReport()
    research = json.loads((fixtures_dir / RESEARCH_FILE).read_text(encoding="utf-8"))
    # related_documents (committee reports, responses) are sources, not plan versions: not loaded.
    _load_action_plans(research["action_plans"], report)
    _load_themes(research["themes"], report)
    commitments = _load_commitments(research["commitments"], report)
    load_source_copies(fixtures_dir / SOURCE_COPIES_FILE, report)
    load_promise_wordings(fixtures_dir / WORDING_FILE, commitments, report)

    watch = Watch.load()
    seeds = json.loads((fixtures_dir / SEEDS_FILE).read_text(encoding="utf-8"))["seeds"]
    cited = {}
    for seed in seeds:
        question = _load_seed(seed, fixtures_dir, commitments, watch, report)
        for url in filter(None, [seed["source_url"], question.official_url, *seed["also_cited_as"]]):
            cited[url] = question
    excerpts = json.loads((fixtures_dir / LABELLED_FILE).read_text(encoding="utf-8"))["excerpts"]
    for question in _load_answers(fixtures_dir / ANSWERS_FILE, excerpts, commitments, watch, report):
        cited[question.source_url] = question
        if question.official_url:
            cited[question.official_url] = question

    _record_initial_statuses(research["commitments"], commitments, cited, report)
    load_recommendations(fixtures_dir / RECOMMENDATIONS_FILE, report)
    load_numbers(fixtures_dir, report)
    load_deadlines(fixtures_dir, report)
    if demo_users:
        _create_demo_users(report)
    return report


def _load_action_plans(rows: list[dict], report: LoadReport) -> None:
    for row in rows:
        _, created = ActionPlan.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "title": row["title"],
                "published_on": _date(row.get("published")),
                "publisher": row.get("publisher", ""),
                "url": row.get("url", ""),
                "notes": row.get("notes", ""),
            },
        )
        report.created["action plans"] += created


def _load_themes(rows: list[dict], report: LoadReport) -> None:
    for row in rows:
        _, created = Theme.objects.get_or_create(
            slug=row["slug"], defaults={"name": row["name"], "description": row["description"]}
        )
        report.created["themes"] += created


def _load_commitments(rows: list[dict], report: LoadReport) -> dict[str, Commitment]:
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    plans = {plan.slug: plan for plan in ActionPlan.objects.all()}
    commitments = {}
    for row in rows:
        commitment, created = Commitment.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "title": row["title"],
                "theme": themes[row["theme"]],
                "owner": row["owner"],
                "summary": row["summary"],
                "keywords": row["keywords"],
                "targets": row["targets"],
                "source_urls": row["sources"],
            },
        )
        if created:
            commitment.action_plans.set([plans[slug] for slug in row["plans"]])
            report.created["commitments"] += 1
        commitments[commitment.slug] = commitment
    return commitments


def read_seed_text(path: Path, *, footer_starts: str | None) -> tuple[str, str]:
    """(question, answer) from a seed page copy: the line beginning "To ask" is the question,
    what follows up to the page footer is the answer. Table lines stay together."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("To ask"))
    end = len(lines)
    if footer_starts:
        end = next((i for i, line in enumerate(lines) if line.startswith(footer_starts)), end)
    paragraphs: list[str] = []
    for line in filter(None, lines[start + 1 : end]):
        if "|" in line and paragraphs and "|" in paragraphs[-1].splitlines()[-1]:
            paragraphs[-1] += "\n" + line
        else:
            paragraphs.append(line)
    return lines[start], "\n\n".join(paragraphs)


def _load_seed(
    seed: dict, fixtures_dir: Path, commitments: dict[str, Commitment], watch: Watch, report: LoadReport
) -> WrittenQuestion:
    path = fixtures_dir / seed["file"]
    question_text, answer_text = read_seed_text(path, footer_starts=seed["footer_starts"])
    question = _upsert_research_question(
        house=seed["house"],
        uin=seed["uin"],
        date_tabled=_date(seed["date_tabled"]),
        values={
            "date_answered": _date(seed["date_answered"]),
            "answered_after": _date(seed.get("answered_after")),
            "heading": seed["heading"],
            "question_text": question_text,
            "answer_text": answer_text,
            "answering_body": seed["answering_body"],
            "answering_body_id": seed["answering_body_id"],
            "source_url": seed["source_url"],
            "source_record": {"seed_file": seed["file"], "text": path.read_text(encoding="utf-8")},
        },
        replace_incomplete=True,
        watch=watch,
        report=report,
    )
    for slug, excerpt in seed["evidence"].items():
        _confirm_research_evidence(
            commitments[slug], question, excerpt, f"Seed answer {seed['file']}", report
        )
    for spec in seed["figure_tables"]:
        _load_figure_table(question, spec, report)
    return question


def _load_answers(
    path: Path, excerpts: dict, commitments: dict[str, Commitment], watch: Watch, report: LoadReport
) -> list[WrittenQuestion]:
    loaded = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        missing = [name for name, key in (("UIN", "uin"), ("tabled date", "date_tabled")) if not row.get(key)]
        if missing:
            report.skipped.append(f"{path.name} line {number}: no {' or '.join(missing)}")
            continue
        question = _upsert_research_question(
            house=row["house"],
            uin=row["uin"],
            date_tabled=_date(row["date_tabled"]),
            values={
                "date_answered": _date(row.get("date_answered")),
                "heading": row.get("heading") or "",
                "question_text": row.get("question_text") or "",
                "answer_text": row.get("answer_text") or "",
                "answer_is_complete": row.get("answer_complete") is not False,
                "asking_member": row.get("asking_member") or "",
                "answering_member": row.get("answering_member") or "",
                "answering_body": row.get("answering_body") or "",
                "source_url": row.get("url") or "",
                "source_record": row,
            },
            replace_incomplete=False,
            watch=watch,
            report=report,
        )
        quoted = excerpts.get(f"{row['house']}/{row['uin']}", {})
        reason = f"Labelled in {path.name}: {row.get('topics_note', '')}".strip()
        for slug in row["topics"]:
            if slug in quoted:
                _confirm_research_evidence(commitments[slug], question, quoted[slug], reason, report)
            else:
                _suggest_research_evidence(commitments[slug], question, reason, report)
        loaded.append(question)
    return loaded


def _upsert_research_question(
    *,
    house: str,
    uin: str,
    date_tabled: date | None,
    values: dict,
    replace_incomplete: bool,
    watch: Watch,
    report: LoadReport,
) -> WrittenQuestion:
    """Create the question, or leave the existing one; a seed's full text replaces a copy that was
    cut off at the source, so where a seed and the research file hold one question the seed wins."""
    question = WrittenQuestion.objects.with_key(
        house=house, uin=uin, date_tabled=date_tabled, date_answered=values.get("date_answered")
    ).first()
    if question is None:
        question = WrittenQuestion(house=house, uin=uin, date_tabled=date_tabled, **values)
        report.created["written questions"] += 1
    elif replace_incomplete and not question.answer_is_complete:
        for name, value in values.items():
            setattr(question, name, value)
        question.answer_is_complete = True
        report.created["answers completed from seeds"] += 1
    else:
        return question
    question.is_about_ipp, question.matched_terms = watch.matches(
        f"{question.heading}\n{question.question_text}\n{question.answer_text}",
        answering_body_id=question.answering_body_id,
    )
    mark_seen(question)
    question.save()
    report.created["question events"] += len(
        record_known_events(question, detail="From the research data in fixtures/.")
    )
    return question


def _confirm_research_evidence(
    commitment: Commitment, question: WrittenQuestion, excerpt: str, reason: str, report: LoadReport
) -> None:
    if not excerpt:
        report.skipped.append(f"{question} → {commitment.slug}: no passage found to quote")
        return
    if excerpt not in question.answer_text:
        raise ValueError(f"The excerpt for {commitment.slug} is not in the answer to {question}.")
    _, created = Evidence.objects.get_or_create(
        commitment=commitment,
        question=question,
        defaults={
            "excerpt": excerpt,
            "state": Evidence.State.CONFIRMED,
            "reasons": [reason],
            "reviewed_at": timezone.now(),
        },
    )
    report.created["confirmed evidence"] += created


def _suggest_research_evidence(
    commitment: Commitment, question: WrittenQuestion, reason: str, report: LoadReport
) -> None:
    """A label with no curated quote: an editor reviews it, with the best passage offered."""
    excerpt = best_excerpt(
        question.answer_text,
        phrases=[commitment.title, *commitment.keywords],
        complete=question.answer_is_complete,
    )
    _, created = Evidence.objects.get_or_create(
        commitment=commitment,
        question=question,
        defaults={"excerpt": excerpt, "state": Evidence.State.SUGGESTED, "reasons": [reason]},
    )
    report.created["suggested evidence"] += created


def _load_figure_table(question: WrittenQuestion, spec: dict, report: LoadReport) -> None:
    if question.figure_tables.filter(slug=spec["slug"]).exists():
        return
    text = question.answer_text
    notes = text[text.index(spec["notes_start"]) :] if spec.get("notes_start") else ""
    lines = figures.pipe_table_lines(text.replace(notes, ""))
    parsed = figures.parse_pipe_table(lines)
    figures.save_figure_table(
        parsed, question=question, slug=spec["slug"], caption=spec["caption"], notes=notes
    )
    report.created["figure tables"] += 1


def _record_initial_statuses(
    rows: list[dict],
    commitments: dict[str, Commitment],
    cited: dict[str, WrittenQuestion],
    report: LoadReport,
) -> None:
    for row in rows:
        commitment = commitments[row["slug"]]
        if commitment.status_changes.exists():
            continue
        initial = row["initial_status"]
        record_status_change(
            commitment,
            to=initial["status"],
            reason=initial["reason"],
            effective_on=_date(initial["effective"]),
            source_url=initial["source_url"],
            question=cited.get(initial["source_url"]),
            origin=StatusChange.Origin.IMPORT,
        )
        report.created["status changes"] += 1


def _create_demo_users(report: LoadReport) -> None:
    User = get_user_model()
    editors = Group.objects.get(name=EDITORS_GROUP)
    for spec in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=spec["username"],
            defaults={"is_staff": True, "is_superuser": spec["is_superuser"]},
        )
        if created:
            user.set_password(spec["password"])
            user.save()
            user.groups.add(editors)
            report.created["demo logins"] += 1
