#!/usr/bin/env python
"""Build a long exercise for the page-load benchmarks: a realistic log of N events, appended
through the actions (never by hand), on whatever database DATABASE_URL names.

Mostly hotline messages, with the rest of a seminar's traffic between them: players joining,
the clock started, paused and resumed, every MSEL inject released, ad-hoc injects, moves and
their adjudications (some published), facilitator notes, leaks, a hotline cut and restored, a
delay with messages in transit, and the scenario's moves (turns).

Used as a module by bench/welcome.py, and as a script by bench/page_load.py, which runs it with
the checkout under test first on PYTHONPATH (so the same builder fills the database of an
older checkout too). As a script it prints one JSON line: the exercise, the facilitator login,
a player session per team, and the last seq each seat may see.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import timedelta

SCENARIO = "senkaku-gray-zone"
FACILITATOR = ("bench-facilitator", "bench-facilitator-pw-1234")
PLAYERS_PER_TEAM = 3
SENTENCES = [
    "Coast guard reports two unidentified vessels 12 nm north-west of Uotsuri-shima.",
    "Requesting guidance on rules of engagement for the escort.",
    "Our ambassador has been called in; we expect a formal protest within the hour.",
    "Can you share the latest imagery of the harbour?",
    "The Prime Minister wants a joint statement before the evening news.",
    "We see no change in the PLA Navy posture east of the median line.",
    "Fishing fleet is dispersing, but three militia trawlers remain on station.",
    "Recommend we hold the press release until the cabinet meets.",
    "Treaty consultations requested under Article V: please confirm the channel.",
    "Cyber incident at the port authority; attribution is not yet possible.",
    "Agreed. We will brief the defence minister and come back to you.",
    "Please keep this line for principals only from now on.",
]
NOTE_TAGS = ("observation", "strength", "improvement")
CATEGORIES = ("diplomatic", "military", "economic", "information", "legal")


def text(rng: random.Random, n: int) -> str:
    return f"#{n} " + " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))


def build(events: int = 10_000, seed: int = 1, progress=None) -> dict:
    """Append about `events` events (at least that many) to a new exercise; what was built."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wargame.game import actions, rules
    from wargame.game.models import Event, Exercise
    from wargame.scenarios.snapshots import resolve_scenario

    rng = random.Random(seed)
    started = time.monotonic()
    exercise = actions.do_create_exercise(resolve_scenario(SCENARIO), f"Bench {events} events")
    spec = exercise.scenario.spec
    user = get_user_model().objects.filter(username=FACILITATOR[0]).first()
    if user is None:
        user = get_user_model().objects.create_user(
            FACILITATOR[0], password=FACILITATOR[1], is_staff=True
        )
    fiona = actions.control_participant(exercise, user)
    teams = {t.code: t for t in exercise.teams.all()}
    players = {
        code: [actions.do_join_team(team, f"{code} player {i}") for i in range(PLAYERS_PER_TEAM)]
        for code, team in teams.items()
    }
    lines = list(spec.hotlines)
    msel = [i.id for i in spec.msel]
    actions.do_set_compression(fiona, 60)
    actions.do_start_clock(fiona)
    pending_moves: list[int] = []
    message_seqs: list[int] = []
    count = exercise.events.count()
    n = 0
    while count < events:
        n += 1
        roll = rng.random()
        if roll < 0.030:
            to = "all" if rng.random() < 0.6 else [rng.choice(list(teams))]
            actions.do_send_inject(
                fiona, to, f"Inject {n}", text(rng, n), method="news", sender="Xinhua"
            )
        elif roll < 0.050:
            team = rng.choice([c for c in teams if players[c]])
            move = actions.do_submit_move(
                rng.choice(players[team]), text(rng, n), rng.choice(CATEGORIES)
            )
            pending_moves.append(move.seq)
        elif roll < 0.068 and pending_moves:
            move = pending_moves.pop(rng.randrange(len(pending_moves)))
            verdict = rng.choice(("accepted", "modified", "rejected"))
            actions.do_adjudicate_move(
                fiona, move, verdict, text(rng, n), publish=rng.random() < 0.3
            )
        elif roll < 0.088:
            actions.do_add_note(fiona, text(rng, n), rng.choice(NOTE_TAGS))
        elif roll < 0.091 and message_seqs:
            to = "all" if rng.random() < 0.5 else [rng.choice(list(teams))]
            actions.do_leak_message(fiona, rng.choice(message_seqs[-200:]), to)
        elif roll < 0.092 and msel:
            actions.do_release_inject(fiona, msel.pop(0))
        else:
            line = rng.choice(lines)
            sender = rng.choice(players[rng.choice(list(line.members))])
            message_seqs.append(actions.do_send_hotline_message(sender, line.id, text(rng, n)).seq)
        count = Exercise.objects.values_list("last_seq", flat=True).get(pk=exercise.pk)
        if n % 500 == 0:
            _milestones(actions, fiona, players, lines, n, count, events, timezone, timedelta)
            if progress:
                progress(f"{count} events")
    for inject in msel:  # release what is left, so the clock fires nothing during a page load
        actions.do_release_inject(fiona, inject)
    exercise.refresh_from_db()
    seats = {"control": exercise.last_seq}
    for code in teams:
        last = (
            Event.objects.filter(exercise=exercise)
            .order_by("-seq")
            .values_list("seq", "audience")
            .iterator()
        )
        seats[code] = next(seq for seq, audience in last if rules.admits(audience, "player", code))
    return {
        "exercise": exercise.pk,
        "events": exercise.last_seq,
        "pending_moves": len(pending_moves),
        "build_seconds": round(time.monotonic() - started, 1),
        "facilitator": {"username": FACILITATOR[0], "password": FACILITATOR[1]},
        "players": {code: seats_of[0].pk for code, seats_of in players.items()},
        "last_visible_seq": seats,
    }


def _milestones(actions, fiona, players, lines, n, count, events, timezone, timedelta):
    """Now and then: a pause and resume, a cut line, a delay with messages in transit, a turn."""
    step = n // 500
    if step % 4 == 1:
        actions.do_pause_clock(fiona, f"Plenary {step}", max_minutes=30)
        actions.do_resume_clock(fiona)
    elif step % 4 == 2:
        actions.do_cut_hotline(fiona, lines[0].id)
        actions.do_restore_hotline(fiona, lines[0].id)
    elif step % 4 == 3:
        line = lines[-1]
        actions.do_set_hotline_delay(fiona, line.id, 1)
        for i in range(3):
            sender = players[line.members[i % len(line.members)]][0]
            actions.do_send_hotline_message(sender, line.id, f"in transit {n}-{i}")
        actions.deliver_due_messages(fiona.exercise_id, now=timezone.now() + timedelta(hours=1))
        actions.do_set_hotline_delay(fiona, line.id, 0)
    turns = fiona.exercise.scenario.spec.moves
    done = (fiona.exercise.__class__.objects.get(pk=fiona.exercise_id).state["turn"] or {}).get(
        "index", -1
    ) + 1
    if done < len(turns) and count >= events * done / len(turns):
        actions.do_advance_turn(fiona)


def player_session(participant_id: int) -> str:
    """A session key with this player's seat, as joining by code would leave in the cookie."""
    from django.contrib.sessions.backends.db import SessionStore

    from wargame.game.models import Participant
    from wargame.live.identity import remember_seat

    session = SessionStore()
    remember_seat(session, Participant.objects.get(pk=participant_id))
    session.save()
    return session.session_key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
    import django

    django.setup()
    built = run_build(args.events, args.seed, progress=lambda m: print(m, file=sys.stderr))
    built["sessions"] = {code: player_session(pk) for code, pk in built["players"].items()}
    print(json.dumps(built))


def run_build(*args, **kwargs) -> dict:
    """build() on a thread of a running event loop: each append's after-commit broadcast then
    reaches the channel layer through that loop, instead of starting a thread per event
    (async_to_sync without a loop), which made the build three times slower."""
    import asyncio

    from asgiref.sync import sync_to_async

    async def in_loop():
        return await sync_to_async(build)(*args, **kwargs)

    return asyncio.run(in_loop())


if __name__ == "__main__":
    main()
