"""Sentences by area; importing this package registers them all with `bot.texts`."""
import importlib

AREAS = ("core", "report", "resident", "broadcast", "birth", "referral", "nik", "recap", "reach", "words", "conversation",
         "services", "levels", "web")

for _area in AREAS:
    try:
        importlib.import_module(f"bot.i18n.{_area}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"bot.i18n.{_area}":
            raise
