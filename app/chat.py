"""`python -m bot chat` (or `python -m app.chat`): talk to the real engine in a terminal, no tokens, no network.

    python -m bot chat                 # a new resident
    python -m bot chat --as kader      # the demo kader of Posyandu Mawar 7
    python -m bot chat --as bidan --at 2026-11-22T08:00:00+07:00 < transcript.txt

It uses the default SQLite file (migrated, and seeded with the demo on first
use) unless DATABASE_URL says otherwise, reads until end of input, exits 0.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import TextIO

from sqlalchemy import select

from bot.config import Settings
from bot.messages import Channel, Inbound, InboundKind
from bot.ports import Clock, FixedClock, SystemClock

DEMO = {"kader": "kader1", "bidan": "bidan", "admin": "admin"}


def chat(settings: Settings, who: str, name: str | None, contact_id: int | None, clock: Clock,
         stdin: TextIO, stdout: TextIO, echo: bool) -> int:
    from bot.terminal import TerminalSender
    from storage.db import transaction
    from storage.migrate import upgrade
    from storage.models import Contact, Posyandu
    from storage.seed import seed_demo
    from bot.intake import process
    from app.runtime import build_runtime

    upgrade(settings.database_url)
    address = name or "warga"
    probe = TerminalSender(stdout, address)
    runtime = build_runtime(settings.with_(send_now=False), clock=clock, senders={Channel.TERMINAL: probe})
    with transaction(runtime.session_factory) as session:
        if session.scalars(select(Posyandu.id).limit(1)).first() is None:
            seed_demo(session, clock.now())
        if contact_id is not None:
            contact = session.get(Contact, contact_id)
            if contact is None or contact.channel != Channel.TERMINAL.value:
                print(f"no terminal contact with id {contact_id}", file=sys.stderr)
                return 2
            address = contact.address
        elif who in DEMO and name is None:
            address = DEMO[who]
        names = {c.address: c.display_name or c.address for c in session.scalars(
            select(Contact).where(Contact.channel == Channel.TERMINAL.value))}
    from bot.config import ROOT

    sender = TerminalSender(stdout, address, names=names, media_dir=ROOT / "instance" / "media")
    runtime.senders[Channel.TERMINAL] = sender
    runtime.dispatcher.senders[Channel.TERMINAL] = sender
    interactive = stdin.isatty()
    if interactive:
        print(f"Posyandu bot — you are '{address}'. Type a message; Ctrl-D to quit.", file=sys.stderr)
    try:
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = stdin.readline()
            if not line:
                break
            text = line.rstrip("\r\n")
            if text.startswith("> "):
                text = text[2:]  # a transcript's input line
            elif not interactive and text.strip() and not echo:
                pass
            if echo:
                stdout.write(f"> {text}\n")
            handled = process(runtime, Inbound(Channel.TERMINAL, address, text, InboundKind.TEXT), send=False)
            runtime.dispatcher.send_ids(handled.outbox_ids)
    finally:
        runtime.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("chat", help="talk to the bot in this terminal")
    p.add_argument("--as", dest="who", choices=["resident", "kader", "bidan", "admin"], default="resident")
    p.add_argument("--name", help="terminal user name (a new contact is created for a new name)")
    p.add_argument("--contact", type=int, help="continue as an existing terminal contact id")
    p.add_argument("--at", help="fix the clock at this ISO date-time (replays are then deterministic)")
    p.add_argument("--database-url", help="default: DATABASE_URL or the SQLite file under instance/")
    p.add_argument("--echo", action="store_true", help="print each input line as '> text' (transcripts)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.database_url:
        settings = settings.with_(database_url=args.database_url)
    clock: Clock = SystemClock()
    if args.at:
        at = datetime.fromisoformat(args.at)
        clock = FixedClock(at if at.tzinfo else at.replace(tzinfo=timezone.utc))
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    return chat(settings, args.who, args.name, args.contact, clock, sys.stdin, sys.stdout,
                args.echo or not sys.stdin.isatty())


if __name__ == "__main__":
    sys.exit(main())
