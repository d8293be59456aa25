"""Who may see a member's data: the one rule every path that shows it asks (docs/privacy.md).

Why one function: health data and children's data are specific personal data
(UU 27/2022, art. 4); `keluarga`, the result after a weighing, reminders, the
referral queue and the staff tools must not each invent their own rule. A
resident sees only the members of the household their chat is linked to, and
a chat is linked to a household the posyandu already records only with proof
(`storage.households.add_member`): its WhatsApp number is the household's, or a
kader or the bidan of that posyandu confirmed it. Staff see the posyandu they
serve (`storage.reporting.visible_posyandu`).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.messages import Role
from storage.records import ContactRecord, MemberRecord


def may_see_member(session: Session, contact: ContactRecord, member: MemberRecord) -> bool:
    """May this chat be shown this member's data (name, results, what is due)?"""
    if contact.role == Role.RESIDENT.value:
        return may_see_household(contact.household_id, member.household_id)
    from storage.reporting import visible_posyandu  # staff scope lives with reporting

    return member.posyandu_id in {p.id for p in visible_posyandu(session, contact)}


def may_see_household(contact_household_id: int | None, household_id: int | None) -> bool:
    """The same rule on plain values, for bulk paths (the reminder planner) that hold no ORM objects."""
    return household_id is not None and contact_household_id == household_id
