"""Public pages of the foundation: the home page and friendly errors."""

from datetime import date

from django.urls import reverse

from commitments.services import record_status_change

from .factories import CommitmentFactory


def test_home_shows_published_commitments_with_their_status(client):
    shown = CommitmentFactory(title="IPP Delivery Plans in every area", theme__name="Delivery plans")
    record_status_change(shown, to="in_progress", reason="Rolled out", effective_on=date(2024, 11, 15))
    CommitmentFactory(title="A draft nobody should see", is_published=False)
    response = client.get(reverse("commitments:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "IPP Delivery Plans in every area" in page
    assert "In progress" in page
    assert "A draft nobody should see" not in page
    assert '<html lang="en-GB">' in page


def test_home_page_query_count_does_not_grow_with_commitments(client, django_assert_max_num_queries):
    CommitmentFactory.create_batch(30)
    # Three reads, plus the savepoint pair of ATOMIC_REQUESTS.
    with django_assert_max_num_queries(5):
        assert client.get(reverse("commitments:home")).status_code == 200


def test_home_has_a_sensible_empty_state(client):
    assert "No commitments have been published yet." in client.get("/").content.decode()


def test_unknown_url_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
