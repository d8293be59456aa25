"""`make run`: the web app, the dispatcher, the SATUSEHAT sender and the clock in one process (a laptop, SQLite).

Production runs them as separate Procfile processes on PostgreSQL instead.
"""
from __future__ import annotations

import logging
import threading

from apscheduler.schedulers.background import BackgroundScheduler

from app.runtime import Runtime, build_runtime, satusehat_sender
from app.wsgi import create_app
from bot.config import Settings, configure_logging
from scheduler.clock import register_jobs
from sending.satusehat_sync import SatusehatSender, run_forever as sync_forever
from sending.worker import run_forever
from storage.migrate import upgrade

log = logging.getLogger(__name__)


def main() -> None:
    settings = Settings.from_env()
    configure_logging(settings)
    upgrade(settings.database_url)
    runtime = build_runtime(settings)
    app = create_app(runtime=runtime)
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(runtime, stop), name="dispatcher", daemon=True).start()
    satusehat = _satusehat_sender(runtime)
    if satusehat is not None:  # calls out only for a puskesmas with credentials
        threading.Thread(target=sync_forever, args=(satusehat, stop), name="satusehat", daemon=True).start()
    clock = BackgroundScheduler(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    register_jobs(clock, runtime)
    clock.start()
    port = settings.port
    print(f"\nPosyandu bot running on http://127.0.0.1:{port} (database: {settings.database_url.split('///')[-1]})")
    print("Telegram webhook: POST /webhooks/telegram   WhatsApp webhook: POST /webhooks/whatsapp")
    print("No tokens? Talk to the bot in another terminal:  .venv/bin/python -m bot chat --as kader")
    demo = _demo_link(runtime, port)
    if demo:
        print(f"The web page as the demo bidan (works once, 10 minutes): {demo}")
        print("Another link: type 'web' in the chat (python -m bot chat --as bidan)\n")
    try:
        app.run(host=settings.host, port=port, threaded=True, use_reloader=False)
    finally:
        stop.set()
        clock.shutdown(wait=False)
        if satusehat is not None:
            satusehat.close()
        runtime.close()


def _demo_link(runtime: Runtime, port: int) -> str | None:
    """A sign-in link for the demo bidan, so a laptop opens the page at once; None without the demo."""
    from sqlalchemy import select

    from storage.db import transaction
    from storage.models import Contact
    from storage.web_login import issue_link

    with transaction(runtime.session_factory) as session:
        bidan = session.scalars(select(Contact).where(Contact.channel == "terminal", Contact.address == "bidan")).first()
        token = issue_link(session, bidan, runtime.clock.now()) if bidan is not None else None
    return f"http://127.0.0.1:{port}/masuk/{token}" if token else None


def _satusehat_sender(runtime: Runtime) -> SatusehatSender | None:
    """The SATUSEHAT sender, or None (with the reason logged) when a code setting is unknown."""
    try:
        return satusehat_sender(runtime)
    except ValueError as exc:
        log.error("SATUSEHAT sending is off: %s", exc)
        return None


if __name__ == "__main__":
    main()
