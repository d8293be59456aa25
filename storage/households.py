"""Households and the chats linked to them: find a posyandu, subscribe with consent, add members,
reach a posyandu's families, and delete what a resident gave.

Why one module: the chat flows, the broadcasts, the planner and the CLI all
need the same answers to "who may we message?" and "what does deleting
remove?", and these rules must not drift apart. Functions take a session and
never commit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Iterable, Sequence

from rapidfuzz import fuzz
from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from health.life_stage import life_stages
from storage.members import clean_name, name_key
from storage.models import (
    AuditEvent,
    Contact,
    Household,
    LinkRequest,
    Measurement,
    Member,
    OutboxMessage,
    Posyandu,
    Pregnancy,
    Referral,
    Region,
    ServiceGiven,
)
from storage.phones import normalise_phone
from storage.contacts import contact_row
from storage.records import ContactRecord
from storage.repositories import _insert

CONSENT_KINDS = ("reminder", "broadcast", "result")
SEARCH_LIMIT = 6
SEARCH_CUTOFF = 72.0
SEARCH_SCAN = 20000  # rows scanned fuzzily when the word filter finds nothing


WORD_MATCH = 75.0  # a query word must be this close (rapidfuzz ratio) to a word of the name, desa or code
NOT_SEARCH_WORDS = frozenset({
    "posyandu", "desa", "kelurahan", "dusun", "kampung", "village", "ya", "iya", "yes", "tidak", "tdk", "no",
    "bukan", "gak", "nggak", "enggak", "oke", "setuju", "boleh", "batal", "cancel", "daftar", "subscribe",
    "jadwal", "keluarga", "anak", "menu", "bantuan", "help", "mulai", "berhenti", "stop"})


# -- finding the posyandu ------------------------------------------------------------
def search_words(text: str) -> list[str]:
    """The words of a query worth searching with: 3 letters or more, not a number, not yes/no or a command."""
    return [w for w in name_key(text).split()
            if sum(ch.isalpha() for ch in w) >= 3 and w not in NOT_SEARCH_WORDS]


@dataclass(frozen=True)
class PosyanduHit:
    id: int
    code: str
    name: str
    desa: str
    score: float


def _code_form(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def search_posyandu(session: Session, query: str, limit: int = SEARCH_LIMIT) -> list[PosyanduHit]:
    """Posyandu matching a typed desa name, posyandu name or code, best first; typos tolerated.

    An exact code wins outright. Otherwise rows sharing a word (or its first
    letters) with the query are scored with rapidfuzz against the name, the
    desa and the code; with no such rows, the first `SEARCH_SCAN` rows are.
    """
    text = name_key(query)
    if not text:
        return []
    base = select(Posyandu.id, Posyandu.code, Posyandu.name, Region.name).join(Region, Region.id == Posyandu.desa_id)
    code = _code_form(query)
    exact = session.execute(base.where(func.upper(Posyandu.code) == code)).first() if code else None
    if exact is not None:
        return [PosyanduHit(exact[0], exact[1], exact[2], exact[3], 100.0)]
    words = search_words(text)
    if not words:  # "ya", "7", "1 juni 2026": nothing to search with, and fuzzy scores on them are noise
        return []
    rows: Sequence = []
    if words:
        likes = []
        for w in words:
            for pattern in {f"%{w}%", f"%{w[:4]}%"}:
                likes += [func.lower(Posyandu.name).like(pattern), func.lower(Region.name).like(pattern),
                          func.lower(Posyandu.code).like(pattern)]
        rows = session.execute(base.where(or_(*likes)).limit(SEARCH_SCAN)).all()
    if not rows:
        rows = session.execute(base.limit(SEARCH_SCAN)).all()
    hits = []
    for pid, pcode, pname, desa in rows:
        targets = set(name_key(pname).split()) | set(name_key(desa).split()) | {pcode.lower()}
        if not any(fuzz.ratio(w, t) >= WORD_MATCH for w in words for t in targets if not t.isdigit()):
            continue  # no word of the query is (nearly) a word of this posyandu: a partial-string accident
        score = max(
            fuzz.WRatio(text, name_key(pname)),
            fuzz.WRatio(text, name_key(desa)),
            fuzz.WRatio(text, f"{name_key(pname)} {name_key(desa)}"),
            fuzz.ratio(code.lower(), pcode.lower()) if code else 0.0,
        )
        if score >= SEARCH_CUTOFF:
            hits.append(PosyanduHit(pid, pcode, pname, desa, float(score)))
    hits.sort(key=lambda h: (-h.score, h.name))
    return hits[:limit]


# -- subscribing -------------------------------------------------------------------------
def own_number(contact: Contact) -> str | None:
    """The chat's own phone number as its channel vouches for it: the WhatsApp sender, or the number a Telegram
    user shared with the request_contact button. Nothing typed counts."""
    if contact.channel == "whatsapp":
        return normalise_phone(contact.address, strict=False)
    return contact.verified_phone


def _registered_household(session: Session, contact: Contact, posyandu: Posyandu) -> Household | None:
    """The posyandu's household registered with this chat's own number: the proof that it is theirs."""
    phone = own_number(contact)
    if phone is None:
        return None
    return session.scalars(select(Household).where(Household.posyandu_id == posyandu.id, Household.phone == phone)
                           .order_by(Household.id).limit(1)).first()


def contact_household(session: Session, contact: ContactRecord) -> Household | None:
    """The household the chat belongs to, if any."""
    return session.get(Household, contact.household_id) if contact.household_id else None


def subscribe(session: Session, who: ContactRecord, posyandu: Posyandu, now: datetime) -> Household:
    """Record consent and link the chat to a household of this posyandu: the one registered with the chat's
    own WhatsApp number when there is one (proof enough, docs/privacy.md), else a new one."""
    contact = contact_row(session, who)  # the step's own row: no query
    contact.opted_in = True
    contact.consent_at = now
    if contact.stopped_at is not None:
        contact.resumed_at = now  # nothing that fell due while stopped comes in a burst
    contact.stopped_at = None  # consenting again is the clearest "please message me"
    contact.posyandu_id = posyandu.id
    household = contact_household(session, contact)
    if household is None or household.posyandu_id != posyandu.id:
        household = _registered_household(session, contact, posyandu)
    if household is None:
        household = Household(posyandu_id=posyandu.id, phone=contact.address if contact.channel == "whatsapp" else None,
                              opted_in=True, created_at=now)
        session.add(household)
        session.flush()
        session.add(AuditEvent(contact_id=contact.id, action="household.created", subject=f"household:{household.id}", at=now))
    contact.household_id = household.id
    session.add(AuditEvent(contact_id=contact.id, action="consent.given", subject=f"household:{household.id}", at=now))
    session.flush()
    return household


def join_registered_household(session: Session, who: ContactRecord, now: datetime) -> bool:
    """After the chat proved its number: join the household registered with it, if the chat's own is still empty."""
    contact = contact_row(session, who)  # the step's own row: no query
    own = contact.household_id
    posyandu = session.get(Posyandu, contact.posyandu_id) if contact.posyandu_id else None
    if own is None or posyandu is None:
        return False
    registered = _registered_household(session, contact, posyandu)
    if registered is None or registered.id == own:
        return False
    if session.scalar(select(func.count()).select_from(Member).where(Member.household_id == own)):
        return False  # members already added here are linked one by one (`add_member` checks the same proof)
    contact.household_id = registered.id
    session.flush()
    _drop_if_empty(session, own)
    session.add(AuditEvent(contact_id=contact.id, action="household.joined", subject=f"household:{registered.id}",
                           at=now))
    session.flush()
    return True


@dataclass(frozen=True)
class AddedMember:
    member: Member
    outcome: str  # added | linked | exists | pending
    request: LinkRequest | None = None  # `pending`: the chat asked for a member the posyandu records


def proves_household(session: Session, contact: Contact, member: Member) -> bool:
    """The chat's own number (`own_number`) is the member's household phone or guardian phone."""
    own = own_number(contact)
    household = session.get(Household, member.household_id) if member.household_id else None
    registered = {normalise_phone(p, strict=False) for p in (household.phone if household else None,
                                                              member.guardian_phone) if p}
    return own is not None and own in registered


def add_member(session: Session, who: ContactRecord, household: Household, name: str, sex: str,
               birth_date: date, now: datetime, hpht: date | None = None,
               pregnant_on: date | None = None) -> AddedMember:
    """Add a member to the chat's household; a member the posyandu already records needs proof.

    Same posyandu, same name and birth date is the same person, never a
    duplicate row. Linking this chat to that member (and so to their household's
    data) needs proof (docs/privacy.md): the chat's WhatsApp number is the
    household's (`proves_household`), else a pending `LinkRequest` a kader or
    the bidan of the posyandu confirms (`request_link`; `storage.links` decides). A pending request is
    answered exactly like a new member, so a stranger learns nothing, not even
    that the member exists; what they typed stays on the request.
    `pregnant_on`: she said she is pregnant without a known HPHT (an undated pregnancy, told that day).
    """
    contact = contact_row(session, who)  # the step's own row: no query
    key = name_key(name)
    found = session.scalars(select(Member).where(Member.posyandu_id == household.posyandu_id,
                                                 Member.name_key == key, Member.birth_date == birth_date)).one_or_none()
    if found is None:
        member = Member(posyandu_id=household.posyandu_id, household_id=household.id, name=clean_name(name),
                        name_key=key, sex=sex, birth_date=birth_date, created_at=now, created_by_id=contact.id)
        session.add(member)
        session.flush()
        session.add(AuditEvent(contact_id=contact.id, action="member.added", subject=f"member:{member.id}", at=now))
        if hpht is not None or pregnant_on is not None:
            add_pregnancy(session, member, hpht, now, pregnant_on)
        return AddedMember(member, "added")
    if found.household_id == household.id:
        return AddedMember(found, "exists")
    if proves_household(session, contact, found):
        link_member(session, contact, found, now)
        if hpht is not None or pregnant_on is not None:
            add_pregnancy(session, found, hpht, now, pregnant_on)
        return AddedMember(found, "linked")
    request, new = request_link(session, contact, found, name, sex, birth_date, hpht, now)
    return AddedMember(found, "pending" if new else "exists", request)


def request_link(session: Session, contact: Contact, member: Member, name: str, sex: str, birth_date: date,
                 hpht: date | None, now: datetime) -> tuple[LinkRequest, bool]:
    """A link request (`storage.links` lists and decides them): the chat's request for this member (created when new); True when it was created now."""
    found = session.scalars(select(LinkRequest).where(LinkRequest.contact_id == contact.id,
                                                      LinkRequest.member_id == member.id)).one_or_none()
    if found is not None:
        return found, False
    request = LinkRequest(contact_id=contact.id, member_id=member.id, posyandu_id=member.posyandu_id,
                          name=clean_name(name), sex=sex, birth_date=birth_date, hpht=hpht, status="pending",
                          created_at=now)
    session.add(request)
    session.flush()
    session.add(AuditEvent(contact_id=contact.id, action="link.requested", subject=f"member:{member.id}", at=now))
    session.flush()
    return request, True


def link_member(session: Session, contact: Contact, found: Member, now: datetime) -> None:
    """Link the chat with the member's household, once proven (by its number, or a kader or bidan confirmed).

    A member in no household moves into the chat's; a chat whose own household
    is empty joins the member's; otherwise the two are one family: the chat's
    members move into the member's household and the chat follows them.
    """
    own = contact.household_id
    other = found.household_id
    if other is None or other == own:
        found.household_id = own
        session.add(AuditEvent(contact_id=contact.id, action="member.linked", subject=f"member:{found.id}", at=now))
        session.flush()
        return
    if own is not None:
        session.execute(update(Member).where(Member.household_id == own).values(household_id=other))
    contact.household_id = other
    session.flush()
    if own is not None:
        _drop_if_empty(session, own)
    session.add(AuditEvent(contact_id=contact.id, action="household.joined", subject=f"household:{other}", at=now))
    session.flush()


def _drop_if_empty(session: Session, household_id: int) -> None:
    busy = session.scalar(select(func.count()).select_from(Member).where(Member.household_id == household_id))
    chats = session.scalar(select(func.count()).select_from(Contact).where(Contact.household_id == household_id))
    if not busy and not chats:
        session.execute(delete(Household).where(Household.id == household_id))


def add_pregnancy(session: Session, member: Member, hpht: date | None, now: datetime,
                  reported_on: date | None = None) -> Pregnancy:
    """Record a pregnancy from its HPHT (the same HPHT twice is one pregnancy), or undated (`hpht` None, told on
    `reported_on`): one ongoing undated pregnancy is kept, and an HPHT told later dates it."""
    undated = session.scalars(select(Pregnancy).where(Pregnancy.member_id == member.id, Pregnancy.hpht.is_(None),
                                                      Pregnancy.delivered_on.is_(None),
                                                      Pregnancy.ended_on.is_(None))).first()
    if hpht is None:
        if undated is not None:
            return undated
        pregnancy = Pregnancy(member_id=member.id, hpht=None, reported_on=reported_on or now.date(), created_at=now)
        session.add(pregnancy)
        session.flush()
        return pregnancy
    found = session.scalars(select(Pregnancy).where(Pregnancy.member_id == member.id,
                                                    Pregnancy.hpht == hpht)).one_or_none()
    if found is not None:
        return found
    if undated is not None:
        undated.hpht = hpht
        session.flush()
        return undated
    pregnancy = Pregnancy(member_id=member.id, hpht=hpht, created_at=now)
    session.add(pregnancy)
    session.flush()
    return pregnancy


def household_members(session: Session, household_id: int) -> list[Member]:
    return list(session.scalars(select(Member).where(Member.household_id == household_id)
                                .order_by(Member.birth_date.desc(), Member.id)))


# -- who may we message ------------------------------------------------------------------
def reachable_clause() -> object:
    """SQL: the contact may get reminders and broadcasts (Contact.reachable, as a condition)."""
    return and_(Contact.opted_in.is_(True), Contact.stopped_at.is_(None), Contact.paused_at.is_(None))


def reachable_contacts(session: Session, household_ids: Iterable[int]) -> dict[int, list[Contact]]:
    """Chats that may be messaged, per household, in id order."""
    ids = sorted(set(household_ids))
    found: dict[int, list[Contact]] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        for contact in session.scalars(select(Contact).where(Contact.household_id.in_(chunk), reachable_clause())
                                       .order_by(Contact.id)):
            found.setdefault(contact.household_id, []).append(contact)  # type: ignore[arg-type]
    return found


@dataclass(frozen=True)
class HouseholdReach:
    """Why a broadcast reaches whom it reaches: the posyandu's households, those with a chat, those that may
    be messaged (consented, not stopped, not paused)."""

    households: int
    with_chat: int
    reachable: int


def household_reach(session: Session, posyandu_id: int) -> HouseholdReach:
    of_posyandu = Household.posyandu_id == posyandu_id
    households = session.scalar(select(func.count()).select_from(Household).where(of_posyandu)) or 0
    chats = select(func.count(func.distinct(Contact.household_id))).join(
        Household, Household.id == Contact.household_id).where(of_posyandu)
    with_chat = session.scalar(chats) or 0
    reachable = session.scalar(chats.where(reachable_clause())) or 0
    return HouseholdReach(households, with_chat, reachable)


def audience(session: Session, posyandu_id: int, groups: Sequence[str], on: date) -> list[int]:
    """Households of the posyandu with a reachable chat and (if `groups`) a member in one of the groups on `on`."""
    has_chat = exists().where(Contact.household_id == Household.id, reachable_clause())
    if not groups:
        return sorted(session.scalars(select(Household.id).where(Household.posyandu_id == posyandu_id, has_chat)))
    wanted = set(groups)
    rows = session.execute(
        select(Member.household_id, Member.birth_date, Member.sex, Pregnancy.hpht, Pregnancy.delivered_on,
               Pregnancy.ended_on, Pregnancy.reported_on)
        .join(Household, Household.id == Member.household_id)
        .outerjoin(Pregnancy, Pregnancy.member_id == Member.id)
        .where(Household.posyandu_id == posyandu_id, has_chat)).all()
    chosen = set()
    for household_id, born, sex, hpht, delivered, ended, reported in rows:
        if household_id in chosen or born > on:
            continue
        since = reported if hpht is None else None  # an undated pregnancy is a pregnancy too
        if ended is not None and ended <= on:
            hpht = delivered = since = None
        if {s.value for s in life_stages(born, sex, on, hpht, delivered, since)} & wanted:
            chosen.add(household_id)
    return sorted(chosen)


@dataclass(frozen=True)
class Chat:
    """What the planner needs of a reachable contact (no ORM object per household at scale)."""

    id: int
    household_id: int
    channel: str
    address: str
    language: str | None


def reachable_chats(session: Session, household_ids: Iterable[int]) -> dict[int, list[Chat]]:
    """Like `reachable_contacts`, as plain rows."""
    ids = sorted(set(household_ids))
    found: dict[int, list[Chat]] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        for row in session.execute(select(Contact.id, Contact.household_id, Contact.channel, Contact.address,
                                          Contact.language).where(Contact.household_id.in_(chunk), reachable_clause())
                                   .order_by(Contact.id)):
            found.setdefault(row.household_id, []).append(Chat(*row))
    return found


# -- deleting -----------------------------------------------------------------------------
@dataclass
class Deletion:
    members_deleted: int = 0
    members_unlinked: int = 0
    household_deleted: bool = False
    messages_cancelled: int = 0


def _has_posyandu_records(session: Session, member_id: int) -> bool:
    for model in (Measurement, ServiceGiven, Referral):
        if session.scalar(select(exists().where(model.member_id == member_id))):
            return True
    return False


def delete_resident_data(session: Session, who: ContactRecord, now: datetime) -> Deletion:
    """`hapus data`: unlink the chat and delete what this resident gave.

    Members this chat registered with nothing recorded by the posyandu are
    deleted (with their pregnancies). Members with posyandu records
    (measurements, services, referrals) or registered by a kader stay with
    the posyandu, unlinked (household_id NULL), their guardian fields cleared
    when the resident gave them. If another chat shares the household, only
    this chat is unlinked: the household is theirs too. Pending reminders and
    broadcasts to this chat are cancelled; the dispatcher also refuses them.
    """
    contact = contact_row(session, who)  # the step's own row: no query
    result = Deletion()
    household_id = contact.household_id
    if household_id is not None:
        others = session.scalar(select(func.count()).select_from(Contact).where(
            Contact.household_id == household_id, Contact.id != contact.id))
        if not others:
            for member in household_members(session, household_id):
                mine = member.created_by_id == contact.id
                if mine and not _has_posyandu_records(session, member.id):
                    # the database cascades to pregnancies and planned reminders
                    session.execute(delete(Member).where(Member.id == member.id))
                    result.members_deleted += 1
                    continue
                member.household_id = None
                if mine:
                    member.guardian_name = member.guardian_phone = None
                result.members_unlinked += 1
            session.flush()
            contact.household_id = None
            session.flush()
            session.execute(delete(Household).where(Household.id == household_id))
            result.household_deleted = True
    contact.household_id = None
    session.execute(delete(LinkRequest).where(LinkRequest.contact_id == contact.id))  # what it typed, unconfirmed or not
    contact.opted_in = False
    contact.consent_at = None
    contact.posyandu_id = None
    contact.display_name = None
    contact.verified_phone = None
    cancelled = session.execute(update(OutboxMessage).where(
        OutboxMessage.contact_id == contact.id, OutboxMessage.kind.in_(CONSENT_KINDS),
        OutboxMessage.status == "pending").values(status="cancelled", last_error="resident deleted their data"))
    result.messages_cancelled = cancelled.rowcount or 0
    session.add(AuditEvent(contact_id=contact.id, action="data.deleted",
                           subject=f"household:{household_id}" if household_id else None, at=now))
    session.flush()
    return result


_SPACES = re.compile(r"\s+")


def one_line(text: str, limit: int = 900) -> str:
    """WhatsApp template variables allow no newlines or long space runs: fold them."""
    folded = _SPACES.sub(" ", text.replace("\n", " · ")).strip()
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


from storage.outbox import fan_out, insert_outbox, supersede, told_before  # noqa: E402,F401  (moved; kept importable)
