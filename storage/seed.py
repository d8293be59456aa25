"""Demo data for trying the bot: one kabupaten, a puskesmas, three posyandu, a bidan, two kaders
and a few households across the life cycle. Idempotent: running it twice changes nothing.

Names follow the field report of Posyandu Mawar 7, Desa Banyumeneng, Kec. Mranggen, Kab. Demak
(ilp-domain.md §7, [S10]); the other two posyandu and all people are made up.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.values import Channel, Role
from storage.members import name_key
from storage.models import Contact, Household, Member, Posyandu, Pregnancy
from storage.places import desa_path, puskesmas, upsert_posyandu

POSYANDU = (("MAWAR7", "Posyandu Mawar 7", "Balai RW 07, Banyumeneng"),
            ("MELATI3", "Posyandu Melati 3", "Rumah Ibu Kasmirah, RT 03"),
            ("KENANGA1", "Posyandu Kenanga 1", "Mushola Al-Ikhlas, RW 01"))


def _contact(session: Session, address: str, role: Role, name: str, posyandu_id: int, desa_id: int | None,
             now: datetime) -> Contact:
    found = session.scalars(select(Contact).where(Contact.channel == Channel.TERMINAL.value,
                                                  Contact.address == address)).one_or_none()
    if found is None:
        found = Contact(channel=Channel.TERMINAL.value, address=address, role=role.value, language="id",
                        display_name=name, posyandu_id=posyandu_id, desa_id=desa_id, opted_in=True,
                        consent_at=now, created_at=now)
        session.add(found)
    return found


def seed_demo(session: Session, now: datetime) -> dict[str, int]:
    """Load the demo; returns counts of what exists afterwards."""
    today = now.date()
    desa = desa_path(session, "Jawa Tengah", "Kabupaten Demak", "Mranggen", "Banyumeneng", "Asia/Jakarta")
    pkm = puskesmas(session, "Puskesmas Mranggen 3", desa.parent)
    posyandus = [upsert_posyandu(session, code, name, desa, "Asia/Jakarta", pkm, place)[0]
                 for code, name, place in POSYANDU]
    mawar = posyandus[0]
    _contact(session, "bidan", Role.BIDAN, "Bidan Sri Wahyuni", mawar.id, desa.id, now)
    _contact(session, "kader1", Role.KADER, "Kader Siti Aminah", mawar.id, None, now)
    _contact(session, "kader2", Role.KADER, "Kader Dwi Lestari", posyandus[1].id, None, now)
    _contact(session, "admin", Role.ADMIN, "Admin Dinkes", mawar.id, desa.id, now)

    families: list[tuple[Posyandu, str, str, list[tuple[str, str, date, date | None]]]] = [
        (mawar, "Keluarga Bapak Slamet", "+6281234500001", [
            ("Aisyah Putri", "P", today - timedelta(days=300), None),
            ("Rina Marlina", "P", date(today.year - 27, 3, 14), today - timedelta(days=150)),
        ]),
        (mawar, "Keluarga Ibu Nurhayati", "+6281234500002", [
            ("Muhammad Rizky", "L", today - timedelta(days=700), None),
            ("Nurhayati", "P", date(today.year - 34, 8, 2), None),
            ("Sumarni", "P", date(today.year - 67, 1, 20), None),
        ]),
        (mawar, "Keluarga Bapak Joko", "+6281234500003", [
            ("Dewi Anggraini", "P", date(today.year - 13, 5, 9), None),
            ("Joko Susilo", "L", date(today.year - 45, 11, 30), None),
        ]),
        (posyandus[1], "Keluarga Ibu Wartini", "+6281234500004", [
            ("Bagus Saputra", "L", today - timedelta(days=45), None),
        ]),
    ]
    for posyandu, family, phone, people in families:
        household = session.scalars(select(Household).where(Household.phone == phone)).one_or_none()
        if household is None:
            household = Household(posyandu_id=posyandu.id, name=family, phone=phone, opted_in=True, created_at=now)
            session.add(household)
            session.flush()
        for name, sex, born, hpht in people:
            member = session.scalars(select(Member).where(
                Member.posyandu_id == posyandu.id, Member.name_key == name_key(name),
                Member.birth_date == born)).one_or_none()
            if member is None:
                member = Member(posyandu_id=posyandu.id, household_id=household.id, name=name, name_key=name_key(name),
                                sex=sex, birth_date=born, guardian_name=family.split(" ", 1)[1],
                                guardian_phone=phone, created_at=now)
                session.add(member)
                session.flush()
                if hpht is not None:
                    session.add(Pregnancy(member_id=member.id, hpht=hpht, created_at=now))
    session.flush()
    return {"posyandu": len(posyandus), "households": session.query(Household).count(),
            "members": session.query(Member).count(), "contacts": session.query(Contact).count()}


def trainee(session: Session, address: str, role: Role, now: datetime) -> Contact:
    """A chat for one person training on the simulator (its own database, never the real one): a kader or
    bidan of the demo's first posyandu, or a new resident."""
    found = session.scalars(select(Contact).where(Contact.channel == Channel.TERMINAL.value,
                                                  Contact.address == address)).one_or_none()
    if found is not None:
        return found
    if role == Role.RESIDENT:
        contact = Contact(channel=Channel.TERMINAL.value, address=address, role=role.value, created_at=now)
        session.add(contact)
        session.flush()
        return contact
    place = session.scalars(select(Posyandu).order_by(Posyandu.id).limit(1)).one()
    names = {Role.KADER: "Kader Latihan", Role.BIDAN: "Bidan Latihan"}
    contact = _contact(session, address, role, names.get(role, "Latihan"), place.id,
                       place.desa_id if role == Role.BIDAN else None, now)
    session.flush()
    return contact
