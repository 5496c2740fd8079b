"""The pages take every input limit from wargame/game/limits.py: maxlength, min and max in the
templates, and the same numbers for the browser's own forms (json_script "limits")."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.live.helpers import player_cookie
from wargame.game.limits import LIMITS

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

# Odd values no template or script could carry by accident.
CHANGED = {
    "text": 3999,
    "title": 199,
    "name": 79,
    "pause_minutes": [2, 479],
    "compression": [0.25, 1439],
    "delay_minutes": [0, 1439],
}


@pytest.fixture
def changed_limits(monkeypatch):
    for key, value in CHANGED.items():
        monkeypatch.setitem(LIMITS, key, value)


def script_limits(html: str) -> dict:
    found = re.search(r'<script id="limits" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1))


def test_the_console_carries_the_limits(changed_limits, exercise, fiona_user):
    client = Client()
    client.force_login(fiona_user)
    html = client.get(reverse("console", args=[exercise.pk])).content.decode()
    assert script_limits(html) == {**LIMITS, **CHANGED}
    assert html.count('maxlength="3999"') == 2  # inject body, note
    assert html.count('maxlength="199"') == 3  # pause reason, inject sender and title
    assert 'min="2" max="479"' in html  # a timed pause
    assert 'min="0.25" max="1439"' in html  # time compression


def test_the_team_room_and_the_join_page_carry_the_limits(changed_limits, exercise, teams, bob):
    client = Client()
    join = client.get(reverse("join", args=[teams["JPN"].join_code])).content.decode()
    assert 'maxlength="79"' in join
    client.cookies["sessionid"] = player_cookie(bob)
    room = client.get(reverse("team_room", args=[exercise.pk])).content.decode()
    assert script_limits(room) == {**LIMITS, **CHANGED}
    assert room.count('maxlength="3999"') == 3  # two hotlines and the move


def test_no_limit_is_written_out_in_a_template_or_a_script():
    numbers = re.compile(r"(?<![\w.])(4000|200|80|480|1440|0\.1)(?![\w.])")
    sources = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("static/js/*.js")]
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sources
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if numbers.search(line)
    ]
    assert found == []
