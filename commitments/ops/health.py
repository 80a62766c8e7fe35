"""Is the process alive (/healthz) and ready to serve (/readyz)? For load balancers and compose."""

import logging

from django.db import transaction
from django.http import HttpResponse, JsonResponse

from .readiness import PUBLIC_REASONS, problems

logger = logging.getLogger(__name__)


@transaction.non_atomic_requests
def healthz(request):
    """Cheap liveness check: no database, no cache."""
    return HttpResponse("ok", content_type="text/plain")


@transaction.non_atomic_requests
def readyz(request):
    """Ready when the database and Redis answer and every migration is applied; 503 naming what
    is not. The detail (hosts, driver errors) goes to the log, not to whoever asked."""
    failing = problems()
    if failing:
        logger.warning("Not ready: %s", failing)
    public = {name: PUBLIC_REASONS[name] for name in failing}
    return JsonResponse({"ready": not failing, "problems": public}, status=503 if failing else 200)
