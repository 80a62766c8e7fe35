"""What Django tells a shared cache (the nginx in front) about each response: validators per data
version, `Cache-Control` by the one `public_data` mark, and a data version every write moves.
The same rules through a real nginx and gunicorn are in test_nginx_cache.py."""

from datetime import date

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import post_save

from commitments.editorial import record_status_change
from commitments.models import Commitment, WrittenQuestion
from commitments.public import cache as public_cache

from .factories import CommitmentFactory, SubscriberFactory, UserFactory, WrittenQuestionFactory
from .pages import get_page

pytestmark = pytest.mark.django_db

SHARED = "public, max-age=0, s-maxage={seconds}"


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/commitments/",
        "/commitments/?theme=electronic-monitoring&status=delivered&sort=-title",
        "/commitments/?q=&theme=&status=",  # the filter form's own empty fields
        "/questions/?sort=-date_answered",
        "/themes/",
        "/recommendations/",
        "/numbers/",
        "/deadlines/",
        "/feeds/updates.atom",
        "/api/v1/commitments/",
    ],
)
def test_a_page_the_site_links_to_may_be_kept_by_a_shared_cache_for_the_fresh_seconds(
    client, demo, settings, url
):
    settings.PUBLIC_PAGE_FRESH_SECONDS = 7
    response = client.get(url)
    assert response.status_code == 200
    assert _cache_control(response) == {"public", "max-age=0", "s-maxage=7"}
    assert response["ETag"] and response["Last-Modified"]
    # Nothing on a public page reads the visitor's cookies, so a cache keeps one copy for everyone.
    assert "Vary" not in response or "cookie" not in response["Vary"].lower()
    assert not response.cookies


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=licence",  # a reader's words
        "/questions/?q=panel",
        "/questions/?answered_from=2024-01-02",  # a typed date
        "/commitments/?utm_source=newsletter",  # a parameter the page does not read
        "/commitments/?theme=electronic-monitoring&x=1",
        "/api/v1/commitments/?page=1",  # the API's views offer no cacheable parameters
    ],
)
def test_an_address_the_site_does_not_link_to_is_never_kept_by_a_shared_cache(client, demo, url):
    """Any value goes in these, so a client inventing values could otherwise fill the cache (#29)."""
    response = client.get(url)
    assert response.status_code == 200
    assert {"private", "no-cache"} <= _cache_control(response) and "public" not in response["Cache-Control"]
    assert response["ETag"]  # still conditional for the reader's own browser


def test_an_editors_request_is_private_and_reaches_the_view(client, demo):
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/commitments/")
    assert response.status_code == 200
    assert {"private", "no-cache"} <= _cache_control(response)
    assert "ETag" not in response and hasattr(response.wsgi_request, "user")


@pytest.mark.parametrize(
    "url", ["/about/", "/healthz", "/subscribe/", "/commitments/em-gps-domestic-abuse/correction/"]
)
def test_pages_that_are_not_only_public_data_carry_no_shared_caching(client, demo, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "") and "ETag" not in response


def test_a_304_costs_one_round_trip_to_the_cache_no_query_and_keeps_every_header(
    client, monkeypatch, django_assert_num_queries, settings
):
    settings.PUBLIC_PAGE_FRESH_SECONDS = 10
    url = f"/commitments/{CommitmentFactory(title='Unchanged').slug}/"
    first = client.get(url)
    calls = []
    for name in ("get", "get_many", "get_or_set", "set", "set_many", "add", "incr"):
        real = getattr(cache, name)
        monkeypatch.setattr(
            cache, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k)
        )
    with django_assert_num_queries(0):
        response = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304 and calls == ["get_many"]
    # Answered before the session, CSRF and authentication middlewares looked at the request.
    assert not any(hasattr(response.wsgi_request, name) for name in ("session", "user"))
    # A cache revalidating its copy is told the validators and for how long the copy is good again.
    assert response["ETag"] == first["ETag"] and response["Last-Modified"] == first["Last-Modified"]
    assert _cache_control(response) == {"public", "max-age=0", "s-maxage=10"}
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"


def test_a_change_is_a_new_etag_and_shows_at_once(client):
    commitment = CommitmentFactory(title="Changing commitment")
    url = f"/commitments/{commitment.slug}/"
    before = client.get(url)
    record_status_change(commitment, to="delayed", reason="Paused for review", effective_on=date(2024, 2, 1))
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "Paused for review" in after.content.decode()


def test_bulk_writes_move_the_data_version_without_the_writer_asking(client):
    question = WrittenQuestionFactory(is_about_ipp=True, heading="Before the rematch")
    assert "Before the rematch" in get_page(client, "/questions/")
    version = public_cache.data_version()
    question.heading = "After the rematch"
    WrittenQuestion.objects.bulk_update([question], ["heading"])
    assert public_cache.data_version() != version
    assert "After the rematch" in get_page(client, "/questions/")


def test_bulk_ingest_also_moves_the_data_version(client, parliament):
    from commitments.parliament.recheck import recheck_answers

    from .parliament import client_for

    assert "0 written answers found." in get_page(client, "/questions/")
    version = public_cache.data_version()
    recheck_answers(client=client_for(parliament))
    assert public_cache.data_version() != version
    assert "0 written answers found." not in get_page(client, "/questions/")


def test_every_model_of_the_app_moves_the_data_version_unless_listed_as_not_public():
    """A model added later is public unless someone says otherwise: pages can be needlessly
    revalidated, never stale."""
    models = list(apps.get_app_config("commitments").get_models(include_auto_created=True))
    private = {m.__name__ for m in models if not public_cache.shown_on_public_pages(m)}
    listed = public_cache.NOT_ON_PUBLIC_PAGES
    histories = {m.__name__ for m in models if m.__name__.startswith("Historical")}
    assert private == listed | histories | {"Subscriber_themes", "Subscriber_commitments"}
    assert public_cache.shown_on_public_pages(Commitment.action_plans.through)
    assert not public_cache.shown_on_public_pages(apps.get_model("auth", "User"))


def test_a_model_nobody_listed_bumps_the_version_through_the_global_receiver(db):
    version = public_cache.data_version()
    # Sent for a model no list names: the receiver is connected for every sender.
    post_save.send(sender=Commitment.action_plans.through, instance=None, created=True)
    assert public_cache.data_version() != version
    unchanged = public_cache.data_version()
    SubscriberFactory()  # listed as not shown on any public page
    assert public_cache.data_version() == unchanged
