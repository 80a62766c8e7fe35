# The front door. `make run` and `make test` are the two commands in README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# make test splits the suite over a worker per core, at most four (pytest-xdist); TEST_WORKERS= runs it
# in one process.
TEST_WORKERS ?= -n auto --maxprocesses 4 --dist worksteal
# The embedded default: a SQLite file, no Redis, tasks in-process, demo logins on.
DEMO_ENV := DEBUG=1 TRACKER_DEMO=1 DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 REDIS_URL= CELERY_BROKER_URL= CELERY_RESULT_BACKEND= \
	SITE_URL=http://127.0.0.1:$(PORT)

# Benchmarks run on PostgreSQL (DATABASE_URL's server, a database of their own) in production mode,
# over plain HTTP on loopback with the development tools installed: the test settings.
BENCH_ENV := DJANGO_SETTINGS_MODULE=tracker.settings.test DEBUG=0 SECRET_KEY=bench-only-not-secret-0123456789abcdefghijkl REDIS_URL= ALLOWED_HOSTS=127.0.0.1 \
	DATABASE_URL=$(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/tracker)

.PHONY: install install-dev browser-deps server-deps run demo-data test test-fast lint fmt migrations-check worker beat smoke \
	bench-ingest bench-web bench-digests clean

# pip prints a line per package (no --quiet): a first install takes about a minute.
PIP_INSTALL := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar on

$(BIN)/.runtime: requirements.txt
	@test -x $(BIN)/python || { echo "make: creating the virtualenv $(VENV)/"; $(PYTHON) -m venv $(VENV); }
	@echo "make: installing the pinned runtime requirements (requirements.txt) into $(VENV)/"
	$(PIP_INSTALL) --upgrade pip
	$(PIP_INSTALL) -r requirements.txt
	@touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements-dev.txt
	@echo "make: installing the test and lint tools (requirements-dev.txt) into $(VENV)/"
	$(PIP_INSTALL) -r requirements-dev.txt
	@touch $@

install: $(BIN)/.runtime            ## virtualenv with the pinned runtime requirements

install-dev: $(BIN)/.dev            ## plus test and lint tools

demo-data: install                  ## migrate the SQLite demo database and load fixtures/
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEMO_ENV) $(BIN)/python manage.py load_shipped_data

run: demo-data                      ## the demo on http://127.0.0.1:$(PORT), re-checking the recorded API
	$(DEMO_ENV) $(BIN)/python manage.py run_demo 127.0.0.1:$(PORT)

# Installs Debian packages the first time they are needed: one line saying what and why, then
# apt's own lines. Not root: one line naming what to install, and stop.
APT_INSTALL = ./.ci/apt-install

# The browser tests drive Debian's Chromium (never a downloaded browser) and inject axe-core; the
# HTML check runs the Nu Html Checker with the machine's Java. Installed here so CI has them too.
browser-deps: node_modules/.installed
	@command -v chromium >/dev/null || $(APT_INSTALL) "the browser checks (about 110 packages)" chromium
	@command -v java >/dev/null || $(APT_INSTALL) "the HTML check's Java runtime" default-jre-headless

# The suite starts its own PostgreSQL and Redis (tests/servers.py) unless DATABASE_URL / REDIS_URL
# name yours, and runs the production nginx config in front of gunicorn (tests/test_nginx_cache.py);
# their server programs come from Debian's packages.
server-deps:
	@[ -n "$$DATABASE_URL" ] || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null \
		|| $(APT_INSTALL) "the suite's own PostgreSQL (its server programs)" postgresql
	@[ -n "$$REDIS_URL" ] || command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] \
		|| $(APT_INSTALL) "the suite's own Redis" redis-server
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] \
		|| $(APT_INSTALL) "the HTTP cache in front of gunicorn (its tests)" nginx

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || $(APT_INSTALL) "axe-core and the Nu Html Checker (npm)" npm
	@echo "make: installing axe-core and the Nu Html Checker from npm (package-lock.json)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: install-dev browser-deps server-deps  ## the whole suite, on its own PostgreSQL and Redis (see README)
	$(BIN)/pytest $(TEST_WORKERS)

# The quick loop: every test except those that drive a browser, start other processes or run every
# fault mode end to end (the markers in pyproject.toml). `make test` (CI's command) still runs them all.
FAST := not browser and not processes and not slow
test-fast: install-dev server-deps  ## the suite without browser, process and slow tests (about 80 s on 2 cores)
	$(BIN)/pytest $(TEST_WORKERS) -m "$(FAST)"

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install-dev
	$(DEMO_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

worker: install                     ## a Celery worker (needs REDIS_URL and your DATABASE_URL)
	$(BIN)/celery -A tracker worker --loglevel=INFO

beat: install                       ## the Celery beat scheduler: run exactly one
	$(BIN)/celery -A tracker beat --loglevel=INFO

smoke: install                      ## embedded default on a throwaway SQLite file: pages answer 200
	./.ci/smoke

bench-ingest: install              ## re-check 10,000 questions, 2,000 statements, 5,000 contributions; prints time, memory, requests
	$(BENCH_ENV) $(BIN)/python manage.py bench_ingest --questions $(or $(QUESTIONS),10000) \
		--statements $(or $(STATEMENTS),2000) --contributions $(or $(CONTRIBUTIONS),5000)

bench-digests: install            ## one weekly period, then one alert run, to 100,000 subscribers; prints time, msgs/s, memory, queries
	$(BENCH_ENV) $(BIN)/python manage.py bench_digests --subscribers $(or $(SUBSCRIBERS),100000)
	$(BENCH_ENV) $(BIN)/python manage.py bench_digests --alerts --subscribers $(or $(SUBSCRIBERS),100000)

bench-web: install                 ## 300 commitments, 50,000 questions, gunicorn and nginx + wrk; prints req/s, p95, freshness, targets
	@command -v wrk >/dev/null || $(APT_INSTALL) "the web benchmark's load generator" wrk
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || $(APT_INSTALL) "the web benchmark's nginx in front" nginx
	$(BENCH_ENV) REDIS_URL=$(or $(REDIS_URL),redis://127.0.0.1:6379/14) $(BIN)/python manage.py bench_web

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache node_modules
