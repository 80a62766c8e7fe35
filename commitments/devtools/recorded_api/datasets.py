"""Build data sets for the recorded-API server.

- `research_records()`: the labelled research answers (fixtures/answers_dev.jsonl) and the seeds,
  in the API's record shape, so the demo and tests can "find" them through the API. Only rows with
  a UIN and a tabled date can be keyed as Parliament keys them; the seed with no known date is left
  out. Parliament's numeric ids and member ids are not in the research data: records get synthetic
  ids from 9,000,001 and member id 0 ("unknown"), with member names where the research has them.
- `replicate()`: copies of recorded records with new ids, UINs and dates, to any volume, for
  benchmarks; `replicate_statements()` and `replicate_contributions()` the same for the research
  statements and contributions (loading/spoken.py), their dates spread evenly over a span.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from ...loading import FIXTURES_DIR, read_seed_text
from ...loading.spoken import api_member, research_contributions, research_statements
from .records import RecordedData, cut_for_list

SYNTHETIC_ID_BASE = 9_000_000
REPLICA_ID_BASE = 20_000_000
# The span replicated statements and contributions are spread over: the re-check's epoch
# (settings.RECHECK_EPOCH) to the end of the last full year, so a no-op re-check's window finds none.
SPOKEN_SPAN = (date(2016, 1, 1), date(2025, 12, 31))
BODY_IDS = {"Ministry of Justice": 54, "Department of Health and Social Care": 17, "Home Office": 1}


def _stamp(day: str | date | None) -> str | None:
    if not day:
        return None
    return f"{day if isinstance(day, str) else day.isoformat()}T00:00:00"


def paragraphs_to_html(text: str) -> str:
    """Research copies are plain text with blank lines between paragraphs."""
    return "".join(f"<p>{html.escape(block.strip())}</p>" for block in text.split("\n\n") if block.strip())


def api_record(*, question_id: int, row: dict, answer_text: str) -> dict:
    """A record in the API's shape and key order (reference §4)."""
    return {
        "id": question_id,
        "askingMemberId": 0,
        "askingMember": api_member(row.get("asking_member")),
        "house": row["house"],
        "memberHasInterest": False,
        "dateTabled": _stamp(row["date_tabled"]),
        "dateForAnswer": None,
        "uin": row["uin"],
        "questionText": row.get("question_text"),
        "answeringBodyId": BODY_IDS.get(row.get("answering_body") or "", 54),
        "answeringBodyName": row.get("answering_body"),
        "isWithdrawn": False,
        "isNamedDay": False,
        "groupedQuestions": [],
        "answerIsHolding": False if row.get("date_answered") else None,
        "answerIsCorrection": False if row.get("date_answered") else None,
        "answeringMemberId": 0 if row.get("date_answered") else None,
        "answeringMember": api_member(row.get("answering_member")),
        "correctingMemberId": None,
        "correctingMember": None,
        "dateAnswered": _stamp(row.get("date_answered")),
        "answerText": paragraphs_to_html(answer_text) if row.get("date_answered") else None,
        "originalAnswerText": "",
        "comparableAnswerText": "",
        "dateAnswerCorrected": None,
        "dateHoldingAnswer": None,
        "attachmentCount": 0,
        "heading": row.get("heading"),
        "attachments": [],
        "groupedQuestionsDates": [],
    }


def research_records(fixtures_dir: Path = FIXTURES_DIR) -> list[dict]:
    seeds = json.loads((fixtures_dir / "seed_answers.json").read_text(encoding="utf-8"))["seeds"]
    seed_text = {}
    for seed in seeds:
        question, answer = read_seed_text(fixtures_dir / seed["file"], footer_starts=seed["footer_starts"])
        seed_text[(seed["house"], seed["uin"])] = (question, answer)
    records = []
    lines = (fixtures_dir / "answers_dev.jsonl").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        row = json.loads(line)
        if not row.get("uin") or not row.get("date_tabled"):
            continue
        question, answer = seed_text.get(
            (row["house"], row["uin"]), (row["question_text"], row["answer_text"])
        )
        row = {**row, "question_text": question}
        records.append(api_record(question_id=SYNTHETIC_ID_BASE + number, row=row, answer_text=answer))
    return records


def replicate(
    data: RecordedData, *, count: int, body_ids: set[int] | None = None, start: date = date(2024, 1, 1)
) -> Iterator[dict]:
    """`count` full records copied from `data` (only those answered by `body_ids`, if given), each
    with a new id and UIN and its dates moved so copies spread over the days after `start`."""
    sources = [
        r
        for r in data.records.values()
        if r.get("dateTabled") and (not body_ids or r["answeringBodyId"] in body_ids)
    ]
    if not sources:
        raise ValueError("No records to replicate")
    for n in range(count):
        source = sources[n % len(sources)]
        offset = (start - date.fromisoformat(source["dateTabled"][:10])).days + (n // len(sources))
        yield {
            **source,
            "id": REPLICA_ID_BASE + n,
            "uin": f"{'HL' if source['house'] == 'Lords' else ''}{500000 + n}",
            **{
                name: _shift(source.get(name), offset)
                for name in (
                    "dateTabled",
                    "dateForAnswer",
                    "dateAnswered",
                    "dateAnswerCorrected",
                    "dateHoldingAnswer",
                )
            },
            "groupedQuestions": [],
            "groupedQuestionsDates": [],
        }


def _spread(n: int, count: int, span: tuple[date, date] = SPOKEN_SPAN) -> str:
    """The n-th of `count` days spread evenly over `span`, as the APIs write a date."""
    days = (span[1] - span[0]).days
    return _stamp(span[0] + timedelta(days=days * n // max(1, count - 1)))


def replicate_statements(count: int, span: tuple[date, date] = SPOKEN_SPAN) -> list[dict]:
    """`count` written statements copied from the research ones, each with a new id and UIN (unique in
    its House and day, as Parliament's are), made on days spread over `span`, by the Ministry of
    Justice (the watched body, as the research statements are), newest last."""
    sources = research_statements()
    records = []
    for n in range(count):
        source = sources[n % len(sources)]
        prefix = "HLWS" if source["house"] == "Lords" else "HCWS"
        records.append(
            {
                **source,
                "id": REPLICA_ID_BASE + n,
                "uin": f"{prefix}{100000 + n}",
                "dateMade": _spread(n, count, span),
                "answeringBodyId": 54,
            }
        )
    return records


def replicate_contributions(count: int, span: tuple[date, date] = SPOKEN_SPAN) -> list[dict]:
    """`count` Hansard contributions copied from the research ones, each with a new ItemId and
    ContributionExtId, said on days spread over `span` (every copy dated, as Hansard's records are;
    only our research copies lack some dates)."""
    sources = research_contributions()
    return [
        {
            **source,
            "ItemId": REPLICA_ID_BASE + n,
            "ContributionExtId": f"REPLICA-{n:08d}",
            "SittingDate": _spread(n, count, span),
        }
        for n, source in ((n, sources[n % len(sources)]) for n in range(count))
    ]


def _shift(stamp: str | None, days: int) -> str | None:
    if not stamp:
        return None
    return _stamp(date.fromisoformat(stamp[:10]) + timedelta(days=days))


def write_list_with_full_text(records: list[dict], folder: Path, name: str) -> None:
    """Write records as Parliament's list response (text cut) plus a full-text overlay file."""
    folder.mkdir(parents=True, exist_ok=True)
    listed = {
        "totalResults": len(records),
        "results": [
            {
                "value": cut_for_list(record),
                "links": [{"rel": "self", "href": f"/Questions/{record['id']}", "method": "GET"}],
            }
            for record in records
        ],
    }
    full = {
        str(r["id"]): {"questionText": r.get("questionText"), "answerText": r.get("answerText")}
        for r in records
    }
    (folder / f"{name}.list.json").write_text(json.dumps(listed), encoding="utf-8")
    (folder / f"{name}.full.json").write_text(json.dumps(full), encoding="utf-8")
