"""The pages' shared part: the blueprint, one database transaction per request, the signed-in contact, the page table.

Who may open what is one table (`PAGES`): the same roles as the chat, and every
page then shows only the posyandu `storage.reporting.visible_posyandu` gives
that contact (a kader her own, a bidan her desa's, a puskesmas's staff its
posyandu, the kabupaten's admin all). Every view and every action is an audit
event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, abort, current_app, g, redirect, request, url_for
from flask_wtf.csrf import CSRFError

from bot.config import Settings
from bot.messages import Role
from bot.ports import Running
from bot.texts import render
from storage.models import Contact, Posyandu
from storage.posyandu_days import audit
from storage.recap_snapshots import kept
from storage.reporting import visible_posyandu
from storage.web_login import session_contact

blueprint = Blueprint("web", __name__, template_folder="../templates", static_folder="../static",
                      static_url_path="/static/web")
COOKIE = "posyandu_web"
STAFF = frozenset({Role.KADER.value, Role.BIDAN.value, Role.ADMIN.value})
SUPERVISORS = frozenset({Role.BIDAN.value, Role.ADMIN.value})


@dataclass(frozen=True)
class Page:
    name: str  # endpoint and text key web.nav.<name>
    roles: frozenset[str]


# The navigation, in order; a kader's link shows her posyandu's visit list and her own reports only.
PAGES = (
    Page("home", STAFF),
    Page("referrals", SUPERVISORS),
    Page("recap", SUPERVISORS),
    Page("visits", STAFF),
    Page("reach", SUPERVISORS),
    Page("satusehat", SUPERVISORS),
    Page("kaders", STAFF),
    Page("simulator", STAFF),
)
ROLES_OF = {p.name: p.roles for p in PAGES} | {"member": STAFF, "member_chart": STAFF, "referral": SUPERVISORS}


RUNTIME, BUILD_RUNTIME = "web.runtime", "web.build_runtime"


def install(app: Flask, get_runtime: Callable[[], Running], build_runtime: Callable[..., Any]) -> None:
    """What the app factory hands the page (`web.register`): the runtime's getter, a builder of runtimes."""
    app.extensions[RUNTIME] = get_runtime
    app.extensions[BUILD_RUNTIME] = build_runtime


def runtime() -> Running:
    """This app's runtime, built on first use."""
    get_runtime: Callable[[], Running] = current_app.extensions[RUNTIME]
    return get_runtime()


def build_runtime(settings: Settings, **kwargs: Any) -> Any:
    """A runtime of its own on other settings (the simulator's database), built by the composition root."""
    return current_app.extensions[BUILD_RUNTIME](settings, **kwargs)


def now() -> datetime:
    return runtime().clock.now()


def lang() -> str:
    chosen = request.cookies.get("lang")
    if chosen in ("id", "en"):
        return chosen
    contact = g.get("contact")
    return (contact.language if contact is not None and contact.language else None) or \
        runtime().settings.default_language


def t(key: str, **params: Any) -> str:
    return render(lang(), key, **params)


@dataclass
class PageCtx:
    """Whom the page speaks to, in the page's language (the switch): what the renderers the page shares with the
    chat ask of their reader (`bot.referral_text.Speaker`), so the page says things with the chat's own words."""

    contact: Contact
    now: datetime
    page_lang: str = "id"

    @property
    def lang(self) -> str:
        return self.page_lang

    def t(self, key: str, **params: object) -> str:
        return render(self.page_lang, key, **params)

    def today(self) -> date:
        """Today where the contact works (their posyandu's zone; WIB when unknown), as the chat reckons it."""
        posyandu = self.contact.posyandu
        return self.now.astimezone(ZoneInfo(posyandu.timezone if posyandu is not None else "Asia/Jakarta")).date()


def ctx() -> PageCtx:
    """The signed-in contact as the shared renderers' reader."""
    return PageCtx(contact=g.contact, now=now(), page_lang=lang())


def places() -> list[Posyandu]:
    """The posyandu this contact may see, once per request."""
    if "places" not in g:
        g.places = visible_posyandu(g.db, g.contact) if g.get("contact") is not None else []
    return g.places


def place_ids() -> list[int]:
    return [p.id for p in places()]


def chosen_places() -> list[Posyandu]:
    """The posyandu picked in the filter (`?posyandu=CODE`), else all the contact may see; a code outside
    the scope shows nothing rather than saying whether it exists."""
    code = (request.args.get("posyandu") or "").strip().upper()
    return [p for p in places() if not code or p.code.upper() == code]


def kabupaten_wide() -> bool:
    """The kabupaten's admin with no posyandu picked: a page counting the whole kabupaten's month."""
    contact = g.get("contact")
    return (contact is not None and contact.role == Role.ADMIN.value and contact.puskesmas_id is None
            and not (request.args.get("posyandu") or "").strip())


def kept_figures(kind: str, year: int, month: int, compute: Callable[[], dict[str, Any]]
                 ) -> tuple[dict[str, Any], str | None]:
    """A page's month figures: for the kabupaten-wide view, as kept at most WEB_RECAP_MINUTES
    (`storage.recap_snapshots.kept`), with the local time they were computed; else counted now (None)."""
    if not kabupaten_wide() or not places():
        return compute(), None
    data, computed = kept(g.db, kind, "all", year, month, now(),
                          timedelta(minutes=runtime().settings.web_recap_minutes), compute)
    return data, computed.astimezone(ZoneInfo(places()[0].timezone)).strftime("%H.%M")


def seen(action: str, subject: str | None = None) -> None:
    audit(g.db, g.contact.id if g.get("contact") is not None else None, action, subject or "", now())


@blueprint.before_app_request
def _open() -> None:
    if request.blueprint != "web":
        return None
    g.db = runtime().session_factory()
    g.contact = session_contact(g.db, request.cookies.get(COOKIE), now(), runtime().settings.web_idle_minutes)
    return None


@blueprint.after_app_request
def _commit(response):  # type: ignore[no-untyped-def]
    db = g.pop("db", None)
    if db is not None:
        try:
            db.commit()
        finally:
            db.close()
    return response


@blueprint.teardown_app_request
def _close(_exc: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.rollback()
        db.close()


def allowed(name: str, contact: Contact | None) -> bool:
    return contact is not None and contact.role in ROLES_OF.get(name, frozenset())


def guard(name: str) -> None:
    """Signed in and allowed to open this page, else the sign-in help or 403 (recorded)."""
    contact = g.get("contact")
    if contact is None:
        abort(redirect(url_for("web.signin_help", next=request.path)))
    if not allowed(name, contact):
        seen("web.denied", name)
        abort(403)


def page(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        def inner(*args: Any, **kwargs: Any) -> Any:
            guard(name)
            return view(*args, **kwargs)

        inner.__name__ = view.__name__
        return inner

    return wrap


@blueprint.app_context_processor
def _globals() -> dict[str, Any]:
    if request.blueprint != "web":
        return {}
    contact = g.get("contact")
    nav = [p.name for p in PAGES if allowed(p.name, contact)
           and (p.name != "simulator" or runtime().settings.simulator_enabled)]
    return {"t": t, "lang": lang(), "me": contact, "nav": nav,
            "role_name": (t(f"core.role_name.{contact.role}") if contact is not None else "")}


@blueprint.errorhandler(CSRFError)
def _csrf(_e: CSRFError):  # type: ignore[no-untyped-def]
    from flask import render_template

    return render_template("message.html", title=t("web.csrf.title"), text=t("web.csrf.text")), 400


@blueprint.app_errorhandler(403)
def _forbidden(_e):  # type: ignore[no-untyped-def]
    from flask import render_template, jsonify

    if request.blueprint != "web":
        return jsonify(ok=False, error="forbidden"), 403
    return render_template("message.html", title=t("web.forbidden.title"), text=t("web.forbidden.text")), 403


@blueprint.app_errorhandler(404)
def _missing(_e):  # type: ignore[no-untyped-def]
    from flask import render_template, jsonify

    if request.blueprint != "web":
        return jsonify(ok=False, error="not found"), 404
    return render_template("message.html", title=t("web.missing.title"), text=t("web.missing.text")), 404

