"""Channel-agnostic conversation core of the posyandu bot.

Nothing here imports Flask, python-telegram-bot or Twilio: the channels live in
`webhooks/`, and they hand the core plain `Inbound` messages.
"""
