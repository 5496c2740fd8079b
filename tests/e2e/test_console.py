"""The white-cell console in a real browser, against the mistakes a facilitator makes: an inject
sent to the last one's teams as the last one's sender, a clock button pressed in the wrong
state, a skip clicked by accident, and a half-typed edit lost when traffic arrives."""

import json

import pytest

from tests.e2e.test_seats import off_the_browser_thread, open_console
from tests.e2e.test_session import wait_until
from wargame.game import actions
from wargame.game.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


def logged(exercise, kind):
    return off_the_browser_thread(
        lambda: list(Event.objects.filter(exercise=exercise, type=kind).order_by("seq"))
    )


def wait_for_text(page, selector, text):
    wait_until(
        page, f"document.querySelector({json.dumps(selector)})?.textContent === {json.dumps(text)}"
    )


def test_the_inject_composer_says_who_gets_it_and_starts_afresh_after_sending(
    exercise, fiona, live_server_url, browser
):
    page = open_console(browser, live_server_url, exercise, fiona.user)
    form, preview, sent = "[data-inject-form]", "[data-inject-preview]", "[data-inject-sent]"
    assert page.inner_text(preview) == "To all teams as White cell, by news"
    page.check(f"{form} input[name=to][value=JPN]")
    assert not page.is_checked(f"{form} input[name=to][value=all]")  # one or the other
    page.check(f"{form} input[name=to][value=USA]")
    page.fill("#inj-from", "Cabinet Secretariat")
    page.select_option("#inj-method", "phone")
    want = "United States and Japan as Cabinet Secretariat, by phone call"
    assert page.inner_text(preview) == f"To {want}"
    page.fill("#inj-title", "Call from Tokyo")
    page.fill("#inj-body", "The Prime Minister asks for a call.")
    page.click(f"{form} button[type=submit]")
    wait_for_text(page, sent, f"Sent to {want}")

    # The whole form starts afresh: the next inject does not go to Japan and the US as the
    # Cabinet Secretariat by phone.
    assert page.is_checked(f"{form} input[name=to][value=all]")
    assert not page.is_checked(f"{form} input[name=to][value=JPN]")
    assert not page.is_checked(f"{form} input[name=to][value=USA]")
    assert page.input_value("#inj-from") == ""
    assert page.input_value("#inj-method") == "news"
    assert page.input_value("#inj-title") == page.input_value("#inj-body") == ""
    assert page.inner_text(preview) == "To all teams as White cell, by news"
    assert page.inner_text(sent) == f"Sent to {want}"  # it stays until the next edit or send
    page.fill("#inj-title", "Wire report")
    assert page.inner_text(sent) == ""
    page.fill("#inj-body", "Beijing restates its claim.")
    page.click(f"{form} button[type=submit]")
    wait_for_text(page, sent, "Sent to all teams as White cell, by news")

    first, second = logged(exercise, "inject.delivered")
    assert (first.audience, first.data["from"], first.data["method"]) == (
        ["USA", "JPN"],
        "Cabinet Secretariat",
        "phone",
    )
    assert (second.audience, second.data["from"], second.data["method"]) == (
        "all",
        "White cell",
        "news",
    )
    assert page.js_errors == []


def test_clock_buttons_follow_the_status_and_errors_are_in_words(
    exercise, fiona, live_server_url, browser
):
    page = open_console(browser, live_server_url, exercise, fiona.user)
    start, resume, pause = (
        "[data-clock-start]",
        "[data-clock-resume]",
        "[data-pause-form] button[type=submit]",
    )

    def allowed():
        return [page.is_enabled(b) for b in (start, resume, pause)]

    assert allowed() == [True, False, False]  # setup
    page.click(start)
    page.wait_for_selector(f"{start}:disabled")
    assert allowed() == [False, False, True]  # running
    page.fill("#pause-reason", "Plenary")
    page.click(pause)
    page.wait_for_selector(f"{resume}:enabled")
    assert allowed() == [False, True, False]  # paused
    off_the_browser_thread(lambda: actions.do_resume_clock(fiona))  # another facilitator
    page.wait_for_selector(f"{resume}:disabled")
    assert allowed() == [False, False, True]
    page.evaluate("window.wargameSocket.drop()")  # the welcome of a reconnect agrees
    wait_until(page, "window.wargameSocket.ws.readyState === WebSocket.OPEN")
    page.wait_for_selector("[data-conn][data-state=online]")
    assert allowed() == [False, False, True]

    # A view that is out of date (forced here): the refusal is a sentence for people.
    page.evaluate("document.querySelector('[data-clock-start]').disabled = false")
    page.click(start)
    page.wait_for_selector("[data-error] [data-error-text]")
    assert page.inner_text("[data-error] [data-error-text]") == (
        "Could not start the clock: the exercise is already running."
    )
    assert page.inner_text("[data-error] [data-error-code]").strip() == "(conflict)"
    assert "clock.start" not in page.inner_text("[data-error]")
    assert page.js_errors == []


def test_skip_asks_first_and_can_be_undone(exercise, fiona, live_server_url, browser):
    page = open_console(browser, live_server_url, exercise, fiona.user)
    row = page.locator("[data-msel] tr[data-inject=INJ-02]")
    row.locator("button[name=skip]").click()
    assert row.locator("[data-confirm=skip]").inner_text().startswith("Skip INJ-02?")
    row.locator("button[name=skip-no]").click()
    assert row.locator("[data-confirm=skip]").count() == 0
    assert row.get_attribute("data-state") == "scheduled"
    assert logged(exercise, "msel.skipped") == []

    row.locator("button[name=skip]").click()
    row.locator("button[name=skip-yes]").click()
    page.wait_for_selector("[data-msel] tr[data-inject=INJ-02][data-state=skipped]")
    assert row.locator("button[name=hold]").count() == 0
    row.locator("button[name=unskip]").click()
    page.wait_for_selector("[data-msel] tr[data-inject=INJ-02][data-state=scheduled]")
    assert row.locator("button[name=hold]").count() == 1  # a scheduled inject again
    assert [e.type for e in logged(exercise, "msel.unskipped")] == ["msel.unskipped"]
    page.wait_for_selector("[data-feed] .item:has-text('INJ-02 unskipped')")
    assert page.js_errors == []


def test_what_the_facilitator_is_typing_survives_traffic_and_reconnects(
    exercise, fiona, live_server_url, browser
):
    page = open_console(browser, live_server_url, exercise, fiona.user)
    row = page.locator("[data-msel] tr[data-inject=INJ-03]")
    row.locator("summary").click()
    row.locator("input[name=title]").fill("Destroyer shadowing, confirmed")
    row.locator("textarea[name=body]").fill("High confidence now")
    page.keyboard.press("ArrowLeft")  # the caret, not at the end

    def still_typed():
        assert row.locator("details").evaluate("d => d.open")
        assert row.locator("input[name=title]").input_value() == "Destroyer shadowing, confirmed"
        assert row.locator("textarea[name=body]").input_value() == "High confidence now"
        focused = page.evaluate(
            "[document.activeElement.name, document.activeElement.closest('tr')?.dataset.inject,"
            " document.activeElement.selectionStart]"
        )
        assert focused == ["body", "INJ-03", len("High confidence now") - 1]

    # The inject itself is held by another facilitator: its row is rebuilt.
    off_the_browser_thread(lambda: actions.do_hold_inject(fiona, "INJ-03"))
    page.wait_for_selector("[data-msel] tr[data-inject=INJ-03][data-state=held]")
    still_typed()
    off_the_browser_thread(lambda: actions.do_edit_inject(fiona, "INJ-02", {"title": "Elsewhere"}))
    page.wait_for_selector("[data-msel] tr[data-inject=INJ-02]:has-text('Elsewhere')")
    still_typed()

    # A delay half typed on one hotline, while another hotline and then this one are cut.
    delay = page.locator("[data-hotline-control=acm] input[name=minutes]")
    delay.fill("17")
    off_the_browser_thread(lambda: actions.do_cut_hotline(fiona, "jpn-chn"))
    page.wait_for_selector("[data-hotline-control=jpn-chn] [data-hotline-status]:has-text('down')")
    off_the_browser_thread(lambda: actions.do_cut_hotline(fiona, "acm"))
    page.wait_for_selector("[data-hotline-control=acm] [data-hotline-status]:has-text('down')")
    assert delay.input_value() == "17"
    assert page.evaluate("document.activeElement.closest('tr')?.dataset.hotlineControl") == "acm"

    # A reconnect rebuilds every row from the welcome: still there.
    page.evaluate("window.wargameSocket.drop()")
    wait_until(page, "window.wargameSocket.ws.readyState === WebSocket.OPEN")
    page.wait_for_selector("[data-conn][data-state=online]")
    assert delay.input_value() == "17"
    row.locator("textarea[name=body]").focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    still_typed()

    # Once saved, the row shows the server's text, and later edits by others show too.
    row.locator("button[type=submit]").click()
    page.wait_for_selector("[data-msel] tr[data-inject=INJ-03]:has-text('(edited)')")
    off_the_browser_thread(
        lambda: actions.do_edit_inject(fiona, "INJ-03", {"body": "Edited by a colleague"})
    )
    wait_until(
        page,
        "document.querySelector('[data-inject=INJ-03] textarea[name=body]').value"
        " === 'Edited by a colleague'",
    )
    assert row.locator("strong").inner_text() == "Destroyer shadowing, confirmed"
    delay.press("Enter")
    page.wait_for_selector("[data-hotline-control=acm] [data-hotline-status]:has-text('delay 17')")
    assert page.js_errors == []
