"""Talk to the real engine in tests: each `say` runs one transaction and sends the replies."""
from __future__ import annotations

import io
from pathlib import Path

from bot.messages import Channel, Inbound, InboundKind, Outbound
from bot.terminal import TerminalSender
from bot.intake import process


class Person:
    """Someone chatting on a channel; `say` returns what the bot answered them, as text."""

    def __init__(self, runtime, address: str, channel: Channel = Channel.TERMINAL) -> None:  # type: ignore[no-untyped-def]
        self.runtime = runtime
        self.address = address
        self.channel = channel
        self.last: list[Outbound] = []

    def say(self, text: str, kind: InboundKind = InboundKind.TEXT, provider_id: str | None = None) -> str:
        handled = process(self.runtime, Inbound(self.channel, self.address, text, kind, provider_id), send=False)
        sender = self.runtime.senders[self.channel]
        before = len(sender.sent)
        self.runtime.dispatcher.send_ids(handled.outbox_ids)
        self.last = [m for m in sender.sent[before:] if m.address == self.address]
        return "\n\n".join(m.text for m in self.last)

    def choices(self) -> list[str]:
        return [c.label for m in self.last for c in m.choices]

    def press(self, value: str) -> str:
        return self.say(value, InboundKind.CHOICE)


def replay(runtime, address: str, transcript: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Run a transcript's '> ' lines through the engine; return (expected, actual) output."""
    out = io.StringIO()
    sender = TerminalSender(out, address)
    runtime.senders[Channel.TERMINAL] = sender
    runtime.dispatcher.senders[Channel.TERMINAL] = sender
    for line in transcript.splitlines():
        if line.startswith("> "):
            out.write(line + "\n")
            handled = process(runtime, Inbound(Channel.TERMINAL, address, line[2:]), send=False)
            runtime.dispatcher.send_ids(handled.outbox_ids)
    expected = "\n".join(l.rstrip() for l in transcript.strip().splitlines())
    actual = "\n".join(l.rstrip() for l in out.getvalue().strip().splitlines())
    return expected, actual


TRANSCRIPTS = Path(__file__).resolve().parent / "transcripts"


def open_referrals(runtime) -> None:  # type: ignore[no-untyped-def]
    """Kader Siti Aminah's reports of the last week, saved as the chat saves them: eight open referrals of six
    members (Joko and Rina with two problems each), three of them for today."""
    from datetime import date, datetime, timezone

    from sqlalchemy import select

    from storage.db import transaction
    from storage.models import Contact, Member
    from storage.reporting import Values, Visit, save_visit

    reports = (  # (name, day of November, values)
        ("Joko Susilo", 15, dict(systolic=150, diastolic=95, glucose_mgdl=250)),
        ("Sumarni", 15, dict(systolic=165, diastolic=100)),
        ("Nurhayati", 16, dict(hb_gdl=6.5)),
        ("Rina Marlina", 17, dict(weight_kg=55, muac_cm=22, systolic=150, diastolic=95)),
        ("Aisyah Putri", 18, dict(weight_kg=7.4, height_cm=69, position="L", muac_cm=11)),
        ("Muhammad Rizky", 19, dict(weight_kg=9.8, height_cm=76, position="L")),
    )
    with transaction(runtime.session_factory) as s:
        kader = s.scalars(select(Contact).where(Contact.address == "kader1")).one()
        for name, day, values in reports:
            member = s.scalars(select(Member).where(Member.name == name)).one()
            on = date(2026, 11, day)
            save_visit(s, Visit(member.posyandu_id, on, Values(**values), member_id=member.id,
                                recorded_by_id=kader.id), datetime(2026, 11, day, 3, 0, tzinfo=timezone.utc))


def baduta_19_months(runtime) -> None:  # type: ignore[no-untyped-def]
    """Citra Lestari, 19 months on 22 Nov 2026 with no dose recorded, in Keluarga Bapak Slamet (Mawar 7),
    whose mother follows the family in chat as `ibu-citra` (issue 16: one child, one immunisation answer)."""
    from datetime import date, datetime, timezone

    from sqlalchemy import select

    from storage.db import transaction
    from storage.members import name_key
    from storage.models import Contact, Household, Member

    now = datetime(2026, 11, 1, tzinfo=timezone.utc)
    with transaction(runtime.session_factory) as s:
        home = s.scalars(select(Household).where(Household.phone == "+6281234500001")).one()
        s.add(Member(posyandu_id=home.posyandu_id, household_id=home.id, name="Citra Lestari",
                     name_key=name_key("Citra Lestari"), sex="P", birth_date=date(2025, 4, 20),
                     guardian_name="Bapak Slamet", guardian_phone=home.phone, created_at=now))
        s.add(Contact(channel="terminal", address="ibu-citra", role="resident", language="id",
                      posyandu_id=home.posyandu_id, household_id=home.id, opted_in=True, consent_at=now,
                      created_at=now))


SETUPS = {"open_referrals": open_referrals, "baduta_19_months": baduta_19_months}  # a transcript's `setup:` line: what exists before it starts
