"""The Flask application factory: webhooks for Telegram and WhatsApp, and the CLI.

    flask --app webhooks.app run            # local web server
    gunicorn "webhooks.app:create_app()"     # production (Procfile `web`)
"""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.config import Settings, configure_logging
from bot.runtime import Runtime, build_runtime


def create_app(settings: Settings | None = None, runtime: Runtime | None = None, **runtime_kwargs: Any) -> Flask:
    """Build the app. Tests pass a `runtime` (fake clock, senders pointed at loopback fakes)."""
    settings = settings or (runtime.settings if runtime else Settings.from_env())
    configure_logging(settings)
    app = Flask(__name__, instance_relative_config=False)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    def get_runtime() -> Runtime:
        rt = app.extensions.get("posyandu")
        if rt is None:
            rt = build_runtime(settings, **runtime_kwargs)
            app.extensions["posyandu"] = rt
        return rt

    if runtime is not None:
        app.extensions["posyandu"] = runtime
    app.get_runtime = get_runtime

    from webhooks import media, telegram, whatsapp
    from webhooks.commands import register_commands

    app.register_blueprint(telegram.blueprint)
    app.register_blueprint(whatsapp.blueprint)
    app.register_blueprint(media.blueprint)
    register_commands(app)
    import web

    web.register(app, settings)

    @app.get("/healthz")
    def healthz():
        return jsonify(ok=True)

    @app.errorhandler(413)
    def too_large(_e):
        return jsonify(ok=False, error="payload too large"), 413

    settings.log_channel_state()
    return app


def runtime_of(app: Flask) -> Runtime:
    return app.get_runtime()
