"""Regions, puskesmas and posyandu: get-or-create helpers shared by the seed and the CSV import; a posyandu by id."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Posyandu, Puskesmas, Region

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_label(tz: str) -> str:
    """WIB/WITA/WIT for an Indonesian IANA zone (domain doc 6.2)."""
    return ZONE_NAMES.get(tz, tz)


def zone_info(tz: str | None) -> ZoneInfo:
    """The posyandu's zone; a name the system does not know (data typed before imports checked it) is WIB,
    as the planner plans it (`scheduler.planner.zone_of`), so one bad row never stops a zone's jobs."""
    try:
        return ZoneInfo(tz or "Asia/Jakarta")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Jakarta")


def region(session: Session, level: str, name: str, parent: Region | None, timezone: str | None = None) -> Region:
    same_parent = Region.parent_id == parent.id if parent else Region.parent_id.is_(None)
    found = session.scalars(select(Region).where(Region.level == level, Region.name == name, same_parent)).one_or_none()
    if found is None:
        found = Region(level=level, name=name, parent_id=parent.id if parent else None, timezone=timezone)
        session.add(found)
        session.flush()
    elif timezone and found.timezone != timezone:
        found.timezone = timezone
    return found


def desa_path(session: Session, provinsi: str, kabupaten: str, kecamatan: str, desa: str, timezone: str) -> Region:
    p = region(session, "provinsi", provinsi, None, timezone)
    k = region(session, "kabupaten", kabupaten, p, timezone)
    c = region(session, "kecamatan", kecamatan, k, timezone)
    return region(session, "desa", desa, c, timezone)


def puskesmas(session: Session, name: str, kecamatan: Region | None) -> Puskesmas:
    found = session.scalars(select(Puskesmas).where(
        Puskesmas.name == name, Puskesmas.region_id == (kecamatan.id if kecamatan else None))).one_or_none()
    if found is None:
        found = Puskesmas(name=name, region_id=kecamatan.id if kecamatan else None)
        session.add(found)
        session.flush()
    return found


def upsert_posyandu(session: Session, code: str, name: str, desa: Region, timezone: str,
                    pkm: Puskesmas | None, address: str | None = None) -> tuple[Posyandu, bool]:
    """Create or update a posyandu by code; returns (posyandu, changed)."""
    code = code.strip().upper()
    found = session.scalars(select(Posyandu).where(Posyandu.code == code)).one_or_none()
    if found is None:
        found = Posyandu(code=code, name=name, desa_id=desa.id, timezone=timezone,
                         puskesmas_id=pkm.id if pkm else None, address=address)
        session.add(found)
        session.flush()
        return found, True
    changed = False
    for attr, value in (("name", name), ("desa_id", desa.id), ("timezone", timezone),
                        ("puskesmas_id", pkm.id if pkm else None)):
        if getattr(found, attr) != value:
            setattr(found, attr, value)
            changed = True
    if address and found.address != address:
        found.address, changed = address, True
    return found, changed


def posyandu_by_id(session: Session, posyandu_id: int | None) -> Posyandu | None:
    """The posyandu with this id (None for None or an unknown id); whether the asker may see it is the caller's
    check (`storage.reporting.visible_posyandu`)."""
    return session.get(Posyandu, posyandu_id) if posyandu_id is not None else None
