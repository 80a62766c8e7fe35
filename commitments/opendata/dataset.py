"""The whole dataset as one zip: every public table as CSV and JSON, with the data dictionary.
Built by the worker (builds.py), never in a request."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from django.utils import timezone

from ..models import (
    Evidence,
    FigureCell,
    QuestionEvent,
    SourceCopy,
    StatusChange,
    WrittenQuestion,
)
from .exports import all_commitments, commitment_rows, question_rows, rests_on_columns
from .numbers import (
    DEADLINE_COLUMNS,
    INDICATOR_COLUMNS,
    POINT_COLUMNS,
    deadline_rows,
    indicator_rows,
    point_rows,
    public_deadlines,
    public_indicators,
)
from .recommendations import (
    DEVELOPMENT_COLUMNS,
    RECOMMENDATION_COLUMNS,
    development_rows,
    public_recommendations,
    recommendation_rows,
)
from .shape import (
    COMMITMENTS,
    DESCRIBED,
    DESCRIBED_NUMBERS,
    EVIDENCE,
    QUESTION_EVENTS,
    QUESTIONS,
    STATUS_CHANGES,
)
from .spreadsheets import csv_writer

# What the zip's files and columns mean: keep it beside the rows below when a column changes. The
# tables shape.py describes are written in where the file's comments stand, in their order.
DATA_DICTIONARY = Path(__file__).with_name("DATA-DICTIONARY.md").read_text(encoding="utf-8")


def data_dictionary() -> str:
    described = iter(
        "\n\n".join(table.dictionary() for table in tables) for tables in (DESCRIBED, DESCRIBED_NUMBERS)
    )
    return re.sub(r"<!--.*?-->", lambda _: next(described), DATA_DICTIONARY, flags=re.DOTALL)


def _tables() -> dict[str, tuple[list[str], Iterable[list]]]:
    changes = (
        StatusChange.objects.published()
        .select_related("commitment", "question")
        .order_by("commitment__slug", "pk")
    )
    copies = SourceCopy.objects.by_copy_url()
    evidence = Evidence.objects.published().select_related("commitment").with_quoted_answers().order_by("pk")
    questions = WrittenQuestion.objects.published().order_by("pk")
    events = QuestionEvent.objects.filter(question__in=questions.values("pk")).order_by("question_id", "pk")
    cells = (
        FigureCell.objects.filter(row__table__question__in=questions.values("pk"))
        .select_related("row__table", "column")
        .order_by("row__table__slug", "row__position", "column__position")
    )
    return {
        "commitments": (COMMITMENTS.header, commitment_rows(all_commitments())),
        "status_changes": (
            STATUS_CHANGES.header,
            (
                [
                    c.commitment.slug,
                    c.from_status,
                    c.to_status,
                    c.effective_on,
                    c.reason,
                    c.question_id or "",
                    c.source_url,
                    *rests_on_columns(c, copies),
                    c.created_at.isoformat(),
                ]
                for c in changes.iterator()
            ),
        ),
        "evidence": (
            EVIDENCE.header,
            (
                [
                    e.commitment.slug,
                    e.question_id or "",
                    e.source.kind,
                    e.source.heading,
                    e.source.citation_url,
                    e.source.is_complete,
                    e.read_from,
                    e.excerpt,
                    e.reviewed_at.isoformat() if e.reviewed_at else "",
                ]
                for e in evidence.iterator()
            ),
        ),
        "questions": (QUESTIONS.header, question_rows(questions)),
        "recommendations": (
            RECOMMENDATION_COLUMNS,
            recommendation_rows(public_recommendations().order_by("slug")),
        ),
        "recommendation_developments": (DEVELOPMENT_COLUMNS, development_rows()),
        "indicators": (INDICATOR_COLUMNS, indicator_rows(public_indicators())),
        "indicator_points": (POINT_COLUMNS, point_rows(public_indicators())),
        "deadlines": (DEADLINE_COLUMNS, deadline_rows(public_deadlines())),
        "question_events": (
            QUESTION_EVENTS.header,
            (
                [e.question_id, e.kind, e.occurred_on or "", e.observed_at.isoformat()]
                for e in events.iterator()
            ),
        ),
        "figure_cells": (
            [
                "table",
                "row",
                "column",
                "row_label",
                "row_label_missing",
                "column_label",
                "kind",
                "value",
                "published",
            ],
            (
                [
                    c.row.table.slug,
                    c.row.position,
                    c.column.position,
                    c.row.label,
                    c.row.label_missing,
                    c.column.label,
                    c.kind,
                    "" if c.value is None else c.value,
                    c.published,
                ]
                for c in cells.iterator()
            ),
        ),
    }


def write_dataset_zip(file: BinaryIO) -> None:
    """Every public table as CSV, the same as JSON, and the data dictionary, in one zip."""
    as_json: dict[str, list[dict]] = {}
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in _tables().items():
            text = io.StringIO()
            writer = csv_writer(text)
            writer.writerow(header)
            records = as_json.setdefault(name, [])
            for row in rows:
                writer.writerow(row)
                records.append(
                    {
                        key: (
                            None
                            if value == ""
                            else str(value)
                            if not isinstance(value, int | bool)
                            else value
                        )
                        for key, value in zip(header, row, strict=True)
                    }
                )
            archive.writestr(f"{name}.csv", text.getvalue())
        archive.writestr(
            "data.json", json.dumps({"generated_at": timezone.now().isoformat(), **as_json}, indent=1)
        )
        archive.writestr("DATA-DICTIONARY.md", data_dictionary())
