"""The production web shape, for real: Debian's nginx running docker/nginx/default.conf.template in
front of gunicorn, both on loopback, on this test's database and Redis. What reached Django is read
from gunicorn's access log."""

import contextlib
import os
import socket
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection

from commitments.devtools.web_stack import gunicorn, nginx, requests_served
from commitments.editorial import record_status_change

from .factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.processes

FRESH_SECONDS = 2
# nginx counts a lifetime in whole seconds, so a kept page can last up to a second longer.
PAST_LIFETIME = FRESH_SECONDS + 1.2
SECRET_KEY = "nginx-test-only-not-secret-0123456789abcdefghijklmnop"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _app_env(**overrides: str) -> dict[str, str]:
    """Production mode on this test's own database and Redis keys, so the test's writes move the data
    version gunicorn reads."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_REDIS_URL": settings.CACHE_REDIS_URL,
        "REDIS_KEY_PREFIX": settings.REDIS_KEY_PREFIX,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "tracker.settings.test",  # plain HTTP on loopback
        "LOG_LEVEL": "ERROR",
        "PUBLIC_PAGE_FRESH_SECONDS": str(FRESH_SECONDS),
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
        **overrides,
    }


class Stack:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.app_port = _free_port()

    def app(self, workers: int = 2, **overrides: str):
        return gunicorn(
            _app_env(**overrides), port=self.app_port, folder=self.folder / "gunicorn", workers=workers
        )

    def proxy(self):
        return nginx(upstream=f"127.0.0.1:{self.app_port}", port=_free_port(), folder=self.folder / "nginx")

    def reached_django(self, path: str) -> int:
        return requests_served(self.folder / "gunicorn" / "access.log", path)


@pytest.fixture
def stack(transactional_db, tmp_path):
    return Stack(tmp_path)


def _get(base: str, path: str, **headers: str) -> httpx.Response:
    return httpx.get(base + path, headers=headers, timeout=10)


def _wait_for_requests(stack: Stack, path: str, count: int) -> int:
    """gunicorn logs a request when it has answered it: wait a little for one still being answered."""
    for _ in range(50):
        if stack.reached_django(path) >= count:
            break
        time.sleep(0.1)
    return stack.reached_django(path)


def test_during_a_background_update_every_reader_gets_the_stored_page_and_django_sees_one_request(stack):
    commitment = CommitmentFactory(title="Kept by nginx")
    path = f"/commitments/{commitment.slug}/"
    with stack.app(), stack.proxy() as proxy:
        first = _get(proxy.url, path)
        assert first.status_code == 200 and first.headers["X-Cache-Status"] == "MISS"
        assert _get(proxy.url, path).headers["X-Cache-Status"] == "HIT"
        assert _wait_for_requests(stack, path, 1) == 1
        record_status_change(
            commitment, to="delayed", reason="Paused for review", effective_on=date(2024, 2, 1)
        )
        time.sleep(PAST_LIFETIME)  # the kept page is now past its lifetime

        readers = 12
        clients = [httpx.Client(base_url=proxy.url, timeout=10) for _ in range(readers)]
        for reader in clients:
            reader.get("/healthz")  # connected before the race starts
        start = threading.Barrier(readers)
        responses: list[httpx.Response] = []

        def read(reader: httpx.Client) -> None:
            start.wait()
            responses.append(reader.get(path))

        threads = [threading.Thread(target=read, args=(reader,)) for reader in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for reader in clients:
            reader.close()

        assert len(responses) == readers and all(r.status_code == 200 for r in responses)
        assert {r.headers["X-Cache-Status"] for r in responses} <= {"STALE", "UPDATING"}
        assert all("Paused for review" not in r.text for r in responses)  # the stored page
        assert _wait_for_requests(stack, path, 2) == 2  # one background request for all of them
        time.sleep(0.5)
        assert stack.reached_django(path) == 2
        refreshed = _get(proxy.url, path)
        assert refreshed.headers["X-Cache-Status"] == "HIT" and "Paused for review" in refreshed.text


def test_a_page_changed_by_a_save_is_fresh_within_its_lifetime(stack):
    commitment = CommitmentFactory(title="Changes soon")
    path = f"/commitments/{commitment.slug}/"
    with stack.app(), stack.proxy() as proxy:
        _get(proxy.url, path)
        record_status_change(
            commitment, to="delayed", reason="Paused for review", effective_on=date(2024, 2, 1)
        )
        saved = time.monotonic()
        while "Paused for review" not in _get(proxy.url, path).text:
            assert time.monotonic() - saved < PAST_LIFETIME + 0.5, "still the old page"
            time.sleep(0.1)
        # An unchanged page past its lifetime costs Django a 304, not a render.
        time.sleep(PAST_LIFETIME)
        _get(proxy.url, path)
        assert _wait_for_requests(stack, path, 3) == 3
        log = (stack.folder / "gunicorn" / "access.log").read_text().splitlines()
        assert [line.split('" ')[1].split()[0] for line in log if f"GET {path} " in line][-1] == "304"


def test_an_editors_session_always_reaches_django_and_is_never_kept(stack, client):
    commitment = CommitmentFactory(title="Seen by editors")
    path = f"/commitments/{commitment.slug}/"
    client.force_login(UserFactory(is_staff=True))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with stack.app(), stack.proxy() as proxy:
        _get(proxy.url, path)  # the public copy, kept
        for _ in range(3):
            response = _get(proxy.url, path, Cookie=cookie)
            assert response.headers["X-Cache-Status"] == "BYPASS"
            assert "private" in response.headers["Cache-Control"]
        assert _wait_for_requests(stack, path, 4) == 4
        assert _get(proxy.url, path).headers["X-Cache-Status"] == "HIT"


def test_a_hit_carries_the_cache_control_and_security_headers_of_the_page(stack):
    path = f"/commitments/{CommitmentFactory(title='Headers kept').slug}/"
    with stack.app(), stack.proxy() as proxy:
        _get(proxy.url, path)
        hit = _get(proxy.url, path)
    assert hit.headers["X-Cache-Status"] == "HIT"
    assert hit.headers["Cache-Control"] == f"public, max-age=0, s-maxage={FRESH_SECONDS}"
    assert "default-src 'self'" in hit.headers["Content-Security-Policy"]
    assert hit.headers["X-Content-Type-Options"] == "nosniff" and hit.headers["X-Frame-Options"] == "DENY"
    assert hit.headers["Referrer-Policy"] == "same-origin"
    assert hit.headers["ETag"] and hit.headers["Last-Modified"]
    assert "set-cookie" not in hit.headers and "cookie" not in hit.headers.get("Vary", "").lower()


def test_searches_and_invented_addresses_are_never_kept(stack):
    with stack.app(), stack.proxy() as proxy:
        for path in ["/search/?q=licence", "/commitments/?x=1"]:
            for _ in range(2):
                assert _get(proxy.url, path).headers["X-Cache-Status"] == "MISS"
        assert _wait_for_requests(stack, "/search/?q=licence", 2) == 2


def test_with_gunicorn_stopped_public_pages_still_answer_from_the_cache(stack):
    path = f"/commitments/{CommitmentFactory(title='Still readable').slug}/"
    with stack.proxy() as proxy:
        with stack.app():
            assert _get(proxy.url, path).status_code == 200
        time.sleep(PAST_LIFETIME)
        stale = _get(proxy.url, path)
        assert stale.status_code == 200 and "Still readable" in stale.text
        assert stale.headers["X-Cache-Status"] == "STALE"
        assert _get(proxy.url, "/readyz").status_code == 502  # the fault is still reported


def test_with_postgresql_unreachable_public_pages_still_answer_and_readyz_names_the_database(stack):
    path = f"/commitments/{CommitmentFactory(title='Database away').slug}/"
    with stack.proxy() as proxy:
        with stack.app():
            assert _get(proxy.url, path).status_code == 200
        db = connection.settings_dict
        closed = f"postgres://{db['USER']}@127.0.0.1:{_free_port()}/{db['NAME']}"
        with stack.app(DATABASE_URL=closed):
            time.sleep(PAST_LIFETIME)
            stale = _get(proxy.url, path)
            assert stale.status_code == 200 and "Database away" in stale.text
            ready = _get(proxy.url, "/readyz")
            assert ready.status_code == 503 and "database" in ready.text.lower()


def test_a_body_over_the_limit_is_refused_by_nginx_before_gunicorn(stack):
    path = f"/commitments/{CommitmentFactory().slug}/correction/"
    with stack.app(), stack.proxy() as proxy:
        host, port = proxy.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3000000\r\n\r\n".encode()
            )
            assert sock.recv(200).startswith(b"HTTP/1.1 413")
    assert "POST" not in (stack.folder / "gunicorn" / "access.log").read_text()


def _slow_client(url: str, stop: threading.Event) -> None:
    """A client that sends a header line every half second and never finishes its request (#29)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        n = 0
        while not stop.wait(0.5):
            try:
                sock.sendall(f"X-Slow-{n}: 1\r\n".encode())
            except OSError:
                return
            n += 1


def _healthz_seconds_while_slow_clients_hold(url: str, clients: int = 4) -> float:
    stop = threading.Event()
    threads = [threading.Thread(target=_slow_client, args=(url, stop)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        started = time.monotonic()
        with contextlib.suppress(httpx.TimeoutException):
            httpx.get(url + "/healthz", timeout=5)
        return time.monotonic() - started
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def test_slow_clients_are_held_by_nginx_not_by_gunicorns_workers(stack):
    """Four clients trickling headers hold both sync workers when they reach gunicorn directly, and
    none through nginx, which reads a request whole before passing it on (#29, fault 6)."""
    with stack.app(workers=2) as app, stack.proxy() as proxy:
        assert _healthz_seconds_while_slow_clients_hold(proxy.url) < 1
        assert _healthz_seconds_while_slow_clients_hold(app.url) >= 2


def test_a_kept_page_is_compressed_for_a_reader_who_asks_and_is_the_same_page(stack):
    path = f"/commitments/{CommitmentFactory(title='Compressed on the way').slug}/"
    with stack.app(), stack.proxy() as proxy:
        plain = _get(proxy.url, path, **{"Accept-Encoding": "identity"})
        squeezed = _get(proxy.url, path, **{"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert squeezed.headers["Content-Encoding"] == "gzip" and squeezed.headers["X-Cache-Status"] == "HIT"
    assert squeezed.text == plain.text and "Accept-Encoding" in squeezed.headers["Vary"]
