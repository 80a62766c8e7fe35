"""The real client, over real HTTP, against the recorded-API server and each of its faults."""

from datetime import date

import pytest

from commitments.parliament.client import (
    USER_AGENT,
    MalformedRecord,
    ParliamentUnavailable,
    QuestionNotFound,
    QuestionRecord,
    QuestionSearch,
)

from .parliament import client_for, control, start_server

MOJ = QuestionSearch(answering_bodies=(54,))


def _all_ids(client, search=MOJ):
    return [item.id for page in client.iter_pages(search) for item in page.items]


def test_lists_with_the_apis_own_filters(parliament):
    client = client_for(parliament, page_size=100)
    lords = client.list_page(QuestionSearch(answering_bodies=(54,), house="Lords"))
    assert lords.items and all(item.house == "Lords" and item.answering_body_id == 54 for item in lords.items)
    since = client.list_page(QuestionSearch(answering_bodies=(54,), tabled_from=date(2024, 1, 1)))
    assert all(item.date_tabled.year >= 2024 for item in since.items)
    assert control(parliament, "reset")["user_agents"] == [USER_AGENT]


def test_pages_are_fetched_lazily_one_request_at_a_time(parliament):
    client = client_for(parliament)
    pages = client.iter_pages(MOJ)
    first = next(pages)
    assert len(first.items) == 5
    assert client.stats.requests == 1
    rest = list(pages)
    assert client.stats.requests == 1 + len(rest) == -(-first.total // 5)


def test_every_item_is_returned_once(parliament):
    ids = _all_ids(client_for(parliament))
    assert len(ids) == len(set(ids)) == client_for(parliament).list_page(MOJ).total


def test_a_cut_list_item_is_completed_from_the_detail_endpoint(parliament):
    client = client_for(parliament, page_size=100)
    cut = next(item for item in client.list_page(MOJ).items if item.is_truncated)
    full = client.complete(cut)
    assert not full.from_list
    assert full.answer_text.startswith("<p>")
    assert len(full.answer_text) > len(cut.answer_text)
    assert client.stats.details == 1


def test_a_whole_list_item_needs_no_detail_request(parliament):
    client = client_for(parliament, page_size=100)
    whole = next(item for item in client.list_page(MOJ).items if not item.is_truncated)
    assert client.complete(whole) is whole
    assert client.stats.details == 0


@pytest.mark.parametrize(
    "fault", ["500", "429", pytest.param("slow", marks=pytest.mark.slow), "malformed", "truncated"]
)
def test_faults_are_retried_until_the_answer_comes(fault):
    server = start_server(fault=fault, fault_rate=0.5, retry_after=0, slow_seconds=1.0)
    try:
        healthy = start_server()
        expected = _all_ids(client_for(healthy))
        healthy.stop()
        client = client_for(server)
        assert _all_ids(client) == expected
        assert client.stats.retries >= 1
    finally:
        server.stop()


def test_429_waits_as_long_as_retry_after_says():
    server = start_server(fault="429", fault_rate=0.5, retry_after=2)
    slept = []
    try:
        client = client_for(server, sleep=slept.append)
        client.list_page(MOJ)  # request 1 passes; with rate 0.5 request 2 is refused
        client.list_page(MOJ)
    finally:
        server.stop()
    assert slept == [2.0]


def test_gives_up_after_the_last_try_naming_the_url_and_why():
    server = start_server(fault="500", fault_rate=1.0)
    try:
        client = client_for(server, max_tries=3)
        with pytest.raises(ParliamentUnavailable) as raised:
            client.list_page(MOJ)
    finally:
        server.stop()
    message = str(raised.value)
    assert f"{server.url}/api/writtenquestions/questions" in message
    assert "after 3 tries" in message and "server error" in message
    assert client.stats.requests == 3


def test_timeout_is_reported_as_such():
    server = start_server(fault="slow", fault_rate=1.0, slow_seconds=1.0)
    try:
        with pytest.raises(ParliamentUnavailable, match="timed out"):
            client_for(server, max_tries=2, timeout=0.2).list_page(MOJ)
    finally:
        server.stop()


def test_unreachable_api_is_one_clear_error():
    client = client_for(start_server(), max_tries=2)
    client.base_url = "http://127.0.0.1:9"
    client.http.base_url = "http://127.0.0.1:9"
    with pytest.raises(ParliamentUnavailable, match="connection failed"):
        client.list_page(MOJ)


def test_paging_that_shifts_under_the_client_loses_and_repeats_nothing():
    server = start_server(fault="shift")
    try:
        client = client_for(server)
        ids = _all_ids(client)
        truth = _all_ids(client_for(server))
    finally:
        server.stop()
    assert len(ids) == len(set(ids))
    assert set(ids) == set(truth)
    assert client.stats.restarts == 1


def test_unknown_question_is_not_found(parliament):
    with pytest.raises(QuestionNotFound, match="404"):
        client_for(parliament).get_question(1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"dateTabled": "2024-13-05T00:00:00"}, "dateTabled"),
        ({"house": None}, "house"),
        ({"uin": ""}, "uin"),
        ({"id": "abc"}, "id"),
    ],
)
def test_malformed_record_names_the_question_and_field(change, field):
    value = {
        "id": 1679416,
        "askingMemberId": 4253,
        "house": "Commons",
        "dateTabled": "2024-01-05T00:00:00",
        "uin": "7926",
        "answeringBodyId": 60,
        "isWithdrawn": False,
    }
    with pytest.raises(MalformedRecord) as raised:
        QuestionRecord.from_api({**value, **change}, from_list=False)
    assert raised.value.field_name == field
    assert str(raised.value).startswith(
        f"Question {value['id'] if field != 'id' else 'abc'}: field “{field}”"
    )


def test_malformed_record_in_a_page_does_not_hide_the_others(parliament):
    record = next(iter(parliament.state.data.records.values()))
    bad_id = record["id"]
    del record["house"]
    parliament.state.data.list_views.pop(bad_id, None)
    items = [
        item
        for page in client_for(parliament, page_size=100).iter_pages(QuestionSearch())
        for item in page.items
    ]
    errors = [item for item in items if isinstance(item, MalformedRecord)]
    assert [error.question_id for error in errors] == [bad_id]
    assert len(items) == len(parliament.state.data.records)


def test_items_reordered_under_the_client_with_the_same_total_are_not_skipped(parliament):
    client = client_for(parliament)
    pages = client.iter_pages(MOJ)
    first = next(pages)
    # The newest answer moves to the bottom (its dates move back); the total stays the same.
    records = parliament.state.data.records
    moved = records[first.items[0].id]
    moved["dateAnswered"] = "2000-01-01T00:00:00"
    parliament.state.data.list_views.pop(moved["id"], None)
    ids = [item.id for item in first.items] + [item.id for page in pages for item in page.items]
    truth = {item.id for page in client_for(parliament).iter_pages(MOJ) for item in page.items}
    assert len(ids) == len(set(ids))
    assert set(ids) == truth
    assert client.stats.restarts == 1


def test_a_server_that_returns_fewer_than_asked_for_loses_nothing(parliament):
    client = client_for(parliament, page_size=10)
    truth = {item.id for page in client_for(parliament).iter_pages(MOJ) for item in page.items}
    original = client.list_page

    def capped(search, *, skip=0, take=None):  # a server that caps take at 3: ask it so
        return original(search, skip=skip, take=3)

    client.list_page = capped
    ids = [item.id for page in client.iter_pages(MOJ) for item in page.items]
    assert set(ids) == truth and len(ids) == len(truth)
