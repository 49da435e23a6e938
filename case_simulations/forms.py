"""The case-record form, one section per page, and how each section becomes structured data.

Section forms are built per run: the people and facts the interview revealed, and the
controlled lists in the learner's language. What the learner types is kept verbatim as a
draft (nothing is lost, even with errors); these forms re-read it to show field errors and to
assemble the record at submit.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, ValidationError

from app.forms import MultiCheckboxField, strip_text
from app.i18n import _l
from case_simulations.engine import Scenario
from case_simulations.record import DOMV_LEVELS, SECTIONS, empty_date, empty_record, known_people
from case_simulations.vocab import Vocabulary

SECTION_TITLES = {
    "caso": _l("Case, interview and consent"),
    "personas": _l("People"),
    "hecho": _l("Event and acts"),
    "participacion": _l("Who took part in each act"),
    "fuentes": _l("Sources and facts"),
    "vulnerabilidad": _l("Vulnerability, risk and urgent needs"),
    "derivaciones": _l("Referrals and consular actions"),
    "valoracion": _l("Assessment and narrative"),
}
UNKNOWN_CODE = _l("Unknown code '%(code)s': choose one of the options in the list.")
BLANK = ("", "—")
MAX_ROWS = 20
TEXT = 2000
LONG_TEXT = 8000


class CodeField(SelectField):
    """A single code from a controlled list; an unknown code gets a clear message."""

    def pre_validate(self, form):
        """Accept blank (completeness is checked at submit) or a listed code."""
        if self.data in (None, ""):
            return
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError(str(UNKNOWN_CODE).replace("%(code)s", str(self.data)[:60]))


class CodesField(MultiCheckboxField):
    """Several codes from a controlled list, as checkboxes."""

    def pre_validate(self, form):
        """Every ticked code must be in the list."""
        allowed = {value for value, _label in self.choices}
        for value in self.data or []:
            if value not in allowed:
                raise ValidationError(str(UNKNOWN_CODE).replace("%(code)s", str(value)[:60]))


class NumberField(StringField):
    """A whole number typed as text, checked with messages in the learner's language.

    (WTForms' own IntegerField would answer in English inside nested forms.)
    """

    def __init__(self, label=None, low: int = 0, high: int = 10000, message=None, **kwargs):
        super().__init__(label, **kwargs)
        self.low, self.high, self.message = low, high, message
        self.raw = ""

    def process_formdata(self, valuelist):
        """Keep what was typed; the number when it is one."""
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = int(self.raw) if re.fullmatch(r"\d{1,6}", self.raw) else None

    def _value(self):
        return self.raw if self.raw else ("" if self.data is None else str(self.data))

    def pre_validate(self, form):
        """A whole number within the range, or nothing."""
        if not self.raw:
            return
        if self.data is None or not self.low <= self.data <= self.high:
            self.data = None
            raise ValidationError(
                self.message
                or _l(
                    "Write a whole number from %(low)d to %(high)d.", low=self.low, high=self.high
                )
            )


def _length(length: int) -> Length:
    return Length(max=length, message=_l("At most %(max)d characters."))


def _text(label, length=TEXT, **kwargs):
    return StringField(label, filters=[strip_text], validators=[_length(length)], **kwargs)


def _long(label, length=LONG_TEXT, **kwargs):
    return TextAreaField(label, filters=[strip_text], validators=[_length(length)], **kwargs)


class PartialDateForm(Form):
    """A date with honest precision: year, month and day as known, and how it is known."""

    year = NumberField(_l("Year"), 1900, 2100, message=_l("Write a year such as 2026."))
    month = CodeField(_l("Month"), choices=[BLANK] + [(str(m), str(m)) for m in range(1, 13)])
    day = NumberField(_l("Day"), 1, 31, message=_l("A day is a number from 1 to 31."))
    type = CodeField(_l("How the date is known"))

    def validate_day(self, field):
        """The day must exist in that month and year, and not lie in the future."""
        year, month = self.year.data, self.month.data
        if field.data is None:
            return
        if not month:
            raise ValidationError(_l("Give the month too, or leave the day empty."))
        if not year:
            raise ValidationError(_l("Give the year too."))
        try:
            when = dt.date(int(year), int(month), int(field.data))
        except ValueError as exc:
            raise ValidationError(
                _l(
                    "That date does not exist (%(day)s/%(month)s/%(year)s).",
                    day=field.data,
                    month=month,
                    year=year,
                )
            ) from exc
        if when > dt.date.today():
            raise ValidationError(_l("The date is in the future."))

    def validate_type(self, field):
        """The kind of date must match the precision given."""
        has_day, has_month = self.day.data is not None, bool(self.month.data)
        if field.data == "exact" and not has_day:
            raise ValidationError(_l("An exact date needs the day; otherwise choose another kind."))
        if field.data == "020000000000" and (has_day or not has_month):
            raise ValidationError(_l("'Unknown day' means month and year without the day."))
        if field.data == "030000000000" and (has_day or has_month):
            raise ValidationError(_l("'Unknown month and day' means the year alone."))
        if (self.year.data or has_month or has_day) and not field.data:
            raise ValidationError(_l("Say how the date is known (exact, estimate…)."))

    def validate_month(self, field):
        """A month needs its year."""
        if field.data and not self.year.data:
            raise ValidationError(_l("Give the year too."))


def date_value(form: PartialDateForm) -> dict[str, Any]:
    """The structured partial date (empty when nothing was given)."""
    if form.year.data is None:
        return empty_date()
    return {
        "year": form.year.data,
        "month": int(form.month.data) if form.month.data else None,
        "day": form.day.data if form.month.data else None,
        "type": form.type.data or None,
    }


@dataclass
class Context:
    """What a section form needs: the scenario texts, what was revealed, lists, language."""

    scenario: Scenario  # in the learner's language
    revealed: list[str]
    vocab: Vocabulary
    locale: str

    def codes(self, name: str, blank: bool = True) -> list[tuple[str, str]]:
        """Choices of a controlled list in the learner's language."""
        choices = self.vocab[name].choices(self.locale)
        return [BLANK, *choices] if blank else choices

    def people(self) -> list[str]:
        """People the record can name."""
        return known_people(self.scenario, self.revealed)

    def person_choices(self) -> list[tuple[str, str]]:
        """People as choices for victims, perpetrators and sources."""
        return [BLANK] + [(pid, self.scenario.people[pid]["label"]) for pid in self.people()]

    @property
    def primary(self) -> str:
        """The id of the person interviewed."""
        return self.scenario.data["primary_person"]


# -- section forms ---------------------------------------------------------------------------


class SectionForm(FlaskForm):
    """Base of every section (CSRF on live posts; off when re-reading a stored draft)."""


def _caso(ctx: Context):
    class ScopesForm(Form):
        pass

    for code, label in ctx.codes("consent_scopes", blank=False):
        setattr(ScopesForm, code, CodeField(label, choices=ctx.codes("consent_statuses")))

    class CasoForm(SectionForm):
        intake_channel = CodeField(_l("How the case reached the consulate"))
        priority = CodeField(_l("Priority"))
        confidentiality = CodeField(_l("Confidentiality of the record"))
        nationality_verification = CodeField(_l("How nationality was verified"))
        setting = CodeField(_l("Where the interview took place"))
        persons_present = CodesField(_l("Who was present"))
        interpreter = CodeField(_l("Interpretation"))
        information = CodesField(_l("What you explained before asking for consent"))
        capacity = CodeField(_l("Capacity to consent"))
        scope = FormField(ScopesForm, label=_l("Consent, use by use"), separator="-")
        restrictions = _long(_l("Restrictions the person set (e.g. whom not to contact)"), 1000)

    form_class = CasoForm
    choices = {
        "intake_channel": "intake_channels",
        "priority": "priorities",
        "confidentiality": "confidentiality",
        "nationality_verification": "nationality_verification",
        "setting": "settings",
        "persons_present": "persons_present",
        "interpreter": "interpreters",
        "information": "consent_information",
        "capacity": "consent_capacity",
    }
    return form_class, choices


def _person_form(ctx: Context, primary: bool):
    class PersonForm(Form):
        included = BooleanField(_l("Include this person in the record"))
        counting_unit = CodeField(_l("Counting unit"))
        group_size = NumberField(_l("Number of people (for a group)"), 1, 10000)
        age = NumberField(_l("Age"), 0, 120)
        sex = CodeField(_l("Sex"))
        perpetrator_types = CodesField(_l("Type of perpetrator (if they committed an act)"))
        features = _long(
            _l("Identifying features (uniform, vehicle, numbers, what was said)"), 1500
        )

    if primary:
        PersonForm.gender_identity = CodeField(_l("Gender identity (only if volunteered)"))
        PersonForm.documents = CodesField(_l("Identity documents"))
        PersonForm.migration_status = CodeField(_l("Migration status in Mexico"))
        PersonForm.fear_of_return = CodeField(_l("Fear of return"))
        PersonForm.reasons = CodesField(_l("Reasons for leaving Honduras"))
    return PersonForm


PERSON_CHOICES = {
    "counting_unit": "counting_units",
    "sex": "sex",
    "perpetrator_types": "perpetrator_types",
    "gender_identity": "gender_identity",
    "documents": "id_documents",
    "migration_status": "migration_statuses",
    "fear_of_return": "fear_of_return",
    "reasons": "reasons_for_leaving",
}


def _personas(ctx: Context):
    class PersonasForm(SectionForm):
        pass

    for pid in ctx.people():
        person_class = _person_form(ctx, pid == ctx.primary)
        setattr(
            PersonasForm,
            pid,
            FormField(person_class, label=ctx.scenario.people[pid]["label"], separator="-"),
        )
    return PersonasForm, {}


class ActForm(Form):
    """One act: one victim, one type of act."""

    victim = CodeField(_l("Victim"))
    type = CodeField(_l("Type of act"))
    methods = CodesField(_l("Methods of violence (if any)"))
    date = FormField(PartialDateForm, label=_l("When"), separator="-")
    location_type = CodeField(_l("Type of place"))
    status_at_end = CodeField(_l("Victim's situation at the end of the act"))
    age = NumberField(_l("Victim's age at the time"), 0, 120)
    remove = BooleanField(_l("Remove this act"))


def _hecho(ctx: Context):
    class HechoForm(SectionForm):
        title = _text(_l("Event title (neutral: what, who, where, when)"), 300)
        date = FormField(PartialDateForm, label=_l("Start date"), separator="-")
        date_end = FormField(PartialDateForm, label=_l("End date (if it lasted)"), separator="-")
        country = CodeField(_l("Country"))
        region = CodeField(_l("State or department"))
        municipality = _text(_l("Municipality"), 120)
        locality = _text(_l("Locality or place, as the person described it"), 300)
        location_types = CodesField(_l("Types of place"))
        chain_type = CodeField(_l("Related to an earlier or later event?"))
        chain_title = _text(_l("The related event"), 300)
        acts = FieldList(FormField(ActForm, separator="-"), min_entries=1, max_entries=MAX_ROWS)

    return HechoForm, {
        "country": "countries",
        "region": "regions",
        "location_types": "location_types",
        "chain_type": "chain_types",
    }


class InvolvementForm(Form):
    """A perpetrator's part in one act."""

    act = CodeField(_l("Act"))
    perpetrator = CodeField(_l("Perpetrator"))
    degree = CodeField(_l("Degree of involvement"))
    remove = BooleanField(_l("Remove this row"))


def _participacion(ctx: Context):
    class ParticipacionForm(SectionForm):
        involvements = FieldList(
            FormField(InvolvementForm, separator="-"), min_entries=1, max_entries=MAX_ROWS
        )

    return ParticipacionForm, {}


class SourceForm(Form):
    """Who gave information, how they know it, and how reliable they are."""

    person = CodeField(_l("Source"))
    connection = CodeField(_l("Connection to the information"))
    materials = CodesField(_l("Type of source material"))
    reliability = CodeField(_l("Reliability of the source"))
    remove = BooleanField(_l("Remove this source"))


class FactForm(Form):
    """How one revealed fact is recorded: included, its basis, its credibility."""

    included = BooleanField(_l("Record this fact"))
    basis = CodeField(_l("Basis"))
    credibility = CodeField(_l("Credibility of the information"))


def _fuentes(ctx: Context):
    class FuentesForm(SectionForm):
        sources = FieldList(
            FormField(SourceForm, separator="-"), min_entries=1, max_entries=MAX_ROWS
        )

    for fid in ctx.revealed:
        setattr(
            FuentesForm,
            fid,
            FormField(FactForm, label=ctx.scenario.facts[fid]["text"], separator="-"),
        )
    return FuentesForm, {}


def _vulnerabilidad(ctx: Context):
    class VulnerabilidadForm(SectionForm):
        profiles = CodesField(_l("Preliminary profiles (for referral, not a legal determination)"))
        informed_of_asylum = BooleanField(_l("The person was told of the right to seek asylum"))
        is_child = BooleanField(_l("The person is (or may be) under 18"))
        accompaniment = CodeField(_l("If a child: accompanied?"))
        ppnna_notified = BooleanField(_l("If a child: the child-protection authority was notified"))
        tip_acts = CodesField(_l("Trafficking: acts"))
        tip_means = CodesField(_l("Trafficking: means"))
        tip_purposes = CodesField(_l("Trafficking: purposes"))
        ilo = CodesField(_l("ILO indicators of forced labour"))
        tip_conclusion = CodeField(_l("Trafficking indicators: preliminary conclusion"))
        age_at_recruitment = NumberField(_l("Age at recruitment"), 0, 120)
        urgent = CodesField(_l("Urgent needs"))
        risk_level = CodeField(_l("Risk level"))
        safety = CodesField(_l("Safety measures agreed with the person"))
        threats = _long(_l("Threats (who, against whom, still current?)"), 1500)

    for level, label in ctx.codes("domv_levels", blank=False):
        setattr(
            VulnerabilidadForm,
            f"domv_{level}_risk",
            _long(_l("%(level)s: risk factors", level=label), 1000),
        )
        setattr(
            VulnerabilidadForm,
            f"domv_{level}_protective",
            _long(_l("%(level)s: protective factors", level=label), 1000),
        )
    return VulnerabilidadForm, {
        "profiles": "vulnerability_profiles",
        "accompaniment": "child_accompaniment",
        "tip_acts": "tip_acts",
        "tip_means": "tip_means",
        "tip_purposes": "tip_purposes",
        "ilo": "ilo_indicators",
        "tip_conclusion": "tip_conclusions",
        "urgent": "urgent_needs",
        "risk_level": "risk_levels",
        "safety": "safety_measures",
    }


class ReferralForm(Form):
    """One referral or consular action."""

    destination = CodeField(_l("Referral or action"))
    priority = CodeField(_l("Priority"))
    status = CodeField(_l("Status"))
    exception = CodeField(_l("Shared without consent under an exception?"))
    justification = _text(_l("Justification of the exception"), 500)
    follow_up = _text(_l("Follow-up date (YYYY-MM-DD)"), 10)
    remove = BooleanField(_l("Remove this row"))

    def validate_follow_up(self, field):
        """A real calendar date."""
        if not field.data:
            return
        try:
            dt.date.fromisoformat(field.data)
        except ValueError as exc:
            raise ValidationError(_l("Write the date as YYYY-MM-DD, e.g. 2026-12-04.")) from exc

    def validate_justification(self, field):
        """An exception needs its reason."""
        if self.exception.data and not field.data:
            raise ValidationError(_l("Say why the exception applies."))


def _derivaciones(ctx: Context):
    class DerivacionesForm(SectionForm):
        referrals = FieldList(
            FormField(ReferralForm, separator="-"), min_entries=1, max_entries=MAX_ROWS
        )

    return DerivacionesForm, {}


def _valoracion(ctx: Context):
    class ValoracionForm(SectionForm):
        rights = CodesField(_l("Rights affected"))
        instruments = CodesField(_l("International instruments"))
        standard = CodeField(_l("Standard of proof reached"))
        violation_status = CodeField(_l("Violation status"))
        corroboration = CodesField(_l("Leads to corroborate (without exposing the person)"))
        inconsistencies = _long(_l("Inconsistencies noticed"), 2000)
        inconsistency_explanation = _long(_l("Possible explanation"), 2000)
        inconsistency_follow_up = _long(_l("How you will clarify it"), 2000)
        summary = _long(_l("Narrative summary (chronological, each claim attributed)"))
        quotes = _long(_l("Key statements, word for word"), 3000)
        observations = _long(_l("What you observed yourself"), 3000)
        next_steps = _long(_l("Next steps agreed with the person (no promises)"), 3000)

    return ValoracionForm, {
        "rights": "rights",
        "instruments": "instruments",
        "standard": "proof_standards",
        "violation_status": "violation_status",
        "corroboration": "corroboration",
    }


BUILDERS = {
    "caso": _caso,
    "personas": _personas,
    "hecho": _hecho,
    "participacion": _participacion,
    "fuentes": _fuentes,
    "vulnerabilidad": _vulnerabilidad,
    "derivaciones": _derivaciones,
    "valoracion": _valoracion,
}


def _rows(raw: MultiDict | None, prefix: str) -> int:
    """How many rows the stored draft has for a row list (plus one blank to fill)."""
    if not raw:
        return 1
    indexes = set()
    for name in raw:
        if name.startswith(prefix + "-"):
            head = name[len(prefix) + 1 :].split("-", 1)[0]
            if head.isdigit():
                indexes.add(int(head))
    return min(MAX_ROWS, (max(indexes) + 2) if indexes else 1)


def make_form(
    section: str,
    ctx: Context,
    raw: MultiDict | None,
    *,
    live: bool = False,
    draft: dict | None = None,
):
    """Build ``section``'s form over ``raw`` (a stored or posted MultiDict).

    ``live`` forms check CSRF (a real post); re-read drafts do not. ``draft`` (all sections)
    lets the involvements page name the acts recorded on the event page.
    """
    form_class, choices = BUILDERS[section](ctx)
    meta = {} if live else {"csrf": False}
    extra = {}
    for rows in ("acts", "involvements", "sources", "referrals"):
        if hasattr(form_class, rows):
            extra[rows] = _rows(raw, rows)
    form = form_class(formdata=raw if raw is not None else MultiDict(), meta=meta)
    for rows, count in extra.items():
        field = getattr(form, rows)
        while len(field.entries) < count:
            field.append_entry()
    for name, list_name in choices.items():
        getattr(form, name).choices = ctx.codes(
            list_name, blank=not isinstance(getattr(form, name), CodesField)
        )
    _set_nested_choices(form, section, ctx, draft or {})
    return form


def _set_nested_choices(form, section: str, ctx: Context, draft: dict) -> None:
    if section == "personas":
        for pid in ctx.people():
            sub = getattr(form, pid).form
            for name, list_name in PERSON_CHOICES.items():
                if hasattr(sub, name):
                    field = getattr(sub, name)
                    field.choices = ctx.codes(list_name, blank=not isinstance(field, CodesField))
    elif section == "hecho":
        for entry in form.acts:
            sub = entry.form
            sub.victim.choices = ctx.person_choices()
            sub.type.choices = ctx.codes("act_types")
            sub.methods.choices = ctx.codes("methods", blank=False)
            sub.location_type.choices = ctx.codes("location_types")
            sub.status_at_end.choices = ctx.codes("status_at_end")
            sub.date.form.type.choices = ctx.codes("date_types")
        form.date.form.type.choices = ctx.codes("date_types")
        form.date_end.form.type.choices = ctx.codes("date_types")
    elif section == "participacion":
        acts = act_choices(ctx, draft.get("hecho"))
        for entry in form.involvements:
            entry.form.act.choices = acts
            entry.form.perpetrator.choices = ctx.person_choices()
            entry.form.degree.choices = ctx.codes("involvement_degrees")
    elif section == "fuentes":
        for entry in form.sources:
            entry.form.person.choices = ctx.person_choices()
            entry.form.connection.choices = ctx.codes("source_connections")
            entry.form.materials.choices = ctx.codes("source_materials", blank=False)
            entry.form.reliability.choices = ctx.codes("reliability")
        for fid in ctx.revealed:
            sub = getattr(form, fid).form
            sub.basis.choices = ctx.codes("fact_basis")
            sub.credibility.choices = ctx.codes("credibility")
    elif section == "derivaciones":
        for entry in form.referrals:
            entry.form.destination.choices = ctx.codes("destinations")
            entry.form.priority.choices = ctx.codes("priorities")
            entry.form.status.choices = ctx.codes("referral_statuses")
            entry.form.exception.choices = ctx.codes("consent_exceptions")


def act_choices(ctx: Context, hecho_raw: dict | None) -> list[tuple[str, str]]:
    """The acts recorded on the event page, named for the involvements page."""
    raw = to_multidict(hecho_raw)
    choices = [BLANK]
    if not raw:
        return choices
    form = make_form("hecho", ctx, raw)
    for index, entry in enumerate(form.acts):
        sub = entry.form
        if sub.remove.data or not sub.type.data:
            continue
        victim = ctx.scenario.people.get(sub.victim.data or "", {}).get("label", "?")
        label = ctx.vocab["act_types"].label(sub.type.data, ctx.locale)
        choices.append((str(index), f"{index + 1}. {label} — {victim}"))
    return choices


def to_multidict(raw: dict | None) -> MultiDict:
    """A stored draft section (name → list of values) as form data."""
    return MultiDict([(k, v) for k, values in (raw or {}).items() for v in values])


def from_request(form_data: MultiDict) -> dict[str, list[str]]:
    """What to store of a posted section: every field, verbatim, minus buttons and token."""
    return {name: form_data.getlist(name) for name in form_data if name not in ("csrf_token", "go")}


# -- structured data ---------------------------------------------------------------------------


def _field_errors(form) -> list[tuple[str, Any]]:
    out = []

    def walk(field):
        if isinstance(field, FormField):
            for sub in field.form:
                walk(sub)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                walk(entry)
        elif field.errors:
            for error in field.errors:
                out.append((field.id, error))

    for field in form:
        walk(field)
    return out


def assemble(draft: dict, ctx: Context) -> tuple[dict, dict[str, list[tuple[str, Any]]]]:
    """The structured record from every stored section, and format errors by section."""
    record = empty_record(ctx.scenario)
    errors: dict[str, list[tuple[str, Any]]] = {}
    act_index: dict[int, int] = {}
    for section in SECTIONS:
        raw = to_multidict(draft.get(section))
        form = make_form(section, ctx, raw, draft=draft)
        form.validate()
        found = _field_errors(form)
        if found:
            errors[section] = found
        _apply(section, form, record, ctx, act_index)
    return record, errors


def _codes(field) -> list[str]:
    allowed = {value for value, _label in field.choices}
    return [c for c in (field.data or []) if c in allowed]


def _code(field) -> str | None:
    allowed = {value for value, _label in field.choices}
    return field.data if field.data in allowed and field.data else None


def _apply(section: str, form, record: dict, ctx: Context, act_index: dict[int, int]) -> None:
    if section == "caso":
        record["case"] = {
            name: _code(getattr(form, name))
            for name in (
                "intake_channel",
                "priority",
                "confidentiality",
                "nationality_verification",
            )
        }
        record["interview"] = {
            "setting": _code(form.setting),
            "persons_present": _codes(form.persons_present),
            "interpreter": _code(form.interpreter),
        }
        scopes = {field.short_name: _code(field) for field in form.scope.form}
        record["consent"] = {
            "information": _codes(form.information),
            "capacity": _code(form.capacity),
            "scopes": {k: v for k, v in scopes.items() if v},
            "restrictions": form.restrictions.data or "",
        }
    elif section == "personas":
        for pid in ctx.people():
            sub = getattr(form, pid).form
            person = {
                "included": bool(sub.included.data) or pid == ctx.primary,
                "counting_unit": _code(sub.counting_unit),
                "group_size": sub.group_size.data if not sub.group_size.errors else None,
                "age": sub.age.data if not sub.age.errors else None,
                "sex": _code(sub.sex),
                "perpetrator_types": _codes(sub.perpetrator_types),
                "features": sub.features.data or "",
            }
            if pid == ctx.primary:
                person.update(
                    gender_identity=_code(sub.gender_identity),
                    documents=_codes(sub.documents),
                    migration_status=_code(sub.migration_status),
                    fear_of_return=_code(sub.fear_of_return),
                    reasons=_codes(sub.reasons),
                )
            record["persons"][pid] = person
    elif section == "hecho":
        event = record["event"]
        event.update(
            title=form.title.data or "",
            date=_date(form.date.form),
            date_end=_date(form.date_end.form) if form.date_end.form.year.data else None,
            place={
                "country": _code(form.country),
                "region": _code(form.region),
                "municipality": form.municipality.data or "",
                "locality": form.locality.data or "",
            },
            location_types=_codes(form.location_types),
            chain_type=_code(form.chain_type),
            chain_title=form.chain_title.data or "",
        )
        for index, entry in enumerate(form.acts):
            sub = entry.form
            filled = any(
                [
                    sub.victim.data,
                    sub.type.data,
                    sub.methods.data,
                    sub.location_type.data,
                    sub.status_at_end.data,
                    sub.date.form.year.data,
                ]
            )
            if sub.remove.data or not filled:
                continue
            act_index[index] = len(record["acts"])
            record["acts"].append(
                {
                    "victim": _code(sub.victim),
                    "type": _code(sub.type),
                    "methods": _codes(sub.methods),
                    "date": _date(sub.date.form),
                    "location_type": _code(sub.location_type),
                    "status_at_end": _code(sub.status_at_end),
                    "age": sub.age.data if not sub.age.errors else None,
                }
            )
    elif section == "participacion":
        for entry in form.involvements:
            sub = entry.form
            if sub.remove.data or not (sub.act.data or sub.perpetrator.data or sub.degree.data):
                continue
            raw_act = sub.act.data
            record["involvements"].append(
                {
                    "act": act_index.get(int(raw_act)) if raw_act and raw_act.isdigit() else None,
                    "perpetrator": _code(sub.perpetrator),
                    "degree": _code(sub.degree),
                }
            )
    elif section == "fuentes":
        for entry in form.sources:
            sub = entry.form
            if sub.remove.data or not (sub.person.data or sub.connection.data):
                continue
            record["sources"].append(
                {
                    "person": _code(sub.person),
                    "connection": _code(sub.connection),
                    "materials": _codes(sub.materials),
                    "reliability": _code(sub.reliability),
                }
            )
        for fid in ctx.revealed:
            sub = getattr(form, fid).form
            record["facts"][fid] = {
                "included": bool(sub.included.data),
                "basis": _code(sub.basis),
                "credibility": _code(sub.credibility),
            }
    elif section == "vulnerabilidad":
        vul = record["vulnerability"]
        vul.update(
            profiles=_codes(form.profiles),
            informed_of_asylum=bool(form.informed_of_asylum.data),
            child={
                "is_child": bool(form.is_child.data),
                "accompaniment": _code(form.accompaniment),
                "ppnna_notified": bool(form.ppnna_notified.data),
            },
            trafficking={
                "acts": _codes(form.tip_acts),
                "means": _codes(form.tip_means),
                "purposes": _codes(form.tip_purposes),
                "ilo": _codes(form.ilo),
                "conclusion": _code(form.tip_conclusion),
                "age_at_recruitment": form.age_at_recruitment.data
                if not form.age_at_recruitment.errors
                else None,
            },
            urgent=_codes(form.urgent),
            risk_level=_code(form.risk_level),
            safety=_codes(form.safety),
            threats=form.threats.data or "",
        )
        for level in DOMV_LEVELS:
            vul["domv"][level] = {
                "risk": getattr(form, f"domv_{level}_risk").data or "",
                "protective": getattr(form, f"domv_{level}_protective").data or "",
            }
    elif section == "derivaciones":
        for entry in form.referrals:
            sub = entry.form
            if sub.remove.data or not sub.destination.data:
                continue
            record["referrals"].append(
                {
                    "destination": _code(sub.destination),
                    "priority": _code(sub.priority),
                    "status": _code(sub.status),
                    "exception": _code(sub.exception),
                    "justification": sub.justification.data or "",
                    "follow_up": sub.follow_up.data if not sub.follow_up.errors else None,
                }
            )
    elif section == "valoracion":
        record["assessment"] = {
            "rights": _codes(form.rights),
            "instruments": _codes(form.instruments),
            "violation_status": _code(form.violation_status),
            "standard": _code(form.standard),
            "corroboration": _codes(form.corroboration),
            "inconsistencies": form.inconsistencies.data or "",
            "inconsistency_explanation": form.inconsistency_explanation.data or "",
            "inconsistency_follow_up": form.inconsistency_follow_up.data or "",
        }
        record["narrative"] = {
            "summary": form.summary.data or "",
            "quotes": form.quotes.data or "",
            "observations": form.observations.data or "",
            "next_steps": form.next_steps.data or "",
        }


def _date(sub: PartialDateForm) -> dict[str, Any]:
    if sub.year.errors or sub.month.errors or sub.day.errors or sub.type.errors:
        return (
            empty_date()
            if sub.year.errors
            else {"year": sub.year.data, "month": None, "day": None, "type": None}
        )
    return date_value(sub)
