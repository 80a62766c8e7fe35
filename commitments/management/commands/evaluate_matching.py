from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.analysis.evaluation import LabelledFileError, evaluate, read_labelled


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Command(BaseCommand):
    help = (
        "Measure the evidence matcher on labelled answers: a JSON Lines file, one answer a line with "
        "question_text, answer_text and a “topics” list of the commitment slugs it evidences (empty for "
        "none), as fixtures/answers_dev.jsonl. Runs against the commitments in the database, writes "
        "nothing, and leaves out confirmed evidence taken from the evaluated answers. The last line is "
        "`precision=P recall=R f1=F answers=N`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, required=True, help="The labelled .jsonl file.")
        parser.add_argument(
            "--threshold", type=float, help="Score to suggest from (default: MATCH_THRESHOLD)."
        )
        parser.add_argument("--show", type=int, default=10, help="How many misses and false alarms to list.")

    def handle(self, *args, data, threshold, show, **options):
        if not data.is_file():
            raise CommandError(f"{data} is not a file.")
        try:
            answers = read_labelled(data)
        except (LabelledFileError, UnicodeDecodeError) as error:
            raise CommandError(f"{data}: {error}") from None
        result = evaluate(answers, at=threshold)
        labelled = sum(bool(o.answer.topics) for o in result.outcomes)
        skipped = sum(not o.about_ipp for o in result.outcomes)
        self.stdout.write(
            f"{len(answers)} answers ({labelled} labelled with commitments, {len(answers) - labelled} with "
            f"none); threshold {result.threshold:g}. {skipped} skipped as not about IPP (watched terms). "
            f"Left out the confirmed evidence of {result.left_out_questions} stored copies of these answers."
        )
        if result.unknown_topics:
            self.stderr.write(
                "Labels name commitments that are not loaded (counted as misses): "
                + ", ".join(sorted(result.unknown_topics))
            )
        for title, rows in (("Worst misses", result.misses()), ("Worst false alarms", result.false_alarms())):
            self.stdout.write(f"\n{title}:" if rows else f"\n{title}: none")
            for outcome, slug, score in rows[:show]:
                passage = outcome.excerpts.get(slug) or "(no passage scored)"
                self.stdout.write(
                    f"  {outcome.answer.name} → {slug}: score {score:.2f}\n      “{_shorten(passage)}”"
                )
        self.stdout.write(
            f"\ntrue positives={result.true_positives} false positives={result.false_positives} "
            f"false negatives={result.false_negatives}"
        )
        self.stdout.write(
            f"precision={result.precision:.3f} recall={result.recall:.3f} f1={result.f1:.3f} "
            f"answers={len(answers)}"
        )
