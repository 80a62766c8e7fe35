"""Readers suggest a correction on a commitment: stored for editors, rate-limited, never published."""

import io
import socket

from django.test import Client
from django.urls import reverse

from commitments.models import Correction, CorrectionState

from .factories import CorrectionFactory, EditorFactory, UserFactory
from .servers import clear_cache

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _suggest(client, commitment, *, remote_addr="127.0.0.1", **fields):
    data = {"what_is_wrong": "The status is out of date.", "source": "HL7122", "email": "", **fields}
    return client.post(
        reverse("commitments:correction", args=[commitment.slug]), data, REMOTE_ADDR=remote_addr
    )


def test_a_reader_suggests_a_correction_without_an_account_and_it_is_kept_as_new(client, commitment):
    page = client.get(f"/commitments/{commitment.slug}/").content.decode()
    assert f'href="/commitments/{commitment.slug}/correction/">Suggest a correction</a>' in page
    form = client.get(f"/commitments/{commitment.slug}/correction/")
    assert form.status_code == 200 and b"csrfmiddlewaretoken" in form.content
    response = _suggest(client, commitment, email="reader@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"/commitments/{commitment.slug}/correction/sent/"
    assert b"reached the editors" in client.get(response["Location"]).content
    correction = Correction.objects.get()
    assert (correction.commitment, correction.state, correction.email) == (
        commitment,
        CorrectionState.NEW,
        "reader@example.org",
    )


def test_the_form_refuses_a_post_without_its_csrf_token(commitment):
    strict = Client(enforce_csrf_checks=True)
    assert _suggest(strict, commitment).status_code == 403
    assert not Correction.objects.exists()


def test_an_invalid_correction_is_refused_with_the_reason_and_keeps_what_was_typed(client, commitment):
    response = _suggest(client, commitment, source="", email="not an address", what_is_wrong="Kept text")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tell us where we can check it" in page and "Enter an email address in the right format" in page
    assert ">Kept text</textarea>" in page and 'value="not an address"' in page
    assert _suggest(client, commitment, what_is_wrong="x" * 2001).status_code == 400
    assert not Correction.objects.exists()


def test_a_21st_request_from_one_address_in_an_hour_is_refused(client, commitment):
    answers = [_suggest(client, commitment, what_is_wrong=f"Note {n}").status_code for n in range(20)]
    assert answers == [302] * 20
    refused = _suggest(client, commitment, what_is_wrong="The 21st")
    assert refused.status_code == 429
    assert b"Too many suggestions" in refused.content and b">The 21st</textarea>" in refused.content
    assert _suggest(client, commitment, source="").status_code == 429  # invalid ones count too
    assert Correction.objects.count() == 20
    # Another client address has its own hour.
    assert _suggest(client, commitment, remote_addr="192.0.2.7").status_code == 302


def test_unknown_or_unpublished_commitments_have_no_correction_form(client, commitment):
    assert client.get("/commitments/no-such-thing/correction/").status_code == 404
    commitment.is_published = False
    commitment.save()
    assert _suggest(client, commitment).status_code == 404


def test_hostile_input_is_stored_as_typed_and_never_published(client, commitment):
    assert _suggest(client, commitment, what_is_wrong=HOSTILE, source=HOSTILE).status_code == 302
    correction = Correction.objects.get()
    assert correction.what_is_wrong == HOSTILE  # stored as typed, plain text
    clear_cache()
    page = client.get(f"/commitments/{commitment.slug}/").content.decode()
    assert "alert" not in page  # nothing a reader suggests is shown on the public pages


def test_hostile_input_is_shown_inert_in_the_admin(client, superuser):
    correction = CorrectionFactory(what_is_wrong=HOSTILE, source=HOSTILE, email="reader@example.org")
    client.force_login(superuser)
    for url in [
        reverse("admin:commitments_correction_changelist"),
        reverse("admin:commitments_correction_change", args=[correction.pk]),
    ]:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(" in page


def test_editors_see_corrections_and_decide_them_but_cannot_add_or_delete(client, editor):
    correction = CorrectionFactory()
    client.force_login(editor)
    changelist = reverse("admin:commitments_correction_changelist")
    page = client.get(changelist, {"state": "new", "q": "pilot"}).content.decode()
    assert "The pilot started in 2024" in page
    response = client.post(changelist, {"action": "accept_selected", "_selected_action": [correction.pk]})
    assert response.status_code == 302
    correction.refresh_from_db()
    assert (correction.state, correction.reviewed_by) == (CorrectionState.ACCEPTED, editor)

    change = reverse("admin:commitments_correction_change", args=[correction.pk])
    data = {"state": "declined", "editor_note": "The source says otherwise."}
    assert client.post(change, data).status_code == 302
    correction.refresh_from_db()
    assert (correction.state, correction.editor_note) == (
        CorrectionState.DECLINED,
        "The source says otherwise.",
    )
    assert (
        correction.what_is_wrong == "The pilot started in 2024, not 2023."
    )  # the reader's text is read-only

    assert client.get(reverse("admin:commitments_correction_add")).status_code == 403
    assert client.get(reverse("admin:commitments_correction_delete", args=[correction.pk])).status_code == 403


def test_staff_outside_the_editors_group_cannot_see_corrections(db, client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:commitments_correction_changelist")).status_code == 403
    assert EditorFactory().has_perm("commitments.change_correction")


def test_a_post_over_the_body_limit_is_refused_with_413_and_nothing_is_kept(client, commitment, settings):
    settings.REQUEST_BODY_MAX_BYTES = 100_000
    url = reverse("commitments:correction", args=[commitment.slug])
    as_file = {"what_is_wrong": "Late.", "source": "", "email": "", "upload": io.BytesIO(b"x" * 200_000)}
    as_field = {"what_is_wrong": "x" * 200_000, "source": "", "email": ""}
    for data in [as_file, as_field]:
        response = client.post(url, data)
        assert response.status_code == 413
        assert "accepts at most 0.1 MB in one request" in response.content.decode()
    assert not Correction.objects.exists()
    assert _suggest(client, commitment).status_code == 302  # an ordinary correction still goes through


def test_a_declared_300_mb_body_is_answered_413_before_it_is_sent(live_server, commitment):
    """Over real HTTP: the answer comes back while the client has sent only the headers, so the
    server read (and spooled) nothing of the body."""
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            f"POST /commitments/{commitment.slug}/correction/ HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 300000000\r\n\r\n".encode()
        )
        answer = b""
        while b"try again" not in answer and (part := connection.recv(4096)):
            answer += part
        answer = answer.decode()
    assert answer.startswith("HTTP/1.1 413"), answer
    assert "accepts at most 2.5 MB in one request, and this one was 300 MB" in answer


def test_a_reader_who_knows_from_their_own_experience_needs_no_link_and_editors_see_it_labelled(
    client, commitment, editor
):
    form = client.get(f"/commitments/{commitment.slug}/correction/").content.decode()
    assert (
        "I know this from my own experience" in form and 'type="checkbox" name="from_own_experience"' in form
    )
    response = _suggest(
        client, commitment, source="", from_own_experience="on", what_is_wrong="My son was released in 2025."
    )
    assert response.status_code == 302
    told = Correction.objects.get()
    assert told.from_own_experience and told.source == ""
    CorrectionFactory(what_is_wrong="A source says otherwise.")

    client.force_login(editor)
    changelist = reverse("admin:commitments_correction_changelist")
    page = client.get(changelist).content.decode()
    assert "How the reader knows" in page and "Own experience" in page and "A source" in page
    own = client.get(changelist, {"known_from": "experience"}).content.decode()
    assert "My son was released in 2025." in own and "A source says otherwise." not in own
    sourced = client.get(changelist, {"known_from": "source"}).content.decode()
    assert "A source says otherwise." in sourced and "My son was released" not in sourced


def test_neither_a_source_nor_own_experience_is_refused_with_both_ways_named(client, commitment):
    response = _suggest(client, commitment, source="  ")
    assert response.status_code == 400
    assert "or tick “I know this from my own experience”" in response.content.decode()
    assert not Correction.objects.exists()
