"""Write (or check) the protocol's generated docs: the tables in docs/protocol.md and
docs/protocol.schema.json, from the command and event declarations."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wargame.live.protocol_docs import render_into, schema_text


class Command(BaseCommand):
    help = "Regenerate docs/protocol.md's tables and docs/protocol.schema.json (--check: compare)"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if the docs are stale")

    def handle(self, *args, check: bool = False, **options):
        docs = Path(settings.BASE_DIR) / "docs"
        wanted = {
            docs / "protocol.md": render_into((docs / "protocol.md").read_text()),
            docs / "protocol.schema.json": schema_text(),
        }
        stale = [p for p, text in wanted.items() if not p.exists() or p.read_text() != text]
        if check:
            if stale:
                names = ", ".join(str(p.relative_to(settings.BASE_DIR)) for p in stale)
                raise CommandError(
                    f"{names} disagree with the declarations in wargame/live/commands.py and "
                    "wargame/game/events.py: run `python manage.py protocol_docs`"
                )
            self.stdout.write("protocol docs are up to date")
            return
        for path in stale:
            path.write_text(wanted[path])
            self.stdout.write(f"wrote {path.relative_to(settings.BASE_DIR)}")
