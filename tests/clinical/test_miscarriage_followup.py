"""Issue 16: `keguguran` reaches the bidan: a follow-up in her referral queue (postabortion care, WHO Abortion
care guideline 2022: a follow-up visit for bleeding, fever, pain and contraception) and an alert, the same path
as any referral; another end (moved away, recorded by mistake) reaches nobody."""
from __future__ import annotations

from sqlalchemy import select

from bot.messages import Channel
from storage.models import Referral
from tests.harness import Person
from tests.reporting.helpers import member


def end_pregnancy(k: Person, reason: str) -> str:
    k.say("keguguran")
    k.say("1")  # Rina Marlina, 21 weeks
    k.say(reason)
    k.say("hari ini")
    return k.say("simpan")


def test_a_miscarriage_alerts_the_bidan_and_opens_a_follow_up(runtime, demo, session, senders):
    k = Person(runtime, "kader1")
    reply = end_pregnancy(k, "1")
    assert "Bidan desa sudah diberi tahu (1 orang)" in reply and "pasca keguguran" in reply
    alert = [t for t in senders[Channel.TERMINAL].texts("bidan") if "Rina Marlina" in t][-1]
    assert "keguguran" in alert and "perawatan pasca keguguran" in alert and "perdarahan" in alert
    rina = member(session, "Rina Marlina")
    session.expire_all()
    referral = session.scalars(select(Referral).where(Referral.member_id == rina.id)).one()
    assert referral.reasons == ["pregnancy:miscarriage"] and referral.problem == "kehamilan"
    assert referral.status == "open" and referral.urgency == "week"
    listing = Person(runtime, "bidan").say("rujukan")
    assert "Rina Marlina" in listing and "Keguguran: perawatan pasca keguguran" in listing


def test_another_end_reaches_nobody(runtime, demo, session, senders):
    k = Person(runtime, "kader1")
    reply = end_pregnancy(k, "2")
    assert "bidan" not in reply.lower()
    assert not [t for t in senders[Channel.TERMINAL].texts("bidan") if "Rina Marlina" in t]
    assert session.scalars(select(Referral)).first() is None
