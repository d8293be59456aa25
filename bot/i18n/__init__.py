"""Sentences by area; importing this package registers them all with `bot.texts`."""
from bot.i18n import core  # noqa: F401
