"""Import referrals from a partner's spreadsheet: read → check every row → save all or nothing.

`check_file` reads and checks a file once (the staff page runs it in the worker and stores its
result, see `pending.py`); `save_rows` saves checked rows in one transaction; `import_referrals`
does both in a row for the command (with `dry_run=True` it stops before writing).

A row matches, and may update, only a person inside the importer's scope: the people the acting
user may see (`people_visible_to`), or the partner's territory when no user acts (the
command). A person outside it who shares a key with a row is never updated nor named to the
importer: the row becomes a new person, and the pair is flagged for whoever may see both files
(a national admin) on the duplicates page (`audit.Verb.FLAGGED_DUPLICATE` in the audit trail).
"""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.actors import Actor, signed_in
from binome.audit import audit
from binome.organisations.models import Organisation
from binome.people.models import MenteeProfile, Person, PersonLanguage
from binome.people.selectors import people_visible_to
from binome.reference.models import Language, Occupation, Place, normalise_for_search
from binome.sourcing import services
from binome.sourcing.duplicates import identity_keys, normalise_email, normalise_phone
from binome.sourcing.importing import values
from binome.sourcing.importing.cells import MULTILINE_COLUMNS, control_problem
from binome.sourcing.importing.columns import BY_KEY, COLUMNS, column_for_header
from binome.sourcing.importing.reading import MAX_CELL, Cell, Table, UnreadableFile, read_table
from binome.sourcing.models import Consent, ConsentText, Referral

OLDEST_BIRTH = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # the header as written in the file, or the column's name when it is missing
    message: str
    letter: str = ""  # the spreadsheet column letter, when the column exists

    def __str__(self) -> str:
        where = f"{self.column} ({self.letter})" if self.letter else self.column
        return _("line %(line)d, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": where,
            "message": self.message,
        }


@dataclass
class RowOutcome:
    line: int
    name: str
    action: str  # "create", "update" or "skip"
    person_id: int | None = None
    changed: list[str] = field(default_factory=list)
    possible_duplicates: list[int] = field(default_factory=list)  # other people sharing a key


@dataclass
class ImportResult:
    partner: Organisation
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    saved: bool = False
    batch: str = ""  # once saved: the import's name on its referrals (Referral.import_batch)

    def _count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self._count("create")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def skipped(self) -> int:
        return self._count("skip")

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, skipped {self.skipped}"


@dataclass
class Row:
    """One checked row, ready to compare with the database and save."""

    line: int
    first_name: str = ""
    last_name: str = ""
    date_of_birth: datetime.date | None = None
    gender: str = ""
    email: str = ""
    phone: str = ""
    country_of_origin: str = ""
    protection_status: str = ""
    right_to_work: bool | None = None
    arrival_date: datetime.date | None = None
    french_level: str = ""
    home_id: int | None = None
    target_occupations: list[str] = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)
    available_six_months: bool | None = None
    reason: str = ""
    consent_date: datetime.date | None = None
    referrer_name: str = ""
    referrer_email: str = ""

    @cached_property
    def keys(self) -> list[tuple[str, str]]:
        return identity_keys(
            first_name=self.first_name,
            last_name=self.last_name,
            date_of_birth=self.date_of_birth,
            phone=self.phone,
            email=self.email,
        )


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def current_consent_text() -> ConsentText | None:
    return ConsentText.objects.filter(in_force_from__lte=timezone.localdate()).order_by("-in_force_from", "-pk").first()


@dataclass(frozen=True)
class _Refused:
    """A cell's parser refused it, for this reason (remembered by `_Checker.parsed`)."""

    reason: str


class _Checker:
    """Checks every row against the columns, the reference data and each other."""

    def __init__(self, table: Table, mapping: dict[int, str] | None = None) -> None:
        """`mapping`: column index → field key ("" to ignore the column), as the user chose it on
        the mapping step; without it, each header is matched by its name and synonyms."""
        self.table = table
        self.errors: list[RowError] = []
        self.warnings: list[str] = []
        self.positions: dict[str, int] = {}
        self.headers: dict[str, str] = {}
        for index, header in enumerate(table.headers):
            if problem := control_problem(header):
                self.errors.append(RowError(1, "", problem, column_letter(index)))
                continue
            if mapping is not None:
                column = BY_KEY.get(mapping.get(index, ""))
            else:
                column = column_for_header(header) if header else None
            if column is None:
                if header and mapping is None:
                    self.warnings.append(
                        _("Column “%(header)s” is not one we know: it was ignored.") % {"header": header}
                    )
                continue
            if column.key in self.positions:
                self.errors.append(RowError(1, header, _("This column appears twice."), column_letter(index)))
                continue
            self.positions[column.key] = index
            self.headers[column.key] = header
        for column in COLUMNS:
            if column.required and column.key not in self.positions:
                self.errors.append(RowError(1, str(column.label), _("This required column is missing.")))
        self.multiline = {self.positions[key] for key in MULTILINE_COLUMNS if key in self.positions}
        self.today = timezone.localdate()
        occupations = list(Occupation.objects.values_list("code", "label"))
        self.known_codes = {code for code, _label in occupations}
        self.occupation_labels = values.occupation_index(occupations) if "target_occupations" in self.positions else {}
        self.language_index = self._language_index()
        self.places = self._places()
        # Parsed once per distinct cell: see `parsed`.
        self._parsed: dict[tuple[str, type, Cell], Any] = {}

    @staticmethod
    def _language_index() -> dict[str, str]:
        index: dict[str, str] = {}
        for code, name_en, name_fr in Language.objects.values_list("code", "name_en", "name_fr"):
            index[code.lower()] = code
            index[normalise_for_search(name_en)] = code
            index[normalise_for_search(name_fr)] = code
        return index

    def label(self, key: str) -> str:
        """The column as the file names it, else its name in the user's language."""
        return self.headers.get(key) or str(BY_KEY[key].label)

    def _places(self) -> dict[str, list[tuple[int, str, str, int]]]:
        """Every place named in the file, fetched in one query: {search name: [(id, name, region, population)]}."""
        if "home" not in self.positions:
            return {}
        position = self.positions["home"]
        # Each town once, however many rows name it (typed: the cells 1 and True are not one).
        cells_named = {
            (type(cells[position]), cells[position]) for _line, cells in self.table.rows if position < len(cells)
        }
        names = set()
        for _type, cell in cells_named:
            if cell in (None, ""):
                continue
            try:
                names.add(values.place_query(cell)[0])
            except values.CellError:
                continue
        found: dict[str, list[tuple[int, str, str, int]]] = defaultdict(list)
        names.discard("")
        name_list = sorted(names)
        for start in range(0, len(name_list), 500):
            for pk, name, region, population, search in Place.objects.filter(
                search_name__in=name_list[start : start + 500]
            ).values_list("geonameid", "name", "region_code", "population", "search_name"):
                found[search].append((pk, name, region, population))
        return found

    def cell(self, cells: list[Any], key: str) -> Any:
        position = self.positions.get(key)
        if position is None or position >= len(cells):
            return None
        return cells[position]

    def error(self, line: int, key: str, message: str) -> None:
        position = self.positions.get(key)
        header = self.label(key)
        self.errors.append(RowError(line, header, message, column_letter(position) if position is not None else ""))

    def place(self, cell: Any) -> int | None:
        if cell in (None, ""):
            return None
        name, geonameid, region = values.place_query(cell)
        if geonameid is not None and not name:
            if Place.objects.filter(pk=geonameid).exists():
                return geonameid
            raise values.CellError(_("No place has the GeoNames id %(id)d.") % {"id": geonameid})
        candidates = self.places.get(name, [])
        if geonameid is not None:
            candidates = [c for c in candidates if c[0] == geonameid]
        elif region is not None:
            candidates = [c for c in candidates if c[2] == region]
        if not candidates:
            raise values.CellError(_("Unknown place “%(value)s”.") % {"value": str(cell)[:80]})
        if len(candidates) > 1:
            listed = "; ".join(f"{c[1]} ({values.REGIONS.get(c[2], c[2])}, GeoNames {c[0]})" for c in candidates)
            raise values.CellError(
                _("Several places are called “%(value)s”: %(candidates)s. Add the postcode or the GeoNames id.")
                % {"value": str(cell)[:80], "candidates": listed}
            )
        return candidates[0][0]

    def controls(self, line: int, cells: list[Any]) -> bool:
        """Report every cell of the row holding a forbidden character, ignored columns included:
        True when the row is clean."""
        clean = True
        for index, cell in enumerate(cells):
            if problem := control_problem(cell, multiline=index in self.multiline):
                header = self.table.headers[index] if index < len(self.table.headers) else ""
                self.errors.append(RowError(line, header or column_letter(index), problem, column_letter(index)))
                clean = False
        return clean

    def parsed(self, key: str, parser: Any, cell: Cell) -> Any:
        """`parser(cell)`, remembered for the rest of the file (the error too): a column of
        statuses, levels, countries, towns or dates holds a few hundred distinct values over
        ten thousand rows, and its parser (normalising, reference look-ups) is the costly part.
        Only for parsers whose answer depends on the cell alone (the reference data is read once
        per file, when the checker starts)."""
        memo_key = (key, type(cell), cell)  # typed: the cell 1 and the cell True are not one value
        try:
            outcome = self._parsed[memo_key]
        except KeyError:
            try:
                outcome = parser(cell)
            except values.CellError as error:
                outcome = _Refused(str(error))
            self._parsed[memo_key] = outcome
        if isinstance(outcome, _Refused):
            # A new exception each time: raising one object again would chain every row's traceback.
            raise values.CellError(outcome.reason)
        if isinstance(outcome, (list, dict)):
            return outcome.copy()  # each row its own list of codes, its own languages
        return outcome

    def check(self, line: int, cells: list[Any]) -> Row | None:
        if not self.controls(line, cells):
            return None  # its other values are not worth checking until the characters are gone
        row = Row(line=line)
        before = len(self.errors)
        today = self.today

        def parse(key: str, parser: Any, *args: Any) -> Any:
            try:
                return parser(self.cell(cells, key), *args)
            except values.CellError as error:
                self.error(line, key, str(error))
                return None

        def parse_repeated(key: str, parser: Any) -> Any:
            """`parse` for a column whose values repeat from row to row (see `parsed`)."""
            return parse(key, lambda cell: self.parsed(key, parser, cell))

        for key in ("first_name", "last_name"):
            value = parse(key, values.name)
            if value == "":
                self.error(line, key, _("Required."))
            setattr(row, key, value or "")
        row.date_of_birth = parse_repeated("date_of_birth", values.date)
        if row.date_of_birth and not OLDEST_BIRTH <= row.date_of_birth <= today - datetime.timedelta(days=14 * 365):
            self.error(line, "date_of_birth", _("This date of birth is not plausible."))
        row.gender = parse_repeated("gender", values.gender) or ""
        row.email = parse("email", values.email) or ""
        row.phone = parse("phone", values.phone) or ""
        row.country_of_origin = parse_repeated("country_of_origin", values.country) or ""
        row.protection_status = parse_repeated("protection_status", values.protection_status) or ""
        row.right_to_work = parse_repeated("right_to_work", values.boolean)
        row.arrival_date = parse_repeated("arrival_date", values.date)
        if row.arrival_date and row.arrival_date > today:
            self.error(line, "arrival_date", _("The arrival date is in the future."))
        elif row.arrival_date and row.date_of_birth and row.arrival_date < row.date_of_birth:
            self.error(line, "arrival_date", _("The arrival date is before the date of birth."))
        row.french_level = parse_repeated(
            "french_level", lambda c: values.cefr(values.text(c, max_length=30), required=True)
        )
        row.home_id = parse_repeated("home", self.place)
        row.target_occupations = (
            parse_repeated(
                "target_occupations", lambda c: values.rome_codes(c, self.known_codes, self.occupation_labels)
            )
            or []
        )
        row.languages = parse_repeated("languages", lambda c: values.languages(c, self.language_index)) or {}
        row.available_six_months = parse_repeated("available_six_months", values.boolean)
        row.reason = parse("reason", lambda c: values.text(c, max_length=5000)) or ""
        row.consent_date = parse_repeated("consent_date", values.date)
        if (
            "consent_date" in self.positions
            and values.text(self.cell(cells, "consent_date"), max_length=MAX_CELL) == ""
        ):
            self.error(line, "consent_date", _("Required: the date the person agreed to be referred."))
        elif row.consent_date and row.consent_date > today:
            self.error(line, "consent_date", _("The consent date is in the future."))
        row.referrer_name = parse_repeated("referrer_name", lambda c: values.name(c, max_length=150)) or ""
        row.referrer_email = parse_repeated("referrer_email", values.email) or ""
        if len(self.errors) == before and not row.keys:
            self.error(
                line,
                "date_of_birth",
                _("Give at least a date of birth, a phone or an email, so the person can be recognised."),
            )
        return row if len(self.errors) == before else None


@dataclass
class _Known:
    """What the database already holds about people this file may name."""

    by_key: dict[tuple[str, str], list[int]]
    referred_by_partner: set[int]


def people_in_scope(partner: Organisation, actor: Actor) -> models.QuerySet[Person]:
    """The people an import may match: those the acting user may see, or, when no user acts
    (the command, run by the operator for one partner), the partner's territory."""
    if getattr(actor, "is_authenticated", False):
        return people_visible_to(actor)
    if partner.territory_id is None:
        return Person.objects.none()
    return Person.objects.filter(territory_id=partner.territory_id)


def _referred_in_scope(partner: Organisation, scope: models.QuerySet[Person]) -> models.QuerySet[Any]:
    return Referral.objects.filter(partner=partner, person_id__in=scope.values("pk")).values("person_id")


def _known_people(partner: Organisation, territory_id: int, scope: models.QuerySet[Person]) -> _Known:
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    referrals = _referred_in_scope(partner, scope)
    referred = set(referrals.values_list("person_id", flat=True))
    people = scope.filter(Q(territory_id=territory_id) | Q(pk__in=referrals)).values_list(
        "pk", "first_name", "last_name", "date_of_birth", "phone", "email"
    )
    for pk, first, last, born, phone, email in people.iterator(chunk_size=5000):
        for key in identity_keys(first_name=first, last_name=last, date_of_birth=born, phone=phone, email=email):
            by_key[key].append(pk)
    return _Known(by_key=by_key, referred_by_partner=referred)


def _people_outside(rows: list[Row], scope: models.QuerySet[Person]) -> dict[tuple[str, str], list[int]]:
    """Key → people outside the scope sharing it with a row. Phones are stored as typed, so the
    keys are computed here over one narrow query rather than by the database."""
    wanted = {key for row in rows for key in row.keys}
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    others = Person.objects.exclude(pk__in=scope.values("pk")).values_list(
        "pk", "first_name", "last_name", "date_of_birth", "phone", "email"
    )
    for pk, first, last, born, phone, email in others.iterator(chunk_size=5000):
        for key in identity_keys(first_name=first, last_name=last, date_of_birth=born, phone=phone, email=email):
            if key in wanted:
                found[key].append(pk)
    return found


PERSON_FIELDS = ("email", "phone", "gender", "date_of_birth", "country_of_origin")
PROFILE_FIELDS = ("protection_status", "right_to_work", "arrival_date", "french_level", "available_six_months")


def _same(field_name: str, current: Any, new: Any) -> bool:
    if field_name == "phone":
        return normalise_phone(current) == normalise_phone(new)
    if field_name == "email":
        return normalise_email(current) == normalise_email(new)
    return bool(current == new)


@dataclass
class _Snapshot:
    """What the database holds about one known person, read with plain value queries: comparing
    thousands of unchanged rows must not build thousands of model instances."""

    person: dict[str, Any]
    profile: dict[str, Any] | None = None
    targets: set[str] = field(default_factory=set)
    languages: dict[str, str] = field(default_factory=dict)
    attested_on: set[datetime.date] = field(default_factory=set)


def _snapshots(partner: Organisation, scope: models.QuerySet[Person]) -> dict[int, _Snapshot]:
    """Every person this partner referred inside the importer's scope (the only ones a row can
    update), in five queries."""
    referred = _referred_in_scope(partner, scope)
    snapshots = {
        row["pk"]: _Snapshot(person=row)
        for row in Person.objects.filter(pk__in=referred).values("pk", *PERSON_FIELDS).iterator(chunk_size=5000)
    }
    profile_values = MenteeProfile.objects.filter(person_id__in=referred).values(
        "person_id", *PROFILE_FIELDS, "home_id"
    )
    for row in profile_values.iterator(chunk_size=5000):
        snapshots[row["person_id"]].profile = row
    through = MenteeProfile.target_occupations.through
    for person_id, code in through.objects.filter(menteeprofile__person_id__in=referred).values_list(
        "menteeprofile__person_id", "occupation_id"
    ):
        snapshots[person_id].targets.add(code)
    for person_id, code, level in PersonLanguage.objects.filter(person_id__in=referred).values_list(
        "person_id", "language_id", "level"
    ):
        snapshots[person_id].languages[code] = level
    for person_id, given_on in Consent.objects.filter(
        person_id__in=referred, method=Consent.Method.PARTNER_ATTESTATION
    ).values_list("person_id", "given_on"):
        snapshots[person_id].attested_on.add(given_on)
    return snapshots


def _changes(known: _Snapshot, row: Row) -> dict[str, Any]:
    """The fields where the file brings a value the database does not have; names → new value."""
    changes: dict[str, Any] = {}
    for name in PERSON_FIELDS:
        new = getattr(row, name)
        if new not in ("", None) and not _same(name, known.person[name], new):
            changes[name] = new
    profile = known.profile
    for name in PROFILE_FIELDS:
        new = getattr(row, name)
        if new in ("", None):
            continue
        if profile is None or profile[name] != new:
            changes[name] = new
    if row.home_id is not None and (profile is None or profile["home_id"] != row.home_id):
        changes["home_id"] = row.home_id
    if row.target_occupations and known.targets != set(row.target_occupations):
        changes["target_occupations"] = row.target_occupations
    if any(known.languages.get(code) != level for code, level in row.languages.items()):
        changes["languages"] = row.languages
    if row.consent_date and row.consent_date not in known.attested_on:
        changes["consent"] = row.consent_date
    return changes


@dataclass
class Checked:
    """A file once read and checked: the preview, and the good rows ready to save."""

    result: ImportResult
    rows: list[Row]


@dataclass
class _Plan:
    matched: dict[int, int] = field(default_factory=dict)  # row line → existing person id (in scope)
    changes: dict[int, dict[str, Any]] = field(default_factory=dict)  # row line → field → new value
    elsewhere: dict[int, list[int]] = field(default_factory=dict)  # row line → people outside the scope


def check_file(data: bytes, filename: str, *, partner: Organisation, actor: Actor, plan: bool = True) -> Checked:
    """Read and check every row; with `plan`, say which rows create, update or skip (the preview).
    Saves nothing."""
    try:
        table = read_table(data, filename)
    except UnreadableFile as error:
        result = ImportResult(partner=partner, dry_run=True)
        result.errors.append(RowError(0, "", str(error)))
        return Checked(result, [])
    return check_table(table, partner=partner, actor=actor, plan=plan)


def check_table(
    table: Table, *, partner: Organisation, actor: Actor, mapping: dict[int, str] | None = None, plan: bool = True
) -> Checked:
    """Check every row of a table already read, its columns as `mapping` says (see `_Checker`)."""
    result = ImportResult(partner=partner, dry_run=True)
    if partner.territory_id is None:
        result.errors.append(RowError(0, "", _("This partner has no territory: imports need one.")))
        return Checked(result, [])
    checker = _Checker(table, mapping)
    result.warnings = [*table.warnings, *checker.warnings]
    if checker.errors:  # a column problem: every row would repeat it
        result.errors = checker.errors
        return Checked(result, [])
    if not table.rows:
        result.errors.append(RowError(2, "", _("The file has a header but no rows.")))
        return Checked(result, [])
    rows = [row for line, cells in table.rows if (row := checker.check(line, cells)) is not None]
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        for key in row.keys:
            if key in seen:
                checker.error(
                    row.line,
                    {"name_dob": "last_name", "phone": "phone", "email": "email"}[key[0]],
                    _("The same person as on line %(line)d.") % {"line": seen[key]},
                )
                break
        else:
            for key in row.keys:
                seen[key] = row.line
    result.errors = sorted(checker.errors, key=lambda e: (e.line, e.letter))
    if current_consent_text() is None:
        result.errors.insert(0, RowError(0, "", _("No consent text is in force: a national admin must publish one.")))
    if result.errors:
        return Checked(result, [])
    if plan:
        _plan(rows, result, partner=partner, scope=people_in_scope(partner, actor))
    return Checked(result, rows)


def _plan(rows: list[Row], result: ImportResult, *, partner: Organisation, scope: models.QuerySet[Person]) -> _Plan:
    """Match each row with the people in scope; fills `result.rows`."""
    assert partner.territory_id is not None
    plan = _Plan()
    known = _known_people(partner, partner.territory_id, scope)
    outside = _people_outside(rows, scope)
    result.rows = []
    for row in rows:
        candidates = [pk for key in row.keys for pk in known.by_key.get(key, [])]
        own = [pk for pk in candidates if pk in known.referred_by_partner]
        if own:
            plan.matched[row.line] = own[0]
        elif elsewhere := sorted({pk for key in row.keys for pk in outside.get(key, [])}):
            plan.elsewhere[row.line] = elsewhere  # never shown to the importer
        result.rows.append(
            RowOutcome(
                line=row.line,
                name=f"{row.first_name} {row.last_name}",
                action="create",
                possible_duplicates=sorted(set(candidates) - set(own[:1])),
            )
        )
    snapshots = _snapshots(partner, scope) if plan.matched else {}
    for row, outcome in zip(rows, result.rows, strict=True):
        if row.line not in plan.matched:
            continue
        outcome.person_id = plan.matched[row.line]
        changes = _changes(snapshots[plan.matched[row.line]], row)
        outcome.action = "update" if changes else "skip"
        outcome.changed = sorted(changes)
        if changes:
            plan.changes[row.line] = changes
    return plan


def save_rows(rows: list[Row], *, partner: Organisation, actor: Actor) -> ImportResult:
    """Save checked rows in one transaction, matched again against the database as it is now
    (it may have changed since the preview)."""
    result = ImportResult(partner=partner, dry_run=False, batch=secrets.token_hex(8))
    consent_text = current_consent_text()
    if consent_text is None:
        result.errors.append(RowError(0, "", _("No consent text is in force: a national admin must publish one.")))
        return result
    if partner.territory_id is None:
        result.errors.append(RowError(0, "", _("This partner has no territory: imports need one.")))
        return result
    with transaction.atomic():
        plan = _plan(rows, result, partner=partner, scope=people_in_scope(partner, actor))
        _save(rows, result, plan, partner=partner, actor=actor, consent_text=consent_text)
    result.saved = True
    return result


def import_referrals(
    data: bytes, filename: str, *, partner: Organisation, actor: Actor, dry_run: bool = False
) -> ImportResult:
    """Check the whole file; unless it is a dry run and only if every row is good, save it in one transaction."""
    checked = check_file(data, filename, partner=partner, actor=actor, plan=dry_run)
    if dry_run or checked.result.errors:
        checked.result.dry_run = dry_run
        return checked.result
    return save_rows(checked.rows, partner=partner, actor=actor)


def _save(
    rows: list[Row],
    result: ImportResult,
    plan: _Plan,
    *,
    partner: Organisation,
    actor: Actor,
    consent_text: ConsentText,
) -> None:
    """Create the new people, update the known ones, and say in the trail that the file was imported."""
    _create_new(rows, result, plan, partner=partner, actor=actor, consent_text=consent_text)
    _update_known(rows, plan, actor=actor, consent_text=consent_text)
    audit.record(
        actor=actor,
        verb=audit.Verb.IMPORTED,
        target=partner,
        created=result.created,
        updated=result.updated,
        skipped=result.skipped,
    )


def _create_new(
    rows: list[Row],
    result: ImportResult,
    plan: _Plan,
    *,
    partner: Organisation,
    actor: Actor,
    consent_text: ConsentText,
) -> None:
    """The rows that match no one in scope become new people, through the same services as the
    referral form (bulk variants); a row sharing a key with someone outside the scope is flagged."""
    new_rows = [row for row in rows if row.line not in plan.matched]
    assert partner.territory is not None
    people = services.submit_referrals(
        [_new_referral(row) for row in new_rows],
        actor=actor,
        partner=partner,
        territory=partner.territory,
        source=Referral.Source.IMPORT,
        consent_text=consent_text,
        consent_method=Consent.Method.PARTNER_ATTESTATION,
        note=_("Imported from a spreadsheet."),
        import_batch=result.batch,
    )
    by_line = {outcome.line: outcome for outcome in result.rows}
    for row, person_id in zip(new_rows, people, strict=True):
        by_line[row.line].person_id = person_id
    # Someone outside the importer's scope shares a key: a possible duplicate for whoever may see
    # both files (binome.sourcing.duplicates lists it), never a match.
    audit.record_many(
        actor=actor,
        entries=[
            audit.Entry(
                audit.Verb.FLAGGED_DUPLICATE,
                Person,
                person_id,
                {"source": "import", "others": plan.elsewhere[row.line]},
            )
            for row, person_id in zip(new_rows, people, strict=True)
            if row.line in plan.elsewhere
        ],
    )


def _new_referral(row: Row) -> services.NewReferral:
    assert row.consent_date is not None  # a required cell: the checker refused the row without it
    return services.NewReferral(
        person_fields={name: getattr(row, name) for name in ("first_name", "last_name", *PERSON_FIELDS)},
        profile_fields={
            "protection_status": row.protection_status,
            "right_to_work": True if row.right_to_work is None else row.right_to_work,
            "arrival_date": row.arrival_date,
            "french_level": row.french_level,
            "home_id": row.home_id,
            "available_six_months": row.available_six_months,
        },
        targets=row.target_occupations,
        languages=row.languages,
        consent_given_on=row.consent_date,
        reason=row.reason,
        referrer={"name": row.referrer_name, "email": row.referrer_email},
    )


def _update_known(rows: list[Row], plan: _Plan, *, actor: Actor, consent_text: ConsentText) -> None:
    """Bring the file's new values to the people it matched (few: updates are the exception)."""
    for row in rows:
        changes = plan.changes.get(row.line)
        if not changes:
            continue
        known = Person.objects.select_related("mentee_profile").get(pk=plan.matched[row.line])
        _apply(known, row, changes, user=signed_in(actor))
        if "consent" in changes:
            services.record_consent(
                known, consent_text, changes["consent"], Consent.Method.PARTNER_ATTESTATION, actor=actor
            )
        audit.record(actor=actor, verb=audit.Verb.UPDATED, target=known, source="import", fields=sorted(changes))


def _apply(person: Person, row: Row, changes: dict[str, Any], *, user: Any) -> None:
    """Write one existing person's changes (rare next to creations, so one row at a time)."""
    person_fields = [name for name in PERSON_FIELDS if name in changes]
    for name in person_fields:
        setattr(person, name, changes[name])
    if person_fields:
        person.updated_by = user
        person.save(update_fields=[*person_fields, "updated_by", "updated_at"])
    profile: MenteeProfile | None = getattr(person, "mentee_profile", None)
    profile_fields = [name for name in (*PROFILE_FIELDS, "home_id") if name in changes]
    if profile is None and (profile_fields or "target_occupations" in changes):
        profile = MenteeProfile(
            person=person,
            protection_status=row.protection_status,
            french_level=row.french_level,
            right_to_work=True if row.right_to_work is None else row.right_to_work,
        )
        for name in profile_fields:
            setattr(profile, name, changes[name])
        profile.save()
    elif profile is not None and profile_fields:
        for name in profile_fields:
            setattr(profile, name, changes[name])
        profile.save(update_fields=[name.removesuffix("_id") for name in profile_fields])
    if profile is not None and "target_occupations" in changes:
        profile.target_occupations.set(changes["target_occupations"])
    if "languages" in changes:
        for code, level in changes["languages"].items():
            PersonLanguage.objects.update_or_create(person=person, language_id=code, defaults={"level": level})
