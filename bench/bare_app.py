"""The yardstick: a Flask endpoint that parses the JSON body and answers 200, nothing else."""
from flask import Flask, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/webhooks/telegram")
    def bare():  # type: ignore[no-untyped-def]
        data = request.get_json(silent=True) or {}
        return {"ok": True, "update_id": data.get("update_id")}

    return app
