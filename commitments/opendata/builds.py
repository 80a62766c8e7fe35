"""Building the whole exports, off the request: the Celery task `build_exports_task` and the
`build_exports` command both call `build_exports()`.

Every export of the current data version is built together, by one builder at a time (a lock file):
a second builder started meanwhile returns at once, and the holder, once it lets go, builds again if
a build was queued while it worked. So a burst of writes costs at most two builds, and running the
task twice, or on two workers, is harmless.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from ..public.cache import data_version
from . import dataset, exports, snapshots
from .recommendations import RECOMMENDATION_COLUMNS, public_recommendations, recommendation_rows
from .spreadsheets import csv_writer

# Builds again if the data changed while it built; a bound, so a recheck writing for minutes cannot
# keep one worker building forever (the queued mark stays and the next build takes over).
MAX_ROUNDS = 3


@dataclass
class BuildReport:
    version: str = ""
    built: list[str] = field(default_factory=list)
    partials_removed: int = 0
    busy: bool = False  # another builder holds the lock; it builds what was queued once it is done

    def as_dict(self) -> dict:
        return {
            "version": self.version,
            "built": self.built,
            "partials_removed": self.partials_removed,
            "busy": self.busy,
        }


def _csv_file(rows: Callable[[], Iterable[list]], header: list[str]) -> Callable[[BinaryIO], None]:
    def write(file: BinaryIO) -> None:
        text = io.TextIOWrapper(file, encoding="utf-8", newline="")
        writer = csv_writer(text)
        writer.writerow(header)
        for row in rows():
            writer.writerow(row)
        text.flush()
        text.detach()

    return write


def whole_exports() -> dict[str, Callable[[BinaryIO], None]]:
    """Each file a request for the whole of something is served, by name, with its writer."""
    return {
        "ipp-tracker-data.zip": dataset.write_dataset_zip,
        "commitments.csv": _csv_file(
            lambda: exports.commitment_rows(exports.all_commitments()), exports.COMMITMENT_COLUMNS
        ),
        "questions.csv": _csv_file(
            lambda: exports.question_rows(exports.all_questions()), exports.QUESTION_COLUMNS
        ),
        "recommendations.csv": _csv_file(
            lambda: recommendation_rows(public_recommendations().order_by("slug")), RECOMMENDATION_COLUMNS
        ),
    }


def build_exports() -> BuildReport:
    """Build the current data version's exports that are not built yet, after removing what killed
    builders left half written."""
    report = BuildReport()
    for _ in range(MAX_ROUNDS):
        with snapshots.build_lock() as held:
            if not held:
                report.busy = True
                return report
            snapshots.forget_queued()  # before reading the version: a later write queues again
            report.partials_removed += snapshots.remove_partials()
            report.version = str(data_version())
            for name, write in whole_exports().items():
                if snapshots.write(name, report.version, write):
                    report.built.append(name)
        # After letting go: a build queued while the lock was held found it busy and left this to us.
        if not snapshots.is_queued():
            return report
    # Still changing after MAX_ROUNDS: hand over to a fresh task rather than keep this worker.
    snapshots.forget_queued()
    snapshots.queue_export_build()
    return report
