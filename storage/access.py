"""Who may see a member's data: the one rule every path that shows it asks (docs/privacy.md).

Why one function: health data and children's data are specific personal data
(UU 27/2022, art. 4); `keluarga`, the result after a weighing, reminders, the
referral queue and the staff tools must not each invent their own rule. A
resident sees only the members of the household their chat is linked to, and
a chat is linked to a household the posyandu already records only with proof
(`storage.households.add_member`): its WhatsApp number is the household's, or a
kader or the bidan of that posyandu confirmed it. Staff see the posyandu they
serve (`visible_posyandu`).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.values import Role
from storage.models import Posyandu
from storage.records import ContactRecord, MemberRecord


def may_see_member(session: Session, contact: ContactRecord, member: MemberRecord) -> bool:
    """May this chat be shown this member's data (name, results, what is due)?"""
    if contact.role == Role.RESIDENT.value:
        return may_see_household(contact.household_id, member.household_id)
    return member.posyandu_id in {p.id for p in visible_posyandu(session, contact)}


def may_see_household(contact_household_id: int | None, household_id: int | None) -> bool:
    """The same rule on plain values, for bulk paths (the reminder planner) that hold no ORM objects."""
    return household_id is not None and contact_household_id == household_id


def visible_posyandu(session: Session, contact: ContactRecord) -> list[Posyandu]:
    """The posyandu a staff member may see and report for: a kader their own, a bidan their desa's, a
    puskesmas's staff (an admin with a puskesmas) its posyandu, an admin of the kabupaten all.

    The contact's own posyandu comes first, so a one-tap default is the usual one.
    """
    role = contact.role
    if role == Role.KADER.value:
        found = [session.get(Posyandu, contact.posyandu_id)] if contact.posyandu_id else []
        return [p for p in found if p is not None]
    stmt = select(Posyandu).order_by(Posyandu.code)
    if role == Role.BIDAN.value:
        desa_id = contact.desa_id
        if desa_id is None and contact.posyandu is not None:
            desa_id = contact.posyandu.desa_id
        if desa_id is None:
            return []
        stmt = stmt.where(Posyandu.desa_id == desa_id)
    elif role == Role.ADMIN.value:
        if contact.puskesmas_id is not None:  # a puskesmas's staff: its posyandu; else the kabupaten
            stmt = stmt.where(Posyandu.puskesmas_id == contact.puskesmas_id)
    else:
        return []
    found = list(session.scalars(stmt))
    found.sort(key=lambda p: p.id != contact.posyandu_id)
    return found
