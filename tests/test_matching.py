"""Evidence and status suggestions: what the matcher writes, and what it must never overwrite."""

import json
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from commitments.analysis.evaluation import (
    Evaluation,
    LabelledAnswer,
    Outcome,
    assign_folds,
    cross_validate_scored,
    ranked,
)
from commitments.analysis.matching import CommitmentProfile, Matcher, Tuning
from commitments.analysis.status_cues import status_cue
from commitments.analysis.suggestions import (
    commitment_profiles,
    current_matcher,
    suggest_evidence,
    why_skipped,
)
from commitments.editorial import accept_status_suggestion, confirm_evidence, reject_evidence
from commitments.exceptions import StatusChangeError
from commitments.loading import FIXTURES_DIR
from commitments.models import Commitment, Evidence, Status, StatusChange, WatchedTerm, WrittenQuestion
from commitments.parliament.recheck import recheck_answers, rematch_stored_questions
from commitments.text.passages import best_excerpt, whole_sentences
from commitments.text.quotes import quote_excerpt

from .factories import EditorFactory, EvidenceFactory, WrittenQuestionFactory
from .parliament import client_for

EM_ANSWER = (
    "Electronic monitoring is available for IPP releases where the Parole Board considers tagging "
    "as a licence condition necessary and proportionate.\n\n"
    "The £183m investment in electronic monitoring expansion has been rolled out, so more IPP "
    "offenders on licence can be tagged."
)


def em_question(**fields):
    values = {
        "answer_text": EM_ANSWER,
        "question_text": "To ask the Secretary of State for Justice, what progress has been made on "
        "electronic monitoring for people released from IPP sentences.",
        "heading": "Offenders: Electronic Tagging",
        "is_about_ipp": True,
    }
    return WrittenQuestionFactory(**{**values, **fields})


@pytest.mark.parametrize(
    ("passage", "status", "phrase"),
    [
        ("The pilot was paused during the pandemic.", Status.DELAYED, "paused"),
        ("It will be rolled out to every region next year.", Status.IN_PROGRESS, "will be rolled out"),
        ("It has been rolled out across all regions.", Status.DELIVERED, "has been rolled out"),
        ("The work commenced in April.", Status.DELIVERED, "commenced"),
        ("The proposal will not proceed.", Status.DISCONTINUED, "will not proceed"),
        ("Officials are working to agree a timetable.", Status.IN_PROGRESS, "are working to"),
    ],
)
def test_a_cue_phrase_points_to_a_status(passage, status, phrase):
    cue = status_cue(passage)
    assert (cue.status, cue.phrase) == (status, phrase)


@pytest.mark.parametrize(
    ("passage", "expected"),
    [
        ("The work has not been completed.", None),
        ("The roll-out hasn't yet been paused.", None),
        ("The scheme was not delayed and has been rolled out.", (Status.DELIVERED, "has been rolled out")),
        ("The pilot has been completed.", (Status.DELIVERED, "has been completed")),
        ("The pilot was paused in 2020.", (Status.DELAYED, "paused")),
    ],
)
def test_a_negated_cue_says_nothing_and_the_more_specific_cue_wins(passage, expected):
    cue = status_cue(passage)
    assert (cue and (cue.status, cue.phrase)) == expected


def test_a_passage_without_a_cue_points_to_no_status():
    assert status_cue("The Government values the work of the Prison Reform Trust.") is None


def test_a_research_quote_is_the_sentence_sharing_most_words_with_the_commitment():
    """Read with the matcher's own tokenizer: "terminate" finds "terminated", and a table line or
    an unfinished last sentence of a cut-off copy is never quoted."""
    commitments = json.loads((FIXTURES_DIR / "ipp_commitments.json").read_text())["commitments"]
    automatic = next(c for c in commitments if c["slug"] == "vpa-automatic-licence-termination")
    rows = [json.loads(line) for line in (FIXTURES_DIR / "answers_dev.jsonl").read_text().splitlines()]
    answer = next(row for row in rows if row["uin"] == "HL302")["answer_text"]
    quote = best_excerpt(answer, phrases=[automatic["title"], *automatic["keywords"]])
    # The list item is quoted in its sentence: the line that introduces the list, and every item.
    assert quote.startswith("The new measure will:\n\n- Reduce the qualifying period")
    assert "- Introduce a provision that will automatically terminate the IPP licence" in quote
    assert quote.endswith("Introduce a power to amend the qualifying period by Statutory Instrument.")
    assert quote in answer
    assert best_excerpt("Some are terminated.", phrases=["terminate"]) == "Some are terminated."
    assert best_excerpt("Numbers below:\n| terminated | 12 |", phrases=["terminate"]) == ""
    cut_off = "Licences are reviewed. Licences terminated after the qualifying"
    assert best_excerpt(cut_off, phrases=["licence terminated"], complete=False) == "Licences are reviewed."


def test_an_answer_is_suggested_as_evidence_for_the_commitments_it_speaks_to(demo):
    question = em_question()

    report = suggest_evidence(question)

    suggested = set(question.evidence.values_list("commitment__slug", flat=True))
    assert {"em-eligibility-ipp-releases", "em-183m-expansion"} <= suggested
    assert set(report.created) == suggested
    assert "approved-premises-move-on-pilot" not in suggested
    evidence = question.evidence.get(commitment__slug="em-183m-expansion")
    assert evidence.state == Evidence.State.SUGGESTED
    assert evidence.score > 0
    assert evidence.excerpt in question.answer_text and evidence.excerpt != question.answer_text
    assert any("183" in term or "monitoring" in term.lower() for term in evidence.matched_terms)
    assert evidence.reasons


def test_suggesting_again_creates_nothing_new(demo):
    question = em_question()
    suggest_evidence(question)
    before = list(question.evidence.order_by("pk").values_list("pk", "commitment_id", "score", "excerpt"))

    again = suggest_evidence(question)

    assert again.created == [] and again.refreshed == []
    assert (
        list(question.evidence.order_by("pk").values_list("pk", "commitment_id", "score", "excerpt"))
        == before
    )


def test_a_rejected_suggestion_stays_rejected_when_the_matcher_runs_again(demo, editor):
    question = em_question()
    suggest_evidence(question)
    rejected = question.evidence.get(commitment__slug="em-183m-expansion")
    reject_evidence(rejected, by=editor)

    report = suggest_evidence(question)
    question.answer_text += "\n\nThe electronic monitoring expansion continues."
    question.save()
    suggest_evidence(question)

    rejected.refresh_from_db()
    assert rejected.state == Evidence.State.REJECTED
    assert rejected.reviewed_by == editor
    assert "em-183m-expansion" in report.kept
    assert question.evidence.filter(commitment__slug="em-183m-expansion").count() == 1


def test_confirmed_evidence_keeps_the_editors_excerpt(demo, editor):
    question = em_question()
    commitment = Commitment.objects.get(slug="em-183m-expansion")
    confirmed = EvidenceFactory(
        commitment=commitment,
        question=question,
        state=Evidence.State.CONFIRMED,
        excerpt="The £183m investment",
    )

    suggest_evidence(question)

    confirmed.refresh_from_db()
    assert (confirmed.state, confirmed.excerpt, confirmed.score) == (
        Evidence.State.CONFIRMED,
        "The £183m investment",
        None,
    )


def test_a_status_cue_is_suggested_but_never_changes_the_status(demo):
    question = em_question()
    commitment = Commitment.objects.get(slug="em-183m-expansion")
    status_before, changes_before = commitment.status, StatusChange.objects.count()

    suggest_evidence(question)

    evidence = question.evidence.get(commitment=commitment)
    assert (evidence.suggested_status, evidence.status_cue) == (Status.DELIVERED, "has been rolled out")
    commitment.refresh_from_db()
    assert commitment.status == status_before
    assert StatusChange.objects.count() == changes_before


def test_accepting_a_status_suggestion_appends_a_change_citing_the_answer(demo):
    editor = EditorFactory()
    question = em_question(date_answered=date(2025, 3, 3))
    suggest_evidence(question)
    evidence = question.evidence.get(commitment__slug="em-183m-expansion")

    change = accept_status_suggestion(evidence, by=editor)

    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.CONFIRMED and evidence.reviewed_by == editor
    assert evidence.status_change == change
    assert (change.to_status, change.origin, change.question, change.changed_by) == (
        Status.DELIVERED,
        StatusChange.Origin.SUGGESTION,
        question,
        editor,
    )
    assert change.effective_on == date(2025, 3, 3)
    assert "has been rolled out" in change.reason
    assert Commitment.objects.get(slug="em-183m-expansion").status == Status.DELIVERED
    with pytest.raises(Exception, match="accepted already"):
        accept_status_suggestion(evidence, by=editor)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"answer_text": "", "answer_html": ""}, "no text"),
        ({"is_about_ipp": False}, "does not mention IPP"),
        ({"date_answered": None}, "no substantive answer"),
        ({"is_withdrawn": True}, "withdrawn"),
    ],
)
def test_an_answer_that_cannot_be_matched_is_skipped_with_a_reason(demo, fields, reason):
    question = em_question(**fields)

    report = suggest_evidence(question)

    assert reason in report.skipped
    assert reason in why_skipped(question)
    assert not question.evidence.exists()


# Answers worth reading: one rule for matching, the analysis and triage
WORTH_READING_CASES = {
    "worth reading": {},
    "holding answer": {"answer_is_holding": True},
    "withdrawn": {"is_withdrawn": True},
    "not answered": {"date_answered": None},
    "undated copy": {"date_answered": None, "answered_after": date(2024, 11, 15)},
    "not about IPP": {"is_about_ipp": False},
    "no text": {"answer_text": ""},
    "only spaces": {"answer_text": " \n "},
}


def test_matching_the_analysis_and_triage_read_the_same_answers_and_say_why_the_others_are_skipped(db):
    questions = {
        name: WrittenQuestionFactory(**{"is_about_ipp": True, **fields})
        for name, fields in WORTH_READING_CASES.items()
    }
    worth = set(WrittenQuestion.objects.worth_reading())

    assert worth == {questions["worth reading"]}
    assert {name for name, question in questions.items() if not why_skipped(question)} == {"worth reading"}
    assert set(WrittenQuestion.objects.awaiting_triage()) == worth
    assert set(WrittenQuestion.objects.worth_analysing()) == worth
    # A skipped answer still holding a suggestion is analysed once more, to withdraw it.
    EvidenceFactory(question=questions["withdrawn"])
    EvidenceFactory(question=questions["holding answer"], state=Evidence.State.REJECTED)
    assert set(WrittenQuestion.objects.worth_analysing()) == worth | {questions["withdrawn"]}
    assert set(WrittenQuestion.objects.awaiting_triage()) == worth


def test_hostile_or_table_only_answers_are_matched_or_skipped_never_crash():
    matcher = Matcher(
        [CommitmentProfile(slug="em", title="Electronic monitoring", summary="Tagging for IPP releases.")]
    )
    hostile = (
        '<script>alert("x")</script>Electronic monitoring <img src=x onerror=alert(1)> for IPP releases.'
    )
    for text in ["", "Region | 2020 | 2021\nLondon | 4 | 5\nWales | * | -", hostile, "\u0000\ufeff\u202e"]:
        for match in matcher.match(text):
            assert match.excerpt in text


def test_evaluation_meets_the_targets_on_the_labelled_answers(demo, capsys):
    call_command("evaluate_matching", "--data", str(FIXTURES_DIR / "answers_dev.jsonl"))

    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = dict(part.split("=") for part in last.split())
    assert figures["answers"] == "33"
    assert float(figures["precision"]) >= 0.8
    assert float(figures["recall"]) >= 0.9


def test_evaluation_writes_nothing_and_reads_any_labelled_file(demo, tmp_path, capsys):
    labelled = tmp_path / "mine.jsonl"
    rows = [
        {
            "question_text": "IPP electronic monitoring?",
            "answer_text": EM_ANSWER,
            "topics": ["em-183m-expansion"],
        },
        {"question_text": "Prison food?", "answer_text": "Menus are set locally.", "topics": []},
    ]
    labelled.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    evidence_before = Evidence.objects.count()

    call_command("evaluate_matching", "--data", str(labelled))

    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("precision=") and out[-1].endswith("answers=2")
    assert "recall=1.000" in out[-1]
    assert Evidence.objects.count() == evidence_before


def test_evaluation_refuses_a_file_it_cannot_read(db, tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"answer_text": "x", "topics": []}\nnot json\n')

    with pytest.raises(CommandError, match="Line 2 is not JSON"):
        call_command("evaluate_matching", "--data", str(broken))
    with pytest.raises(CommandError, match="is not a file"):
        call_command("evaluate_matching", "--data", str(tmp_path / "missing.jsonl"))


def test_ingest_suggests_evidence_for_new_answers_once_they_are_committed(
    demo, parliament, django_capture_on_commit_callbacks
):
    Evidence.objects.filter(state=Evidence.State.SUGGESTED).delete()
    confirmed_before = set(Evidence.objects.confirmed().values_list("pk", "excerpt"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = recheck_answers(client=client_for(parliament))
    with django_capture_on_commit_callbacks(execute=True):
        recheck_answers(client=client_for(parliament, page_size=100), since=run.window_from, full=True)

    assert callbacks, "ingest queued no analysis"
    suggested = Evidence.objects.suggested()
    assert suggested.exists()
    assert suggested.filter(question__is_about_ipp=False).count() == 0
    pairs = list(Evidence.objects.values_list("commitment_id", "question_id"))
    assert len(pairs) == len(set(pairs))
    assert set(Evidence.objects.confirmed().values_list("pk", "excerpt")) == confirmed_before


def test_an_answer_older_than_the_latest_status_change_cannot_set_the_status(demo):
    editor = EditorFactory()
    question = em_question(date_answered=date(2020, 1, 6))
    suggest_evidence(question)
    evidence = question.evidence.get(commitment__slug="em-183m-expansion")
    changes_before = StatusChange.objects.count()

    # The one check every status change meets, with the same words as the admin's form.
    with pytest.raises(StatusChangeError, match=r"on 06/01/2020, before the latest one"):
        accept_status_suggestion(evidence, by=editor)

    assert StatusChange.objects.count() == changes_before
    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.SUGGESTED and evidence.status_change is None


def test_suggestions_the_corrected_answer_no_longer_supports_are_withdrawn(demo, editor):
    question = em_question()
    suggest_evidence(question)
    research_label = EvidenceFactory(
        question=question, commitment=Commitment.objects.get(slug="ipp-delivery-plans"), score=None
    )
    reviewed = question.evidence.get(commitment__slug="em-eligibility-ipp-releases")
    reject_evidence(reviewed, by=editor)

    question.answer_text = "The Approved Premises move-on pilot supports IPP offenders on licence."
    question.save()
    report = suggest_evidence(question)

    assert "em-183m-expansion" in report.withdrawn
    assert not question.evidence.filter(commitment__slug="em-183m-expansion").exists()
    assert Evidence.history.filter(history_type="-", commitment__slug="em-183m-expansion").exists()
    assert question.evidence.filter(pk=research_label.pk).exists()  # not the matcher's to withdraw
    assert question.evidence.get(pk=reviewed.pk).state == Evidence.State.REJECTED


def test_an_answer_a_new_watched_term_brings_in_is_analysed(demo, django_capture_on_commit_callbacks):
    question = em_question(answer_text=EM_ANSWER.replace("IPP", "indeterminate"), is_about_ipp=False)
    WatchedTerm.objects.create(term="indeterminate")

    with django_capture_on_commit_callbacks(execute=True):
        rematch_stored_questions()

    question.refresh_from_db()
    assert question.is_about_ipp
    assert question.evidence.filter(commitment__slug="em-183m-expansion").exists()


def labelled(line: int, topics=(), scores=None) -> Outcome:
    answer = LabelledAnswer(
        line=line,
        house="Commons",
        uin=str(1000 + line),
        date_answered="2024-01-01",
        heading="",
        question_text="",
        answer_text=f"Answer {line}",
        topics=frozenset(topics),
    )
    return Outcome(answer=answer, about_ipp=True, scores=dict(scores or {}))


def test_recall_at_k_counts_labelled_links_among_the_first_k_candidates_ties_going_by_slug():
    outcomes = [
        # ranks: b (9), then a and c tie at 5 and go by slug: a 2nd, c 3rd; d 4th
        labelled(1, {"c", "d"}, {"a": 5.0, "b": 9.0, "c": 5.0, "d": 1.0}),
        labelled(2, {"x"}, {"x": 3.0}),  # first
        labelled(3, {"y"}, {}),  # never scored: in no top k
        labelled(4, (), {"z": 8.0}),  # no labels: counts for nothing in ranking figures
    ]
    result = Evaluation(outcomes, threshold=None, left_out_questions=0, unknown_topics=set())

    assert ranked(outcomes[0]) == ["b", "a", "c", "d"]
    assert result.labelled_links == 4
    assert result.recall_at(1) == 1 / 4
    assert result.recall_at(3) == 2 / 4
    assert result.recall_at(5) == 3 / 4
    assert result.answers_right_in_top(1) == 1 / 3
    assert result.answers_right_in_top(3) == 2 / 3
    assert "recall@5=0.750 top3_answers=0.667 answers=4" in result.figures()


def test_folds_are_balanced_seeded_and_do_not_depend_on_the_files_order():
    answers = [labelled(line).answer for line in range(1, 12)]

    folds = assign_folds(answers, 3)

    assert sorted(Counter(folds).values()) == [3, 4, 4]
    assert assign_folds(answers[::-1], 3) == folds[::-1]
    assert assign_folds(answers, 3, seed=1) != folds
    with pytest.raises(ValueError, match="between 2 and 11 folds"):
        assign_folds(answers, 12)


def _two_kinds_of_answer(folds: list[int]) -> dict[Tuning, list[Outcome]]:
    """Fold 0's right links score 10 and wrong ones 5; the others' 4 and 2: each needs its own cut."""
    high, low = {"right": 10.0, "wrong": 5.0}, {"right": 4.0, "wrong": 2.0}
    outcomes = [labelled(n, {"right"}, high if fold == 0 else low) for n, fold in enumerate(folds, start=1)]
    return {Tuning(): outcomes, Tuning(title_min=0.5): [replace(o, scores={}) for o in outcomes]}


def test_no_fold_measures_an_answer_it_was_tuned_on():
    answers = [labelled(line).answer for line in range(1, 9)]
    scored = _two_kinds_of_answer(assign_folds(answers, 4))

    folds = cross_validate_scored(scored, folds=4)

    held_out = [o.answer.line for fold in folds for o in fold.held_out.outcomes]
    assert sorted(held_out) == list(range(1, 9))
    for fold in folds:
        tuned_on = {a.line for a in fold.trained_on}
        assert tuned_on.isdisjoint(o.answer.line for o in fold.held_out.outcomes)
        assert len(tuned_on) + len(fold.held_out.outcomes) == 8


def test_each_fold_chooses_its_own_threshold_and_tuning_when_the_data_says_so():
    answers = [labelled(line).answer for line in range(1, 5)]
    scored = _two_kinds_of_answer(assign_folds(answers, 2))

    first, second = cross_validate_scored(scored, folds=2)

    # Tuned on the low-scoring half, fold 1 cuts between 2 and 4; tuned on the high one, fold 2
    # cuts between 5 and 10. Each then fares worse on the half it did not see.
    assert (first.threshold, second.threshold) == (3.0, 7.5)
    assert first.tuning == second.tuning == Tuning()  # the other tuning scores nothing
    assert first.held_out.precision == 0.5 and first.held_out.recall == 1.0
    assert second.held_out.recall == 0.0


def test_cross_validation_meets_the_targets_on_answers_it_did_not_tune_on(demo, capsys):
    call_command("evaluate_matching", "--data", str(FIXTURES_DIR / "answers_dev.jsonl"), "--folds", "5")

    out = capsys.readouterr().out
    assert out.count("      held out ") == 5
    figures = dict(part.split("=") for part in out.strip().splitlines()[-1].split())
    assert figures["answers"] == "33"
    assert float(figures["recall@5"]) >= 0.95
    assert float(figures["precision"]) >= 0.8
    assert float(figures["recall"]) >= 0.9


def test_cross_validation_refuses_a_fixed_threshold_or_too_many_folds(demo, tmp_path):
    labelled_file = tmp_path / "two.jsonl"
    labelled_file.write_text('{"answer_text": "a", "topics": []}\n{"answer_text": "b", "topics": []}\n')

    with pytest.raises(CommandError, match="do not go together"):
        call_command("evaluate_matching", "--data", str(labelled_file), "--folds", "2", "--threshold", "7")
    with pytest.raises(CommandError, match="between 2 and 2 folds"):
        call_command("evaluate_matching", "--data", str(labelled_file), "--folds", "3")


def test_a_clause_or_a_list_item_is_widened_to_its_whole_sentences():
    text = (
        "Work has started; the pilot runs in two areas. It ends in May.\n\n"
        "The new measure will:\n\n- Reduce the period;\n- Add a test; and\n- End licences.\n\n"
        "Figures follow:\nRegion | 2021 |\nLondon | 4 |"
    )
    assert whole_sentences(text, "the pilot runs in two areas.") == (
        "Work has started; the pilot runs in two areas."
    )
    assert whole_sentences(text, "- Add a test; and") == (
        "The new measure will:\n\n- Reduce the period;\n- Add a test; and\n- End licences."
    )
    assert whole_sentences(text, "Figures follow:") == "Figures follow:"  # a table is not a list
    assert whole_sentences(text, "Not in the answer") == "Not in the answer"  # never a guess
    # An unmarked list, as answer HTML's items arrive: items left open (";", "; and") belong to it.
    html_list = "The plan will:\n\nReduce the period;\n\nEnd licences.\n\nA new paragraph."
    assert (
        whole_sentences(html_list, "Reduce the period;")
        == "The plan will:\n\nReduce the period;\n\nEnd licences."
    )


def test_the_matcher_quotes_the_whole_sentence_of_the_clause_it_scored():
    """It scores clauses (a semicolon ends one) but never quotes half a sentence."""
    matcher = Matcher(
        [CommitmentProfile(slug="em", title="Electronic monitoring", summary="Tagging for IPP releases.")],
        threshold=0.0,
    )
    sentence = "Budgets were set; electronic monitoring of IPP releases has started."
    [match] = matcher.match(f"Prisons were inspected. {sentence} Staff were trained.")
    assert match.excerpt == sentence


def test_a_quote_is_shown_whole_with_the_picked_part_marked_and_the_table_it_introduces():
    text = (
        "Panels are held.\n\nThe following table shows panels: Covid disrupted them.\n"
        "Region | 2021 |\nLondon | 4 |"
    )
    quote = quote_excerpt(text, "The following table shows panels:")
    assert quote.text == "The following table shows panels:" and quote.table_index == 0 and not quote.widened
    assert quote_excerpt(text, "Panels are held.").table_index is None
    listed = quote_excerpt("It will:\n- Reduce the period; and\n- End licences.", "- End licences.")
    assert listed.widened and [block.is_list for block in listed.blocks] == [False, True]
    assert listed.blocks[1].lines[1].segments == (("End licences.", True),)
    assert listed.blocks[1].lines[0].segments == (("Reduce the period; and", False),)


def test_a_confirmed_passage_joins_its_commitments_profile_and_refreshes_the_matcher_a_rejected_one_not(
    demo, editor
):
    question = em_question()
    suggest_evidence(question)
    expansion = question.evidence.get(commitment__slug="em-183m-expansion")
    other = question.evidence.exclude(pk=expansion.pk).first()
    assert other is not None, "the answer also speaks to another commitment"
    matcher = current_matcher()

    reject_evidence(expansion, by=editor)
    assert current_matcher() is matcher  # a rejection changes nothing the matcher reads
    profile = next(p for p in commitment_profiles() if p.slug == "em-183m-expansion")
    assert expansion.excerpt not in profile.excerpts

    confirm_evidence(other, by=editor)
    confirmed = next(p for p in commitment_profiles() if p.slug == other.commitment.slug)
    assert other.excerpt in confirmed.excerpts
    left_out = commitment_profiles(leave_out_questions={question.pk})
    assert other.excerpt not in next(p for p in left_out if p.slug == other.commitment.slug).excerpts
    assert current_matcher() is not matcher


def test_the_matchers_background_is_the_recorded_months_answers_as_plain_text():
    """The runtime file (fixtures/) was derived once from the recorded-API server's list response:
    the two must not drift apart."""
    from commitments.analysis.suggestions import background_answers
    from commitments.devtools.recorded_api import RECORDINGS_DIR
    from commitments.parliament.answer_html import answer_html_to_text

    recorded = json.loads((RECORDINGS_DIR / "commons-2024-09.list.json").read_text(encoding="utf-8"))
    expected = tuple(answer_html_to_text(row["value"].get("answerText") or "") for row in recorded["results"])
    assert len(expected) == 2185 and background_answers() == expected
