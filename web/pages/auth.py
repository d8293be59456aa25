"""Signing in by a one-time link, signing out, and the language switch.

The link from chat opens a page with one button: a chat app's link preview
fetches the page (GET) and must not use the link up, so only the button's POST
signs in.
"""
from __future__ import annotations

from flask import g, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from web.security import csrf, secure_cookies
from web.pages.common import COOKIE, blueprint, now, runtime, seen, t
from storage.web_login import end_session, open_session, redeem_link


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never `//host` or `https://...`): no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.home")


@blueprint.before_request
def _check_forms() -> None:
    if request.method == "POST":
        csrf.protect()


@blueprint.get("/masuk")
def signin_help() -> ResponseReturnValue:
    return render_template("signin_help.html", next=request.args.get("next", ""))


@blueprint.get("/masuk/<token>")
def signin_confirm(token: str) -> ResponseReturnValue:
    return render_template("signin_confirm.html", token=token)


@blueprint.post("/masuk/<token>")
def signin(token: str) -> ResponseReturnValue:
    contact = redeem_link(g.db, token, now())
    if contact is None:
        return render_template("message.html", title=t("web.link_bad.title"), text=t("web.link_bad.text")), 400
    browser = open_session(g.db, contact, now())
    response = make_response(redirect(_safe_next(request.args.get("next"))))
    response.set_cookie(COOKIE, browser, httponly=True, samesite="Lax", secure=secure_cookies(runtime().settings),
                        max_age=12 * 3600)
    return response


@blueprint.post("/keluar")
def signout() -> ResponseReturnValue:
    if g.get("contact") is not None:
        seen("web.logout")
    end_session(g.db, request.cookies.get(COOKIE), now())
    response = make_response(render_template("message.html", title=t("web.logout.title"),
                                             text=t("web.logout.text")))
    response.delete_cookie(COOKIE)
    return response


@blueprint.get("/bahasa/<code>")
def language(code: str) -> ResponseReturnValue:
    response = make_response(redirect(_safe_next(request.args.get("next"))))
    if code in ("id", "en"):
        response.set_cookie("lang", code, httponly=True, samesite="Lax", secure=secure_cookies(runtime().settings),
                            max_age=365 * 24 * 3600)
    return response
