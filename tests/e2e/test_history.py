"""A long exercise in a real browser: the pages open with the newest items of each pane, load
older ones as the reader scrolls back, and keep taking live events. The log is written before
the browser starts (Playwright's loop then runs in this thread), and live traffic comes from
the browsers, through the server's own channel layer."""

import pytest

from tests.e2e.test_session import feed_seqs, new_page, wait_until
from tests.live.helpers import player_cookie, user_cookie
from wargame.game import actions

pytestmark = pytest.mark.django_db(transaction=True)


def seqs(page, selector):
    found = feed_seqs(page, f"{selector} [data-seq]")
    assert len(found) == len(set(found)), f"duplicates in {selector}"
    return found


def scroll_to_oldest(page, selector, newest_first=True):
    page.eval_on_selector(
        selector, f"l => {{ l.scrollTop = {'l.scrollHeight' if newest_first else '0'}; }}"
    )


@pytest.fixture
def long_exercise(exercise, alice, bob, fiona):
    for i in range(60):
        actions.do_send_inject(fiona, "all", f"Inject {i}", "Body")
    for i in range(120):
        actions.do_send_hotline_message(alice if i % 2 else bob, "acm", f"Message {i}")
    return {"bob": player_cookie(bob), "fiona": user_cookie(fiona.user)}


def test_older_items_load_as_the_reader_scrolls_back(
    long_exercise, exercise, live_server_url, browser
):
    base = live_server_url
    room = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    cookie = long_exercise["bob"]
    room.context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    room.goto(f"{base}/play/{exercise.pk}/")
    room.wait_for_selector("[data-conn][data-state=online]")
    acm = "[data-hotline=acm] [data-messages]"
    room.wait_for_selector(f"{acm} .item:has-text('Message 119')")
    assert len(seqs(room, acm)) == 50
    assert room.locator("[data-hotline=acm] [data-unread]").inner_text() == "25+"  # Alice's
    # The chat pane opens at its newest message; scrolled to the top it loads the ones before.
    scroll_to_oldest(room, acm, newest_first=False)
    wait_until(room, f"document.querySelectorAll('{acm} [data-seq]').length === 100")
    scroll_to_oldest(room, acm, newest_first=False)
    room.wait_for_selector(f"{acm} .item:has-text('Message 0')")
    assert len(seqs(room, acm)) == 120
    assert room.locator(f"{acm} [data-older]").is_hidden()  # nothing older
    listed = seqs(room, acm)
    assert listed == sorted(listed)  # oldest at the top, in order
    # The feed (newest first) loads older items with its button too. The click is dispatched
    # without scrolling: scrolled into view, the button loads by itself and hides once nothing
    # older is left, and a click that scrolls first would then wait for it forever.
    feed = "[data-feed]"
    assert len(seqs(room, feed)) == 50
    room.locator(f"{feed} [data-older]").dispatch_event("click")
    room.wait_for_selector(f"{feed} .item:has-text('Inject 0')")
    assert len(seqs(room, feed)) == 60 + 2  # the injects, exercise.created, Bob joined
    # Live traffic still arrives, once, at the newest end.
    room.fill("#msg-acm", "Live after paging")
    room.click("[data-hotline-form=acm] button")
    room.wait_for_selector(f"{acm} li:last-child:has-text('Live after paging')")
    assert len(seqs(room, acm)) == 121

    console = new_page(browser, viewport={"width": 1400, "height": 1000})
    cookie = long_exercise["fiona"]
    console.context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    console.goto(f"{base}/control/exercises/{exercise.pk}/")
    console.wait_for_selector("[data-feed] .item:has-text('Live after paging')")
    assert len(seqs(console, "[data-feed]")) == 50
    assert len(seqs(console, "[data-hotline-traffic='']")) == 50
    # Filtering the traffic by hotline lists that hotline's own messages, from the server.
    console.select_option("[data-hotline-filter]", "jpn-chn")
    room.fill("#msg-jpn-chn", "Only on jpn-chn")
    room.click("[data-hotline-form=jpn-chn] button")
    console.wait_for_selector("[data-hotline-traffic=jpn-chn] .item:has-text('Only on jpn-chn')")
    assert console.locator("[data-hotline-traffic='']").is_hidden()
    console.select_option("[data-hotline-filter]", "")
    assert console.locator("[data-hotline-traffic='']").is_visible()
    # One leak form for the console, under the message being leaked.
    console.locator("[data-hotline-traffic=''] [data-leak]").first.click()
    assert console.locator("form.leak").count() == 1
    console.locator("[data-hotline-traffic=''] [data-leak]").nth(1).click()
    assert console.locator("form.leak").count() == 1
    for page in (room, console):
        assert page.js_errors == [], page.js_errors
