"""Settings for the commitment tracker, every deploy-specific value read from the environment.

One module name for every process (web, worker, beat, manage.py, the containers): DEBUG chooses the
mode. Off (the default) is production (production.py: refuses to start without a real SECRET_KEY and
ALLOWED_HOSTS, HTTPS only); on is development (development.py: the embedded default `make run` uses).
What both share is in base.py. The test suite and the benchmarks use test.py. Layout as in the
codebases we learn from: base, production, development and test modules.
"""

from .base import DEBUG

if DEBUG:
    from .development import *  # noqa: F403
else:
    from .production import *  # noqa: F403
