"""A loopback fake of SATUSEHAT's token and FHIR R4 endpoints, for the real httpx client.

    with FakeSatusehat() as ss:
        ss.add_client("client-1", "secret-1", "10000004")
        client = SatusehatClient(ss.auth_url, ss.fhir_url, clock)

Requests arrive as SATUSEHAT receives them (data-out.md §1.2): the token call
`POST /oauth2/v1/accesstoken?grant_type=client_credentials` with an urlencoded
`client_id`/`client_secret`; FHIR calls to `/fhir-r4/v1` with a Bearer token
and `application/fhir+json`. Every transaction Bundle is validated
structurally with fhir.resources' R4B models, then by the SATUSEHAT rules we
know of: Patient identifiers only `…/id/nik` or `…/id/nik-ibu` [S6]; an
Observation code from LOINC, SNOMED CT or the Kemenkes examination system
(10010) and UCUM units (10012) [S9]; dateTimes `YYYY-MM-DDThh:mm:ss+hh:mm`
[S8]; identifiers under `sys-ids.kemkes.go.id/{encounter,observation}/{org}`;
the serviceProvider must be the token's own Organization (403 "business rule")
[S2]; an Immunization as the validation catalogue wants it [S9]: vaccineCode from
KFA or CVX (10103), performer.function from v2-0443 (10104), reasonCode systems
(10105), patient, occurrence, primarySource, encounter, performer.actor,
location and recorded present (10155, 10156, 10292-10294, 10305, 10451),
doseNumberPositiveInt > 0 (10456), identifier under `immunization/{org}`; the
lot number and expiry date SATUSEHAT asks of a health worker's dose
(10306/10307) only with `FakeSatusehat(require_lot=True)`, since the bot does
not record them (docs/satusehat.md). A Practitioner reference must name a known
practitioner (`add_practitioner`), as SATUSEHAT refuses one it does not know.
A refusal is an OperationOutcome and nothing of the Bundle is stored.

At a kabupaten's size (bench/village.py) the fake can be lean: `lean=True` keeps of each resource only
what later calls need (type, id, identifiers, birthDate) and not the Bundles received, and
`validate=<predicate>` runs the fhir.resources validation only on the Bundles it picks (≈ 70 ms each);
`received` and `validated` count them, `count(type)` the resources stored, and `forget()` drops all but
the Patients (and places) a later month refers to. Conditional creates look identifiers up in an index.

Conditional creates (`ifNoneExist`) find the stored resource; a PUT of an
unknown id is a 404. Gateway errors use an Apigee-style `fault` body (⚠ the
shape SATUSEHAT's gateway is believed to use; our client only reads its text).
Faults: `fail_next(n, "rate_limit"|"server_error"|"refuse")`, `expire_tokens()`.
"""
from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import Counter
from typing import Any, Callable

from pydantic import ValidationError

from tests.fakes import FaultQueue, LoopbackServer, Response, parse_body

__all__ = ["FakeSatusehat", "FAULT_KINDS"]

FAULT_KINDS = ("rate_limit", "server_error", "refuse")
CODE_SYSTEMS = {"http://loinc.org", "http://snomed.info/sct", "http://terminology.kemkes.go.id/CodeSystem/examination"}
PATIENT_SYSTEMS = {"https://fhir.kemkes.go.id/id/nik", "https://fhir.kemkes.go.id/id/nik-ibu"}
UCUM = "http://unitsofmeasure.org"
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
SYS_IDS = "http://sys-ids.kemkes.go.id"
VACCINE_SYSTEMS = {"http://sys-ids.kemkes.go.id/kfa", "http://hl7.org/fhir/sid/cvx"}
REASON_SYSTEMS = {"http://terminology.kemkes.go.id/CodeSystem/immunization-reason",
                  "http://terminology.kemkes.go.id/CodeSystem/immunization-routine-timing", "http://snomed.info/sct"}


def _fault(status: int, text: str, code: str) -> Response:
    return Response(status, {"fault": {"faultstring": text, "detail": {"errorcode": code}}})


def _outcome(status: int, text: str, where: str = "", code: str = "invalid") -> Response:
    issue: dict[str, Any] = {"severity": "error", "code": code, "details": {"text": text}}
    if where:
        issue["expression"] = [where]
    return Response(status, {"resourceType": "OperationOutcome", "issue": [issue]},
                    content_type="application/fhir+json")


class _Refusal(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class FakeSatusehat(LoopbackServer):
    def __init__(self, token_seconds: int = 3599, require_lot: bool = False, lean: bool = False,
                 validate: Callable[[dict[str, Any]], bool] | None = None) -> None:
        super().__init__()
        self.lean = lean
        self.validate = validate  # None: every Bundle; else the predicate picks those to validate
        self.received = self.validated = 0
        self.counts: Counter[str] = Counter()  # stored resources by type
        self._index: dict[tuple[str, str, str], list[str]] = {}  # (type, system, value) -> ids
        self.token_seconds = token_seconds
        self.require_lot = require_lot
        self.practitioners: set[str] = set()
        self.clients: dict[str, tuple[str, str]] = {}  # client id -> (secret, organization id)
        self.tokens: dict[str, str] = {}  # live token -> client id
        self.resources: dict[tuple[str, str], dict[str, Any]] = {}  # (type, id) -> resource
        self.versions: dict[tuple[str, str], int] = {}
        self.token_requests: list[dict[str, Any]] = []
        self.bundles: list[dict[str, Any]] = []  # every Bundle received, accepted or not
        self.faults = FaultQueue(FAULT_KINDS)
        self._lock = threading.Lock()

    # -- set-up and inspection -------------------------------------------------------------
    @property
    def auth_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/oauth2/v1"

    @property
    def fhir_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/fhir-r4/v1"

    def add_client(self, client_id: str, secret: str, organization_id: str) -> None:
        self.clients[client_id] = (secret, organization_id)

    def add_practitioner(self, ihs_number: str) -> None:
        self.practitioners.add(ihs_number)

    def expire_tokens(self) -> None:
        """Every token issued so far stops working (401), as when it outlived `expires_in`."""
        with self._lock:
            self.tokens.clear()

    def fail_next(self, n: int, kind: str, **options: Any) -> None:
        self.faults.add(n, kind, None, options)

    def of_type(self, rtype: str) -> list[dict[str, Any]]:
        return [r for (t, _), r in self.resources.items() if t == rtype]

    def count(self, rtype: str) -> int:
        """Resources of this type ever stored (forgotten ones included)."""
        return self.counts[rtype]

    def forget(self, keep: tuple[str, ...] = ("Patient", "Organization", "Location", "Practitioner")) -> None:
        """Drop the stored resources of every other type (the bench, after a month's sync: its Encounters and
        Observations are never referenced again; a later PUT of one would be a 404, a failure, not a gap)."""
        with self._lock:
            for key in [k for k in self.resources if k[0] not in keep]:
                del self.resources[key]
                self.versions.pop(key, None)
            self._index = {k: v for k, v in self._index.items() if k[0] in keep}

    def _store(self, key: tuple[str, str], resource: dict[str, Any]) -> None:
        old = self.resources.get(key)
        if old is None:
            self.counts[key[0]] += 1
        else:
            for ident in old.get("identifier") or []:
                ids = self._index.get((key[0], ident.get("system"), ident.get("value")), [])
                if key[1] in ids:
                    ids.remove(key[1])
        if self.lean:
            resource = {k: resource[k] for k in ("resourceType", "id", "identifier", "birthDate", "meta")
                        if k in resource}
        for ident in resource.get("identifier") or []:
            self._index.setdefault((key[0], ident.get("system"), ident.get("value")), []).append(key[1])
        self.resources[key] = resource

    # -- HTTP --------------------------------------------------------------------------------
    def answer(self, verb: str, path: str, headers: dict[str, str], query: dict[str, Any], body: bytes) -> Response:
        if verb == "POST" and path == "/oauth2/v1/accesstoken":
            return self._token(headers, query, body)
        if not path.startswith("/fhir-r4/v1"):
            return Response(404, {"error": "not found"})
        client = self._bearer(headers)
        if client is None:
            return _fault(401, "Access Token expired", "keymanagement.service.access_token_expired")
        if verb == "GET":
            return self._read(path[len("/fhir-r4/v1"):].strip("/"), query)
        if verb == "POST" and path.rstrip("/") == "/fhir-r4/v1":
            return self._transaction(client, headers, body)
        return _outcome(405, f"{verb} {path} is not supported here", code="not-supported")

    def _token(self, headers: dict[str, str], query: dict[str, Any], body: bytes) -> Response:
        form = parse_body(headers.get("Content-Type", ""), body)
        self.token_requests.append({"client_id": form.get("client_id")})
        if query.get("grant_type") != "client_credentials":
            return Response(400, {"error": "unsupported_grant_type"})
        known = self.clients.get(str(form.get("client_id")))
        if known is None or known[0] != form.get("client_secret"):
            return _fault(401, "Invalid client identifier {0}", "oauth.v2.InvalidClientIdentifier")
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = str(form["client_id"])
        return Response(200, {
            "refresh_token_expires_in": "0", "api_product_list": "[api-sandbox]", "organization_name": "fake",
            "developer.email": "dev@example.org", "token_type": "BearerToken",
            "issued_at": str(int(time.time() * 1000)), "client_id": form["client_id"], "access_token": token,
            "application_name": "fake", "scope": "", "expires_in": str(self.token_seconds), "refresh_count": "0",
            "status": "approved"})

    def _bearer(self, headers: dict[str, str]) -> str | None:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if not auth.startswith("Bearer "):
            return None
        with self._lock:
            return self.tokens.get(auth[len("Bearer "):])

    def _read(self, path: str, query: dict[str, Any]) -> Response:
        parts = path.split("/")
        if len(parts) == 2:
            found = self.resources.get((parts[0], parts[1]))
            return Response(200, found, content_type="application/fhir+json") if found else \
                _outcome(404, f"{path} not found", code="not-found")
        matches = [r for r in self.of_type(parts[0]) if self._matches(r, f"identifier={query.get('identifier', '')}")]
        return Response(200, {"resourceType": "Bundle", "type": "searchset", "total": len(matches),
                              "entry": [{"resource": r} for r in matches]}, content_type="application/fhir+json")

    # -- the transaction -----------------------------------------------------------------------
    def _transaction(self, client: str, headers: dict[str, str], body: bytes) -> Response:
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if not content_type.startswith("application/fhir+json") and not content_type.startswith("application/json"):
            return _outcome(415, f"unsupported media type {content_type}", code="not-supported")
        try:
            bundle = json.loads(body.decode("utf-8"))
        except ValueError:
            return _outcome(400, "body is not JSON", code="structure")
        self.received += 1
        if not self.lean:
            self.bundles.append(bundle)
        fault = self.faults.take("POST")
        if fault is not None:
            if fault.kind == "rate_limit":
                return Response(429, {"fault": {"faultstring": "Rate limit quota violation"}},
                                headers={"Retry-After": str(fault.options.get("retry_after", 1))})
            if fault.kind == "server_error":
                return Response(int(fault.options.get("status", 500)), {"fault": {"faultstring": "upstream error"}})
            return _outcome(400, str(fault.options.get("text", "refused by the fake")))
        try:
            return self._apply(client, bundle)
        except _Refusal as refusal:
            return refusal.response

    def _apply(self, client: str, bundle: dict[str, Any]) -> Response:
        from fhir.resources.R4B.bundle import Bundle

        if self.validate is None or self.validate(bundle):
            self.validated += 1
            try:
                Bundle.model_validate(bundle)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = "Bundle." + ".".join(str(p) for p in first["loc"])
                raise _Refusal(_outcome(400, first["msg"], where, code="structure")) from None
        if bundle.get("type") != "transaction":
            raise _Refusal(_outcome(400, "Bundle.type must be transaction", "Bundle.type"))
        org = self.clients[client][1]
        entries = bundle.get("entry", [])
        with self._lock:
            plan = [self._plan(i, e, org) for i, e in enumerate(entries)]
            urns = {e.get("fullUrl"): f"{t}/{rid}" for e, (t, rid, _s) in zip(entries, plan)}
            for i, (entry, (rtype, rid, status)) in enumerate(zip(entries, plan)):
                self._check_references(entry["resource"], urns, i)
            answers = []
            for entry, (rtype, rid, status) in zip(entries, plan):
                if status != "200 OK" or entry["request"]["method"] == "PUT":
                    resource = _resolve(dict(entry["resource"]), urns)
                    resource["id"] = rid
                    key = (rtype, rid)
                    self.versions[key] = self.versions.get(key, 0) + 1
                    resource["meta"] = {**resource.get("meta", {}), "versionId": str(self.versions[key])}
                    self._store(key, resource)
                version = self.versions[(rtype, rid)]
                answers.append({"response": {"status": status, "location": f"{rtype}/{rid}/_history/{version}",
                                             "etag": f'W/"{version}"'}})
        return Response(200, {"resourceType": "Bundle", "type": "transaction-response", "entry": answers},
                        content_type="application/fhir+json")

    def _plan(self, i: int, entry: dict[str, Any], org: str) -> tuple[str, str, str]:
        """(type, id, status) of an entry after the SATUSEHAT checks; raises _Refusal."""
        resource, request = entry.get("resource") or {}, entry.get("request") or {}
        rtype = resource.get("resourceType", "")
        where = f"Bundle.entry[{i}].resource"
        self._check_rules(resource, org, where)
        if request.get("method") == "PUT":
            rid = str(request.get("url", "")).split("/")[-1]
            if (rtype, rid) not in self.resources:
                raise _Refusal(_outcome(404, f"{rtype}/{rid} not found", where, code="not-found"))
            return rtype, rid, "200 OK"
        if request.get("method") != "POST":
            raise _Refusal(_outcome(400, f"method {request.get('method')} not supported", f"Bundle.entry[{i}].request"))
        condition = request.get("ifNoneExist")
        if condition:
            found = [rid for rid in self._candidates(rtype, condition) if self._matches(self.resources[(rtype, rid)],
                                                                                          condition)]
            if len(found) > 1:
                raise _Refusal(_outcome(412, f"{condition} matches {len(found)} resources", where,
                                        code="multiple-matches"))
            if found:
                return rtype, found[0], "200 OK"
        return rtype, secrets.token_hex(16), "201 Created"

    def _candidates(self, rtype: str, condition: str) -> list[str]:
        """Ids that may match `condition`: those holding its identifier (every match must, see _matches)."""
        params = dict(p.split("=", 1) for p in condition.split("&") if "=" in p)
        system, _, value = params.get("identifier", "").partition("|")
        return list(self._index.get((rtype, system, value), []))

    @staticmethod
    def _matches(resource: dict[str, Any], condition: str) -> bool:
        params = dict(p.split("=", 1) for p in condition.split("&") if "=" in p)
        wanted = params.get("identifier", "")
        system, _, value = wanted.partition("|")
        idents = resource.get("identifier") or []
        if not any(x.get("system") == system and x.get("value") == value for x in idents):
            return False
        return "birthdate" not in params or resource.get("birthDate") == params["birthdate"]

    def _check_rules(self, resource: dict[str, Any], org: str, where: str) -> None:
        rtype = resource.get("resourceType")
        if rtype == "Patient":
            for ident in resource.get("identifier") or []:
                if ident.get("system") not in PATIENT_SYSTEMS:
                    raise _Refusal(_outcome(400, "Patient.identifier system must be nik or nik-ibu",
                                            f"{where}.identifier"))
        elif rtype == "Encounter":
            provider = (resource.get("serviceProvider") or {}).get("reference")
            if provider != f"Organization/{org}":
                raise _Refusal(_outcome(403, "resource cannot be accessed due to business rule",
                                        f"{where}.serviceProvider", code="forbidden"))
            self._check_identifier(resource, f"{SYS_IDS}/encounter/{org}", where)
            for period in [resource.get("period") or {}] + [h.get("period") or {} for h in
                                                            resource.get("statusHistory") or []]:
                for value in period.values():
                    self._check_datetime(value, f"{where}.period")
        elif rtype == "Observation":
            self._check_identifier(resource, f"{SYS_IDS}/observation/{org}", where)
            for coding in (resource.get("code") or {}).get("coding") or []:
                if coding.get("system") not in CODE_SYSTEMS:
                    raise _Refusal(_outcome(400, "10010 Observation.code must be LOINC, SNOMED CT or "
                                                 "terminology.kemkes.go.id/CodeSystem/examination", f"{where}.code"))
            quantities = [resource.get("valueQuantity")] + [c.get("valueQuantity") for c in
                                                            resource.get("component") or []]
            for quantity in [q for q in quantities if q]:
                if quantity.get("system") != UCUM:
                    raise _Refusal(_outcome(400, "10012 valueQuantity.code must be UCUM", f"{where}.valueQuantity"))
            self._check_datetime(resource.get("effectiveDateTime"), f"{where}.effectiveDateTime")
        elif rtype == "Immunization":
            self._check_immunization(resource, org, where)

    def _check_immunization(self, resource: dict[str, Any], org: str, where: str) -> None:
        def refuse(rule: str, text: str, path: str) -> None:
            raise _Refusal(_outcome(400, f"{rule} {text}", f"{where}.{path}"))

        self._check_identifier(resource, f"{SYS_IDS}/immunization/{org}", where)
        codings = (resource.get("vaccineCode") or {}).get("coding") or []
        if not codings or any(c.get("system") not in VACCINE_SYSTEMS for c in codings):
            refuse("10103", "Immunization.vaccineCode must be KFA or CVX", "vaccineCode")
        for path, rule in (("patient", "10155"), ("occurrenceDateTime", "10156"), ("primarySource", "10292"),
                           ("encounter", "10293"), ("recorded", "10451")):
            if resource.get(path) is None:
                refuse(rule, f"Immunization.{path} must not be empty", path)
        if resource.get("status") == "completed" and not resource.get("location"):
            refuse("10305", "Immunization.location is required when completed", "location")
        for performer in resource.get("performer") or [{}]:
            if not (performer.get("actor") or {}).get("reference"):
                refuse("10294", "Immunization.performer.actor must not be empty", "performer")
            for coding in (performer.get("function") or {}).get("coding") or []:
                if coding.get("system") != "http://terminology.hl7.org/CodeSystem/v2-0443":
                    refuse("10104", "Immunization.performer.function must be v2-0443", "performer.function")
        for reason in resource.get("reasonCode") or []:
            if any(c.get("system") not in REASON_SYSTEMS for c in reason.get("coding") or []):
                refuse("10105", "Immunization.reasonCode system not allowed", "reasonCode")
        for applied in resource.get("protocolApplied") or []:
            number = applied.get("doseNumberPositiveInt")
            if not isinstance(number, int) or number < 1:
                refuse("10456", "doseNumberPositiveInt must be more than 0", "protocolApplied")
        if self.require_lot and resource.get("primarySource") and not resource.get("lotNumber"):
            refuse("10306", "Immunization.lotNumber is required for a dose given by a health worker", "lotNumber")
        self._check_datetime(resource.get("occurrenceDateTime"), f"{where}.occurrenceDateTime")
        self._check_datetime(resource.get("recorded"), f"{where}.recorded")
        quantity = resource.get("doseQuantity")
        if quantity and quantity.get("system") != UCUM:
            refuse("10012", "doseQuantity must be UCUM", "doseQuantity")

    @staticmethod
    def _check_identifier(resource: dict[str, Any], system: str, where: str) -> None:
        if not any(i.get("system") == system for i in resource.get("identifier") or []):
            raise _Refusal(_outcome(400, f"identifier system must be {system}", f"{where}.identifier"))

    @staticmethod
    def _check_datetime(value: Any, where: str) -> None:
        if value is None or not DATETIME.match(str(value)):
            raise _Refusal(_outcome(400, "dateTime must be YYYY-MM-DDThh:mm:ss+zz:zz", where))

    def _check_references(self, resource: Any, urns: dict[str, str], i: int) -> None:
        for ref in _references(resource):
            if ref.startswith("urn:uuid:"):
                if ref not in urns:
                    raise _Refusal(_outcome(400, f"reference {ref} is not in the Bundle", f"Bundle.entry[{i}]"))
            elif ref.split("/")[0] in ("Patient", "Encounter") and tuple(ref.split("/")[:2]) not in self.resources \
                    and ref not in urns.values():
                raise _Refusal(_outcome(400, f"reference {ref} not found", f"Bundle.entry[{i}]", code="not-found"))
            elif ref.startswith("Practitioner/") and ref.split("/")[1] not in self.practitioners:
                raise _Refusal(_outcome(400, f"reference {ref} not found", f"Bundle.entry[{i}]", code="not-found"))


def _references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        for value in node.values():
            found += _references(value)
        return found
    if isinstance(node, list):
        return [r for item in node for r in _references(item)]
    return []


def _resolve(node: Any, urns: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: (urns.get(v, v) if k == "reference" and isinstance(v, str) else _resolve(v, urns))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(item, urns) for item in node]
    return node
