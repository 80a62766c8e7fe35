"""The recorded-API server answers in the API's exact shape (reference §3, §4, §6, §7, §9)."""

import httpx

from commitments.devtools.recorded_api import RECORDINGS_DIR, RecordedData

LIST = "/api/writtenquestions/questions"


def test_list_envelope_and_item_shape(parliament):
    body = httpx.get(f"{parliament.url}{LIST}", params={"take": 2}).json()
    assert list(body) == ["totalResults", "results"]
    item = body["results"][0]
    assert list(item) == ["value", "links"]
    assert item["links"] == [{"rel": "self", "href": f"/Questions/{item['value']['id']}", "method": "GET"}]
    assert item["value"]["askingMember"] is None  # members only with expandMember=true


def test_paging_total_ignores_skip_and_take(parliament):
    first = httpx.get(f"{parliament.url}{LIST}", params={"take": 3}).json()
    past_end = httpx.get(f"{parliament.url}{LIST}", params={"skip": 10_000}).json()
    assert len(first["results"]) == 3
    assert past_end == {"totalResults": first["totalResults"], "results": []}


def test_list_text_is_cut_and_detail_text_is_whole(parliament):
    listed = httpx.get(f"{parliament.url}{LIST}", params={"answeringBodies": 54, "take": 100}).json()[
        "results"
    ]
    cut = next(item["value"] for item in listed if (item["value"]["answerText"] or "").endswith("..."))
    assert len(cut["answerText"]) == 258 and "<p>" not in cut["answerText"]
    detail = httpx.get(f"{parliament.url}{LIST}/{cut['id']}").json()
    assert list(detail) == ["value", "links"]
    assert detail["value"]["answerText"].startswith("<p>") and len(detail["value"]["answerText"]) > 258


def test_detail_by_tabled_date_and_uin(parliament):
    body = httpx.get(f"{parliament.url}{LIST}/2022-03-21/hl7122").json()
    assert body["value"]["uin"] == "HL7122"


def test_bad_parameters_get_a_validation_problem(parliament):
    response = httpx.get(f"{parliament.url}{LIST}", params={"take": "abc", "house": "Foo"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert set(response.json()["errors"]) == {"take", "house"}


def test_unknown_question_is_a_404_problem(parliament):
    response = httpx.get(f"{parliament.url}{LIST}/1")
    assert response.status_code == 404 and response.json()["status"] == 404


def test_parameter_names_bind_in_any_case(parliament):
    lower = httpx.get(f"{parliament.url}{LIST}", params={"uin": "HL7122"}).json()
    odd = httpx.get(f"{parliament.url}{LIST}", params={"uIN": "HL7122"}).json()
    assert lower == odd and lower["totalResults"] == 1


def test_results_come_latest_activity_first(parliament):
    results = httpx.get(f"{parliament.url}{LIST}", params={"take": 100}).json()["results"]
    days = [
        max(
            filter(
                None,
                [
                    v["value"]["dateAnswered"],
                    v["value"]["dateAnswerCorrected"],
                    v["value"]["dateHoldingAnswer"],
                ],
            ),
            default="",
        )
        for v in results
    ]
    answered = [day for day in days if day]
    assert answered == sorted(answered, reverse=True)


def test_shipped_data_set_loads_the_recorded_month_and_the_research_answers():
    data = RecordedData.load(RECORDINGS_DIR)
    assert len(data.records) == 2185 + 16
    assert len(data.list_views) == 2185
    assert data.records[9000020]["uin"] == "HL7122"
    assert "3,500 offenders" in data.records[9000020]["answerText"]


def test_unbindable_booleans_and_ids_are_400_and_unknown_paths_404(parliament):
    bad = httpx.get(f"{parliament.url}{LIST}", params={"includeWithdrawn": "maybe", "askingMemberId": "x"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"includewithdrawn", "askingmemberid"}
    missing = httpx.get(f"{parliament.url}{LIST}X")
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("#section-6.5.4")
