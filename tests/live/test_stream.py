"""An exercise's stream puts events back in seq order and fills gaps from the log, once for all
of a process's sockets. Driven directly: the test decides when a gap fill runs, so nothing
here passes or fails by timing."""

import asyncio

from tests.live.helpers import RecordingConsumer as Socket
from wargame.live.stream import Stream


class Log:
    """The exercise's log, as the stream reads it: every read is recorded."""

    def __init__(self, seqs=()):
        self.seqs = set(seqs)
        self.reads = []

    async def read(self, exercise_id, after, upto):
        self.reads.append((after, upto))
        return [message(s) for s in sorted(self.seqs) if after < s <= upto]


def message(seq):
    return {"seq": seq, "audience": "all", "frame": f'{{"seq":{seq}}}'}


def stream_with(*sockets, log=None, cursor=5):
    stream = Stream(1, (log or Log()).read, gap_wait=None)
    for socket in sockets:
        stream.add(socket)
    stream.start(cursor)
    return stream


async def test_an_early_event_waits_for_the_one_before_it():
    a, b = Socket(), Socket()
    log = Log()
    stream = stream_with(a, b, log=log)
    stream.offer(message(7))
    assert a.seqs == [] and stream.missing() == (5, 7)
    stream.offer(message(6))
    assert a.seqs == b.seqs == [6, 7]
    assert stream.missing() is None and log.reads == []


async def test_duplicates_and_old_events_are_dropped():
    a = Socket()
    stream = stream_with(a)
    for seq in (6, 6, 4, 5, 7, 6):
        stream.offer(message(seq))
    assert a.seqs == [6, 7]


async def test_a_missing_event_is_read_from_the_log_once_for_every_socket():
    sockets = [Socket() for _ in range(25)]
    log = Log(seqs=[6, 7, 8])
    stream = stream_with(*sockets, log=log)
    stream.offer(message(8))
    assert all(s.seqs == [] for s in sockets)
    await stream.fill()
    assert all(s.seqs == [6, 7, 8] for s in sockets)
    assert log.reads == [(5, 8)]  # one read, not one per socket


async def test_the_sweep_makes_a_lost_last_event_known():
    """No later event will come to reveal the gap: the sweep's last_seq does."""
    a = Socket()
    log = Log(seqs=[6])
    stream = stream_with(a, log=log)
    stream.expect(5)
    assert stream.missing() is None
    stream.expect(6)
    assert stream.missing() == (5, 6)
    await stream.fill()
    assert a.seqs == [6]


async def test_what_arrives_during_a_fill_is_not_handed_out_twice():
    a = Socket()
    log = Log(seqs=[6, 7])
    release = asyncio.Event()

    async def slow_read(exercise_id, after, upto):
        await release.wait()
        return await log.read(exercise_id, after, upto)

    stream = Stream(1, slow_read, gap_wait=None)
    stream.add(a)
    stream.start(5)
    stream.offer(message(7))
    filling = asyncio.create_task(stream.fill())
    await asyncio.sleep(0)
    stream.offer(message(6))  # the late broadcast arrives while the log is being read
    assert a.seqs == [6, 7]
    release.set()
    await filling
    assert a.seqs == [6, 7]


async def test_a_stream_takes_its_cursor_from_the_first_welcome():
    a = Socket()
    stream = Stream(1, Log().read, gap_wait=None)
    stream.add(a)
    for seq in (4, 5, 6, 8):  # arrive while the first socket reads its welcome
        stream.offer(message(seq))
    assert a.seqs == [] and stream.missing() is None
    assert stream.start(5) == 5
    assert a.seqs == [6] and stream.missing() == (6, 8)
    assert stream.start(3) == 6  # a later welcome that is behind must read up to 6 itself


async def test_a_seq_the_log_does_not_have_does_not_stop_the_stream(caplog):
    a = Socket()
    stream = stream_with(a, log=Log(seqs=[7]))
    stream.offer(message(8))
    await stream.fill()
    assert a.seqs == [7, 8]
    assert "seq 6..8 not in the log" in caplog.text


async def test_the_timed_fill_runs_after_the_gap_wait_and_not_if_the_gap_closes():
    a = Socket()
    log = Log(seqs=[6, 7])
    stream = Stream(1, log.read, gap_wait=0.01)
    stream.add(a)
    stream.start(5)
    stream.offer(message(7))
    stream.offer(message(6))  # closes the gap: the timer is cancelled
    assert stream.timer is None
    stream.expect(8)
    log.seqs.add(8)
    assert stream.timer is not None
    for _ in range(100):
        if a.seqs == [6, 7, 8]:
            break
        await asyncio.sleep(0.01)
    assert a.seqs == [6, 7, 8] and log.reads == [(7, 8)]


async def test_presence_goes_to_every_socket_without_ordering():
    a, b = Socket(), Socket()
    stream = stream_with(a, b)
    stream.presence({"presence": 2.0, "frame": "{}"})
    stream.presence({"presence": 1.0, "frame": "{}"})
    assert a.presence == b.presence == [2.0, 1.0]  # each consumer keeps the newest
