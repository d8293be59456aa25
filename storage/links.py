"""Link requests: a chat asked to add a member the posyandu already records, without proof it is their family.

Why kept apart from the member: until a kader or the bidan of that posyandu
confirms (docs/privacy.md), the chat must learn nothing of the household, so
what it typed (name, sex, birth date, HPHT) lives on the request and is all
`keluarga` shows of it. The real family is not blocked: its WhatsApp number
proves it at once, and staff confirm the others in chat (`sambungan`).
Functions take a session and never commit.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.values import Role
from storage.households import add_pregnancy, link_member, request_link  # noqa: F401  (request_link: made where a member is added)
from storage.members import name_key
from storage.models import AuditEvent, Contact, Household, LinkRequest, Member, Posyandu, Pregnancy
from storage.records import ContactRecord

REVIEWERS = frozenset({Role.KADER.value, Role.BIDAN.value, Role.ADMIN.value})


def unconfirmed_of(session: Session, contact: ContactRecord) -> list[LinkRequest]:
    """The chat's own requests not (yet) accepted: shown to it as it typed them, nothing more."""
    return list(session.scalars(select(LinkRequest).where(LinkRequest.contact_id == contact.id,
                                                          LinkRequest.status != "accepted")
                                .order_by(LinkRequest.birth_date.desc(), LinkRequest.id)))


def typed_by(session: Session, contact: ContactRecord) -> list[tuple[Member, Pregnancy | None]]:
    """The chat's unconfirmed requests as the resident typed them (never the record they point at), as a member
    and, when an HPHT was typed, a pregnancy: `keluarga` and `grafik` answer them exactly as a member added new,
    so whether a record exists does not show (docs/privacy.md). Negative ids keep them apart from stored members;
    nothing is added to the session."""
    out: list[tuple[Member, Pregnancy | None]] = []
    for request in unconfirmed_of(session, contact):
        person = Member(id=-request.id, posyandu_id=request.posyandu_id, household_id=None, name=request.name,
                        name_key=name_key(request.name), sex=request.sex, birth_date=request.birth_date)
        pregnancy = Pregnancy(member_id=-request.id, hpht=request.hpht) if request.hpht else None
        out.append((person, pregnancy))
    return out


def reviewers(session: Session, posyandu: Posyandu) -> list[Contact]:
    """Who may confirm a link at this posyandu: its kaders, the bidan of its desa (not stopped)."""
    stmt = select(Contact).where(Contact.stopped_at.is_(None), (
        ((Contact.role == Role.KADER.value) & (Contact.posyandu_id == posyandu.id))
        | ((Contact.role == Role.BIDAN.value) & (Contact.desa_id == posyandu.desa_id)))).order_by(Contact.id)
    return list(session.scalars(stmt))


def pending_at(session: Session, posyandu_ids: Sequence[int]) -> list[tuple[LinkRequest, Member, Contact,
                                                                             Household | None]]:
    """Pending requests of these posyandu, oldest first, with the member, the asking chat and the member's household."""
    if not posyandu_ids:
        return []
    rows = session.execute(
        select(LinkRequest, Member, Contact, Household)
        .join(Member, Member.id == LinkRequest.member_id)
        .join(Contact, Contact.id == LinkRequest.contact_id)
        .outerjoin(Household, Household.id == Member.household_id)
        .where(LinkRequest.posyandu_id.in_(list(posyandu_ids)), LinkRequest.status == "pending")
        .order_by(LinkRequest.created_at, LinkRequest.id)).all()
    return [(r, m, c, h) for r, m, c, h in rows]


def request_parties(session: Session, request: LinkRequest) -> tuple[Contact | None, Member | None]:
    """The chat that asked and the member it asked for (None: deleted meanwhile)."""
    return session.get(Contact, request.contact_id), session.get(Member, request.member_id)


def decide(session: Session, reviewer: ContactRecord, request_id: int, posyandu_ids: Sequence[int], accept: bool,
           now: datetime) -> LinkRequest | None:
    """A kader or bidan of the posyandu accepts (links the chat) or refuses a pending request; else None."""
    if reviewer.role not in REVIEWERS:
        return None
    request = session.get(LinkRequest, request_id)
    if request is None or request.status != "pending" or request.posyandu_id not in posyandu_ids:
        return None
    asker, member = request_parties(session, request)
    if accept and (asker is None or member is None or asker.household_id is None):
        accept = False  # the chat deleted its data meanwhile: nothing to link
    request.status = "accepted" if accept else "refused"
    request.decided_at, request.decided_by_id = now, reviewer.id
    if accept:
        link_member(session, asker, member, now)  # type: ignore[arg-type]
        if request.hpht is not None:
            add_pregnancy(session, member, request.hpht, now)  # type: ignore[arg-type]
    session.add(AuditEvent(contact_id=reviewer.id, action=f"link.{request.status}", subject=f"link:{request.id}",
                           at=now))
    session.flush()
    return request
