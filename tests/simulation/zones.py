"""Time zones in the simulated run: posyandu in WIB, WITA or WIT, and each zone's morning at its own 07:00.

Why: the reminder planner runs per zone (scheduler.planner.plan_zone) and a reminder must reach a family at
the configured local hour (Settings.reminder_local_hour) of ITS posyandu, not at Jakarta's. The clock runs
each zone's morning at that hour, east first (WIT 07:00 = 05:00 WIB, WITA 07:00 = 06:00 WIB); `ZoneCheck`
then reads when every reminder went, in the family's zone.
"""
from __future__ import annotations

import traceback
from collections import defaultdict
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from tests.simulation.world import PosyanduSim, Sim

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"


def zone_of(place: "PosyanduSim") -> str:
    return getattr(place, "zone", WIB)


def at(day: date, hour: int, zone: str) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def mornings(sim: "Sim") -> None:
    """Each zone's reminder run at its local hour, east first; the clock ends at 07:00 WIB as before."""
    from scheduler.planner import plan_zone

    hour = sim.settings.reminder_local_hour
    zones = sorted({zone_of(p) for p in sim.places} | {WIB}, key=lambda z: at(sim.today, hour, z))
    for zone in zones:
        sim.clock.current = max(sim.clock.current, at(sim.today, hour, zone)) if zone == WIB \
            else at(sim.today, hour, zone)
        try:
            plan_zone(sim.runtime.session_factory, sim.settings, zone, sim.today, sim.clock.now())
        except Exception:
            sim.violation("no exception", f"clock morning {zone}: " + traceback.format_exc()[-1200:])
        sim.drain()


class ZoneCheck:
    """Every reminder to a family leaves at the configured local hour of its posyandu's zone."""

    def __init__(self, sim: "Sim") -> None:
        self.sim = sim
        self.seen: dict[object, int] = defaultdict(int)
        self.checked: dict[str, int] = defaultdict(int)

    def __call__(self, sim: "Sim", day: date) -> None:
        from storage.db import transaction
        from storage.models import OutboxMessage

        zones = {phone: zone_of(place) for place in sim.places for h in place.village.households
                 for phone in (h.phone, *getattr(h, "old_phones", ()))}
        hour = sim.settings.reminder_local_hour
        with transaction(sim.runtime.session_factory) as s:
            for channel, sender in sim.senders.items():
                start, self.seen[channel] = self.seen[channel], len(sender.sent)
                for m, sent_at in zip(sender.sent[start:], sender.at[start:]):
                    zone = zones.get(m.address)
                    if zone is None:
                        continue
                    row = s.get(OutboxMessage, m.id)
                    if row is None or row.kind != "reminder":
                        continue
                    self.checked[zone] += 1
                    local = sent_at.astimezone(ZoneInfo(zone))
                    if local.hour != hour:
                        sim.violation("reminders at the local hour", f"a reminder to a family of a {zone} posyandu "
                                      f"went at {local:%H:%M} local ({sent_at:%H:%M} UTC), not {hour:02d}:00")
