"""A whole seminar session in real browsers: a facilitator and three players on phones and
laptops, from creating the exercise to a dropped connection."""

import os
import time
from pathlib import Path

import pytest

SHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
XSS = "<script>window.pwned=1</script><b>bold</b>"

pytestmark = pytest.mark.django_db(transaction=True)


def new_page(browser, **options):
    page = browser.new_context(**options).new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A Content-Security-Policy violation is reported on the console, not thrown.
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and "Content Security Policy" in msg.text
            and errors.append(msg.text)
        ),
    )
    page.js_errors = errors
    page.set_default_timeout(15000)
    return page


def wait_until(page, expression, timeout=15.0):
    """Poll a JavaScript expression until it is truthy. Playwright's wait_for_function polls by
    evaluating a string in the page, which the Content-Security-Policy (no unsafe-eval) refuses;
    page.evaluate goes through the debugging protocol, which the policy does not govern."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def join(browser, url, name, **options):
    page = new_page(browser, **options)
    page.goto(url)
    page.fill("#id_name", name)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-conn][data-state=online]")
    return page


def feed_seqs(page, selector="[data-feed] [data-seq]"):
    return page.eval_on_selector_all(selector, "items => items.map(i => Number(i.dataset.seq))")


def test_a_full_session(fiona_user, live_server_url, browser):
    base = live_server_url
    console = new_page(browser, viewport={"width": 1400, "height": 1000})
    console.goto(f"{base}/control/")
    console.fill("#id_username", "fiona")
    console.fill("#id_password", "pw-fiona-1234")
    console.click("button[type=submit]")

    # The facilitator creates an exercise from a bundled scenario, in the browser.
    senkaku = console.locator("#id_scenario option", has_text="senkaku-gray-zone")
    console.select_option("#id_scenario", value=senkaku.get_attribute("value"))
    console.fill("#id_name", "Seminar A")
    console.click("text=Create exercise")
    console.wait_for_selector("[data-conn][data-state=online]")
    links = {
        code: console.get_attribute(f"[data-join-link={code}]", "href")
        for code in ("JPN", "USA", "CHN")
    }
    assert console.locator("img.qr").count() == 4

    # Players join in separate browsers: Japan on a phone, the US and China on laptops.
    japan = join(
        browser, links["JPN"], "Kenji", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    usa = join(browser, links["USA"], f"Alice {XSS}")
    china = join(browser, links["CHN"], "Wei")
    console.wait_for_selector("[data-team-row=JPN] [data-online]:has-text('Kenji')")

    # Start the clock fast: INJ-02 (to all, 20 game minutes in) fires within seconds.
    console.fill("#compression", "600")
    console.click("[data-compression-form] button")
    console.click("[data-clock-start]")
    for page in (japan, usa):
        page.wait_for_selector("[data-feed] .item.inject:has-text('Xinhua')", timeout=30000)
    console.wait_for_selector("[data-msel] [data-inject=INJ-02][data-state=released]")

    # Allies talk on their hotline; China sees none of it.
    usa.fill("#msg-acm", f"Can you share the JCG sitrep? {XSS}")
    usa.click("[data-hotline-form=acm] button")
    japan.wait_for_selector("[data-hotline=acm] .item:has-text('share the JCG sitrep')")
    badge = japan.locator("[data-hotline=acm] [data-unread]")
    assert badge.is_visible() and badge.inner_text() == "1"
    assert japan.locator("[data-hotline=jpn-chn] [data-unread]").is_hidden()
    japan.fill("#msg-acm", "Sending it now.")  # looking at the pane marks it read
    assert badge.is_hidden()
    japan.click("[data-hotline-form=acm] button")
    usa.wait_for_selector("[data-hotline=acm] .item:has-text('Sending it now')")

    # Player text shows as text, never as markup.
    usa.wait_for_selector(f"text={XSS}")
    for page in (usa, japan, console):
        assert page.evaluate("window.pwned") is None
        assert page.locator("[data-feed] b, [data-hotline-traffic] b, .messages b").count() == 0

    # A move is adjudicated and the outcome reaches the team.
    japan.select_option("#move-cat", "military")
    japan.fill("#move-text", "JCG escorts the fishing boats out of the territorial sea")
    japan.click("[data-move-form] button")
    queued = console.locator("[data-queue] .item:has-text('JCG escorts')")
    queued.wait_for()
    queued.locator("select[name=verdict]").select_option("modified")
    queued.locator("textarea[name=outcome]").fill("Escort succeeds; a CCG cutter shadows at 2 nm.")
    queued.locator("button").click()
    queued.wait_for(state="detached")  # gone from the queue
    assert console.locator("[data-queue-count]").is_hidden()
    japan.wait_for_selector("[data-moves] [data-status=modified]:has-text('shadows at 2 nm')")

    # A pause stops the clock on every screen.
    console.fill("#pause-reason", "Plenary discussion")
    console.check("[data-pause-form] [name=freeze_hotlines]")
    console.click("[data-pause-form] button")
    for page in (console, japan, usa, china):
        page.wait_for_selector("[data-clock][data-running=false]")
        page.wait_for_selector("[data-paused]:has-text('Plenary discussion')")
    assert usa.is_disabled("[data-hotline-form=acm] button")
    frozen_at = japan.inner_text("[data-clock]")
    japan.wait_for_timeout(1500)
    assert japan.inner_text("[data-clock]") == frozen_at
    console.click("[data-clock-resume]")
    usa.wait_for_selector("[data-clock][data-running=true]")

    # Japan's connection drops while traffic continues; after the reconnect the feed is whole.
    japan.fill("#msg-acm", "draft typed before the drop")
    japan.evaluate("window.wargameSocket.drop()")
    usa.fill("#msg-acm", "Sent while Japan was offline")
    usa.click("[data-hotline-form=acm] button")
    console.fill("#inj-title", "PRC MFA statement")
    console.fill("#inj-body", "Japan must withdraw its vessels.")
    console.fill("#inj-from", "PRC Ministry of Foreign Affairs")
    console.click("[data-inject-form] button")
    japan.wait_for_selector("[data-conn][data-state=online]")
    japan.wait_for_selector("[data-hotline=acm] .item:has-text('Sent while Japan was offline')")
    japan.wait_for_selector("[data-feed] .item:has-text('PRC MFA statement')")
    assert japan.input_value("#msg-acm") == "draft typed before the drop"
    for selector in ("[data-feed] [data-seq]", "[data-hotline=acm] [data-seq]"):
        seqs = feed_seqs(japan, selector)
        assert len(seqs) == len(set(seqs)), f"duplicates in {selector}: {seqs}"
    # Complete: a fresh load of Japan's room shows exactly what the resumed one shows.
    fresh = new_page(browser)
    fresh.context.add_cookies(japan.context.cookies())
    fresh.goto(japan.url)
    fresh.wait_for_selector("[data-feed] .item:has-text('PRC MFA statement')")
    assert sorted(feed_seqs(fresh)) == sorted(feed_seqs(japan))
    assert sorted(feed_seqs(fresh, "[data-hotline=acm] [data-seq]")) == sorted(
        feed_seqs(japan, "[data-hotline=acm] [data-seq]")
    )

    # China saw none of the allies' traffic.
    china.wait_for_selector("[data-feed] .item:has-text('PRC MFA statement')")
    assert china.locator("text=share the JCG sitrep").count() == 0
    assert china.locator("text=Sent while Japan was offline").count() == 0
    assert china.locator("text=JCG escorts").count() == 0

    if os.environ.get("WRITE_SCREENSHOTS"):  # `make screenshots`: the README's pictures
        SHOTS.mkdir(parents=True, exist_ok=True)
        console.screenshot(path=SHOTS / "console.png", full_page=True)
        usa.screenshot(path=SHOTS / "team-room.png", full_page=True)
        japan.screenshot(path=SHOTS / "team-room-phone.png", full_page=True)
    for page in (console, japan, usa, china, fresh):
        assert page.js_errors == [], page.js_errors
