"""Benchmark of sending one weekly digest period at volume (default 100,000 subscribers over 10
themes), or with --alerts one as-it-happens alert run (100,000 subscribers following 1 to 20
commitments each, one status change), through a backend that builds every message and discards it.
The data is made in a PostgreSQL database of its own, in a child process, so the peak memory
reported is the run's own."""

import json
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from commitments.devtools.benchmarks import fresh_database

from .bench_ingest import _peak_rss_mb

THEMES = 10
COMMITMENTS_PER_THEME = 3
FOLLOWED_PER_SUBSCRIBER = (1, 20)  # --alerts: each subscriber follows this many commitments


class Command(BaseCommand):
    help = (
        "Make N confirmed weekly subscribers (default 100,000) over 10 themes, with a week of status "
        "changes, confirmed evidence and new answers, then send that week's digests once through a "
        "counting email backend. Prints wall time, messages/s, peak RSS and the database queries of "
        "the send. Uses DATABASE_URL's server with a database of its own. With --alerts: N "
        "as-it-happens subscribers following 1 to 20 commitments each and one status change, then one "
        "alert run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=100_000)
        parser.add_argument("--alerts", action="store_true", help="one as-it-happens alert run instead")
        parser.add_argument("--child", action="store_true", help="internal: run in the fresh database")

    def handle(self, *args, subscribers, child, alerts, **options):
        if child:
            self._child(subscribers, alerts=alerts)
            return
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (set DATABASE_URL), the production shape.")
        database_url = fresh_database(f"{connection.settings_dict['NAME']}_digests_bench")
        if alerts:
            self.stdout.write(f"One alert run: {subscribers:,} subscribers following 1-20 commitments each…")
        else:
            self.stdout.write(f"Sending one weekly period to {subscribers:,} subscribers…")
        done = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "bench_digests",
                "--child",
                "--subscribers",
                str(subscribers),
                *(["--alerts"] if alerts else []),
            ],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DATABASE_URL": database_url,
                "EMAIL_BACKEND": "commitments.devtools.email_backends.CountingBackend",
            },
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(f"The benchmark failed:\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        per_batch = 3 if alerts else 2  # alerts also read the batch's alerts sent today (the cap)
        fixed = result["queries"] - per_batch * result["batches"]
        if alerts:
            low, high = FOLLOWED_PER_SUBSCRIBER
            audience = [
                ("subscribers", f"{subscribers:,} as it happens, each following {low}-{high} commitments"),
                ("follows", f"{result['follows']:,} of {THEMES * COMMITMENTS_PER_THEME} commitments"),
                ("changes", "1 status change"),
            ]
        else:
            audience = [
                ("subscribers", f"{subscribers:,} over {THEMES} themes"),
                ("theme sets", f"{result['theme_sets']:,}"),
            ]
        rows = [
            *audience,
            ("setup (not timed)", f"{result['setup_seconds']:.1f} s"),
            ("emails planned / sent", f"{result['planned']:,} / {result['sent']:,}"),
            ("wall time", f"{result['seconds']:.1f} s"),
            ("messages/s", f"{result['sent'] / result['seconds']:.0f}"),
            ("mean message size", f"{result['bytes'] / max(result['sent'], 1) / 1024:.1f} KiB"),
            ("peak RSS", f"{result['rss_mb']:.0f} MB"),
            (
                "database queries",
                f"{result['queries']} ({result['batches']} batches of {result['batch_size']}: "
                f"{fixed} fixed + {per_batch} per batch)",
            ),
        ]
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            self.stdout.write(f"{name:<{width}}  {value}")

    def _child(self, count: int, *, alerts: bool) -> None:
        from commitments import digests
        from commitments.devtools.email_backends import CountingBackend
        from commitments.models import DigestFrequency

        started = time.perf_counter()
        if alerts:  # the run six minutes after the change: its window is the one holding it
            theme_sets, follows = 0, self._make_followers(count)
            frequency, now = DigestFrequency.AS_IT_HAPPENS, timezone.now() + timedelta(minutes=6)
        else:
            theme_sets, follows = self._make_data(count), 0
            frequency, now = DigestFrequency.WEEKLY, timezone.now() + timedelta(days=7)
        setup = time.perf_counter() - started
        queries = 0

        def counting(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counting):
            report = digests.send_digests(frequency=frequency, now=now)
        seconds = time.perf_counter() - started
        result = {
            "planned": report.planned,
            "sent": report.sent,
            "bytes": CountingBackend.bytes,
            "seconds": seconds,
            "setup_seconds": setup,
            "queries": queries,
            "batch_size": settings.DIGEST_BATCH_SIZE,
            "batches": -(-report.sent // settings.DIGEST_BATCH_SIZE),
            "theme_sets": theme_sets,
            "follows": follows,
            "rss_mb": _peak_rss_mb(),
        }
        self.stdout.write(json.dumps(result))

    def _make_data(self, count: int) -> int:
        """This week's news on every theme, and subscribers: a third to all themes, the rest to one
        to three themes. Returns the number of distinct theme sets."""
        from commitments.models import (
            DigestFrequency,
            Evidence,
            EvidenceState,
            House,
            QuestionEvent,
            QuestionEventKind,
            Status,
            StatusChange,
            Subscriber,
            WrittenQuestion,
        )

        rng = random.Random(7)
        now = timezone.now()
        themes, commitments = _themes_and_commitments()
        questions = WrittenQuestion.objects.bulk_create(
            WrittenQuestion(
                house=House.COMMONS,
                uin=f"B{n}",
                date_tabled=date(2025, 1, 6),
                date_answered=date(2025, 1, 13),
                heading="IPP sentences",
                answer_text="The Ministry of Justice continues to support people serving IPP sentences. " * 8,
            )
            for n in range(len(commitments))
        )
        StatusChange.objects.bulk_create(
            StatusChange(
                commitment=c,
                from_status=Status.PLANNED,
                to_status=Status.IN_PROGRESS,
                effective_on=now.date(),
                reason="Began.",
            )
            for c in commitments
        )
        Evidence.objects.bulk_create(
            Evidence(
                commitment=c,
                question=q,
                excerpt="Support continues.",
                state=EvidenceState.CONFIRMED,
                reviewed_at=now,
            )
            for c, q in zip(commitments, questions, strict=True)
        )
        QuestionEvent.objects.bulk_create(
            QuestionEvent(question=q, kind=QuestionEventKind.ANSWERED) for q in questions
        )
        confirmed = now - timedelta(days=30)
        subscribers = Subscriber.objects.bulk_create(
            (
                Subscriber(
                    email=f"reader{n}@example.org",
                    frequency=DigestFrequency.WEEKLY,
                    all_themes=n % 3 == 0,
                    confirmed_at=confirmed,
                    token=f"bench-token-{n:08}",
                )
                for n in range(count)
            ),
            batch_size=5000,
        )
        through = Subscriber.themes.through
        links, sets = [], set()
        for subscriber in subscribers:
            if subscriber.all_themes:
                sets.add(None)
                continue
            chosen = frozenset(rng.sample(themes, rng.randint(1, 3)))
            sets.add(chosen)
            links.extend(through(subscriber_id=subscriber.pk, theme_id=theme.pk) for theme in chosen)
        through.objects.bulk_create(links, batch_size=5000)
        return len(sets)

    def _make_followers(self, count: int) -> int:
        """Subscribers to alerts following 1 to 20 of the 30 commitments each, then one status change
        on one commitment, in a window that starts where a previous alert window ended (so it holds
        the change however long the setup took). Returns the number of follows."""
        from commitments.models import (
            DigestFrequency,
            DigestPeriod,
            Status,
            StatusChange,
            Subscriber,
        )

        rng = random.Random(19)
        now = timezone.now()
        DigestPeriod.objects.create(
            frequency=DigestFrequency.AS_IT_HAPPENS,
            starts_at=now - timedelta(minutes=10),
            ends_at=now - timedelta(minutes=5),
            planned_at=now - timedelta(minutes=5),
        )
        themes, commitments = _themes_and_commitments()
        subscribers = Subscriber.objects.bulk_create(
            (
                Subscriber(
                    email=f"follower{n}@example.org",
                    frequency=DigestFrequency.AS_IT_HAPPENS,
                    all_themes=False,
                    confirmed_at=now - timedelta(days=30),
                    token=f"bench-token-{n:08}",
                )
                for n in range(count)
            ),
            batch_size=5000,
        )
        through = Subscriber.commitments.through
        follows = 0
        for start in range(0, len(subscribers), 5000):
            links = [
                through(subscriber_id=subscriber.pk, commitment_id=commitment.pk)
                for subscriber in subscribers[start : start + 5000]
                for commitment in rng.sample(commitments, rng.randint(*FOLLOWED_PER_SUBSCRIBER))
            ]
            through.objects.bulk_create(links, batch_size=5000)
            follows += len(links)
        StatusChange.objects.create(
            commitment=commitments[0],
            from_status=Status.PLANNED,
            to_status=Status.DELAYED,
            effective_on=now.date(),
            reason="Paused.",
        )
        return follows


def _themes_and_commitments() -> tuple[list, list]:
    """THEMES themes of COMMITMENTS_PER_THEME commitments each, for both runs."""
    from commitments.models import Commitment, Theme

    themes = Theme.objects.bulk_create(
        Theme(slug=f"bench-theme-{n}", name=f"Bench theme {n}") for n in range(THEMES)
    )
    commitments = Commitment.objects.bulk_create(
        Commitment(slug=f"bench-{t.pk}-{n}", title=f"Commitment {n} of {t.name}", theme=t, summary="…")
        for t in themes
        for n in range(COMMITMENTS_PER_THEME)
    )
    return themes, commitments
