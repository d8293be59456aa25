"""The send path: the outbox dispatcher, its fair queue and the providers' shared budget, the worker's loop, and
every provider client (Telegram, WhatsApp and SMS through Twilio, SATUSEHAT) with the SATUSEHAT sender."""
