"""The Flask application factory: the channels' webhooks, the web page and the operator commands on one runtime.

    flask --app app.wsgi run            # local web server
    gunicorn "app.wsgi:create_app()"     # production (Procfile `web`)

The runtime is built on first use (a forked gunicorn worker builds its own) and handed to each edge as a getter:
`webhooks.register`, `web.register` and `app.cli.register_commands` receive it; none of them imports this module.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

import web
import webhooks
from app.cli import register_commands
from app.runtime import Runtime, build_runtime
from bot.config import Settings, configure_logging

RUNTIME = "posyandu"


class LazyRuntime:
    """The app's runtime, built once on first use from the settings (or the one a test handed in)."""

    def __init__(self, settings: Settings, runtime: Runtime | None, **runtime_kwargs: Any) -> None:
        self.settings = settings
        self.runtime = runtime
        self.runtime_kwargs = runtime_kwargs

    def __call__(self) -> Runtime:
        if self.runtime is None:
            self.runtime = build_runtime(self.settings, **self.runtime_kwargs)
        return self.runtime


def create_app(settings: Settings | None = None, runtime: Runtime | None = None, **runtime_kwargs: Any) -> Flask:
    """Build the app. Tests pass a `runtime` (fake clock, senders pointed at loopback fakes)."""
    settings = settings or (runtime.settings if runtime else Settings.from_env())
    configure_logging(settings)
    app = Flask(__name__, instance_relative_config=False)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    # Flask's documented way to wrap the WSGI app; its types declare `wsgi_app` a method, not an attribute.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    get_runtime = LazyRuntime(settings, runtime, **runtime_kwargs)
    app.extensions[RUNTIME] = get_runtime
    webhooks.register(app, get_runtime)
    register_commands(app, get_runtime)
    web.register(app, settings, runtime=get_runtime, build_runtime=build_runtime)

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return jsonify(ok=True)

    @app.errorhandler(413)
    def too_large(_e: HTTPException) -> ResponseReturnValue:
        return jsonify(ok=False, error="payload too large"), 413

    settings.log_channel_state()
    return app


def runtime_of(app: Flask) -> Runtime:
    """The runtime of an app this factory made (tests, `make run`)."""
    get_runtime: LazyRuntime = app.extensions[RUNTIME]
    return get_runtime()
