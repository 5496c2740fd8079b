from datetime import UTC, datetime, timedelta

import pytest

from wargame.lib.gametime import BadOffset, Clock, format_offset, parse_offset


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("0:10", 600), ("2:05:09", 7509), ("1d 02:30", 95400), ("30:00", 108000)],
)
def test_parse_offset(text, seconds):
    assert parse_offset(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10", "bad game time '10': expected H:MM, H:MM:SS or Nd H:MM"),
        ("1:60", "bad game time '1:60': minutes must be below 60"),
        ("1:00:75", "bad game time '1:00:75': seconds must be below 60"),
        ("-1:00", "bad game time '-1:00': expected H:MM, H:MM:SS or Nd H:MM"),
    ],
)
def test_bad_offsets(text, message):
    with pytest.raises(BadOffset, match=message):
        parse_offset(text)


def test_format_offset_round_trips():
    assert format_offset(95400) == "1d 2:30"
    assert parse_offset(format_offset(7509)) == 7509


def test_clock_banks_game_time_on_pause():
    t0 = datetime(2027, 1, 1, tzinfo=UTC)
    clock = Clock(compression=4).started(t0)
    assert clock.game_seconds(t0 + timedelta(seconds=10)) == 40
    paused = clock.paused(t0 + timedelta(seconds=10))
    assert paused.game_seconds(t0 + timedelta(hours=5)) == 40
    assert paused.wall_time_until(100, t0) is None
    resumed = paused.started(t0 + timedelta(seconds=100))
    assert resumed.wall_time_until(100, t0 + timedelta(seconds=100)) == 15
