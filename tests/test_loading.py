"""load_shipped_data: the real data that ships in fixtures/, loaded exactly and only once."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command

from commitments.editorial import status_history_mismatches
from commitments.loading import load_shipped_data
from commitments.models import (
    ActionPlan,
    Commitment,
    Evidence,
    FigureCell,
    FigureTable,
    QuestionEvent,
    StatusChange,
    Theme,
    WrittenQuestion,
)

MODELS = [
    ActionPlan,
    Theme,
    Commitment,
    StatusChange,
    WrittenQuestion,
    QuestionEvent,
    Evidence,
    FigureTable,
    FigureCell,
]


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_load_shipped_data_is_idempotent(demo):
    before = _counts()
    again = load_shipped_data()
    assert sum(again.created.values()) == 0
    assert _counts() == before


def test_load_shipped_data_loads_every_researched_commitment_with_its_initial_status(demo):
    assert Commitment.objects.count() == 30
    assert Theme.objects.count() == 14
    assert ActionPlan.objects.count() == 7
    assert StatusChange.objects.count() == 30
    assert set(StatusChange.objects.values_list("origin", flat=True)) == {"import"}
    assert status_history_mismatches() == []
    pilot = Commitment.objects.get(slug="approved-premises-move-on-pilot")
    assert pilot.status == "in_progress"
    assert pilot.status_changes.get().effective_on == date(2024, 11, 15)
    assert list(pilot.action_plans.values_list("slug", flat=True)) == ["ipp-action-plan-2024"]
    assert Commitment.objects.get(slug="ten-year-automatic-referral").status == "discontinued"


def test_initial_status_cites_the_loaded_answer_it_rests_on(demo):
    change = Commitment.objects.get(slug="ipp-delivery-plans").status_changes.get()
    assert change.question == WrittenQuestion.objects.get(house="Commons", uin="15167")


def test_lords_seed_answer_is_loaded_in_full(demo):
    question = WrittenQuestion.objects.get(house="Lords", uin="HL7122")
    assert question.date_tabled == date(2022, 3, 21)
    assert question.date_answered == date(2022, 4, 27)
    assert question.answering_body == "Ministry of Justice"
    assert question.question_text.startswith("To ask Her Majesty's Government what progress")
    # The research file's copy was cut off; the seed's full text wins.
    assert question.answer_is_complete
    assert "we expect to tag around 3,500 offenders." in question.answer_text
    assert "East of England | 224 | 715 | 554 | 107 | 1,600 |" in question.answer_text
    assert "Yes0 people think so" not in question.answer_text
    assert question.official_url.endswith("/written-questions/detail/2022-03-21/HL7122")


def test_commons_seed_answer_has_its_tabled_date_from_parliament_and_keeps_its_answer_date_unknown(demo):
    """Parliament's API record of the question gives its tabled date; the answer's date is still
    known only as a lower bound."""
    question = WrittenQuestion.objects.get(house="Commons", uin="15167")
    assert question.date_tabled == date(2024, 11, 20) and question.date_answered is None
    assert question.heading == "Probation"
    assert question.answer_text.endswith(
        "which led to the automatic termination of licence for 1,742 cases on 1 November 2024."
    )
    official = "https://questions-statements.parliament.uk/written-questions/detail/2024-11-20/15167"
    assert question.official_url == official
    assert question.citation_url == official


def test_seed_evidence_quotes_exact_sentences(demo):
    seed_evidence = Evidence.objects.filter(question__uin__in=["HL7122", "15167"])
    assert seed_evidence.count() == 13
    for evidence in seed_evidence:
        assert evidence.state == Evidence.State.CONFIRMED
        assert evidence.excerpt in evidence.question.answer_text
        assert len(evidence.excerpt) < len(evidence.question.answer_text) / 2
    gps = Evidence.objects.get(commitment__slug="em-gps-domestic-abuse", question__uin="HL7122")
    assert gps.excerpt.startswith("IPP releases will also be eligible for a project")


def test_research_answers_with_uin_and_date_are_loaded_and_others_skipped(demo):
    # 16 rows have both; HL7122 is the seed; 15167 comes from its seed only.
    assert WrittenQuestion.objects.count() == 17
    assert len(demo.skipped) == 17
    assert "answers_dev.jsonl line 9: no tabled date" in demo.skipped  # UIN 12475, no date
    assert not WrittenQuestion.objects.filter(uin="").exists()
    cut = WrittenQuestion.objects.get(house="Commons", uin="40798")
    assert not cut.answer_is_complete


def test_labelled_topics_become_confirmed_evidence_with_a_passage(demo):
    evidence = Evidence.objects.get(commitment__slug="littlehey-progression-unit", question__uin="HL7137")
    assert evidence.state == Evidence.State.CONFIRMED
    assert "Littlehey" in evidence.excerpt
    assert evidence.excerpt in evidence.question.answer_text
    assert (
        Evidence.objects.count() == 23
    )  # the rejected recommendations, no longer commitments, took one with them


def test_progression_panels_table_is_loaded_exactly(demo):
    table = FigureTable.objects.get(slug="hl7122-progression-panels-by-region")
    assert table.question.uin == "HL7122"
    assert [c.label for c in table.columns.all()] == [
        "01/06/2019 to 31/12/2019",
        "2020",
        "2021",
        "01/01/2022 to 22/03/2022",
        "Total",
    ]
    rows = list(table.rows.all())
    assert len(rows) == 15
    assert [r.label for r in rows if not r.label_missing] == [
        "East of England",
        "Kent Surrey Sussex Region",
        "London",
        "North West Region",
        "Wales",
        "West Midlands Region",
        "Total",
    ]
    assert sum(r.label_missing for r in rows) == 8
    assert all(r.label == "" for r in rows if r.label_missing)

    def cell(row_position, column_label):
        return FigureCell.objects.get(
            row__table=table, row__position=row_position, column__label=column_label
        )

    london = cell(5, "2021")
    assert (london.kind, london.value) == ("number", Decimal("629"))
    assert (cell(6, "01/06/2019 to 31/12/2019").kind, cell(6, "01/06/2019 to 31/12/2019").value) == (
        "nil",
        None,
    )
    assert (cell(6, "2020").kind, cell(6, "2020").value) == ("suppressed", None)
    assert cell(14, "2021").kind == "nil"
    assert cell(15, "Total").value == Decimal("13988")
    assert rows[-1].is_total
    assert table.columns.get(label="Total").is_total
    assert [
        cell(15, c).value for c in ["01/06/2019 to 31/12/2019", "2020", "2021", "01/01/2022 to 22/03/2022"]
    ] == [
        Decimal("2330"),
        Decimal("6322"),
        Decimal("4407"),
        Decimal("929"),
    ]
    assert table.notes.startswith("*Notes:")
    assert "suppress values of one or two" in table.notes


def test_published_totals_reconcile_where_nothing_is_suppressed(demo):
    table = FigureTable.objects.get()
    cells = FigureCell.objects.filter(row__table=table)
    for row in table.rows.filter(is_total=False):
        values = cells.filter(row=row).order_by("column__position")
        parts, total = list(values)[:-1], list(values)[-1]
        if all(part.kind == "number" for part in parts):
            assert sum(part.value for part in parts) == total.value, row.position
    # The 2021 column has no suppressed cell, so its published total is exact.
    column_2021 = cells.filter(column__label="2021", row__is_total=False, kind="number")
    assert sum(c.value for c in column_2021) == Decimal("4407")


def test_seed_full_text_replaces_a_copy_that_was_cut_off(db):
    cut = WrittenQuestion.objects.create(
        house="Lords",
        uin="HL7122",
        date_tabled=date(2022, 3, 21),
        date_answered=date(2022, 4, 27),
        answer_text="The IPP Action Plan is regularly reviewed",
        answer_is_complete=False,
    )
    load_shipped_data()
    cut.refresh_from_db()
    assert cut.answer_is_complete
    assert "we expect to tag around 3,500 offenders." in cut.answer_text
    assert WrittenQuestion.objects.filter(uin="HL7122").count() == 1


def test_seed_answered_on_an_unknown_day_has_no_dated_answer_event(demo):
    question = WrittenQuestion.objects.get(uin="15167")
    assert question.answered_after == date(2024, 11, 15)
    assert list(question.events.filter(kind="tabled").values_list("occurred_on", flat=True)) == [
        date(2024, 11, 20)
    ]
    assert not question.events.filter(kind="answered", occurred_on__isnull=False).exists()


def test_label_without_a_curated_quote_is_only_suggested(tmp_path, db):
    import shutil

    from commitments.loading import FIXTURES_DIR

    shutil.copytree(FIXTURES_DIR, tmp_path / "fixtures")
    (tmp_path / "fixtures" / "labelled_evidence.json").write_text('{"excerpts": {}}')
    load_shipped_data(fixtures_dir=tmp_path / "fixtures")
    evidence = Evidence.objects.get(commitment__slug="littlehey-progression-unit", question__uin="HL7137")
    assert evidence.state == Evidence.State.SUGGESTED
    assert Evidence.objects.confirmed().count() == 13  # the seeds' curated quotes only


def test_question_events_record_what_the_data_shows(demo):
    question = WrittenQuestion.objects.get(uin="HL7122")
    assert list(question.events.values_list("kind", "occurred_on")) == [
        ("tabled", date(2022, 3, 21)),
        ("answered", date(2022, 4, 27)),
    ]


def test_demo_logins_exist_only_when_asked_for(demo):
    assert not get_user_model().objects.exists()
    load_shipped_data(demo_users=True)
    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password("ipp-demo-editor") and not editor.is_superuser
    assert editor.groups.filter(name="Editors").exists()


def test_load_shipped_data_command_reports_what_it_created(db, capsys):
    call_command("load_shipped_data")
    assert "30 commitments" in capsys.readouterr().out
    call_command("load_shipped_data")
    assert "nothing (all present already)" in capsys.readouterr().out
