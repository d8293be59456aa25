"""HTTP edges of the bot: Flask webhooks and the Telegram/Twilio senders (the only PTB/Twilio importers)."""
