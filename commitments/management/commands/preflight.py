from django.core.management.base import BaseCommand, CommandError

from commitments.ops.readiness import check_database, check_redis


class Command(BaseCommand):
    help = (
        "Check that the database (DATABASE_URL) and Redis (REDIS_URL, and CACHE_REDIS_URL when set) "
        "answer, and say which does not in one line. Run before migrate and the servers "
        "(docker/compose.yaml does)."
    )

    def handle(self, *args, **options):
        failing = [problem for problem in (check_database(), check_redis()) if problem]
        if failing:
            raise CommandError("; ".join(failing))
        self.stdout.write(self.style.SUCCESS("Database and Redis answer."))
