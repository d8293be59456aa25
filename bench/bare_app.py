"""The yardsticks: a Flask endpoint that parses the JSON body and answers 200, nothing else; and the
durable floor (`create_durable_app`): parse, one INSERT, commit, on the same database as the bot."""
import os

from flask import Flask, request


FLOOR_TABLE = "CREATE TABLE IF NOT EXISTS bench_floor (update_id BIGINT PRIMARY KEY, body TEXT)"


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/webhooks/telegram")
    def bare():  # type: ignore[no-untyped-def]
        data = request.get_json(silent=True) or {}
        return {"ok": True, "update_id": data.get("update_id")}

    return app


def create_durable_app() -> Flask:
    """The least a durable webhook can do: parse the update, INSERT it, commit, answer 200 (the same
    SQLAlchemy engine settings as the bot's: `storage.db.make_engine`)."""
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(os.environ["DATABASE_URL"])
    try:  # `bench/inbound.py` made it before gunicorn started; workers booting together may race here
        with engine.begin() as conn:
            conn.exec_driver_sql(FLOOR_TABLE)
    except Exception:  # noqa: BLE001 - another worker made it in the same instant
        pass
    insert = text("INSERT INTO bench_floor (update_id, body) VALUES (:u, :b)")
    app = Flask(__name__)

    @app.post("/webhooks/telegram")
    def durable():  # type: ignore[no-untyped-def]
        data = request.get_json(silent=True) or {}
        with engine.begin() as conn:
            conn.execute(insert, {"u": data.get("update_id"), "b": request.get_data(as_text=True)})
        return {"ok": True, "update_id": data.get("update_id")}

    return app
