"""A bidan's SATUSEHAT Practitioner id (IHS number), and whose it is for a visit.

Why: SATUSEHAT wants the health worker of a visit (Encounter.participant) and the one who gave a
dose (Immunization.performer) [IM1]; kaders are not Practitioners, the village midwife is. The
number is set by the operator (`satusehat practitioner set --phone ... --ihs ...`) or by the bidan
in chat (`ihs 10009880728`), checked by health.fhir_codes.practitioner_id_problem.

Whose for a visit: the contact who recorded it, when she has one (a bidan recording herself);
else the bidan of the posyandu's desa who has one (the lowest contact id when there are several,
so a resend names the same person). None: the Encounter has no participant and the Immunization's
performer is the puskesmas (docs/satusehat.md).
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.values import Role
from storage.models import AuditEvent, Contact, Posyandu, SatusehatPractitioner
from storage.records import ContactRecord


def bidan_contacts_by_phone(session: Session, phone: str) -> list[Contact]:
    """The bidan contacts with this E.164 number (a WhatsApp address, or a phone Telegram vouched for)."""
    return list(session.scalars(select(Contact).where(
        Contact.role == Role.BIDAN.value,
        or_(Contact.address == phone, Contact.verified_phone == phone)).order_by(Contact.id)))


def practitioner_of(session: Session, contact_id: int) -> str | None:
    return session.scalar(select(SatusehatPractitioner.ihs_number)
                          .where(SatusehatPractitioner.contact_id == contact_id))


def set_practitioner(session: Session, contact: ContactRecord, ihs_number: str, now: datetime,
                     by_contact_id: int | None = None) -> bool:
    """Record the contact's IHS number (already checked); True when it changed."""
    row = session.scalars(select(SatusehatPractitioner)
                          .where(SatusehatPractitioner.contact_id == contact.id)).one_or_none()
    if row is not None and row.ihs_number == ihs_number:
        return False
    if row is None:
        session.add(SatusehatPractitioner(contact_id=contact.id, ihs_number=ihs_number, updated_at=now))
    else:
        row.ihs_number, row.updated_at = ihs_number, now
    session.add(AuditEvent(contact_id=by_contact_id, action="practitioner.ihs_set", subject=f"contact:{contact.id}",
                           at=now))
    session.flush()
    return True


def practitioners_for(session: Session, posyandu_ids: Iterable[int],
                      recorder_ids: Iterable[int]) -> tuple[dict[int, str], dict[int, str]]:
    """(IHS number by recording contact, IHS number of the desa's bidan by posyandu)."""
    recorders = [i for i in set(recorder_ids) if i is not None]
    places = list(set(posyandu_ids))
    by_recorder: dict[int, str] = {}
    if recorders:
        by_recorder = dict(session.execute(select(SatusehatPractitioner.contact_id, SatusehatPractitioner.ihs_number)
                                           .where(SatusehatPractitioner.contact_id.in_(recorders))).all())
    by_posyandu: dict[int, str] = {}
    if places:
        rows = session.execute(select(Posyandu.id, SatusehatPractitioner.ihs_number)
                               .join(Contact, (Contact.desa_id == Posyandu.desa_id)
                                     & (Contact.role == Role.BIDAN.value))
                               .join(SatusehatPractitioner, SatusehatPractitioner.contact_id == Contact.id)
                               .where(Posyandu.id.in_(places)).order_by(Posyandu.id, Contact.id)).all()
        for pid, ihs in rows:
            by_posyandu.setdefault(pid, ihs)
    return by_recorder, by_posyandu
