"""The outbox: nothing promised is lost, a failed send is retried and then given up with its reason."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.messages import Channel, Inbound
from bot.ports import Failed, RetryLater, Sent
from sending.dispatch import LEASE, backoff_seconds
from storage.models import Contact, OutboxMessage
from bot.intake import process


def rows(session):
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_reply_committed_but_never_sent_is_sent_by_the_dispatcher(runtime, senders, session, clock):
    """A web worker that dies right after its commit: the reply waits in the outbox, the poll sends it."""
    handled = process(runtime, Inbound(Channel.TELEGRAM, "1001", "/start", provider_id="7"), send=False)
    assert handled.outbox_ids  # committed, never handed to a sender (the process "died" here)
    assert [r.status for r in rows(session)] == ["pending"]
    stats = runtime.dispatcher.run_once()
    assert stats.sent == 1
    assert "Pilih bahasa" in senders[Channel.TELEGRAM].sent[0].text
    assert [r.status for r in rows(session)] == ["sent"]


def test_a_crash_during_send_is_recovered_when_the_lease_lapses(runtime, senders, session, clock):
    """Claimed but never recorded (killed mid-send): after the lease the row is sent again."""
    from sending.dispatch import claim
    from storage.db import transaction

    process(runtime, Inbound(Channel.TELEGRAM, "1001", "/start", provider_id="8"), send=False)
    with transaction(runtime.session_factory) as s:
        assert len(claim(s, clock.now(), 10)) == 1  # then the process dies
    assert runtime.dispatcher.run_once().claimed == 0  # still leased: nobody else takes it
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert runtime.dispatcher.run_once().sent == 1
    assert len(senders[Channel.TELEGRAM].sent) == 1


def test_a_failed_send_is_retried_with_backoff_then_sent(runtime, senders, session, clock):
    runtime.dispatcher.monotonic = lambda: clock.now().timestamp()  # the 429's pause passes on the test's clock
    senders[Channel.TELEGRAM].results = [RetryLater("timeout"), RetryLater("429", after_seconds=30)]
    process(runtime, Inbound(Channel.TELEGRAM, "1001", "/start", provider_id="9"), send=False)
    assert runtime.dispatcher.run_once().retried == 1
    row = rows(session)[0]
    assert row.status == "pending" and row.last_error == "timeout"
    assert row.next_attempt_at > clock.now()
    assert runtime.dispatcher.run_once().claimed == 0  # not due yet
    clock.current = row.next_attempt_at
    assert runtime.dispatcher.run_once().retried == 1
    row = rows(session)[0]
    assert row.next_attempt_at >= clock.now() + timedelta(seconds=30)  # honours retry_after
    clock.current = row.next_attempt_at
    assert runtime.dispatcher.run_once().sent == 1
    assert rows(session)[0].attempts == 3


def test_a_send_that_keeps_failing_is_given_up_with_its_reason(runtime, senders, session, clock):
    max_attempts = runtime.settings.dispatch_max_attempts
    senders[Channel.TELEGRAM].results = [RetryLater("server error 502")] * (max_attempts + 5)
    process(runtime, Inbound(Channel.TELEGRAM, "1001", "/start", provider_id="10"), send=False)
    for _ in range(max_attempts + 3):
        runtime.dispatcher.run_once()
        row = rows(session)[0]
        if row.status == "dead":
            break
        clock.current = row.next_attempt_at
    row = rows(session)[0]
    assert row.status == "dead"
    assert row.attempts == max_attempts
    assert "gave up" in row.last_error and "502" in row.last_error
    assert senders[Channel.TELEGRAM].sent == []


def test_a_blocked_user_is_not_retried_and_marked_unreachable(runtime, senders, session):
    senders[Channel.TELEGRAM].results = [Failed("bot was blocked by the user", unreachable=True)]
    process(runtime, Inbound(Channel.TELEGRAM, "1001", "/start", provider_id="11"), send=False)
    assert runtime.dispatcher.run_once().dead == 1
    assert rows(session)[0].last_error == "bot was blocked by the user"
    assert session.scalars(select(Contact)).one().stopped_at is not None


def test_reminders_to_a_stopped_contact_are_cancelled_even_if_planned_before(runtime, senders, session, clock):
    from storage.db import transaction
    from storage.repositories import enqueue_to_contact

    process(runtime, Inbound(Channel.TELEGRAM, "1001", "/start"), send=False)
    with transaction(runtime.session_factory) as s:
        contact = s.scalars(select(Contact)).one()
        contact.opted_in = True
        enqueue_to_contact(s, contact, "Besok posyandu", clock.now(), kind="reminder", dedupe_key="r:1")
    process(runtime, Inbound(Channel.TELEGRAM, "1001", "berhenti"), send=False)
    runtime.dispatcher.drain()
    kinds = {(r.kind, r.status) for r in rows(session)}
    assert ("reminder", "cancelled") in kinds
    assert not any("Besok posyandu" in m.text for m in senders[Channel.TELEGRAM].sent)


def test_dedupe_key_enqueues_once(runtime, session, clock):
    from storage.db import transaction
    from storage.repositories import enqueue

    with transaction(runtime.session_factory) as s:
        first = enqueue(s, channel="telegram", address="1", text="a", now=clock.now(), kind="reminder", dedupe_key="k")
        second = enqueue(s, channel="telegram", address="1", text="a", now=clock.now(), kind="reminder", dedupe_key="k")
    assert first is not None and second is None
    assert len(rows(session)) == 1


def test_replies_go_before_bulk(runtime, senders, session, clock):
    from storage.db import transaction
    from storage.repositories import enqueue_to_contact

    process(runtime, Inbound(Channel.TELEGRAM, "2002", "/start"), send=False)
    with transaction(runtime.session_factory) as s:
        contact = s.scalars(select(Contact)).one()
        contact.opted_in = True
        for i in range(3):
            enqueue_to_contact(s, contact, f"bulk {i}", clock.now() - timedelta(minutes=5), kind="broadcast")
    process(runtime, Inbound(Channel.TELEGRAM, "2002", "1"), send=False)
    runtime.dispatcher.run_once(limit=2)
    texts = [m.text for m in senders[Channel.TELEGRAM].sent]
    assert not texts[0].startswith("bulk") and not texts[1].startswith("bulk")


def test_backoff_grows_and_is_capped():
    fixed = lambda: 0.5  # noqa: E731 - the jitter's midpoint
    assert backoff_seconds(1, fixed) == 5
    assert backoff_seconds(2, fixed) == 10
    assert backoff_seconds(4, fixed) == 40
    assert backoff_seconds(30, fixed) == 3600


def test_outbox_drain_command_sends_what_is_due(app, runtime, senders, clock):
    process(runtime, Inbound(Channel.TELEGRAM, "3003", "/start"), send=False)
    result = app.test_cli_runner().invoke(args=["outbox", "drain", "--at", clock.now().isoformat()])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert len(senders[Channel.TELEGRAM].sent) == 1


def test_a_reply_claimed_at_birth_is_sent_by_the_poll_if_its_process_dies(runtime, senders, session, clock):
    """The webhook writes its replies already claimed and sends them itself; if it dies before, the
    short lease lapses and the dispatcher sends them, once."""
    from bot.service import REPLY_LEASE, handle_inbound
    from storage.db import transaction

    with transaction(runtime.session_factory) as s:
        handled = handle_inbound(s, Inbound(Channel.TELEGRAM, "1001", "/start", provider_id="12"), clock.now(),
                                 runtime.settings, claim_replies=True)
    assert handled.claimed and [r.status for r in rows(session)] == ["sending"]
    assert runtime.dispatcher.run_once().claimed == 0  # the web worker holds it
    clock.advance(seconds=REPLY_LEASE.total_seconds() + 1)
    assert runtime.dispatcher.run_once().sent == 1
    assert [r.status for r in rows(session)] == ["sent"]


def test_replies_claimed_at_birth_are_sent_without_a_claim(runtime, senders, session, clock):
    from bot.service import handle_inbound
    from storage.db import transaction

    with transaction(runtime.session_factory) as s:
        handled = handle_inbound(s, Inbound(Channel.TELEGRAM, "1001", "/start", provider_id="13"), clock.now(),
                                 runtime.settings, claim_replies=True)
    assert runtime.dispatcher.send_claimed(handled.claimed).sent == 1
    row = rows(session)[0]
    assert (row.status, row.attempts, row.locked_until) == ("sent", 1, None)
    assert "Pilih bahasa" in senders[Channel.TELEGRAM].sent[0].text


def test_rows_for_a_channel_without_a_sender_are_left_alone(runtime, senders, session, clock):
    """WhatsApp not configured: its rows stay pending (not leased, not counted as attempts) while
    Telegram's go out."""
    from storage.db import transaction
    from storage.repositories import enqueue

    del runtime.dispatcher.senders[Channel.WHATSAPP]
    with transaction(runtime.session_factory) as s:
        enqueue(s, channel="whatsapp", address="+6281234567890", text="wa", now=clock.now())
        enqueue(s, channel="telegram", address="1", text="tg", now=clock.now())
    stats = runtime.dispatcher.drain()
    assert (stats.claimed, stats.sent) == (1, 1)
    by_channel = {r.channel: (r.status, r.attempts) for r in rows(session)}
    assert by_channel == {"whatsapp": ("pending", 0), "telegram": ("sent", 1)}


def test_a_message_waits_behind_an_older_one_to_its_chat_still_being_sent(runtime, session, clock):
    from storage.db import transaction
    from storage.outbox import waits_behind
    from storage.repositories import enqueue

    with transaction(runtime.session_factory) as s:
        bulk = enqueue(s, channel="telegram", address="5", text="reminder", now=clock.now(), kind="reminder",
                       claimed_until=clock.now() + timedelta(seconds=30))
        reply = enqueue(s, channel="telegram", address="5", text="reply", now=clock.now(), kind="reply")
        later = enqueue(s, channel="telegram", address="5", text="bulk", now=clock.now(), kind="broadcast")
        other = enqueue(s, channel="telegram", address="6", text="bulk", now=clock.now(), kind="broadcast")
    with runtime.session_factory() as s:
        assert waits_behind(s, "telegram", "5", later, 10)  # the older reminder is still being sent
        assert not waits_behind(s, "telegram", "5", reply, 0)  # a reply never waits behind bulk
        assert not waits_behind(s, "telegram", "6", other, 10)  # another chat is not held up
        assert not waits_behind(s, "telegram", "5", bulk, 10)  # the oldest goes


LONG = "\n\n".join(f"Paragraf {i}: " + "kata " * 150 for i in range(12))  # ~9,000 characters: three Telegram messages


def test_a_long_text_is_written_as_its_parts_each_sent_and_retried_alone(runtime, senders, session, clock):
    """Issue 18: a long text sent in parts from one row could outlive its 30 s lease and go twice. Now
    each part is a row of its own (its own lease and retry), in the chat's order, the choices on the last."""
    from bot.choices import utf16_len
    from bot.messages import Choice
    from storage.db import transaction
    from bot.service import message_parts
    from storage.repositories import enqueue_parts

    yes_no = (Choice("yes", "Ya"), Choice("no", "Tidak"))
    parts = message_parts("telegram", LONG, yes_no)
    with transaction(runtime.session_factory) as s:
        ids = enqueue_parts(s, channel="telegram", address="42", text=LONG, now=clock.now(), kind="nudge",
                            choices=yes_no, dedupe_key="k", parts=parts)
        again = enqueue_parts(s, channel="telegram", address="42", text=LONG, now=clock.now(), kind="nudge",
                              choices=yes_no, dedupe_key="k", parts=parts)
    assert len(ids) == 3 and ids == sorted(ids) and again == []  # written again: refused whole
    written = rows(session)
    assert [r.dedupe_key for r in written] == ["k", "k#part2", "k#part3"]
    assert all(utf16_len(r.text) <= 4096 for r in written)
    assert [bool(r.choices) for r in written] == [False, False, True]
    assert "".join("".join(r.text for r in written).split()) == "".join(LONG.split())

    senders[Channel.TELEGRAM].results = [Sent("p1"), RetryLater("timeout")]  # the second part fails once
    stats = runtime.dispatcher.run_once()
    assert stats.sent == 2 and stats.retried == 1
    assert [r.status for r in rows(session)] == ["sent", "pending", "sent"]
    clock.current = rows(session)[1].next_attempt_at
    assert runtime.dispatcher.run_once().sent == 1  # only the failed part goes again
    assert [r.attempts for r in rows(session)] == [1, 2, 1]
    assert len(senders[Channel.TELEGRAM].sent) == 3  # each part once: none repeated


def test_a_long_reply_is_written_claimed_in_parts_and_sent_in_order(runtime, senders, session, clock):
    from bot.messages import Reply
    from bot.service import REPLY_LEASE, write_replies
    from storage.db import transaction

    with transaction(runtime.session_factory) as s:
        contact = s.scalars(select(Contact)).first()
        if contact is None:
            contact = Contact(channel="telegram", address="4242", created_at=clock.now())
            s.add(contact)
            s.flush()
        claimed = write_replies(s, contact, [Reply(LONG)], clock.now(), clock.now() + REPLY_LEASE)
    assert len(claimed) == 3 and [r.status for r in rows(session)] == ["sending"] * 3
    assert runtime.dispatcher.send_claimed(claimed).sent == 3
    assert senders[Channel.TELEGRAM].texts() == [r.text for r in rows(session)]
    assert [r.status for r in rows(session)] == ["sent"] * 3
