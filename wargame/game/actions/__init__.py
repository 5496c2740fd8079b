"""Every state change of an exercise: validate, then append one event (the do_* functions).

Views, consumers, commands and tasks parse input and call these; nothing else writes game state
or broadcasts. A refused command raises CommandRefused and persists nothing.
"""

from wargame.game.actions.adjudication import do_add_note, do_adjudicate_move, do_advance_turn
from wargame.game.actions.clock import (
    auto_resume_if_due,
    do_pause_clock,
    do_resume_clock,
    do_set_compression,
    do_start_clock,
)
from wargame.game.actions.hotlines import (
    deliver_due_messages,
    do_cut_hotline,
    do_leak_message,
    do_restore_hotline,
    do_send_hotline_message,
    do_set_hotline_delay,
)
from wargame.game.actions.injects import (
    do_edit_inject,
    do_hold_inject,
    do_release_inject,
    do_send_inject,
    do_skip_inject,
    do_unskip_inject,
    fire_due_injects,
)
from wargame.game.actions.play import do_submit_move
from wargame.game.actions.setup import (
    control_participant,
    do_create_exercise,
    do_join_team,
    do_seat_control,
    still_seated,
)
from wargame.game.actions.tick import tick_running_exercises
from wargame.game.fields import MOVE_CATEGORIES, NOTE_TAGS, VERDICTS

__all__ = [
    "MOVE_CATEGORIES",
    "NOTE_TAGS",
    "VERDICTS",
    "auto_resume_if_due",
    "control_participant",
    "deliver_due_messages",
    "do_add_note",
    "do_adjudicate_move",
    "do_advance_turn",
    "do_create_exercise",
    "do_cut_hotline",
    "do_edit_inject",
    "do_hold_inject",
    "do_join_team",
    "do_leak_message",
    "do_pause_clock",
    "do_release_inject",
    "do_restore_hotline",
    "do_seat_control",
    "do_resume_clock",
    "do_send_hotline_message",
    "do_send_inject",
    "do_set_compression",
    "do_set_hotline_delay",
    "do_skip_inject",
    "do_start_clock",
    "do_submit_move",
    "do_unskip_inject",
    "fire_due_injects",
    "still_seated",
    "tick_running_exercises",
]
