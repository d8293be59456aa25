"""Issue 16: a weight loss is said as a loss wherever N/T is shown, from one function.

ilp-domain 3.2 (KMS): T = the growth line flat or falling, or a gain below the KBM, *including weight loss*;
so a loss is a T, and saying how much was lost tells the kader, the bidan and the family what happened.
"""
from __future__ import annotations

from datetime import date

from bot.formats import gain_words
from bot.messages import Channel
from tests.harness import Person
from tests.reporting.helpers import guardian, member, outbox, past_visit


def test_gain_words_say_what_happened_to_the_weight():
    assert gain_words("id", "T", -200) == "turun 200 gram (T)"
    assert gain_words("id", "T", 0) == "tetap, tidak naik (T)"
    assert gain_words("id", "T", 100) == "naik 100 gram, kurang dari kenaikan minimal (T)"
    assert gain_words("id", "N", 400) == "naik 400 gram (N)"
    assert gain_words("en", "T", -200) == "down 200 grams (T)"
    assert gain_words("id", "O") == "bulan lalu tidak ditimbang (O)"
    assert gain_words("id", "N") == "naik (N)" and gain_words("id", "T") == "tidak naik (T)"  # change unknown


def test_a_loss_is_turun_for_the_kader_the_bidan_and_keluarga(runtime, demo, session, senders):
    aisyah = member(session, "Aisyah Putri")  # 300 days old: KBM 300 g (ilp-domain 3.2)
    past_visit(session, aisyah, date(2026, 10, 20), weight_kg=8.2, height_cm=69.0, weight_gain="N")
    guardian(session, aisyah)
    k = Person(runtime, "kader1")
    k.say("lapor")
    reply = k.say("aisyah")
    if "Pilih orangnya" in reply:
        k.say("1")
    summary = k.say("bb 8 pb 70 lk 43 lila 14")
    assert "8 kg — turun 200 gram (T)" in summary and "tidak naik (T)" not in summary
    assert "Berat badan turun 200 gram (T)" in summary  # the reason says it too
    k.say("simpan")
    alert = [m.text for m in outbox(session, kind="alert")][-1]
    assert "turun 200 gram (T)" in alert and "tidak naik (T)" not in alert
    family = Person(runtime, "ibu-aisyah")
    shown = family.say("keluarga")
    assert "berat badan turun 200 gram (T)" in shown and "tidak naik" not in shown
    result = outbox(session, kind="result")[0].text
    assert "turun 200 gram (T)" in result
