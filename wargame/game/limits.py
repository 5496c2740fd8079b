"""Every limit on what people type or send, in one place. The command schemas, the actions, the
templates (maxlength, min, max) and the browser (json_script) all read them from here."""

MAX_TEXT = 4000  # a hotline message, a move, an inject body, an outcome, a note
MAX_TITLE = 200  # an inject title, a pause reason, a simulated sender
MAX_NAME = 80  # a participant's display name
MAX_ID_CHARS = 64  # a command's client-chosen id
MAX_FRAME_BYTES = 64 * 1024  # one WebSocket frame from a client
MAX_NESTING = 8  # arrays and objects inside a frame (the deepest command needs 3)
MIN_PAUSE_MINUTES, MAX_PAUSE_MINUTES = 1, 8 * 60
MIN_COMPRESSION, MAX_COMPRESSION = 0.1, 1440
MIN_DELAY_MINUTES, MAX_DELAY_MINUTES = 0, 24 * 60

LIMITS = {
    "text": MAX_TEXT,
    "title": MAX_TITLE,
    "name": MAX_NAME,
    "id": MAX_ID_CHARS,
    "frame_bytes": MAX_FRAME_BYTES,
    "nesting": MAX_NESTING,
    "pause_minutes": [MIN_PAUSE_MINUTES, MAX_PAUSE_MINUTES],
    "compression": [MIN_COMPRESSION, MAX_COMPRESSION],
    "delay_minutes": [MIN_DELAY_MINUTES, MAX_DELAY_MINUTES],
}
