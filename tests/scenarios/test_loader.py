"""Scenario files: every error names file:line:col, the key path and the rule."""

from pathlib import Path

import pytest

from wargame.scenarios.loader import ScenarioError, load_scenario_file, load_scenario_text

MINI = (Path(__file__).parent.parent / "fixtures" / "mini.yaml").read_text()


def errors_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "scenarios/x.yaml")
    return [str(p) for p in caught.value.problems]


def replace(old: str, new: str) -> str:
    assert old in MINI, old
    return MINI.replace(old, new, 1)


def test_the_fixture_parses_into_typed_models():
    spec = load_scenario_text(MINI, "mini.yaml")
    assert [t.id for t in spec.teams] == ["USA", "JPN", "CHN"]
    assert spec.team("USA").roles == ("President",)
    assert spec.hotlines[1].members == ("JPN", "CHN")
    assert [(i.id, i.at, i.to) for i in spec.msel] == [
        ("INJ-01", 600, ("JPN",)),
        ("INJ-02", 1200, None),
        ("INJ-03", 3600, ("USA",)),
    ]
    assert spec.msel[0].sender == "Japan Coast Guard"
    assert spec.start.utcoffset().total_seconds() == 9 * 3600
    assert spec.time_compression == 60
    assert [(m.id, m.title, m.summary) for m in spec.moves] == [
        ("M1", "Move 1: the first hours", "Coast guard standoff."),
        ("M2", "Move 2: escalation", ""),
    ]


BAD_FILES = [
    (
        "duplicate team id",
        replace("  - id: CHN\n", "  - id: JPN\n"),
        [
            "scenarios/x.yaml:21:9: teams[2].id: duplicate team id 'JPN' (first at line 16)",
            "scenarios/x.yaml:32:20: hotlines[1].members[1]: unknown team 'CHN' (teams are USA, JPN)",
        ],
    ),
    (
        "unknown top-level key",
        MINI + "breifing: oops\n",
        [
            "scenarios/x.yaml:62:1: breifing: unknown key (expected one of: format, id, title, "
            "summary, start, time_compression, situation, teams, hotlines, msel, moves)"
        ],
    ),
    (
        "unknown key in a team",
        replace("    roles: [President]\n", "    role: [President]\n"),
        [
            "scenarios/x.yaml:13:5: teams[0].role: unknown key "
            "(expected one of: id, name, side, briefing, roles)"
        ],
    ),
    (
        "inject to a team that does not exist",
        replace("    to: [USA]\n", "    to: [KOR]\n"),
        ["scenarios/x.yaml:52:10: msel[2].to[0]: unknown team 'KOR' (teams are USA, JPN, CHN)"],
    ),
    (
        "hotline with one member",
        replace("members: [USA, JPN]", "members: [USA]"),
        ["scenarios/x.yaml:29:14: hotlines[0].members: a hotline needs at least two teams, got 1"],
    ),
    (
        "hotline member that does not exist",
        replace("members: [JPN, CHN]", "members: [JPN, PRC]"),
        [
            "scenarios/x.yaml:32:20: hotlines[1].members[1]: unknown team 'PRC' (teams are USA, JPN, CHN)"
        ],
    ),
    (
        "minutes over 59",
        replace('at: "0:20"', 'at: "25:61"'),
        ["scenarios/x.yaml:43:9: msel[1].at: bad game time '25:61': minutes must be below 60"],
    ),
    (
        "unreadable time",
        replace('at: "0:20"', 'at: "soon"'),
        [
            "scenarios/x.yaml:43:9: msel[1].at: bad game time 'soon': expected H:MM, H:MM:SS or Nd H:MM"
        ],
    ),
    (
        "start without UTC offset",
        replace('start: "2027-04-12T05:30:00+09:00"', 'start: "2027-04-12T05:30:00"'),
        ["scenarios/x.yaml:5:8: start: '2027-04-12T05:30:00' has no UTC offset: add Z or +09:00"],
    ),
    (
        "unquoted start is a YAML timestamp",
        replace('start: "2027-04-12T05:30:00+09:00"', "start: 2027-04-12T05:30:00+09:00"),
        ['scenarios/x.yaml:5:8: start: quote the start time: "2027-04-12T05:30:00+09:00"'],
    ),
    (
        "missing required key",
        replace('title: "Mini crisis"\n', ""),
        ["scenarios/x.yaml:1:1: title: required key is missing"],
    ),
    (
        "duplicate mapping key",
        replace(
            '    title: "Beijing restates claim"\n',
            '    title: "Beijing restates claim"\n    title: again\n',
        ),
        ["scenarios/x.yaml:48:5: msel[1].title: duplicate key 'title' (first at line 47)"],
    ),
    (
        "bare yes is a boolean, not text",
        replace("    name: Japan\n", "    name: yes\n"),
        ["scenarios/x.yaml:17:11: teams[1].name: expected text, got a boolean 'yes' (quote it)"],
    ),
    (
        "unknown side",
        replace("    side: red\n", "    side: purple\n"),
        [
            "scenarios/x.yaml:23:11: teams[2].side: unknown side 'purple' (use one of: blue, red, green)"
        ],
    ),
    (
        "unknown method",
        replace("    method: intel\n", "    method: carrier-pigeon\n"),
        [
            "scenarios/x.yaml:53:13: msel[2].method: unknown method 'carrier-pigeon' "
            "(use one of: news, intel, cable, phone, social, sitrep, announcement)"
        ],
    ),
    (
        "zero time compression",
        replace("time_compression: 60", "time_compression: 0"),
        ["scenarios/x.yaml:6:19: time_compression: must be greater than 0 and at most 1440, got 0"],
    ),
    (
        "unsupported format version",
        replace("format: 1", "format: 2"),
        ["scenarios/x.yaml:1:9: format: unsupported format '2': this version reads format 1"],
    ),
    (
        "reserved section",
        MINI + "treaties: []\n",
        [
            "scenarios/x.yaml:62:1: treaties: 'treaties' is reserved for a later format version "
            "and not supported in format 1"
        ],
    ),
    (
        "duplicate inject id",
        replace("  - id: INJ-03\n", "  - id: INJ-01\n"),
        ["scenarios/x.yaml:49:9: msel[2].id: duplicate inject id 'INJ-01' (first at line 34)"],
    ),
    (
        "team listed twice on a hotline",
        replace("members: [USA, JPN]", "members: [USA, USA]"),
        ["scenarios/x.yaml:29:20: hotlines[0].members[1]: team 'USA' is listed twice"],
    ),
    (
        "bad team id characters",
        replace("  - id: USA\n", "  - id: U S A\n"),
        [
            "scenarios/x.yaml:10:9: teams[0].id: bad id 'U S A': use 1-16 letters, digits, '-' or '_'",
            "scenarios/x.yaml:29:15: hotlines[0].members[0]: unknown team 'USA' (teams are JPN, CHN)",
            "scenarios/x.yaml:52:10: msel[2].to[0]: unknown team 'USA' (teams are JPN, CHN)",
        ],
    ),
    (
        "to is neither a list nor all",
        replace("    to: all\n", "    to: everyone\n"),
        [
            "scenarios/x.yaml:45:9: msel[1].to: expected a list of team ids or the word all, "
            "got text 'everyone'"
        ],
    ),
    (
        "only one team",
        MINI.split("  - id: JPN\n")[0].replace("teams:\n", "teams:\n", 1) + "hotlines: []\n",
        ["scenarios/x.yaml:10:3: teams: needs at least 2 items, got 1"],
    ),
    (
        "YAML syntax error",
        replace('title: "Mini crisis"', 'title: "Mini crisis'),
        ["scenarios/x.yaml:4:11: YAML syntax: expected <block end>, but found '<scalar>'"],
    ),
    (
        "hotline id that is also a team id",
        replace("  - id: acm\n", "  - id: USA\n"),
        ["scenarios/x.yaml:27:9: hotlines[0].id: hotline id 'USA' is also a team id"],
    ),
    ("empty file", "", ["scenarios/x.yaml:1:1: the file is empty"]),
    (
        "duplicate move id",
        replace("  - id: M2\n", "  - id: M1\n"),
        ["scenarios/x.yaml:60:9: moves[1].id: duplicate move id 'M1' (first at line 57)"],
    ),
    (
        "move without a title",
        replace('    title: "Move 2: escalation"\n', ""),
        ["scenarios/x.yaml:60:5: moves[1].title: required key is missing"],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_bad_file_reports_position_path_and_rule(text, expected):
    assert errors_of(text) == expected


def test_every_problem_is_reported_in_file_order():
    text = replace("    side: red\n", "    side: purple\n").replace('at: "0:20"', 'at: "0:99"')
    assert errors_of(text) == [
        "scenarios/x.yaml:23:11: teams[2].side: unknown side 'purple' (use one of: blue, red, green)",
        "scenarios/x.yaml:43:9: msel[1].at: bad game time '0:99': minutes must be below 60",
    ]


def test_injects_are_ordered_by_game_time_and_days_are_read():
    text = replace('at: "0:10"', 'at: "1d 02:30"')
    spec = load_scenario_text(text, "x.yaml")
    assert [(i.id, i.at) for i in spec.msel] == [
        ("INJ-02", 1200),
        ("INJ-03", 3600),
        ("INJ-01", 86400 + 2 * 3600 + 30 * 60),
    ]


def test_non_utf8_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("title: caf\xe9".encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path)
    assert str(caught.value).startswith(f"{path}:1:1: not UTF-8 text")


def test_spec_round_trips_through_json():
    from wargame.scenarios.spec import ScenarioSpec

    spec = load_scenario_text(MINI, "mini.yaml")
    assert ScenarioSpec.from_json(spec.to_json()) == spec
