"""Indonesian phone numbers to E.164, however they are written.

Why one function: a guardian's number typed to a kader (`/lapor`), a CSV row
of the register and the sender of a WhatsApp message must come out the same,
or one household gets two phone numbers and misses its messages.
"""
from __future__ import annotations

import re

import phonenumbers


def normalise_phone(text: str | None, *, strict: bool = True) -> str | None:
    """`0812...`, `62812...`, `+62 812-...`, `(0812) ...` -> `+62812...`; None when it is no phone number.

    A number written with a leading `62` but no `+` is read as international
    (Indonesia's country code), never as a national number starting with 62.
    `strict` asks for a number valid in its numbering plan (what people type);
    `strict=False` takes any possible number (a provider's sender, which may be
    a number phonenumbers' metadata does not know yet).
    """
    if not text or not text.strip():
        return None
    raw = re.sub(r"[\s().-]", "", text.strip())
    if raw.startswith("62"):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        return None
    usable = phonenumbers.is_valid_number(number) if strict else phonenumbers.is_possible_number(number)
    if not usable:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})


def mobile_number(text: str | None) -> tuple[str | None, str | None]:
    """An Indonesian mobile number in E.164, or why not: (None, 'invalid' | 'landline' | 'foreign').

    Why: reminders go by WhatsApp or SMS, which a landline (021-...) cannot take (Twilio refuses
    it, 21614) and a foreign number is not a family of an Indonesian posyandu's register.
    """
    if not text or not text.strip():
        return None, "invalid"
    raw = re.sub(r"[\s().-]", "", text.strip())
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    elif raw.startswith("62"):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        return None, "invalid"
    if not phonenumbers.is_valid_number(number):
        return None, "invalid"
    if number.country_code != 62:
        return None, "foreign"
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        return None, "landline"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None
