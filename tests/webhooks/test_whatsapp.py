"""WhatsApp end to end: Twilio-signed posts in, the real twilio Client out to a loopback fake."""
from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Contact, InboundDelivery, OutboxMessage
from tests.webhooks.conftest import post_wa, wa_form


def test_start_gets_a_numbered_list_and_a_number_picks(live, tw):
    rt, client = live
    response = post_wa(client, wa_form("/start"))
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    first = tw.wait_for(1)[0]
    assert first["To"] == "whatsapp:+6281234567890"
    assert "1. Bahasa Indonesia" in first["Body"] and "2. English" in first["Body"]
    post_wa(client, wa_form("2"))
    assert "How will you use" in tw.wait_for(2)[1]["Body"]


def test_local_number_forms_become_one_contact(live, tw, session):
    rt, client = live
    post_wa(client, wa_form("/start", number="+62 812-3456-7890"))
    post_wa(client, wa_form("1", number="+6281234567890"))
    tw.wait_for(2)
    assert session.scalar(select(func.count()).select_from(Contact)) == 1
    assert session.scalars(select(Contact.address)).one() == "+6281234567890"


def test_bad_or_missing_signature_is_403(live, tw, session):
    rt, client = live
    form = wa_form("/start")
    assert post_wa(client, form, token="not-the-token").status_code == 403
    assert client.post("/webhooks/whatsapp", data=form).status_code == 403
    signed_for_other_url = dict(form)
    response = post_wa(client, signed_for_other_url, path="/webhooks/whatsapp/status")
    assert response.status_code in (400, 403)  # a signature is only valid for its own URL
    assert session.scalar(select(func.count()).select_from(Contact)) == 0
    assert tw.messages() == []


def test_tampered_body_fails_the_signature(live):
    from twilio.request_validator import RequestValidator

    rt, client = live
    form = wa_form("/start")
    signature = RequestValidator("twilio-auth-token").compute_signature(
        "https://posyandu.example.org/webhooks/whatsapp", form)
    form["Body"] = "hapus data"
    assert client.post("/webhooks/whatsapp", data=form, headers={"X-Twilio-Signature": signature}).status_code == 403


def test_signature_is_checked_against_the_public_url_behind_a_proxy(live, tw):
    """The app sees http://localhost/...; Twilio signed PUBLIC_URL. It must still validate."""
    rt, client = live
    form = wa_form("/start")
    from twilio.request_validator import RequestValidator

    signature = RequestValidator("twilio-auth-token").compute_signature(
        "https://posyandu.example.org/webhooks/whatsapp", form)
    response = client.post("/webhooks/whatsapp", data=form, base_url="http://10.0.0.5:8000",
                           headers={"X-Twilio-Signature": signature, "X-Forwarded-Proto": "https"})
    assert response.status_code == 200


def test_redelivered_message_sid_is_handled_once(live, tw, session):
    rt, client = live
    form = wa_form("/start", sid="SM" + "a" * 32)
    assert post_wa(client, form).status_code == 200
    assert post_wa(client, form).status_code == 200
    tw.wait_for(1)
    rt.send_now.shutdown()
    assert len(tw.messages()) == 1
    assert session.scalar(select(func.count()).select_from(InboundDelivery)) == 1


def test_media_without_text_gets_a_kind_answer(live, tw):
    rt, client = live
    post_wa(client, wa_form("", NumMedia="1", MediaContentType0="image/jpeg", MediaUrl0="https://x/y.jpg"))
    assert "hanya bisa membaca pesan teks" in tw.wait_for(1)[0]["Body"]


def test_status_callback_updates_the_outbox_row(live, tw, session):
    rt, client = live
    post_wa(client, wa_form("/start"))
    sid = tw.wait_for(1)[0]["Sid"]
    rt.send_now.shutdown()
    response = post_wa(client, {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": "AC" + "0" * 32},
                       path="/webhooks/whatsapp/status")
    assert response.status_code == 200 and response.json["found"] is True
    session.expire_all()
    row = session.scalars(select(OutboxMessage)).one()
    assert (row.status, row.provider_status) == ("sent", "delivered")
    post_wa(client, {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "63016"},
            path="/webhooks/whatsapp/status")
    session.expire_all()
    row = session.scalars(select(OutboxMessage)).one()
    assert row.status == "failed" and "63016" in row.last_error


def test_rate_limited_send_is_retried_by_the_dispatcher(live, tw, session, clock):
    rt, client = live
    tw.fail_next(1, "rate_limit")
    post_wa(client, wa_form("/start"))
    rt.send_now.shutdown()
    session.expire_all()
    row = session.scalars(select(OutboxMessage)).one()
    assert row.status == "pending"
    clock.current = row.next_attempt_at
    assert rt.dispatcher.run_once().sent == 1
    assert "Pilih bahasa" in tw.messages()[0]["Body"]


def test_unsubscribed_number_is_given_up_and_marked(live, tw, session):
    rt, client = live
    tw.fail_next(1, "unsubscribed")
    post_wa(client, wa_form("/start"))
    rt.send_now.shutdown()
    session.expire_all()
    assert session.scalars(select(OutboxMessage.status)).one() == "dead"
    assert session.scalars(select(Contact)).one().stopped_at is not None


def test_inline_twiml_replies_when_configured(settings, clock, db_engine, tw, session):
    from app.wsgi import create_app
    from app.runtime import build_runtime

    rt = build_runtime(settings.with_(twilio_reply_inline=True, twilio_api_url=tw.base_url), clock=clock,
                       engine=db_engine)
    client = create_app(runtime=rt).test_client()
    response = post_wa(client, wa_form("/start"))
    body = response.get_data(as_text=True)
    assert "<Message>" in body and "Pilih bahasa" in body and "1. Bahasa Indonesia" in body
    assert session.scalars(select(OutboxMessage.provider_status)).one() == "inline"
    assert tw.messages() == []


def test_not_a_whatsapp_message_is_400(live):
    rt, client = live
    assert post_wa(client, {"Body": "hi"}).status_code == 400
    assert post_wa(client, wa_form("hi", number="not-a-number")).status_code == 400
