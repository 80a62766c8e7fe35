import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.devtools.recorded_api import RECORDINGS_DIR, RecordedData
from commitments.devtools.recorded_api.datasets import replicate, research_records, write_list_with_full_text

DEFAULT_DATA = RECORDINGS_DIR


class Command(BaseCommand):
    help = (
        "Write data for the recorded-API server. --research rewrites its recordings/research/ "
        "(in commitments/devtools/recorded_api/) from the research answers and seeds; --replicate N "
        "--out DIR writes N copies of recorded questions (new ids, UINs, dates) for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--research", action="store_true", help="Rebuild recordings/research/.")
        parser.add_argument("--replicate", type=int, metavar="N", dest="count", help="How many to write.")
        parser.add_argument(
            "--from", dest="source", default=str(DEFAULT_DATA), help="Data to copy (default: %(default)s)."
        )
        parser.add_argument(
            "--body",
            type=int,
            action="append",
            dest="bodies",
            help="Only copy questions answered by this body id (repeatable; 54 = Ministry of Justice).",
        )
        parser.add_argument("--out", help="Folder to write the replicated data set to.")

    def handle(self, *args, research, count, source, bodies, out, **options):
        if not research and not count:
            raise CommandError("Say what to write: --research, or --replicate N --out DIR.")
        if research:
            folder = DEFAULT_DATA / "research"
            folder.mkdir(parents=True, exist_ok=True)
            records = research_records()
            for record in records:
                name = f"{record['house'].lower()}-{record['dateTabled'][:10]}-{record['uin']}.json"
                text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
                (folder / name).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote {len(records)} records to {folder}"))
        if count:
            if not out:
                raise CommandError("--replicate needs --out DIR")
            data = RecordedData.load(source)
            records = list(replicate(data, count=count, body_ids=set(bodies) if bodies else None))
            write_list_with_full_text(records, Path(out), "replicated")
            self.stdout.write(self.style.SUCCESS(f"Wrote {len(records)} questions to {out}"))
