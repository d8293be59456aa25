"""The SATUSEHAT HTTP edge: the OAuth2 token call and one transaction Bundle per visit (httpx).

Wire format (data-out.md §1.2): `POST {auth}/accesstoken?grant_type=client_credentials`
with urlencoded `client_id`, `client_secret` [S1][S3]; FHIR calls carry
`Authorization: Bearer …` and `Content-Type: application/fhir+json` [S14]. The
token is cached per client id until its `expires_in` (less a margin) on the
injected clock; a 401 from the FHIR side (token expired early) drops it and
the call is tried once more with a fresh one.

Outcomes, not exceptions, so the worker decides: `Accepted` (ids per entry),
`Refused` (SATUSEHAT said no: the OperationOutcome made readable),
`RetryLater` (429, 5xx, network), `CredentialRejected` (the token call or a
business rule refused this puskesmas' credentials: never retried in a loop).
Nothing here logs a body, a secret or a token.
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.ports import Accepted, Clock, CredentialRejected, FhirOutcome, Refused, RetryLater  # noqa: F401 (the outcomes)
from storage.satusehat_credentials import Access

log = logging.getLogger(__name__)

TOKEN_MARGIN = timedelta(seconds=60)  # renew a minute before SATUSEHAT says it expires
DEFAULT_TOKEN_SECONDS = 3000  # 50 minutes, the PHP SDK's reuse time [S9], when expires_in is missing
FHIR_JSON = "application/fhir+json"


Outcome = FhirOutcome


class TokenCache:
    """Access tokens per (auth URL, client id) until they expire; shared by the threads of a process."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], now: datetime) -> str | None:
        with self._lock:
            found = self._tokens.get(key)
        return found[0] if found and now < found[1] else None

    def put(self, key: tuple[str, str], token: str, expires_at: datetime) -> None:
        with self._lock:
            self._tokens[key] = (token, expires_at)

    def drop(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._tokens.pop(key, None)


class _Stop(Exception):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


class SatusehatClient:
    def __init__(self, auth_url: str, fhir_url: str, clock: Clock, timeout: float = 30.0,
                 http: httpx.Client | None = None, cache: TokenCache | None = None) -> None:
        self.auth_url = auth_url.rstrip("/")
        self.fhir_url = fhir_url.rstrip("/")
        self.clock = clock
        self.http = http or httpx.Client(timeout=timeout)
        self.cache = cache or TokenCache()

    def close(self) -> None:
        self.http.close()

    # -- token ---------------------------------------------------------------------------------
    def _key(self, access: Access) -> tuple[str, str]:
        return self.auth_url, access.client_id

    def _token(self, access: Access) -> str:
        """A valid access token for these credentials (cached); raises _Stop with the outcome otherwise."""
        now = self.clock.now()
        cached = self.cache.get(self._key(access), now)
        if cached:
            return cached
        try:
            response = self.http.post(f"{self.auth_url}/accesstoken", params={"grant_type": "client_credentials"},
                                      data={"client_id": access.client_id, "client_secret": access.client_secret})
        except httpx.HTTPError as exc:
            raise _Stop(RetryLater(f"token call failed: {type(exc).__name__}")) from None
        if response.status_code in (400, 401, 403):
            raise _Stop(CredentialRejected(f"token refused ({response.status_code}): {_fault(response)}"))
        if response.status_code == 429 or response.status_code >= 500:
            raise _Stop(RetryLater(f"token call answered {response.status_code}", _retry_after(response)))
        try:
            body = response.json()
            token = str(body["access_token"])
        except (ValueError, KeyError, TypeError):
            raise _Stop(RetryLater(f"token answer without access_token ({response.status_code})")) from None
        try:
            seconds = int(body.get("expires_in") or DEFAULT_TOKEN_SECONDS)
        except (TypeError, ValueError):
            seconds = DEFAULT_TOKEN_SECONDS
        self.cache.put(self._key(access), token, now + timedelta(seconds=seconds) - TOKEN_MARGIN)
        return token

    # -- the Bundle ----------------------------------------------------------------------------
    def send_bundle(self, access: Access, bundle: dict[str, Any]) -> Outcome:
        """POST one transaction Bundle; a 401 (expired token) gets one retry with a fresh token."""
        payload = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            for attempt in (1, 2):
                token = self._token(access)
                try:
                    response = self.http.post(self.fhir_url, content=payload, headers={
                        "Authorization": f"Bearer {token}", "Content-Type": FHIR_JSON, "Accept": FHIR_JSON})
                except httpx.HTTPError as exc:
                    return RetryLater(f"FHIR call failed: {type(exc).__name__}")
                if response.status_code == 401 and attempt == 1:
                    self.cache.drop(self._key(access))
                    continue
                return _outcome(response, len(bundle.get("entry", [])))
        except _Stop as stop:
            return stop.outcome
        return RetryLater("401 again with a fresh token")


def _outcome(response: httpx.Response, entries: int) -> Outcome:
    status = response.status_code
    if status in (200, 201):
        try:
            body = response.json()
            answers = body.get("entry", [])
        except ValueError:
            return RetryLater(f"{status} without a JSON Bundle")
        ids = [_id_of(e.get("response", {}).get("location")) for e in answers]
        if len(ids) != entries:
            return RetryLater(f"{status} with {len(ids)} answers for {entries} entries")
        return Accepted(ids)
    if status == 429 or status >= 500:
        return RetryLater(f"SATUSEHAT answered {status}", _retry_after(response))
    if status in (401, 403):
        return CredentialRejected(f"{status}: {readable_outcome(response)}")
    return Refused(status, readable_outcome(response))


def _id_of(location: str | None) -> str | None:
    """`Encounter/abc/_history/1` (or a full URL) -> `abc`."""
    if not location:
        return None
    parts = location.split("/_history/")[0].rstrip("/").split("/")
    return parts[-1] if len(parts) >= 2 else None


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _fault(response: httpx.Response) -> str:
    """The reason of an OAuth/gateway error (`fault.faultstring`, `error_description`...), short."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "no reason given"
    if isinstance(body, dict):
        fault = body.get("fault")
        if isinstance(fault, dict) and fault.get("faultstring"):
            return str(fault["faultstring"])[:200]
        for key in ("error_description", "error", "message"):
            if body.get(key):
                return str(body[key])[:200]
        if body.get("resourceType") == "OperationOutcome":
            return summarize_outcome(body)
    return response.reason_phrase or "no reason given"


def readable_outcome(response: httpx.Response) -> str:
    """An OperationOutcome as one line an operator can act on; other bodies by their fault text."""
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} {response.reason_phrase}"
    if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
        return summarize_outcome(body)
    return f"{response.status_code}: {_fault(response)}"


def summarize_outcome(outcome: dict[str, Any]) -> str:
    """`error code-invalid: <text> (at <expression>)`, one issue per `; `."""
    parts = []
    for issue in outcome.get("issue", []) or []:
        text = (issue.get("details") or {}).get("text") or issue.get("diagnostics") or ""
        where = ", ".join(issue.get("expression") or [])
        parts.append(f"{issue.get('severity', 'error')} {issue.get('code', '')}: {text}".strip()
                     + (f" (at {where})" if where else ""))
    return "; ".join(parts) or "OperationOutcome without issues"
