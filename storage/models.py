"""The tables. One module so that the schema reads as one story.

Times are aware UTC (`UTCDateTime`); dates of health events (birth, HPHT,
measurement) are plain local dates, as written in the Buku KIA.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Optional

from sqlalchemy import (
    JSON,
    BigInteger,
    LargeBinary,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text as sql_text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.db import Base, UTCDateTime

intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
utc = Annotated[datetime, mapped_column(UTCDateTime)]
# Measurements keep the precision a register gives (a 5 g scale, a 0,01 cm board): WHO's z-scores are
# computed from the stored value, so rounding here would move the export away from WHO's own code.
kg = Annotated[Optional[float], mapped_column(Numeric(7, 3, asdecimal=False))]
cm = Annotated[Optional[float], mapped_column(Numeric(6, 2, asdecimal=False))]
zscore = Annotated[Optional[float], mapped_column(Numeric(5, 2, asdecimal=False))]


class Region(Base):
    """Provinsi > kabupaten > kecamatan > desa. A desa carries its time zone (WIB/WITA/WIT)."""

    __tablename__ = "region"
    __table_args__ = (UniqueConstraint("level", "parent_id", "name"),)

    id: Mapped[intpk]
    level: Mapped[str] = mapped_column(String(12))  # provinsi | kabupaten | kecamatan | desa
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"))
    timezone: Mapped[Optional[str]] = mapped_column(String(40))
    # Kemendagri's kode wilayah (e.g. desa 33.21.01.2001, kabupaten 33.21) where known: the national exports carry it
    code: Mapped[Optional[str]] = mapped_column(String(20), index=True)

    parent: Mapped[Optional["Region"]] = relationship(remote_side="Region.id")


class Puskesmas(Base):
    __tablename__ = "puskesmas"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"))  # its kecamatan
    code: Mapped[Optional[str]] = mapped_column(String(20), index=True)  # Kemenkes kode puskesmas, where known


class Posyandu(Base):
    __tablename__ = "posyandu"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    desa_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    puskesmas_id: Mapped[Optional[int]] = mapped_column(ForeignKey("puskesmas.id"))
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    address: Mapped[Optional[str]] = mapped_column(String(200))
    satusehat_location_id: Mapped[Optional[str]] = mapped_column(String(64))  # its Location in SATUSEHAT

    desa: Mapped[Region] = relationship(foreign_keys=[desa_id])
    puskesmas: Mapped[Optional[Puskesmas]] = relationship()


class Household(Base):
    """A family served by one posyandu; residents who subscribe link their chat to it."""

    __tablename__ = "household"

    id: Mapped[intpk]
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"), index=True)
    name: Mapped[Optional[str]] = mapped_column(String(120))
    phone: Mapped[Optional[str]] = mapped_column(String(20), index=True)  # E.164 of the guardian
    opted_in: Mapped[bool] = mapped_column(Boolean, default=False)  # paper consent to WhatsApp
    address: Mapped[Optional[str]] = mapped_column(String(200))  # a hint for the kader's home visit (RT/RW, landmark)
    kk: Mapped[Optional[str]] = mapped_column(String(16))  # No. Kartu Keluarga, where known (e-PPGBM's first column)
    # The record of that consent (UU 27/2022): how it was given (paper | chat | import), when, who wrote it down
    consent_method: Mapped[Optional[str]] = mapped_column(String(10))
    consent_recorded_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    consent_recorded_by_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL", use_alter=True))  # contact -> household too: a cycle
    created_at: Mapped[utc]


class Contact(Base):
    """One person on one channel: their role, language and consent."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[intpk]
    channel: Mapped[str] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(String(64))  # chat id, E.164 number or terminal name
    role: Mapped[str] = mapped_column(String(12), default="resident")
    language: Mapped[Optional[str]] = mapped_column(String(2))
    display_name: Mapped[Optional[str]] = mapped_column(String(120))
    # E.164 number the channel vouched for (Telegram's request_contact); a WhatsApp address is one already
    verified_phone: Mapped[Optional[str]] = mapped_column(String(20))
    posyandu_id: Mapped[Optional[int]] = mapped_column(ForeignKey("posyandu.id"), index=True)
    desa_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"))  # a bidan's desa
    # an admin with a puskesmas is that puskesmas's staff (sees its posyandu); without, the kabupaten's
    puskesmas_id: Mapped[Optional[int]] = mapped_column(ForeignKey("puskesmas.id"))
    household_id: Mapped[Optional[int]] = mapped_column(ForeignKey("household.id"), index=True)
    opted_in: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    stopped_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # `mulai` after `berhenti`: what fell due before this is not sent in a burst (the planner's catch-up starts here)
    resumed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Deliveries failed on several different days: nothing bulk goes out until the person writes again
    paused_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    paused_reason: Mapped[Optional[str]] = mapped_column(String(20))  # failures | not_on_whatsapp
    # 'sms': the number is not on WhatsApp and bulk messages go to it by SMS (remembered; a later inbound clears it)
    fallback_channel: Mapped[Optional[str]] = mapped_column(String(12))
    last_inbound_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[utc]

    posyandu: Mapped[Optional[Posyandu]] = relationship(foreign_keys=[posyandu_id])
    household: Mapped[Optional[Household]] = relationship(foreign_keys=[household_id])

    @property
    def reachable(self) -> bool:
        """Whether non-reply messages (reminders, broadcasts) may go to this contact."""
        return self.opted_in and self.stopped_at is None and self.paused_at is None


class Member(Base):
    """A person the posyandu serves (a child, a mother, an elder...)."""

    __tablename__ = "member"
    __table_args__ = (UniqueConstraint("posyandu_id", "name_key", "birth_date"),
                      Index("ix_member_posyandu_birth", "posyandu_id", "birth_date"))

    id: Mapped[intpk]
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"), index=True)
    household_id: Mapped[Optional[int]] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), index=True)  # lower-case, for search
    sex: Mapped[str] = mapped_column(String(1))  # L | P
    birth_date: Mapped[date] = mapped_column(Date, index=True)
    nik: Mapped[Optional[str]] = mapped_column(String(16), index=True)  # looked up per register row (nik_holder)
    mother_nik: Mapped[Optional[str]] = mapped_column(String(16))  # a baby without NIK is sent under it
    guardian_name: Mapped[Optional[str]] = mapped_column(String(120))
    guardian_phone: Mapped[Optional[str]] = mapped_column(String(20))
    created_at: Mapped[utc]
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))

    posyandu: Mapped[Posyandu] = relationship()
    household: Mapped[Optional[Household]] = relationship()
    pregnancies: Mapped[list["Pregnancy"]] = relationship(back_populates="member", order_by="Pregnancy.id")


class Pregnancy(Base):
    """A pregnancy, dated from HPHT; `delivered_on` starts the nifas and neonatal schedule.

    An undated pregnancy (she is pregnant, the HPHT is unknown) has `hpht` None and `reported_on`, the day
    she was known pregnant (health.life_stage.is_pregnant): she is ibu hamil all the same."""

    __tablename__ = "pregnancy"

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    hpht: Mapped[Optional[date]] = mapped_column(Date, index=True)
    reported_on: Mapped[Optional[date]] = mapped_column(Date)
    delivered_on: Mapped[Optional[date]] = mapped_column(Date, index=True)
    ended_on: Mapped[Optional[date]] = mapped_column(Date)
    end_reason: Mapped[Optional[str]] = mapped_column(String(20))  # keguguran | lainnya (ended without a birth)
    # How the HPHT is known: None = told by the mother; 'hpl' / 'weeks' / 'months' = estimated from the due
    # date or the gestational age the mother or the KIA book gives (the bidan should confirm it).
    hpht_estimate: Mapped[Optional[str]] = mapped_column(String(10))
    # Where and by whom the baby was delivered, when known (PWS KIA: persalinan di fasyankes / oleh nakes):
    # place 'faskes' | 'rumah' | 'lain'; attendant 'nakes' | 'non_nakes'. None: not recorded.
    delivery_place: Mapped[Optional[str]] = mapped_column(String(10))
    delivery_attendant: Mapped[Optional[str]] = mapped_column(String(10))
    created_at: Mapped[utc]

    member: Mapped[Member] = relationship(back_populates="pregnancies")


class Measurement(Base):
    """What was measured at one visit, with the interpretation computed when it was saved."""

    __tablename__ = "measurement"
    __table_args__ = (UniqueConstraint("member_id", "measured_on"),
                      Index("ix_measurement_posyandu_day", "posyandu_id", "measured_on"),
                      # a member's weighings read from the index alone (the recap, the visit list; PostgreSQL only:
                      # SQLite has no INCLUDE and reads them by the unique index above)
                      Index("ix_measurement_member_weighings", "member_id", "measured_on",
                            postgresql_include=["weight_kg", "waz", "weight_gain", "flags"]).ddl_if(
                          dialect="postgresql"))

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"), index=True)
    measured_on: Mapped[date] = mapped_column(Date, index=True)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(10), default="chat")  # chat | import
    life_stage: Mapped[Optional[str]] = mapped_column(String(16))
    age_days: Mapped[Optional[int]] = mapped_column(Integer)
    weight_kg: Mapped[kg]
    height_cm: Mapped[cm]
    position: Mapped[Optional[str]] = mapped_column(String(1))  # L lying | H standing
    head_cm: Mapped[cm]
    muac_cm: Mapped[cm]
    waist_cm: Mapped[cm]
    systolic: Mapped[Optional[int]] = mapped_column(Integer)
    diastolic: Mapped[Optional[int]] = mapped_column(Integer)
    glucose_mgdl: Mapped[Optional[int]] = mapped_column(Integer)
    glucose_kind: Mapped[Optional[str]] = mapped_column(String(3))  # GDS | GDP
    hb_gdl: Mapped[Optional[float]] = mapped_column(Numeric(4, 2, asdecimal=False))
    gestational_weeks: Mapped[Optional[int]] = mapped_column(Integer)
    waz: Mapped[zscore]
    haz: Mapped[zscore]
    whz: Mapped[zscore]
    baz: Mapped[zscore]
    weight_gain: Mapped[Optional[str]] = mapped_column(String(1))  # N | T | O | B
    statuses: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Each referral reason with how soon (health.urgency: 'today' | 'week'); the visit's urgency derives from it.
    referral_levels: Mapped[Optional[dict[str, str]]] = mapped_column(JSON)
    created_at: Mapped[utc]

    member: Mapped[Member] = relationship()


# Where a recorded service was given (`ServiceGiven.origin`; docs/reporting.md "Service history"):
ORIGIN_POSYANDU = "posyandu"  # given at the posyandu, recorded in its report: counts in the recap, goes to SATUSEHAT
ORIGIN_HISTORY = "history"  # given before or elsewhere (puskesmas, bidan, hospital), recorded afterwards
ORIGINS = (ORIGIN_POSYANDU, ORIGIN_HISTORY)


class ServiceGiven(Base):
    """A service recorded (a dose, a capsule, a visit); it silences its reminder and counts for the next dose.

    `origin` says whether the posyandu gave it (`ORIGIN_POSYANDU`, from a report) or it is history
    (`ORIGIN_HISTORY`: `services import`, "sudah di puskesmas" in chat): history counts for the child's
    schedule only, never in a month's recap nor as a posyandu Immunization in SATUSEHAT.
    """

    __tablename__ = "service_given"
    __table_args__ = (UniqueConstraint("member_id", "code", "given_on"),
                      Index("ix_service_given_posyandu_day", "posyandu_id", "given_on"))  # a month's recap

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20), index=True)
    given_on: Mapped[date] = mapped_column(Date)
    posyandu_id: Mapped[Optional[int]] = mapped_column(ForeignKey("posyandu.id"))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    measurement_id: Mapped[Optional[int]] = mapped_column(ForeignKey("measurement.id", ondelete="SET NULL"))
    origin: Mapped[str] = mapped_column(String(10), default=ORIGIN_POSYANDU, server_default=ORIGIN_POSYANDU)
    place: Mapped[Optional[str]] = mapped_column(String(120))  # where a history record says it was given
    precision: Mapped[str] = mapped_column(String(5), default="day", server_default="day")  # day | month


class Referral(Base):
    """A case the bidan must follow up: one open row per member and problem (a new visit updates it).

    `problem` is the health area of its reasons (health.problems); `urgency` is 'today' or 'week'
    (`storage.referrals.referral_urgency`, health.urgency's levels); `measurement_id` is the latest
    visit that triggered it, `first_measurement_id` the one that opened it. Only the bidan (or an admin)
    closes it, with an `outcome`.
    """

    __tablename__ = "referral"
    __table_args__ = (Index("uq_referral_open_problem", "member_id", "problem", unique=True,
                            sqlite_where=sql_text("status = 'open'"), postgresql_where=sql_text("status = 'open'")),)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    problem: Mapped[str] = mapped_column(String(20), default="lain", server_default="lain")  # health.problems
    measurement_id: Mapped[Optional[int]] = mapped_column(ForeignKey("measurement.id", ondelete="CASCADE"))
    first_measurement_id: Mapped[Optional[int]] = mapped_column(Integer)
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"), index=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    urgency: Mapped[str] = mapped_column(String(5), default="week")  # today | week
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | handled
    created_at: Mapped[utc]
    updated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    urgent_since: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)  # when it became 'today'
    repeated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)  # the next-morning repeat was written
    handled_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    outcome: Mapped[Optional[str]] = mapped_column(String(20))  # dikunjungi | dirujuk | membaik | tidak_ditemukan
    outcome_note: Mapped[Optional[str]] = mapped_column(Text)


class LinkRequest(Base):
    """A chat asked to add a member the posyandu already records: pending until proof or staff confirmation.

    What the resident typed is kept here, not on the member, so the household stays hidden until then.
    """

    __tablename__ = "link_request"
    __table_args__ = (UniqueConstraint("contact_id", "member_id"),)

    id: Mapped[intpk]
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    hpht: Mapped[Optional[date]] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | accepted | refused
    created_at: Mapped[utc]
    decided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))


class Invite(Base):
    """A single-use code that binds a kader or bidan to a posyandu."""

    __tablename__ = "invite"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(16), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    created_at: Mapped[utc]
    expires_at: Mapped[utc]
    used_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class PosyanduSession(Base):
    """A posyandu opening day (hari buka). `revision` grows on every change so people are told again."""

    __tablename__ = "posyandu_session"

    id: Mapped[intpk]
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"), index=True)
    starts_at: Mapped[utc] = mapped_column(UTCDateTime, index=True)
    place: Mapped[Optional[str]] = mapped_column(String(200))
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)  # life stages expected
    status: Mapped[str] = mapped_column(String(10), default="scheduled")  # scheduled | cancelled
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    created_at: Mapped[utc]
    updated_at: Mapped[utc]

    posyandu: Mapped[Posyandu] = relationship()


class Announcement(Base):
    """A message the bidan sent to a posyandu's households (a schedule or free text)."""

    __tablename__ = "announcement"

    id: Mapped[intpk]
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"), index=True)
    session_id: Mapped[Optional[int]] = mapped_column(ForeignKey("posyandu_session.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10))  # session | change | cancel | free
    text: Mapped[str] = mapped_column(Text)
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    created_at: Mapped[utc]


class PlannedReminder(Base):
    """One reminder for one member for one due period: the database makes it unique."""

    __tablename__ = "planned_reminder"
    __table_args__ = (UniqueConstraint("member_id", "code", "period"),)

    id: Mapped[intpk]
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    household_id: Mapped[Optional[int]] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    outbox_id: Mapped[Optional[int]] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    planned_at: Mapped[utc]


class ConversationState(Base):
    """Where a contact is in a conversation. Any web worker can continue from it."""

    __tablename__ = "conversation_state"

    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    flow: Mapped[Optional[str]] = mapped_column(String(40))
    step: Mapped[Optional[str]] = mapped_column(String(60))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    choices: Mapped[list[Any]] = mapped_column(JSON, default=list)  # last offered [value, label]
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[utc]
    expires_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}


class InboundDelivery(Base):
    """Every delivery id seen, so a webhook delivered twice is handled once."""

    __tablename__ = "inbound_delivery"
    __table_args__ = (UniqueConstraint("channel", "provider_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(12))
    provider_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[utc]


class OutboxMessage(Base):
    """Every outbound message is a row first; only the dispatcher (or send-now) sends it.

    status: pending -> sending -> sent | pending (retry) | dead | cancelled
    """

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at", "priority"),
                      Index("ix_outbox_chat", "address", "channel", "status"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="reply")  # reply|alert|result|reminder|broadcast|nudge
    priority: Mapped[int] = mapped_column(Integer, default=0)  # 0 replies first, 10 bulk
    text: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[Any]] = mapped_column(JSON, default=list)
    template_key: Mapped[Optional[str]] = mapped_column(String(20))
    template_vars: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[utc]
    locked_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    last_error: Mapped[Optional[str]] = mapped_column(String(300))
    provider_message_id: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    provider_status: Mapped[Optional[str]] = mapped_column(String(20))
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(120), unique=True)
    created_at: Mapped[utc]
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class WebLoginLink(Base):
    """A one-time link to the web page, asked for in chat (`web`) or printed by an operator.

    Only the token's SHA-256 is kept, so a copy of the database opens no page."""

    __tablename__ = "web_login_link"

    id: Mapped[intpk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[utc]
    expires_at: Mapped[utc]
    used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, this row its hash (logout and expiry end it)."""

    __tablename__ = "web_session"

    id: Mapped[intpk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[utc]
    last_seen_at: Mapped[utc]
    ended_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Who did what to whose record (UU PDP accountability); never message bodies."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    contact_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[Optional[str]] = mapped_column(String(60))
    at: Mapped[utc]


class SendBudget(Base):
    """One provider account's (or one chat's) next free send instant, shared by every sending process.

    `tat` and `paused_until` are seconds on the database's clock (epoch), so hosts with
    different clocks agree; see sending/budget.py.
    """

    __tablename__ = "send_budget"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    tat: Mapped[float] = mapped_column(Float, default=0.0)
    paused_until: Mapped[float] = mapped_column(Float, default=0.0)


class SendSlot(Base):
    """One of a provider account's slots (as many as it allows sends a second): taken before a send,
    free again one second after its answer (`busy_until`, seconds on the database's clock).

    So any second at the provider holds at most that many of our sends, however they are delayed on
    the way; see sending/budget.py.
    """

    __tablename__ = "send_slot"

    account: Mapped[str] = mapped_column(String(80), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    busy_until: Mapped[float] = mapped_column(Float, default=0.0)


class SatusehatCredential(Base):
    """A puskesmas' SATUSEHAT API access: one client id per Organization id, the secret encrypted.

    `failed_at`/`failure`: the token call refused these credentials; nothing is sent for this
    puskesmas until they are set again (a bad secret is never retried in a loop).
    """

    __tablename__ = "satusehat_credential"

    id: Mapped[intpk]
    puskesmas_id: Mapped[int] = mapped_column(ForeignKey("puskesmas.id", ondelete="CASCADE"), unique=True)
    organization_id: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(200))
    secret_encrypted: Mapped[str] = mapped_column(Text)  # Fernet token, key SATUSEHAT_SECRET_KEY
    failed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    failure: Mapped[Optional[str]] = mapped_column(String(300))
    updated_at: Mapped[utc]


class SatusehatPractitioner(Base):
    """A bidan's SATUSEHAT Practitioner id (IHS number): the Encounter's attender and the Immunization's
    performer of the visits at her desa's posyandu (docs/satusehat.md)."""

    __tablename__ = "satusehat_practitioner"

    id: Mapped[intpk]
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), unique=True)
    ihs_number: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[utc]


class SatusehatSync(Base):
    """One visit (measurement) to send to SATUSEHAT: queued in the transaction that saves it.

    status: pending -> sending -> sent | pending (retry) | refused | waiting (no NIK).
    `revision` grows on every save; `sent_revision` is the one SATUSEHAT has, so an
    edit after sending is sent again (as PUT of the ids in `satusehat_resource`).
    """

    __tablename__ = "satusehat_sync"
    __table_args__ = (Index("ix_satusehat_sync_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    measurement_id: Mapped[int] = mapped_column(ForeignKey("measurement.id", ondelete="CASCADE"), unique=True)
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    sent_revision: Mapped[Optional[int]] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[utc]
    locked_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    last_error: Mapped[Optional[str]] = mapped_column(Text)  # readable OperationOutcome of a refusal
    queued_at: Mapped[utc]
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class SatusehatResource(Base):
    """The id SATUSEHAT gave one resource of a visit (`key`: Patient, Encounter, Observation:weight...)."""

    __tablename__ = "satusehat_resource"
    __table_args__ = (UniqueConstraint("measurement_id", "key"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    measurement_id: Mapped[int] = mapped_column(ForeignKey("measurement.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[str] = mapped_column(String(64))


class RecapSnapshot(Base):
    """A level recap as computed at `computed_at` (storage.recap_snapshots): the web page's area dashboard reads it
    instead of counting a kabupaten's year at every view; recomputed when older than WEB_RECAP_MINUTES."""

    __tablename__ = "recap_snapshot"
    __table_args__ = (UniqueConstraint("level", "unit_key", "year", "month"),)

    id: Mapped[intpk]
    level: Mapped[str] = mapped_column(String(12))
    unit_key: Mapped[str] = mapped_column(String(40))  # the unit's id, or "all"
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[utc]


class PosyanduTarget(Base):
    """The sasaran (S of SKDN) the bidan or puskesmas set for a posyandu in a year: balita living in its area."""

    __tablename__ = "posyandu_target"
    __table_args__ = (UniqueConstraint("posyandu_id", "year"),)

    id: Mapped[intpk]
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    balita: Mapped[int] = mapped_column(Integer)
    set_at: Mapped[utc]


class RegionTarget(Base):
    """A desa's sasaran for a year and a target group (`health.targets.GROUPS`: bumil, bayi, balita...).

    `group` 'penduduk' is the desa's population, from which the national default ratios estimate the
    groups nobody set (health/targets.py).
    """

    __tablename__ = "region_target"
    __table_args__ = (UniqueConstraint("region_id", "year", "group"),)

    id: Mapped[intpk]
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    group: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)
    set_at: Mapped[utc]


class MediaFile(Base):
    """The picture or document an outbox message carries (a growth chart, a recap workbook).

    `spec` is the snapshot of what to draw, taken when the message was written;
    the bytes are made from it at send time (`bot.media.materialise`), off the
    webhook's path, and kept in `content` once made so a refetch draws nothing.
    """

    __tablename__ = "media_file"

    id: Mapped[intpk]
    outbox_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                           ForeignKey("outbox_message.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # photo | document
    filename: Mapped[str] = mapped_column(String(120))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content: Mapped[Optional[bytes]] = mapped_column(LargeBinary)
    created_at: Mapped[utc]


class HomeVisit(Base):
    """A kader's home visit to a member (or a household without one) and its short outcome.

    A visit takes the subject off the kader's visiting list (`storage.visits`) for what was already
    known when the visit was made; a new reason later puts it back.
    """

    __tablename__ = "home_visit"

    id: Mapped[intpk]
    posyandu_id: Mapped[int] = mapped_column(ForeignKey("posyandu.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[Optional[int]] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[Optional[int]] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    created_at: Mapped[utc]


class DeliveryEvent(Base):
    """One delivery status callback of one outbound message (delivered, read, failed, undelivered...)."""

    __tablename__ = "delivery_event"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    outbox_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                           ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    error_code: Mapped[Optional[str]] = mapped_column(String(20))
    at: Mapped[utc]
