"""Seats in a real browser: the QR codes a facilitator puts on the big screen render, an
observer reads a console without any command control, and a facilitator whose seat is
withdrawn while the console is open is told so, without reconnecting in a loop."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from tests.e2e.test_session import new_page, wait_until
from tests.live.helpers import user_cookie
from wargame.game import actions

pytestmark = pytest.mark.django_db(transaction=True)


def off_the_browser_thread(work):
    """The ORM from a test whose thread runs Playwright's event loop: in a thread of its own,
    whose database connection is closed when it ends (on PostgreSQL it goes back to the pool;
    left open, each call would keep one pooled connection until the pool ran out)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as exc:  # noqa: BLE001 - re-raised below, in the test
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def open_console(browser, base, exercise, user):
    cookie = off_the_browser_thread(lambda: user_cookie(user))
    page = new_page(browser, viewport={"width": 1400, "height": 1000})
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page.sockets = sockets
    page.goto(f"{base}/control/exercises/{exercise.pk}/")
    page.wait_for_selector("[data-conn][data-state=online]")
    return page


def test_join_qr_codes_render_as_images(exercise, fiona_user, live_server_url, browser):
    console = open_console(browser, live_server_url, exercise, fiona_user)
    console.click("[data-team-row=JPN] summary")
    qr = console.locator("[data-team-row=JPN] img.qr")
    qr.wait_for()
    wait_until(console, "document.querySelector('[data-team-row=JPN] img.qr').complete")
    natural = qr.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    box = qr.bounding_box()
    assert natural[0] >= 100 and natural[0] == natural[1], natural
    assert box["width"] >= 100 and box["height"] >= 100, box
    assert console.js_errors == []


def test_an_observer_reads_everything_and_is_offered_no_command(
    exercise, oscar, alice, live_server_url, browser
):
    off_the_browser_thread(lambda: actions.do_send_hotline_message(alice, "acm", "Allies only"))
    page = open_console(browser, live_server_url, exercise, oscar.user)
    page.wait_for_selector("[data-feed] .item:has-text('Allies only')")
    page.wait_for_selector("[data-msel] tr[data-inject]")
    assert page.locator("[data-read-only-note]").is_visible()
    assert page.locator("[data-msel] button").count() == 0
    assert page.locator("[data-leak]").count() == 0
    assert page.locator("[data-hotline-controls] button").count() == 0
    assert page.locator("form").count() == 1  # only "Log out"
    assert "Observer" in page.locator(".topbar .who").inner_text()
    assert page.js_errors == []


def test_a_withdrawn_seat_ends_in_a_clear_state_not_a_reconnect_loop(
    exercise, fiona, live_server_url, browser
):
    page = open_console(browser, live_server_url, exercise, fiona.user)
    off_the_browser_thread(
        lambda: get_user_model().objects.filter(pk=fiona.user_id).update(is_staff=False)
    )
    page.fill("#note-text", "Am I still here?")
    page.click("[data-note-form] button")
    page.wait_for_selector("[data-conn][data-state=refused]")
    assert "no longer have a seat" in page.locator("[data-conn]").inner_text()
    assert "seat was withdrawn" in page.locator("[data-error]").inner_text()
    page.wait_for_timeout(3000)  # a reconnect loop would have opened sockets by now
    assert len(page.sockets) == 1
    page.fill("#note-text", "And now?")
    page.click("[data-note-form] button")
    wait_until(
        page, "document.querySelector('[data-error]').textContent.includes('no longer have a seat')"
    )
    assert page.js_errors == []


def test_a_message_the_server_refuses_fails_once_and_the_room_stays_connected(
    exercise, bob, live_server_url, browser
):
    """Half an emoji (a lone surrogate) used to close the socket, and the client re-sent it
    after every reconnect: a loop in which nothing typed afterwards was sent."""
    from tests.live.helpers import player_cookie

    cookie = off_the_browser_thread(lambda: player_cookie(bob))
    room = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    room.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server_url}])
    sockets = []
    room.on("websocket", lambda ws: sockets.append(ws))
    room.goto(f"{live_server_url}/play/{exercise.pk}/")
    room.wait_for_selector("[data-conn][data-state=online]")
    room.evaluate("document.querySelector('#msg-acm').value = 'half an emoji \\ud83d'")
    room.click("[data-hotline-form=acm] button")
    error = room.locator("[data-hotline-form=acm] [data-form-error]")
    wait_until(
        room, "document.querySelector('[data-hotline-form=acm] [data-form-error]').textContent"
    )
    assert "half of a UTF-16 surrogate pair" in error.inner_text()
    room.wait_for_timeout(2000)
    assert len(sockets) == 1 and room.locator("[data-conn]").get_attribute("data-state") == "online"
    room.fill("#msg-acm", "Typed afterwards")
    room.click("[data-hotline-form=acm] button")
    room.wait_for_selector("[data-hotline=acm] .item:has-text('Typed afterwards')")
    assert room.js_errors == []
