"""An editor's morning in a real browser (Debian's Chromium driven by Playwright): the demo's waiting
answers triaged with JavaScript on and off, one status change recorded from triage, at most two
actions per answer on average; the same with the keyboard only; each screen checked by axe and the
Nu Html Checker at phone and desktop widths."""

# ruff: noqa: F811 - the browser fixtures are test_browser's, imported by name

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse

from commitments.analysis.triage import triage_entry
from commitments.loading import load_shipped_data
from commitments.models import Commitment, Evidence, StatusChange, WrittenQuestion

from .factories import EditorFactory
from .test_browser import AXE, VNU, WIDTHS, _log_in, browser, browser_tools  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

SCREEN = reverse("admin:commitments_answertotriage_changelist")


def _recordable(question: WrittenQuestion) -> int | None:
    """The first undecided strong candidate on the page: what the "s" key acts on."""
    commitments = {c.slug: c for c in Commitment.objects.all()}
    undecided = [c for c in triage_entry(question, commitments=commitments).strong if not c.decided]
    return undecided[0].commitment.pk if undecided else None


def _triage_the_queue(page, base: str, *, keyboard: bool) -> tuple[int, int]:
    """Work through the queue as an editor would: confirm and finish the first strong match, or mark
    the answer not evidence; once, confirm and record a status change. Returns (answers, actions)."""
    answers = actions = 0
    recorded = False
    page.goto(base + SCREEN)
    while page.locator(".triage-answer").count():
        answers += 1
        question = WrittenQuestion.objects.get(pk=page.locator(".triage-answer").get_attribute("id")[7:])
        target = None if recorded else _recordable(question)
        if target is not None:
            form = page.locator(f"#candidate-{question.pk}-{target}")
            if keyboard:
                with page.expect_navigation():
                    page.keyboard.press("s")
            else:
                form.get_by_role("button", name="Confirm and record status…").click()
            page.wait_for_url("**/change/**")
            if page.locator("#id_new_status").input_value() == "":
                page.locator("#id_new_status").select_option("in_progress")
                actions += 1
            if keyboard:  # from the new status (focused on arrival) to the date, then Enter: Save
                for _ in range(5):
                    if page.evaluate("document.activeElement.id") == "id_status_effective_on":
                        break
                    page.keyboard.press("Tab")
                with page.expect_navigation():
                    page.keyboard.press("Enter")
            else:
                page.get_by_role("button", name="Save", exact=True).click()
            page.wait_for_url("**/answertotriage/**")
            assert "Back to the answer" in page.locator(".messagelist").inner_text()
            finish = page.get_by_role("button", name="Done: its confirmed links are all")
            with page.expect_navigation():
                page.keyboard.press("d") if keyboard else finish.click()
            actions += 3
            recorded = True
        else:
            strong = page.locator(".triage-strong button[value=finish]")
            confirmed = question.evidence.confirmed().exists()  # by the research labels, say
            if keyboard:
                with page.expect_navigation():
                    page.keyboard.press("c" if strong.count() else "d" if confirmed else "x")
            elif strong.count():
                strong.first.click()
            elif confirmed:
                page.get_by_role("button", name="Done: its confirmed links are all").click()
            else:
                page.get_by_role("button", name="Not evidence for any commitment").click()
            actions += 1
        page.wait_for_load_state()
        left = page.locator(".triage-answer")
        if left.count() and left.get_attribute("id") == f"answer-{question.pk}":
            notes = page.locator(".triage-note, .messagelist, .errorlist").all_inner_texts()
            raise AssertionError(f"{question} did not leave the queue: {notes}")
    return answers, actions


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_an_editor_triages_the_demos_queue_in_at_most_two_actions_per_answer(
    live_server, browser, javascript
):
    load_shipped_data()
    EditorFactory(username="ed")
    waiting = WrittenQuestion.objects.awaiting_triage().count()
    context, page = _log_in(browser, live_server.url, "ed", javascript=javascript)

    answers, actions = _triage_the_queue(page, live_server.url, keyboard=False)

    assert answers == waiting and not WrittenQuestion.objects.awaiting_triage().exists()
    assert actions / answers <= 2, (answers, actions)
    change = StatusChange.objects.get(changed_by__username="ed")
    assert change.question is not None and change.origin == StatusChange.Origin.EDITOR
    assert "No answers are waiting" in page.locator("#content-main").inner_text()
    context.close()


def test_an_editor_triages_the_demos_queue_with_the_keyboard_only(live_server, browser):
    load_shipped_data()
    EditorFactory(username="ed")
    context, page = _log_in(browser, live_server.url, "ed")

    answers, actions = _triage_the_queue(page, live_server.url, keyboard=True)

    assert not WrittenQuestion.objects.awaiting_triage().exists()
    assert actions / answers <= 2, (answers, actions)
    assert StatusChange.objects.filter(changed_by__username="ed").count() == 1
    context.close()


def test_each_triage_screen_is_accessible_valid_and_fits_a_phone_and_a_desk(live_server, browser, tmp_path):
    """The answer with no strong match, one with strong matches and their weak ones unfolded, and the
    status change filled in from it."""
    load_shipped_data()
    EditorFactory(username="ed")
    strong = next(q for q in WrittenQuestion.objects.awaiting_triage() if _recordable(q))
    failures = []
    for width_name, width in WIDTHS.items():
        context, page = _log_in(browser, live_server.url, "ed", width=width)
        problems: list[str] = []
        page.on("console", lambda m, seen=problems: m.type == "error" and seen.append(m.text))
        for name, url in [("first", SCREEN), ("strong", SCREEN + f"?answer={strong.pk}")]:
            page.goto(live_server.url + url)
            for summary in page.locator("details:visible > summary").all():
                summary.click()
            (tmp_path / f"{name}-{width_name}.html").write_text(page.content(), encoding="utf-8")
            page.screenshot(path=str(tmp_path / f"{name}-{width_name}.png"), full_page=True)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            failures += [f"{name} at {width_name}: {v['id']} ({v['impact']})" for v in result["violations"]]
            if page.evaluate("document.documentElement.scrollWidth - window.innerWidth") > 1:
                failures.append(f"{name} at {width_name}: scrolls sideways")
        page.goto(live_server.url + SCREEN + f"?answer={strong.pk}")
        page.locator(".triage-strong button[value=confirm_record]").first.click()
        page.wait_for_url("**/change/**")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        failures += [
            f"status change at {width_name}: {v['id']} ({v['impact']})"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        failures += [f"{width_name}: console: {p}" for p in problems]
        context.close()
        Evidence.objects.filter(reviewed_by__username="ed").update(state="suggested", reviewed_by=None)
    assert failures == []
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *map(str, tmp_path.glob("*.html"))],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert (checked.returncode, checked.stderr) == (0, ""), checked.stderr[:3000]
