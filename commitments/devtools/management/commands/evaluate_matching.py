from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.analysis.evaluation import (
    Evaluation,
    LabelledFileError,
    cross_validate,
    evaluate,
    read_labelled,
)


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Command(BaseCommand):
    help = (
        "Measure the evidence matcher on labelled answers: a JSON Lines file, one answer a line with "
        "question_text, answer_text and a “topics” list of the commitment slugs it evidences (empty for "
        "none), as fixtures/answers_dev.jsonl. Runs against the commitments in the database, writes "
        "nothing, and leaves out confirmed evidence taken from the evaluated answers. With --folds K, "
        "the threshold and tunable constants are chosen on K-1 parts and measured on the part left out. "
        "The last line is `precision=P recall=R f1=F recall@1=… recall@3=… recall@5=… top3_answers=… "
        "answers=N`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, required=True, help="The labelled .jsonl file.")
        parser.add_argument(
            "--threshold", type=float, help="Score to suggest from (default: MATCH_THRESHOLD)."
        )
        parser.add_argument("--show", type=int, default=10, help="How many misses and false alarms to list.")
        parser.add_argument(
            "--folds",
            type=int,
            help="Cross-validate: tune the threshold and constants on K-1 parts, measure on the rest.",
        )
        parser.add_argument("--seed", type=int, default=0, help="Seed of the split into folds.")

    def handle(self, *args, data, threshold, show, folds, seed, **options):
        if not data.is_file():
            raise CommandError(f"{data} is not a file.")
        try:
            answers = read_labelled(data)
        except (LabelledFileError, UnicodeDecodeError) as error:
            raise CommandError(f"{data}: {error}") from None
        labelled = sum(bool(a.topics) for a in answers)
        if folds is None:
            result = evaluate(answers, at=threshold)
            cut = f"threshold {result.threshold:g}"
        else:
            if threshold is not None:
                raise CommandError("--threshold and --folds do not go together: the folds choose it.")
            try:
                validation = cross_validate(answers, folds=folds, seed=seed)
            except ValueError as error:
                raise CommandError(str(error)) from None
            result = validation.pooled
            cut = f"{folds} folds (seed {seed}), each tuned on the others"
        skipped = sum(not o.about_ipp for o in result.outcomes)
        self.stdout.write(
            f"{len(answers)} answers ({labelled} labelled with commitments, {len(answers) - labelled} with "
            f"none); {cut}. {skipped} skipped as not about IPP (watched terms). "
            f"Left out the confirmed evidence of {result.left_out_questions} stored copies of these answers."
        )
        if result.unknown_topics:
            self.stderr.write(
                "Labels name commitments that are not loaded (counted as misses): "
                + ", ".join(sorted(result.unknown_topics))
            )
        if folds is not None:
            self.stdout.write("\nEach fold, measured on the answers it held out:")
            for fold in validation.folds:
                t = fold.tuning
                self.stdout.write(
                    f"  fold {fold.number}: tuned on {len(fold.trained_on)}: threshold {fold.threshold:g} "
                    f"passage_rel={t.passage_rel:g} title_min={t.title_min:g} phrase_bonus={t.phrase_bonus:g}"
                    f"\n      held out {len(fold.held_out.outcomes)} ({fold.held_out.labelled_links} links): "
                    f"{fold.held_out.figures()}"
                )
        self._examples(result, show)
        self.stdout.write(
            f"\ntrue positives={result.true_positives} false positives={result.false_positives} "
            f"false negatives={result.false_negatives}"
        )
        self.stdout.write(result.figures())

    def _examples(self, result: Evaluation, show: int) -> None:
        for title, rows in (("Worst misses", result.misses()), ("Worst false alarms", result.false_alarms())):
            self.stdout.write(f"\n{title}:" if rows else f"\n{title}: none")
            for outcome, slug, score in rows[:show]:
                passage = outcome.excerpts.get(slug) or "(no passage scored)"
                self.stdout.write(
                    f"  {outcome.answer.name} → {slug}: score {score:.2f}\n      “{_shorten(passage)}”"
                )
