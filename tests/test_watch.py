"""What the re-check watches, and how terms match."""

from datetime import date

import pytest

from commitments.models import WatchedBody, WatchedTerm
from commitments.parliament.watch import Watch

from .factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def test_short_term_matches_whole_words_only():
    watch = Watch(everywhere=["IPP"], in_bodies=[], body_ids=())
    assert watch.matches("People serving IPPs and the IPP Action Plan", answering_body_id=17)[0]
    assert not watch.matches("Hospitals are well equipped; Whipps Cross", answering_body_id=17)[0]


def test_phrase_matches_across_line_breaks_and_case():
    watch = Watch(everywhere=["imprisonment for public protection"], in_bodies=[], body_ids=())
    assert watch.matches("Imprisonment for\nPublic  Protection", answering_body_id=1) == (
        True,
        ["imprisonment for public protection"],
    )


def test_commitment_keywords_count_only_in_watched_bodies():
    CommitmentFactory(keywords=["progression panels", "approved premises"])
    watch = Watch.load()
    text = "Progression panels met in every region."
    assert watch.matches(text, answering_body_id=54) == (False, ["progression panels"])
    assert watch.matches(text, answering_body_id=17) == (False, [])


def test_default_watch_is_installed_by_migration():
    assert set(WatchedTerm.objects.values_list("term", "scope")) == {
        ("IPP", "everywhere"),
        ("imprisonment for public protection", "everywhere"),
    }
    assert list(WatchedBody.objects.values_list("answering_body_id", flat=True)) == [54]


def test_answer_searches_are_one_per_body_list_and_one_per_term():
    searches = Watch.load().answer_searches(date(2024, 1, 1))
    assert [(s.answering_bodies, s.search_term) for s in searches] == [
        ((54,), None),
        ((), "IPP"),
        ((), "imprisonment for public protection"),
    ]
    assert all(s.answered_from == date(2024, 1, 1) for s in searches)


def test_inactive_terms_and_bodies_are_not_watched():
    WatchedTerm.objects.filter(term="IPP").update(is_active=False)
    WatchedBody.objects.update(is_active=False)
    watch = Watch.load()
    assert watch.everywhere == ["imprisonment for public protection"]
    assert watch.answer_searches(date(2024, 1, 1))[0].search_term == "imprisonment for public protection"


def test_beat_schedules_are_in_the_database():
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"commitments.tasks.recheck_answers_task", "commitments.tasks.recheck_pending_task"} <= tasks


# Keywords that overlap, carry punctuation, end in "s" or are not ASCII, for the pre-check below.
KEYWORDS = sorted(
    {"approved premises", "premises", "action plan", "IPP action plan", "risk", "licence", "Parole Board's"}
    | {"re-release", "intensive", "café", "progression panels", "panel", "s"}
)
TEXTS = [
    "The IPP Action Plan: approved premises, and premises elsewhere; the action plan.",
    "Approved\n  Premises' staff and the Parole Board’s panels; re-releases and pre-release.",
    "Licences, licence's and LICENCE; a café and a CAFÉ; 's' alone; equipped.",
    "A RIS\u212a assessment (with the Kelvin sign), a ri\u017fk (a long s).",
    "\u0130NTENSIVE (a dotted capital I) and \u0131ntensive (a dotless i) support.",
    "Progression panels, progression  Panels and progression panel; nothing else.",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_keywords_pre_check_finds_exactly_what_the_whole_pattern_finds(text):
    """Watch runs the keywords' alternation with only the keywords whose words are in the text; the
    result must be that of the whole alternation, whatever the text holds."""
    from commitments.parliament.watch import term_pattern

    watch = Watch(everywhere=["IPP"], in_bodies=KEYWORDS, body_ids=(54,))
    whole = {
        next(k for k in KEYWORDS if term_pattern([k]).fullmatch(m.group(1)))
        for m in term_pattern(KEYWORDS).finditer(text)
    }
    ipp = {"IPP"} if term_pattern(["IPP"]).search(text) else set()
    assert watch.matches(text, answering_body_id=54) == (bool(ipp), sorted(whole | ipp))


def test_a_keyword_is_found_through_a_character_a_regex_takes_for_ascii():
    watch = Watch(everywhere=[], in_bodies=["risk", "intensive"], body_ids=(54,))
    assert watch.matches("A ri\u017fk", answering_body_id=54) == (False, ["risk"])  # a long s
    assert watch.matches("\u0130NTENSIVE support", answering_body_id=54) == (False, ["intensive"])
