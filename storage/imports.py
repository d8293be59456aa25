"""The posyandu's paper register in and out: CSV import of posyandu, members and measurements,
and the measurement export (CSV or XLSX).

Why plain functions over rows: the CLI (`app/cli/reporting.py`)
only opens files and prints; the rules live here and are tested directly.
Every row runs in its own savepoint, so a bad row leaves nothing behind while
the good rows are kept; a row equal to what is stored changes nothing, so
rerunning a file is safe. Measurements are interpreted by the same
`storage.reporting.save_visit` as the chat. Reasons never repeat a name,
phone number or NIK.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import IO, Any, Iterable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from health.ages import age_in_months, birth_problem
from health.growth import Sex
from health.life_stage import primary_stage
from health.measurements import MEASUREMENTS, VALUE_FIELDS
from health.nik import nik_mismatch, nik_problem, parse_nik
from health.parsing import parse_number, parse_position
from health.permenkes import PERMENKES_2_2020
from health.growth import too_young_to_stand
from health.urgency import overall
from health.screening import BMI_BANDS
from health.validation import Accept, Confirm, Reject, check_bp, check_value
from storage.db import failure_label
from storage.members import clean_name, name_key, person_name
from storage.models import Household, Measurement, Member, Posyandu, Pregnancy
from storage.phones import mobile_number
from storage.places import ZONE_NAMES, desa_path, puskesmas, upsert_posyandu
from storage.reporting import (
    Values, Visit, assess, current_pregnancy, find_member, household_for, life_stage_on, pregnancy_since, reported_on,
    save_visit,
)
from storage.repositories import posyandu_by_code
from storage.identity import nik_holder
from storage.satusehat_queue import requeue_member

POSYANDU_COLUMNS = ("code", "name", "desa", "kecamatan", "kabupaten", "provinsi", "puskesmas", "timezone")
MEMBER_COLUMNS = ("posyandu_code", "name", "sex", "birth_date", "guardian_name", "guardian_phone", "opted_in",
                  "hpht")
NIK_COLUMNS = ("nik", "mother_nik")
# Optional: NIKs (SATUSEHAT finds the person by them, docs/satusehat.md); how and when consent was given; an
# address hint for the kader's home visit
# `riwayat`: past doses and services, `BCG 08/2024; Polio 1 17-08-2024 di Puskesmas` (`;` or `|` between them),
# recorded as history with the checks of `services import` (storage.services); a refused one is a warning
MEMBER_OPTIONAL_COLUMNS = NIK_COLUMNS + ("consent_method", "consent_date", "address", "riwayat", "kk")
MEASUREMENT_COLUMNS = ("posyandu_code", "name", "birth_date", "measured_on", "weight_kg", "height_cm", "position",
                       "head_cm", "muac_cm", "systolic", "diastolic", "glucose_mgdl", "waist_cm", "hb_gdl")
EXPORT_COLUMNS = MEASUREMENT_COLUMNS + ("sex", "age_months", "life_stage", "waz", "haz", "whz", "baz",
                                        "wfa_status", "hfa_status", "wfh_status", "bmi_status", "weight_gain",
                                        "flags", "urgency", "referral_reasons", "glucose_kind", "gestational_weeks",
                                        "source", "nik", "mother_nik")
# The single-number measurements (health.measurements), each judged like a typed value; blood pressure goes by pairs
NUMBER_COLUMNS = tuple(m.value_column for m in MEASUREMENTS if len(m.columns) == 1)
REFERRAL_DAYS = 31  # an imported visit this recent still opens a referral for the bidan
TRUE = {"1", "y", "ya", "yes", "true"}
FALSE = {"", "0", "n", "tidak", "no", "false"}
CONSENT_METHODS = ("paper", "chat", "import")  # how a household's consent was given (household.consent_method)
PHONE_PROBLEMS = {
    "invalid": "guardian_phone is not a valid phone number",
    "landline": "guardian_phone is a landline; reminders need a mobile number (WhatsApp or SMS)",
    "foreign": "guardian_phone is not an Indonesian number (+62)",
}


# -- cells ---------------------------------------------------------------------------------------------
def _iso(text: str, column: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RowProblem(f"{column} is not a date (YYYY-MM-DD)") from None


# -- reading and reporting ---------------------------------------------------------------------------
class RowProblem(Exception):
    """Why a row cannot be stored (said to the operator, without personal data)."""


class FileProblem(Exception):
    """The file as a whole cannot be read (wrong columns, not CSV)."""


@dataclass
class ImportReport:
    """What an import did, and the lines it refused or warns about."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    history: list[tuple[int, Any]] = field(default_factory=list)  # members' `riwayat` refused: (line, HistoryProblem)
    referred: list[Any] = field(default_factory=list)  # measurements: visits that opened or updated a referral

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def lines(self, what: str) -> list[str]:
        out = [f"line {n}: {reason}" for n, reason in self.errors]
        out += [f"line {n}: warning: {reason}" for n, reason in self.warnings]
        out.append(f"{what}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                   f"{len(self.errors)} rejected")
        return out


def read_rows(stream: IO[str], required: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers; `,` or `;` separated (Excel in Indonesia writes `;`)."""
    text = stream.read()
    if text.startswith("\ufeff"):
        text = text[1:]
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise FileProblem("missing columns: " + ", ".join(missing))
    reader.fieldnames = header
    rows = []
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if any(cells.values()):
            rows.append((reader.line_num, cells))
    return rows


def _each(session: Session, rows: list[tuple[int, dict[str, str]]], report: ImportReport, handle: Any) -> None:
    """Run `handle(row, line)` per row in a savepoint: a refused row leaves nothing behind."""
    for line, row in rows:
        savepoint = session.begin_nested()
        try:
            outcome = handle(row, line)
            session.flush()
            savepoint.commit()
            report.count(outcome)
        except RowProblem as problem:
            savepoint.rollback()
            report.errors.append((line, str(problem)))
        except Exception as exc:  # a bug or a stored record's bad data costs this row only, never the file
            savepoint.rollback()
            report.errors.append((line, f"could not be stored ({failure_label(exc)}); the other rows are kept, "
                                        "please report this line"))


# -- posyandu -----------------------------------------------------------------------------------------
def import_posyandu(session: Session, rows: list[tuple[int, dict[str, str]]]) -> ImportReport:
    report = ImportReport()

    def handle(row: dict[str, str], line: int) -> str:
        for column in ("code", "name", "desa", "kecamatan", "kabupaten", "provinsi", "timezone"):
            if not row.get(column):
                raise RowProblem(f"{column} is empty")
        code = row["code"].upper()
        if not re.fullmatch(r"[A-Z0-9_-]{2,40}", code):
            raise RowProblem("code must be 2-40 letters, digits, '-' or '_'")
        if row["timezone"] not in ZONE_NAMES:
            raise RowProblem(f"timezone must be one of {', '.join(sorted(ZONE_NAMES))}")
        existed = session.scalars(select(Posyandu.id).where(Posyandu.code == code)).first() is not None
        desa = desa_path(session, row["provinsi"], row["kabupaten"], row["kecamatan"], row["desa"], row["timezone"])
        pkm = puskesmas(session, row["puskesmas"], desa.parent) if row.get("puskesmas") else None
        _, changed = upsert_posyandu(session, code, row["name"], desa, row["timezone"], pkm)
        changed = set_region_codes(desa, pkm, row) or changed
        return "updated" if existed and changed else "unchanged" if existed else "added"

    _each(session, rows, report, handle)
    return report


def set_region_codes(desa: Any, pkm: Any, row: dict[str, str]) -> bool:
    """The optional `desa_code`, `kabupaten_code` (Kemendagri) and `puskesmas_code` (Kemenkes) columns."""
    changed = False
    kabupaten = desa.parent.parent if desa.parent is not None else None
    for target, column in ((desa, "desa_code"), (kabupaten, "kabupaten_code"), (pkm, "puskesmas_code")):
        value = (row.get(column) or "").strip()
        if target is not None and value and target.code != value:
            if not re.fullmatch(r"[0-9A-Za-z.]{2,20}", value):
                raise RowProblem(f"{column} must be 2-20 digits, letters or dots")
            target.code, changed = value, True
    return changed


# -- members -------------------------------------------------------------------------------------------
def _posyandu(session: Session, code: str) -> Posyandu:
    found = posyandu_by_code(session, code) if code else None
    if found is None:
        raise RowProblem("unknown posyandu_code" if code else "posyandu_code is empty")
    return found


def _local_today(posyandu: Posyandu, now: datetime) -> date:
    return now.astimezone(ZoneInfo(posyandu.timezone)).date()


def import_members(session: Session, rows: list[tuple[int, dict[str, str]]], now: datetime) -> ImportReport:
    report = ImportReport()

    def handle(row: dict[str, str], line: int) -> str:
        posyandu = _posyandu(session, row.get("posyandu_code", ""))
        today = _local_today(posyandu, now)
        name = person_name(row.get("name", ""))
        if name is None:
            raise RowProblem("name is empty or not a name")
        try:
            sex = Sex.parse(row.get("sex", "")).code
        except ValueError:
            raise RowProblem("sex must be L or P") from None
        born = _iso(row.get("birth_date", ""), "birth_date")
        if birth_problem(born, today) is not None:
            raise RowProblem("birth_date is in the future or more than 120 years ago")
        phone = None
        if row.get("guardian_phone"):
            phone, problem = mobile_number(row["guardian_phone"])
            if problem is not None:
                raise RowProblem(PHONE_PROBLEMS[problem])
        opted = row.get("opted_in", "").lower()
        if opted not in TRUE | FALSE:
            raise RowProblem("opted_in must be 1 or 0")
        consent = _consent(row, opted in TRUE, today)
        hpht = _iso(row["hpht"], "hpht") if row.get("hpht") else None
        if hpht is not None and (sex != "P" or hpht > today or (hpht - born).days < 10 * 365):
            raise RowProblem("hpht is only for a woman of 10 years or more, and not in the future")
        guardian = clean_name(row["guardian_name"]) if row.get("guardian_name") else None
        niks = _niks(row, sex, born, today, line, report)
        member = find_member(session, posyandu.id, name, born)
        if niks.get("nik") and nik_holder(session, niks["nik"], member.id if member else 0) is not None:
            raise RowProblem("nik is already recorded for another member")
        outcome = "unchanged"
        before = session.scalars(select(Household).where(Household.posyandu_id == posyandu.id,
                                                         Household.phone == phone).limit(1)).first() if phone else None
        was_opted = before.opted_in if before is not None else None
        household = household_for(session, posyandu.id, phone, guardian, now, opted_in=opted in TRUE)
        if household is not None and (before is None or household.opted_in != was_opted):
            outcome = "updated"
        address = " ".join((row.get("address") or "").split())[:200] or None
        if household is None and address:  # no phone: the family the kader must find on foot, kept by its address
            household, created = _household_without_phone(session, posyandu.id, member, address, guardian, now)
            outcome = "updated" if created else outcome
        if household is not None and address and household.address != address:
            household.address = address
            outcome = "updated" if outcome == "unchanged" else outcome
        kk = "".join((row.get("kk") or "").split())  # No. Kartu Keluarga: e-PPGBM's first column
        if kk and not re.fullmatch(r"\d{16}", kk):
            raise RowProblem("kk must be the 16 digits of the Kartu Keluarga")
        if household is not None and kk and household.kk != kk:
            household.kk = kk
            outcome = "updated" if outcome == "unchanged" else outcome
        if household is not None and consent is not None and household.consent_method is None:
            household.consent_method, on = consent
            household.consent_recorded_at = now if on is None else datetime.combine(on, time(12), timezone.utc)
        if member is None:
            member = Member(posyandu_id=posyandu.id, name=name, name_key=name_key(name), sex=sex, birth_date=born,
                            created_at=now)
            session.add(member)
            outcome = "added"
        wanted = {"name": name, "sex": sex, "guardian_name": guardian, "guardian_phone": phone,
                  "household_id": household.id if household else member.household_id, **niks}
        for attr, value in wanted.items():
            if getattr(member, attr) != value:
                setattr(member, attr, value)
                outcome = "updated" if outcome == "unchanged" else outcome
        session.flush()
        if niks and outcome == "updated":  # visits that waited for a NIK can now be sent
            requeue_member(session, member.id, now)
        if hpht is not None and not session.scalars(select(Pregnancy.id).where(
                Pregnancy.member_id == member.id, Pregnancy.hpht == hpht)).first():
            session.add(Pregnancy(member_id=member.id, hpht=hpht, created_at=now))
            outcome = "updated" if outcome == "unchanged" else outcome
        if row.get("riwayat") and _history(session, member, row["riwayat"], today, line, report):
            outcome = "updated" if outcome == "unchanged" else outcome
        return outcome

    _each(session, rows, report, handle)
    return report


def _household_without_phone(session: Session, posyandu_id: int, member: Member | None, address: str,
                             guardian: str | None, now: datetime) -> tuple[Household, bool]:
    """The household of a member with an address but no phone (issue 16: the address was dropped): the member's
    own when it has one, else the posyandu's phoneless household at the same address (a family's rows share
    it), else a new one. Returns it and whether it was created."""
    if member is not None and member.household_id is not None:
        own = session.get(Household, member.household_id)
        if own is not None:
            return own, False
    same = session.scalars(select(Household).where(
        Household.posyandu_id == posyandu_id, Household.phone.is_(None),
        func.lower(Household.address) == address.lower()).order_by(Household.id).limit(1)).first()
    if same is not None:
        return same, False
    home = Household(posyandu_id=posyandu_id, name=guardian, phone=None, opted_in=False, address=address,
                     created_at=now)
    session.add(home)
    session.flush()
    return home, True


def _history(session: Session, member: Member, cell: str, today: date, line: int, report: ImportReport) -> bool:
    """The `riwayat` cell's services, each checked and recorded as history; a refused one is a warning (the
    member is kept; `report.history`, said by the CLI). Whether anything was added."""
    from storage.services import HistoryProblem, member_services, parse_entry, record_history

    session.flush()
    history = member_services(session, member.id)
    entries = []
    for text in re.split(r"[;|]", cell):
        if not text.strip():
            continue
        named, _, when, place = parse_entry(text, today)
        if named is None or when is None:
            report.history.append((line, HistoryProblem("history.problem.entry", entry=text.strip()[:30])))
            continue
        entries.append((when, named, place, text))
    added = False
    for (on, precision), named, place, text in sorted(entries, key=lambda e: e[0][0]):
        try:
            added |= record_history(session, member, named, on, precision, today, history, place=place).added
        except HistoryProblem as problem:
            problem.params["entry"] = text.strip()[:30]
            report.history.append((line, problem))
    return added


def _consent(row: dict[str, str], opted: bool, today: date) -> tuple[str, date | None] | None:
    """How and when an opted-in row's consent was given (`consent_method` paper by default: the register's form)."""
    method = (row.get("consent_method") or "").strip().lower()
    if method and method not in CONSENT_METHODS:
        raise RowProblem("consent_method must be paper, chat or import")
    on = _iso(row["consent_date"], "consent_date") if row.get("consent_date") else None
    if on is not None and on > today:
        raise RowProblem("consent_date is in the future")
    if not opted:
        return None
    return method or "paper", on


def _niks(row: dict[str, str], sex: str, born: date, today: date, line: int,
          report: ImportReport) -> dict[str, str]:
    """The row's NIK and NIK ibu, checked (health.nik); an empty cell keeps what is stored."""
    out: dict[str, str] = {}
    for column in NIK_COLUMNS:
        if not row.get(column):
            continue
        problem = nik_problem(row[column], today)
        if problem is not None:
            raise RowProblem(f"{column} is not a valid NIK ({NIK_PROBLEMS[problem]})")
        parts = parse_nik(row[column], today)
        assert parts is not None
        out[column] = parts.nik
        if column == "mother_nik" and parts.sex != "P":
            raise RowProblem("mother_nik is a man's NIK (its day part is 01-31; a woman's is 41-71)")
        if column == "nik":
            for what in nik_mismatch(parts, born, sex):
                report.warnings.append((line, f"nik does not match the member's {what.replace('_', ' ')}; "
                                              "stored, please check"))
    if out.get("nik") and out.get("nik") == out.get("mother_nik"):
        raise RowProblem("nik and mother_nik are the same number")
    return out


NIK_PROBLEMS = {"length": "16 digits", "region": "unknown region part", "birth_date": "impossible birth date part",
                "serial": "serial part 0000"}


# -- measurements -------------------------------------------------------------------------------------
def _cell_verdict(column: str, text: str, stage: Any, months: int, line: int, report: ImportReport,
                  who: dict[str, Any]) -> float:
    verdict = check_value(column, text, stage, months, **who)
    if isinstance(verdict, Reject):
        if verdict.reason_code == "no_range":
            raise RowProblem(f"{column} is not measured for {stage.value}")
        if verdict.hard_range:
            low, high = verdict.hard_range
            raise RowProblem(f"{column} {text} is outside {low}-{high}")
        raise RowProblem(f"{column} {text} is not a number")
    if isinstance(verdict, Confirm) and verdict.reason_code == "unit_slip":
        raise RowProblem(f"{column} {text} looks like a unit slip (did you mean {verdict.suggestion}?)")
    if isinstance(verdict, Confirm):
        report.warnings.append((line, f"{column} {text} is unusual; stored, please check"))
    number = verdict.value if isinstance(verdict, Accept) else parse_number(text)
    if number is None:
        raise RowProblem(f"{column} {text} is not a number")
    return float(number)


def _measured_values(row: dict[str, str], stage: Any, months: int, line: int, report: ImportReport,
                     who: dict[str, Any]) -> Values:
    """The row's values, each judged like a typed one (`who`: the member's sex and age in days)."""
    data: dict[str, Any] = {}
    for column in NUMBER_COLUMNS:
        if row.get(column):
            data[column] = _cell_verdict(column, row[column], stage, months, line, report, who)
    cell = row.get("position", "").strip()
    position = parse_position(cell) if cell else ""
    if position is None:  # `Telentang`, `Berdiri`, `T`, `B`, `lying`, `standing`... are read; a typo is not guessed
        raise RowProblem(f"position {cell[:20]!r} is not known: write L or Telentang (lying), H or Berdiri (standing)")
    if position:
        data["position"] = position
    if position == "H" and row.get("height_cm") and too_young_to_stand(who["age_days"]):
        raise RowProblem("a baby under 9 months is measured lying (position L): measure the length again")
    if bool(row.get("systolic")) != bool(row.get("diastolic")):
        raise RowProblem("systolic and diastolic go together")
    if row.get("systolic"):
        verdict = check_bp(f"{row['systolic']}/{row['diastolic']}", stage)
        if isinstance(verdict, Reject):
            raise RowProblem(f"blood pressure {row['systolic']}/{row['diastolic']} is not plausible")
        if any(isinstance(v, Confirm) for v in verdict):
            report.warnings.append((line, "blood pressure is unusual; stored, please check"))
        data["systolic"], data["diastolic"] = int(row["systolic"]), int(row["diastolic"])
    values = Values.from_dict(data)
    if values.empty:
        raise RowProblem("nothing measured")
    return values


def _same(row: Measurement, values: Values, columns: dict[str, Any]) -> bool:
    stored = {**{n: getattr(row, n) for n in values.columns()}, **{n: getattr(row, n) for n in columns}}
    return stored == {**values.columns(), **columns} and row.source == "import"


def import_measurements(session: Session, rows: list[tuple[int, dict[str, str]]], now: datetime) -> ImportReport:
    """Store measurements in date order, so each visit's weight gain sees the one before it."""
    report = ImportReport()

    def handle(row: dict[str, str], line: int) -> str:
        posyandu = _posyandu(session, row.get("posyandu_code", ""))
        born = _iso(row.get("birth_date", ""), "birth_date")
        member = find_member(session, posyandu.id, row.get("name", ""), born)
        if member is None:
            raise RowProblem("no such member at this posyandu (name and birth_date); import members first")
        on = _iso(row.get("measured_on", ""), "measured_on")
        if on < born or on > _local_today(posyandu, now):
            raise RowProblem("measured_on is before birth or in the future")
        pregnancy = current_pregnancy(session, member.id, on)
        stage = life_stage_on(session, member, on)
        values = _measured_values(row, stage, age_in_months(born, on), line, report,
                                  {"sex": member.sex, "age_days": (on - born).days})
        existing = reported_on(session, member.id, on)
        if existing is not None:
            result = assess(session, member.id, member.sex, born, on, pregnancy.hpht if pregnancy else None, values,
                            pregnancy_since(pregnancy))
            if _same(existing, values, result.columns()):
                return "unchanged"
        recent = (_local_today(posyandu, now) - on).days <= REFERRAL_DAYS
        saved = save_visit(session, Visit(posyandu.id, on, values, member_id=member.id, source="import"), now,
                           refer=recent)
        if saved.referral is not None:  # the caller alerts the bidan, in this transaction (bot.referral_alerts)
            report.referred.append(saved)
        return "updated" if existing is not None else "added"

    ordered = sorted(rows, key=lambda item: (item[1].get("measured_on", ""), item[0]))
    _each(session, ordered, report, handle)
    report.errors.sort()
    report.warnings.sort()
    return report


# -- export ----------------------------------------------------------------------------------------------
def _status_label(index: str, code: str | None) -> str:
    """The Indonesian category name of a stored status code (Permenkes 2/2020, adult BMI)."""
    if code is None:
        return ""
    for band in PERMENKES_2_2020.get(index, ()):
        if band.category.code == code:
            return band.category.label_id
    for bmi_band in BMI_BANDS.get("asia_pacific", ()) if index == "imt_ap" else ():
        if bmi_band.category.code == code:
            return bmi_band.category.label_id
    return code


def _plain(value: Any, decimals: int | None = None) -> Any:
    if value is None:
        return ""
    if decimals is not None:
        return f"{value:.{decimals}f}"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e6 else str(value)
    return value


def export_rows(session: Session, posyandu_code: str | None = None, month: str | None = None) -> Iterator[dict[str, Any]]:
    """One dict per measurement (EXPORT_COLUMNS), ordered by posyandu, date and name."""
    stmt = (select(Measurement, Member, Posyandu).join(Member, Member.id == Measurement.member_id)
            .join(Posyandu, Posyandu.id == Measurement.posyandu_id))
    if posyandu_code:
        stmt = stmt.where(Posyandu.code == posyandu_code.strip().upper())
    if month:
        start = date.fromisoformat(month + "-01")
        end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        stmt = stmt.where(Measurement.measured_on >= start, Measurement.measured_on < end)
    stmt = stmt.order_by(Posyandu.code, Measurement.measured_on, Member.name_key, Measurement.id)
    for m, member, posyandu in session.execute(stmt):
        statuses = m.statuses or {}
        yield {
            "posyandu_code": posyandu.code, "name": member.name, "birth_date": member.birth_date,
            "measured_on": m.measured_on, **{column: getattr(m, column) for column in VALUE_FIELDS},
            "sex": member.sex,
            "age_months": age_in_months(member.birth_date, m.measured_on), "life_stage": m.life_stage,
            "waz": m.waz, "haz": m.haz, "whz": m.whz, "baz": m.baz,
            "wfa_status": _status_label("bb_u", statuses.get("bb_u")),
            "hfa_status": _status_label("pb_tb_u", statuses.get("pb_tb_u"))
            or _status_label("tb_u_5_18", statuses.get("tb_u_5_18")),
            "wfh_status": _status_label("bb_pb_tb", statuses.get("bb_pb_tb")),
            "bmi_status": _status_label("imt_u_0_60", statuses.get("imt_u_0_60"))
            or _status_label("imt_u_5_18", statuses.get("imt_u_5_18"))
            or _status_label("imt_ap", statuses.get("imt_ap")),
            "weight_gain": m.weight_gain, "flags": ";".join(m.flags or []),
            # how soon the bidan must see it (health.urgency) and why, as `index:code` reasons, urgent first
            "urgency": overall(list((m.referral_levels or {}).values())) or "",
            "referral_reasons": ";".join(c for c in (m.flags or []) if c in (m.referral_levels or {})),
            "gestational_weeks": m.gestational_weeks, "source": m.source,
            "nik": member.nik, "mother_nik": member.mother_nik,
        }


def write_csv(stream: IO[str], rows: Iterable[dict[str, Any]]) -> int:
    """CSV with z-scores to two decimals and ISO dates; returns the number of rows."""
    writer = csv.writer(stream)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([_plain(row[c], 2 if c in ("waz", "haz", "whz", "baz") else None) for c in EXPORT_COLUMNS])
        count += 1
    return count


def write_xlsx(path: str, rows: Iterable[dict[str, Any]]) -> int:
    """An XLSX workbook written in openpyxl's write-only mode (constant memory); returns the row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("measurements")
    sheet.append(list(EXPORT_COLUMNS))
    count = 0
    for row in rows:
        cells = []
        for column in EXPORT_COLUMNS:
            value = row[column]
            if column in ("waz", "haz", "whz", "baz") and value is not None:
                cell = WriteOnlyCell(sheet, round(value, 2))
                cell.number_format = "0.00"
            elif isinstance(value, date):
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = "yyyy-mm-dd"
            else:
                cell = WriteOnlyCell(sheet, "" if value is None else value)
            cells.append(cell)
        sheet.append(cells)
        count += 1
    book.save(path)
    return count
