"""The public pages in a real browser (Debian's Chromium driven by Playwright), checked by axe-core
for accessibility and by the Nu Html Checker for valid HTML, at phone and desktop widths."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from commitments.digests.subscriptions import CONFIRM, MANAGE, UNSUBSCRIBE, sign_token
from commitments.loading import load_shipped_data
from commitments.models import Commitment, Evidence, Theme, WrittenQuestion
from commitments.parliament.answer_html import sanitise_answer_html
from commitments.text.passages import sentences

from .factories import (
    EditorFactory,
    EvidenceFactory,
    HansardContributionFactory,
    PublicationFactory,
    SubscriberFactory,
    UserFactory,
    WrittenStatementFactory,
)

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WIDTHS = {"phone": 390, "desktop": 1280}
HOSTILE = (
    '<p>Figures follow.</p><script>window.__xss = "script"</script>'
    '<img src="x" onerror="window.__xss = \'onerror\'"><a href="javascript:window.__xss=\'link\'">link</a>'
)


@pytest.fixture(autouse=True)
def browser_tools():
    """Missing tools fail the suite loudly; they are never a reason to skip."""
    missing = [
        name
        for name, ok in [
            ("Debian's chromium", Path(CHROMIUM).exists()),
            ("axe-core", AXE.exists()),
            ("vnu-jar", VNU.exists()),
            ("java", bool(shutil.which("java"))),
        ]
        if not ok
    ]
    if missing:
        pytest.fail(f"Missing {', '.join(missing)}: run `make browser-deps` (`make test` does).")


@pytest.fixture
def site(live_server):
    """The demo data behind a live server, plus an answer carrying hostile HTML."""
    load_shipped_data()
    hostile = WrittenQuestion.objects.get(uin="HL7132")
    hostile.answer_html = HOSTILE
    hostile.answer_html_safe = sanitise_answer_html(HOSTILE)
    hostile.save()
    question = WrittenQuestion.objects.get(uin="HL7122")
    # A written statement (our copy cut short) and a Hansard contribution in one commitment's timeline.
    termination = Commitment.objects.get(slug="vpa-automatic-licence-termination")
    statement = WrittenStatementFactory(uin="HCWS72", text_is_complete=False)
    contribution = HansardContributionFactory()
    for source in ({"statement": statement}, {"contribution": contribution}):
        text = next(iter(source.values())).text
        Evidence.objects.create(
            commitment=termination, excerpt=text, state=Evidence.State.CONFIRMED, **source
        )
    # A GOV.UK publication (fictional, from the factory) quoted from a pasted passage.
    publication = PublicationFactory(is_about_ipp=True)
    Evidence.objects.create(
        commitment=Commitment.objects.get(slug="ipp-annual-report-duty"),
        publication=publication,
        excerpt=publication.passages[0].text.split("\n")[0],
        state=Evidence.State.CONFIRMED,
    )
    subscriber = SubscriberFactory(themes=[Theme.objects.get(slug="electronic-monitoring")])
    pending = SubscriberFactory(
        confirmed_at=None, commitments=[Commitment.objects.get(slug="em-gps-domestic-abuse")]
    )
    preferences, unsubscribe = sign_token(subscriber, MANAGE), sign_token(subscriber, UNSUBSCRIBE)
    pages = {
        "home": "/",
        "commitment list": "/commitments/",
        "commitment list, filtered and sorted": "/commitments/?theme=electronic-monitoring&sort=-title",
        "commitment": "/commitments/em-gps-domestic-abuse/",
        "commitment whose quote introduces a table": "/commitments/progression-panels/",
        "commitment with an answer dated only by what it came after": "/commitments/ipp-delivery-plans/",
        "commitment quoting a list, a written statement and a Hansard contribution": (
            "/commitments/vpa-automatic-licence-termination/"
        ),
        "commitment resting on a secondary source": "/commitments/strengthened-sentence-plans/",
        "commitment with several passages in official words": "/commitments/parole-board-ipp-guidance/",
        "theme list": "/themes/",
        "theme": "/themes/electronic-monitoring/",
        "question list": "/questions/",
        "question": f"/questions/{question.pk}/",
        "recommendation list": "/recommendations/",
        "recommendation list, filtered": "/recommendations/?verdict=rejected&sort=-report_on",
        "recommendation": "/recommendations/jsc-2022-rec8-licence-qualifying-period/",
        "recommendation with words cut short": "/recommendations/jsc-2022-rec18-resentence-all/",
        "the numbers": "/numbers/",
        "deadlines": "/deadlines/",
        "commitment with dates, numbers, a GOV.UK publication": "/commitments/ipp-annual-report-duty/",
        "hostile question": f"/questions/{hostile.pk}/",
        "figure table": "/figures/hl7122-progression-panels-by-region/",
        "about": "/about/",
        "what is an IPP sentence": "/what-is-an-ipp-sentence/",
        "search results": "/search/?q=panels",
        "search results, one kind paged": "/search/?q=ipp&kind=answers",
        "search results of every kind": "/search/?q=licences",
        "search results, Hansard contributions": "/search/?q=licences&kind=contributions",
        "search results, GOV.UK publications": "/search/?q=fictional&kind=publications",
        "search, nothing found": "/search/?q=zzzzqqq",
        "suggest a correction": "/commitments/em-gps-domestic-abuse/correction/",
        "correction sent": "/commitments/em-gps-domestic-abuse/correction/sent/",
        "open data and API": "/api/",
        "not found": "/no-such-page/",
        "invalid filter": "/commitments/?status=abandoned",
        "subscribe": "/subscribe/",
        "subscribe, check your email": "/subscribe/check-your-email/",
        "subscriber preferences": reverse("commitments:subscriber_preferences", args=[preferences]),
        "unsubscribe": reverse("commitments:unsubscribe", args=[unsubscribe]),
        "tampered link": "/subscribe/confirm/not-a-signed-link/",
        "what can I do": "/what-can-i-do/",
        "glossary": "/glossary/",
        "how we decide a status": "/how-we-decide/",
        "what's new": "/whats-new/",
        "what's new, a year, with passed dates": "/whats-new/?days=365",
        "follow a commitment": "/subscribe/?commitment=em-gps-domestic-abuse",
        "follow a theme": "/subscribe/?theme=electronic-monitoring",
        "confirm a subscription, naming what it follows": reverse(
            "commitments:subscribe_confirm", args=[sign_token(pending, CONFIRM)]
        ),
    }
    return live_server.url, pages


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run beside
    # one unless told the test knows what it is doing.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield chromium
            chromium.close()
        finally:
            # While that loop runs, asgiref gives the ORM a second set of connections (Django's are
            # thread-critical: a thread with a running loop gets its own). A test's ORM calls after
            # the browser started used those: close them, or one stays open and the test database
            # cannot be dropped at the end of the run.
            connections.close_all()


def _open(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    response = page.goto(url)
    return context, page, response, problems


# Text squeezed into a narrow box: an element narrower than 12 characters ("0" in its own font,
# the CSS `ch`) whose own text runs onto more than one line. Lines are told apart by the tops of the
# text's line boxes (Range.getClientRects); an inline element spans several when it wraps. SVG text
# never wraps and visually hidden text (1 px boxes) is not seen; half a pixel absorbs rounding.
NARROW_WRAPPED_TEXT = """() => {
  const measure = document.createElement("canvas").getContext("2d");
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
  for (let el = walker.currentNode; el; el = walker.nextNode()) {
    if (el instanceof SVGElement) continue;
    const texts = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!texts.length) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    const style = getComputedStyle(el);
    measure.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    if (box.width + 0.5 >= 12 * measure.measureText("0").width) continue;
    const range = document.createRange();
    const lines = [];
    for (const text of texts) {
      range.selectNodeContents(text);
      for (const rect of range.getClientRects()) {
        if (rect.width > 0 && !lines.some((top) => Math.abs(top - rect.top) < rect.height / 2)) {
          lines.push(rect.top);
        }
      }
    }
    if (lines.length > 1) {
      found.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}" ` +
                 `(${Math.round(box.width)}px wide, ${lines.length} lines)`);
    }
  }
  return found;
}"""


def _axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        f"{[node['target'] for node in violation['nodes']][:3]}"
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


@pytest.mark.parametrize("width_name", WIDTHS)  # one test per width, so two workers share the ~100 s
def test_every_page_type_at_phone_and_desktop_width_is_accessible_and_error_free(site, browser, width_name):
    base, pages = site
    failures = []
    width = WIDTHS[width_name]
    for name, path in pages.items():
        context, page, response, problems = _open(browser, base + path, width)
        expected = {"not found": 404, "invalid filter": 400, "tampered link": 400}.get(name, 200)
        if response.status != expected:
            failures.append(f"{name} at {width_name}: HTTP {response.status}")
        if expected != 200:  # the browser logs the status itself as a console error
            problems = [p for p in problems if "status of 40" not in p]
        failures += [f"{name} at {width_name}: console: {p}" for p in problems]
        failures += [f"{name} at {width_name}: axe: {v}" for v in _axe_violations(page)]
        failures += [f"{name} at {width_name}: squeezed: {t}" for t in page.evaluate(NARROW_WRAPPED_TEXT)]
        if page.locator("h1").count() != 1:
            failures.append(f"{name} at {width_name}: {page.locator('h1').count()} h1 elements")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            failures.append(f"{name} at {width_name}: the page is {overflow}px wider than the screen")
        context.close()
    assert failures == []


def test_a_commitment_page_shows_promise_status_line_and_evidence_in_that_order(site, browser):
    base, pages = site
    for width in WIDTHS.values():
        context, page, _, problems = _open(
            browser, base + pages["commitment whose quote introduces a table"], width
        )
        parts = [
            "#promise-heading",
            ".summary-heading",
            ".status-line",
            "#evidence-heading",
            ".timeline > li",
        ]
        tops = [page.locator(part).first.bounding_box()["y"] for part in parts]
        assert tops == sorted(tops) and len(set(tops)) == len(tops), (width, tops)
        assert page.locator(".status-line").inner_text().startswith("In progress since 8 March 2022.")
        newest = page.locator(".timeline > li").first
        assert "The following table shows" in newest.inner_text()
        assert newest.locator("table caption").inner_text().startswith("The number of progression panels")
        assert newest.locator("table tbody tr").count() == 15
        assert problems == []
        context.close()


SVG_TEXT = """() => [...document.querySelectorAll('.chart svg')].flatMap(svg => {
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map(text => {
        const own = text.getBoundingClientRect();
        return {
            text: text.textContent,
            px: parseFloat(getComputedStyle(text).fontSize) * scale,
            inside: own.left >= box.left - 1 && own.right <= box.right + 1,
        };
    });
})"""


def test_figures_are_legible_on_a_phone_and_a_desk(site, browser):
    """Chart text renders at 11 px or more (its font size times the SVG's scale) and inside the
    chart, at both widths; the answer shows its table as a table, headed and captioned. Both pages
    have no axe violation of any impact (the Nu checker runs on them with every page type)."""
    base, pages = site
    for width_name, width in WIDTHS.items():
        context, page, _, problems = _open(browser, base + pages["figure table"], width)
        texts = page.evaluate(SVG_TEXT)
        assert len(texts) > 5 * 15, width_name  # five charts of 14 bars, with their axes
        small = [t for t in texts if t["px"] < 11]
        assert small == [], (width_name, small[:3])
        assert max(t["px"] for t in texts) <= 22, width_name  # legible, not shouting, on a desk
        assert [t["text"] for t in texts if not t["inside"]] == [], width_name
        assert _axe_violations(page, EVERY_IMPACT) == [], width_name
        context.close()

        context, page, _, problems = _open(browser, base + pages["question"], width)
        table = page.locator(".answer table")
        assert table.count() == 1 and "progression panels" in table.locator("caption").inner_text()
        assert table.locator('th[scope="row"]', has_text="East of England").is_visible()
        assert "| 224 |" not in page.locator(".answer").inner_text()
        assert _axe_violations(page, EVERY_IMPACT) == [], width_name
        assert problems == []
        context.close()


def test_the_numbers_charts_are_legible_on_a_phone_and_a_desk(site, browser):
    """The series charts as the figure-table charts are held: text at 11 px or more and inside each
    chart at both widths, no axe violation of any impact, nothing wider than the screen."""
    base, pages = site
    for width_name, width in WIDTHS.items():
        context, page, _, problems = _open(browser, base + pages["the numbers"], width)
        texts = page.evaluate(SVG_TEXT)
        assert len(texts) > 6 * 8, width_name  # six charts, each with its bars, ticks and axes
        small = [t for t in texts if t["px"] < 11]
        assert small == [], (width_name, small[:3])
        assert [t["text"] for t in texts if not t["inside"]] == [], width_name
        assert _axe_violations(page, EVERY_IMPACT) == [], width_name
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, width_name
        assert problems == []
        context.close()


LISTS = {
    "commitment list": "/commitments/",
    "recommendation list": "/recommendations/",
    "question list": "/questions/",
    "theme list": "/themes/",
    "theme": "/themes/electronic-monitoring/",
}


def test_lists_read_as_labelled_blocks_on_a_phone_and_as_tables_on_a_desk(site, browser):
    base, _ = site
    failures = []
    for name, path in LISTS.items():
        heights = {}
        for width_name, width in WIDTHS.items():
            context, page, _, _ = _open(browser, base + path, width)
            heights[width_name] = page.evaluate("document.documentElement.scrollHeight")
            rows = page.locator(".data-table tbody tr")
            if rows.count():
                row = rows.first
                display = row.evaluate("row => getComputedStyle(row).display")
                expected = {"phone": "block", "desktop": "table-row"}[width_name]
                if display != expected:
                    failures.append(f"{name} at {width_name}: a row is displayed as {display}")
                if width_name == "phone":
                    labels = row.evaluate(
                        "row => [...row.cells].slice(1).map(c => getComputedStyle(c, '::before').content)"
                    )
                    if any(label in ("none", "normal", '""') for label in labels):
                        failures.append(f"{name} at phone: a cell has no visible label: {labels}")
                # Nothing is cut: no table scrolls sideways inside its box.
                cut = page.evaluate(
                    "[...document.querySelectorAll('.table-container, .table-scroll')]"
                    ".filter(box => box.scrollWidth > box.clientWidth + 1).length"
                )
                if cut:
                    failures.append(f"{name} at {width_name}: {cut} table(s) cut at the side")
            context.close()
        if heights["phone"] > 3 * heights["desktop"]:
            failures.append(f"{name}: {heights['phone']}px tall on a phone, {heights['desktop']}px on a desk")
    assert failures == []


def test_hostile_answer_html_never_runs(site, browser):
    base, pages = site
    context, page, _, problems = _open(browser, base + pages["hostile question"], WIDTHS["desktop"])
    page.locator("a", has_text="link").click()
    assert page.evaluate("window.__xss") is None
    assert "Figures follow." in page.locator(".answer").inner_text()
    assert problems == []
    context.close()


def test_filters_sort_and_links_work_without_javascript(site, browser):
    base, _ = site
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": WIDTHS["phone"], "height": 900}
    )
    page = context.new_page()
    page.goto(base + "/commitments/")
    page.get_by_label("Theme").select_option("electronic-monitoring")
    page.get_by_label("Status").select_option("delivered")
    page.get_by_role("button", name="Apply filters").click()
    assert "theme=electronic-monitoring" in page.url and "status=delivered" in page.url
    # The URL changes when the navigation commits, before the new page is parsed; a locator waits for it.
    assert "1 commitment found." in page.locator(".result-count").inner_text()
    page.goto(base + "/commitments/?theme=electronic-monitoring")
    page.get_by_role("link", name="Owner (sort ascending)").click()
    assert "sort=owner" in page.url and "theme=electronic-monitoring" in page.url
    assert page.locator('th[aria-sort="ascending"]').inner_text().startswith("Owner")
    page.get_by_role("link", name="Owner (sort descending)").click()
    assert "sort=-owner" in page.url
    assert page.locator('th[aria-sort="descending"]').inner_text().startswith("Owner")
    page.get_by_role("link", name="GPS tagging project for high-risk domestic abuse perpetrators").click()
    assert page.locator("h1").inner_text() == "GPS tagging project for high-risk domestic abuse perpetrators"
    page.get_by_role("link", name="Read the answer").first.click()
    assert "HL7122" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Skip to main content").focus()
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    context.close()


def test_staff_log_in_through_the_two_factor_page_in_a_browser(live_server, browser, settings):
    settings.ADMIN_REQUIRE_2FA = True
    user = UserFactory(username="ed", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    context, page, _, problems = _open(browser, live_server.url + reverse("admin:login"), WIDTHS["phone"])
    assert _axe_violations(page) == []
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_label("Code from your authenticator app").fill(
        "000000" if TOTP(device.bin_key).token() != "000000" else "111111"
    )
    page.get_by_role("button", name="Log in").click()
    assert "correct username, password and code" in page.locator(".errornote").inner_text()
    time.sleep(1.1)  # django-otp throttles a device for a second after a wrong code
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_label("Code from your authenticator app").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Log in").click()
    assert page.locator("h1").inner_text() == "Commitments, evidence and history"
    assert problems == []
    context.close()


def test_every_page_type_is_valid_html(site, tmp_path):
    base, pages = site
    files = []
    for index, path in enumerate(pages.values()):
        html = httpx.get(base + path).text
        target = tmp_path / f"page-{index}.html"
        target.write_text(html, encoding="utf-8")
        files.append(str(target))
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(checked.stderr or '{"messages": []}')["messages"]
    errors = [f"{Path(m['url']).name}: {m['message']}" for m in messages if m.get("type") == "error"]
    assert errors == []
    assert checked.returncode == 0


@pytest.fixture
def admin_site(site, settings):
    """The demo data plus a suggestion and a rejected pair, so each editors' page shows every kind of
    row; a hostile excerpt shows the admin keeps it inert too."""
    settings.ADMIN_REQUIRE_2FA = False
    base, _ = site
    commitment = Commitment.objects.get(slug="em-gps-domestic-abuse")
    question = WrittenQuestion.objects.get(uin="HL7132")
    EvidenceFactory(
        commitment=commitment,
        question=question,
        excerpt=HOSTILE,
        score=0.71,
        reasons=["shares “electronic monitoring”"],
        matched_terms=["electronic monitoring"],
        suggested_status="in_progress",
        status_cue="is being rolled out",
    )
    EvidenceFactory(
        commitment=Commitment.objects.get(slug="em-183m-expansion"),
        question=question,
        state=Evidence.State.REJECTED,
    )
    EditorFactory(username="ed")
    pages = {
        "admin index": reverse("admin:index"),
        "commitment list": reverse("admin:commitments_commitment_changelist"),
        "commitment change page": reverse("admin:commitments_commitment_change", args=[commitment.pk]),
        "evidence list": reverse("admin:commitments_evidence_changelist"),
        "review queue": reverse("admin:commitments_evidencesuggestion_changelist"),
        "indicator points": reverse("admin:commitments_indicatorpoint_changelist"),
        "add an indicator point": reverse("admin:commitments_indicatorpoint_add"),
        "deadlines": reverse("admin:commitments_deadline_changelist"),
    }
    return base, pages


def test_the_editors_admin_pages_are_accessible_and_fit_1280_px(admin_site, browser):
    base, pages = admin_site
    failures = []
    for width_name, width in WIDTHS.items():
        context, page, _, problems = _open(browser, base + reverse("admin:login"), width)
        page.get_by_label("Username").fill("ed")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        for name, path in pages.items():
            response = page.goto(base + path)
            if response.status != 200:
                failures.append(f"{name} at {width_name}: HTTP {response.status}")
            failures += [f"{name} at {width_name}: axe: {v}" for v in _axe_violations(page)]
            if page.evaluate("document.documentElement.scrollWidth") > width:
                failures.append(f"{name} at {width_name}: the page scrolls sideways")
            # At desktop width no table hides columns in a box of its own that scrolls sideways (the
            # review queue's seven columns still may: the triage screen is meant to replace it).
            hidden = name != "review queue" and page.evaluate(
                "[...document.querySelectorAll('.results, .inline-group .tabular')]"
                ".filter(e => e.scrollWidth > e.clientWidth + 1).length"
            )
            if width_name == "desktop" and hidden:
                failures.append(f"{name} at {width_name}: a table scrolls sideways inside the page")
        assert page.evaluate("window.__xss") is None
        failures += [f"{width_name}: console: {p}" for p in problems]
        context.close()
    assert failures == []


def _log_in(browser, base: str, username: str, *, javascript: bool = True, width: int = WIDTHS["desktop"]):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base + reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    return context, page


def _unfold(page) -> None:
    """Open the triage screen's folded weak matches, as an editor would to decide on one."""
    for summary in page.locator(".triage-weak > summary").all():
        summary.click()


def test_editors_triage_answers_in_a_browser_without_javascript(live_server, browser):
    """Confirm with a chosen sentence, reject, finish, mark not evidence; a second editor's page,
    opened before, cannot undo any of it silently. Plain forms only: JavaScript is off."""
    load_shipped_data()
    EditorFactory(username="ed"), EditorFactory(username="kim")
    base, screen = live_server.url, reverse("admin:commitments_answertotriage_changelist")
    newest = WrittenQuestion.objects.awaiting_triage().first()
    assert newest.uin == "24924" and not newest.evidence.exists()
    health = Commitment.objects.get(slug="cross-government-health-support")
    chosen = sentences(newest.answer_text)[1]
    other = WrittenQuestion.objects.get(uin="HL3587")

    ed_context, ed = _log_in(browser, base, "ed", javascript=False)
    kim_context, kim = _log_in(browser, base, "kim", javascript=False)
    ed.goto(base + screen)
    kim.goto(base + screen)  # Kim's forms are made now, before Ed decides anything
    _unfold(ed), _unfold(kim)

    answer = ed.locator(f"#answer-{newest.pk}")
    first = answer.locator(f"#candidate-{newest.pk}-{health.pk}")
    first.locator("summary").click()
    first.get_by_label(newest.answer_text[chosen[0] : chosen[1]]).check()
    first.locator(f"#s-{newest.pk}-{health.pk}-0").uncheck()
    first.get_by_role("button", name=f"Confirm {health.title}").click()
    assert f"{health.title}: confirmed." in ed.locator(f"#answer-{newest.pk} .triage-note").inner_text()
    assert "Confirmed by ed" in ed.locator(f"#candidate-{newest.pk}-{health.pk}").inner_text()
    confirmed = Evidence.objects.get(question=newest, commitment=health)
    assert confirmed.excerpt == newest.answer_text[chosen[0] : chosen[1]]

    # A confirmation feeds the matcher, so the rest of the ranking may move: reject a candidate
    # that both pages show.
    offered = [
        item.get_attribute("id") for item in kim.locator(f"#answer-{newest.pk} .triage-candidate").all()
    ]
    candidate_id = next(
        name
        for name in offered
        if name != f"candidate-{newest.pk}-{health.pk}" and ed.locator(f"#{name} button").count()
    )
    rejected = Commitment.objects.get(pk=candidate_id.rsplit("-", 1)[1])
    _unfold(ed)
    ed.locator(f"#{candidate_id}").get_by_role("button", name=f"Reject {rejected.title}").focus()
    with ed.expect_navigation():
        ed.keyboard.press("Enter")  # the keyboard works as well as the mouse
    assert "Rejected by ed" in ed.locator(f"#{candidate_id}").text_content()  # among the folded weak

    # Kim's page still offers the candidates Ed decided: her stale forms change nothing.
    kim.locator(f"#{candidate_id}").get_by_role("button", name=f"Confirm {rejected.title}").click()
    note = kim.locator(f"#answer-{newest.pk} .triage-note").inner_text()
    assert "now rejected by ed" in note and "Nothing was changed" in note
    assert Evidence.objects.get(question=newest, commitment=rejected).state == Evidence.State.REJECTED

    kim.go_back()  # the page as Kim first had it, with a form made before Ed finished
    ed.locator(f"#answer-{newest.pk}").get_by_role("button", name="Done: its confirmed links are all").click()
    assert "is triaged: done. It has left the queue." in ed.locator(".messagelist").inner_text()
    assert ed.locator(f"#answer-{newest.pk}").count() == 0

    kim.locator(f"#answer-{newest.pk}").get_by_role("button", name="Not evidence for any commitment").click()
    assert "was triaged by ed" in kim.locator(".messagelist").inner_text()
    newest.refresh_from_db()
    assert (newest.triaged_by.username, newest.not_evidence) == ("ed", False)
    assert Evidence.objects.get(question=newest, commitment=health).state == Evidence.State.CONFIRMED

    ed.goto(base + screen + f"?answer={other.pk}")  # one answer at a time: this one, by its address
    ed.locator(f"#answer-{other.pk}").get_by_role("button", name="Not evidence for any commitment").click()
    assert (
        "not evidence for any commitment. It has left the queue." in ed.locator(".messagelist").inner_text()
    )
    assert ed.locator(f"#answer-{other.pk}").count() == 0
    assert list(WrittenQuestion.objects.filter(not_evidence=True)) == [other]
    ed_context.close()
    kim_context.close()


def test_the_triage_screen_is_accessible_valid_and_fits_phone_and_desktop(live_server, browser, tmp_path):
    """The answers' queue, and the Hansard tab with a contribution and its research suggestion."""
    load_shipped_data()
    EditorFactory(username="ed")
    said = HansardContributionFactory(is_about_ipp=True, debate_ext_id="ABC-123")
    termination = Commitment.objects.get(slug="vpa-automatic-licence-termination")
    EvidenceFactory(contribution=said, question=None, commitment=termination)
    screen = reverse("admin:commitments_answertotriage_changelist")
    for width_name, width in WIDTHS.items():
        context, page = _log_in(browser, live_server.url, "ed", width=width)
        problems: list[str] = []
        page.on(
            "console", lambda message, seen=problems: message.type == "error" and seen.append(message.text)
        )
        for kind in ("question", "contribution"):
            page.goto(live_server.url + screen + f"?kind={kind}")
            assert page.locator("h1").inner_text() == "Sources to triage"
            page.locator("details summary").first.click()  # the sentence checkboxes are checked too
            (tmp_path / f"triage-{kind}-{width_name}.html").write_text(page.content(), encoding="utf-8")
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            assert [f"{v['id']} ({v['impact']}) at {width_name}" for v in result["violations"]] == []
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, width_name
        assert "Contribution 1 of 1" in page.locator(".triage-place").inner_text()
        assert problems == []
        context.close()
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *map(str, tmp_path.glob("triage-*.html"))],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert (checked.returncode, checked.stderr) == (0, ""), checked.stderr[:3000]


def test_an_editor_recording_a_status_on_an_old_answer_is_warned_in_the_admin(admin_site, browser):
    """The integrity checks reach the editor where the change is made: as a warning after saving,
    and in the record checks above the status fields."""
    base, _ = admin_site
    commitment = Commitment.objects.get(slug="em-eligibility-ipp-releases")
    context, page = _log_in(browser, base, "ed")
    page.goto(base + reverse("admin:commitments_commitment_change", args=[commitment.pk]))
    assert "No warnings" in page.locator(".field-record_checks").inner_text()
    page.locator("#id_new_status").select_option("delivered")
    page.locator("#id_status_reason").fill("Rolled out everywhere.")
    page.locator("#id_status_effective_on").fill("2026-12-07")
    page.locator(".field-status_question .select2-selection").click()  # the searchable picker
    page.locator(".select2-search__field").fill("HL7122")
    page.locator(".select2-results__option", has_text="HL7122").click()
    page.get_by_role("button", name="Save and continue editing").click()
    warning = page.locator(".messagelist .warning").first.inner_text()
    assert "rests on an answer given 27 April 2022, more than twelve months earlier" in warning
    assert "more than twelve months earlier" in page.locator(".field-record_checks").inner_text()
    assert Commitment.objects.get(pk=commitment.pk).status == "delivered"  # warned, not refused
    context.close()


def test_a_family_on_a_phone_finds_help_the_words_and_follows_a_commitment_in_one_short_form(site, browser):
    """Issue #33's tasks at 390 px, tap by tap: home → "What can I do?" in one tap; the glossary from
    a page that uses a term; following a commitment in one short form; the confirmation email and
    page name it; the first alert holds only what happened after confirming."""
    from django.core import mail
    from django.utils import timezone

    from commitments import digests
    from commitments.editorial import record_status_change
    from commitments.models import DigestPeriod

    base, _ = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()

    page.goto(base + "/")
    page.get_by_role("link", name="What can I do?").first.click()  # one tap
    assert page.url == base + "/what-can-i-do/"
    assert page.locator("h1").inner_text() == "What can I do?"
    assert page.locator('a[href^="tel:"]').count() >= 2

    page.goto(base + "/what-is-an-ipp-sentence/")
    term = page.locator("a.glossary-term", has_text="Parole Board").first
    term.click()
    assert page.url == base + "/glossary/#parole-board"
    assert page.locator("#parole-board").is_visible()

    followed = Commitment.objects.get(slug="em-gps-domestic-abuse")
    mail.outbox = []
    page.goto(base + f"/commitments/{followed.slug}/")
    page.get_by_role("link", name="Follow this commitment").click()
    assert page.locator("h1").inner_text() == f"Follow “{followed.title}”"
    assert page.evaluate("document.documentElement.scrollHeight") < 2000  # was 4,720 px
    page.get_by_label("Email address").fill("family@example.org")
    page.get_by_role("button", name="Follow").first.click()
    assert "check-your-email" in page.url
    (confirmation,) = mail.outbox
    assert f"- “{followed.title}”" in confirmation.body

    before = record_status_change(
        followed, to="in_progress", reason="Recorded before confirming.", effective_on=date(2025, 1, 1)
    )
    DigestPeriod.objects.create(
        frequency="as_it_happens",
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    confirm = re.search(r"https?://\S+/subscribe/confirm/\S+/", confirmation.body).group(0)
    page.goto(base + urlparse(confirm).path)
    assert followed.title in page.locator("main").inner_text()
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("h1").inner_text() == "Subscription confirmed"
    assert followed.title in page.locator("main").inner_text()
    after = record_status_change(
        followed, to="delivered", reason="Recorded after confirming.", effective_on=date(2025, 6, 1)
    )

    mail.outbox = []
    digests.send_digests(frequency="as_it_happens", now=timezone.now() + timedelta(minutes=7))
    (alert,) = [message for message in mail.outbox if message.to == ["family@example.org"]]
    assert f"#change-{after.pk}" in alert.body and f"#change-{before.pk}" not in alert.body
    context.close()
