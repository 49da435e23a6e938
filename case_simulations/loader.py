"""Scenario files → validated, normalised data (Spanish base plus English overlay).

Every problem is reported at once with file, line and key path. The graph is checked by
walking every path with the engine; the answer key by scoring its own record (see
:func:`case_simulations.checks.check_scenario`). Pure: no Flask, no database.
"""

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.content import ContentError, ContentErrors, Document, content_hash, load_mapping
from app.i18n import _l
from case_simulations.engine import NODE_TYPES, SPECIAL_CONDITIONS
from case_simulations.vocab import PHASES, Rubric, Vocabulary

TOP_KEYS = {
    "slug",
    "version",
    "title",
    "summary",
    "estimated_minutes",
    "pass_mark",
    "max_runs",
    "office",
    "legal_refs",
    "briefing",
    "primary_person",
    "people",
    "variables",
    "facts",
    "start",
    "nodes",
    "key",
    "walkthroughs",
}
NODE_KEYS = {"type", "phase", "title", "text", "variants", "choices", "reveals", "next"}
CHOICE_KEYS = {
    "id",
    "text",
    "points",
    "principles",
    "response",
    "feedback",
    "reveals",
    "locks",
    "set",
    "add",
    "marks",
    "when",
    "gate",
    "next",
    "legal_refs",
}
FACT_KEYS = {
    "text",
    "basis",
    "credibility",
    "critical",
    "urgent",
    "introduces",
    "requires",
    "inconsistency",
}
MARKS = ("consent",)
COMPARISON_OPS = ("gte", "gt", "lte", "lt", "ne")


@dataclass(frozen=True)
class References:
    """What a scenario may cite, besides its own ids."""

    vocabulary: Vocabulary
    rubric: Rubric
    legal_ids: frozenset[str] = frozenset()
    offices: frozenset[str] | None = None  # None: not checked


@dataclass(frozen=True)
class ScenarioDoc:
    """A validated scenario: normalised Spanish data and the English version, if any."""

    path: Path
    slug: str
    version: str
    data_es: dict[str, Any]
    data_en: dict[str, Any] | None

    @property
    def title_es(self) -> str:
        """The Spanish title."""
        return self.data_es["title"]

    @property
    def title_en(self) -> str | None:
        """The English title, when the overlay exists."""
        return self.data_en["title"] if self.data_en else None

    @property
    def content_hash(self) -> str:
        """Hash of both languages' data: a change to either makes a new version."""
        return content_hash({"es": self.data_es, "en": self.data_en})


class _Check:
    """Collects errors against one document."""

    def __init__(self, doc: Document, refs: References):
        self.doc = doc
        self.refs = refs
        self.errors: list[ContentError] = []

    def error(self, key, message) -> None:
        self.errors.append(self.doc.error(key, message))

    def keys(self, key, mapping, allowed) -> None:
        self.errors.extend(self.doc.unknown_keys(key, mapping, allowed))

    def text(self, key, value, required=True) -> str:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if required or value is not None:
            self.error(key, _l("must be a non-empty text"))
        return ""

    def mapping(self, key, value, required=True) -> dict:
        if isinstance(value, dict):
            return value
        if required or value is not None:
            self.error(key, _l("must be a mapping"))
        return {}

    def seq(self, key, value) -> list:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.error(key, _l("must be a list"))
        return []

    def ids(self, key, value, known, what) -> list[str]:
        out = []
        for i, item in enumerate(self.seq(key, value)):
            if item not in known:
                self.error((*key, i), _l("unknown %(what)s '%(id)s'", what=what, id=item))
            else:
                out.append(item)
        return out

    def code(self, key, list_name, value, required=True) -> str | None:
        if value is None and not required:
            return None
        vocab = self.refs.vocabulary[list_name]
        if not isinstance(value, str) or value not in vocab:
            self.error(
                key,
                _l(
                    "unknown code '%(code)s' in the list '%(list)s'",
                    code=value,
                    list=list_name,
                ),
            )
            return None
        return value

    def codes(self, key, list_name, value) -> list[str]:
        out = []
        for i, item in enumerate(self.seq(key, value)):
            code = self.code((*key, i), list_name, item)
            if code:
                out.append(code)
        return out

    def integer(self, key, value, low, high, required=True) -> int | None:
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(
                key, _l("must be a whole number from %(low)d to %(high)d", low=low, high=high)
            )
            return None
        return value


def load_scenario(path: Path, refs: References) -> ScenarioDoc:
    """Load and validate one scenario and its English overlay.

    :raises ContentErrors: listing every problem with file, line and key path.
    """
    doc = load_mapping(path)
    check = _Check(doc, refs)
    data = _normalise(check, doc.data, path)
    if check.errors:
        raise ContentErrors(check.errors)
    overlay_path = path.with_name(f"{path.stem}.en.yaml")
    data_en = None
    if overlay_path.exists():
        overlay = load_mapping(overlay_path)
        ocheck = _Check(overlay, refs)
        data_en = _apply_overlay(ocheck, data, overlay.data)
        if ocheck.errors:
            raise ContentErrors(ocheck.errors)
    return ScenarioDoc(
        path=path, slug=data["slug"], version=data["version"], data_es=data, data_en=data_en
    )


# -- the Spanish base -----------------------------------------------------------------------


def _normalise(check: _Check, raw: dict, path: Path) -> dict[str, Any]:
    check.keys((), raw, TOP_KEYS)
    slug = raw.get("slug")
    if slug != path.stem:
        check.error(("slug",), _l("must equal the file name '%(name)s'", name=path.stem))
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        check.error(("version",), _l('must be a version label in quotes, e.g. "2026.1"'))
    office = raw.get("office")
    if office is not None and check.refs.offices is not None and office not in check.refs.offices:
        check.error(("office",), _l("unknown office '%(id)s'", id=office))
    legal_refs = check.ids(
        ("legal_refs",), raw.get("legal_refs"), check.refs.legal_ids, _l("legal reference")
    )
    people = _people(check, raw.get("people"))
    variables = _variables(check, raw.get("variables"))
    facts_raw = check.mapping(("facts",), raw.get("facts"))
    nodes_raw = check.mapping(("nodes",), raw.get("nodes"))
    facts = {
        fid: _fact(check, fid, row, people, variables, set(facts_raw))
        for fid, row in facts_raw.items()
    }
    ctx = _Context(check, set(facts), set(people), variables, set(nodes_raw))
    for fid, fact in facts.items():
        if fact.get("requires"):
            ctx.pending.append((("facts", fid, "requires"), fact["requires"]))
    nodes = {nid: _node(ctx, nid, row) for nid, row in nodes_raw.items()}
    # Choice ids and node ids are needed by conditions, so check those after every node.
    choice_ids = [c["id"] for n in nodes.values() for c in n.get("choices", [])]
    for cid in {c for c in choice_ids if choice_ids.count(c) > 1}:
        check.error(("nodes",), _l("the choice id '%(id)s' is used twice", id=cid))
    ctx.check_choice_conditions(nodes, set(choice_ids))
    start = raw.get("start")
    if start not in nodes:
        check.error(("start",), _l("unknown node '%(id)s'", id=start))
    primary = raw.get("primary_person")
    if primary not in people:
        check.error(("primary_person",), _l("unknown person '%(id)s'", id=primary))
    elif not people[primary]["known"]:
        check.error(("people", primary, "known"), _l("the primary person is known from the start"))
    minutes = check.integer(("estimated_minutes",), raw.get("estimated_minutes"), 5, 240)
    pass_mark = check.integer(("pass_mark",), raw.get("pass_mark", 70), 1, 100)
    data = {
        "slug": slug,
        "version": version,
        "title": check.text(("title",), raw.get("title")),
        "summary": check.text(("summary",), raw.get("summary")),
        "estimated_minutes": minutes,
        "pass_mark": pass_mark,
        "max_runs": check.integer(("max_runs",), raw.get("max_runs", 0), 0, 100),
        "office": office,
        "legal_refs": legal_refs,
        "briefing": check.text(("briefing",), raw.get("briefing")),
        "primary_person": primary,
        "people": people,
        "variables": variables,
        "facts": facts,
        "start": start,
        "nodes": nodes,
    }
    data["key"] = _key(check, raw.get("key"), data)
    data["walkthroughs"] = _walkthroughs(check, raw.get("walkthroughs"), set(choice_ids))
    return data


def _people(check: _Check, raw) -> dict[str, dict]:
    people = {}
    for pid, row in check.mapping(("people",), raw).items():
        key = ("people", pid)
        row = check.mapping(key, row)
        check.keys(key, row, {"label", "known"})
        people[str(pid)] = {
            "label": check.text((*key, "label"), row.get("label")),
            "known": bool(row.get("known", False)),
        }
    return people


def _variables(check: _Check, raw) -> dict[str, Any]:
    out = {}
    for name, value in check.mapping(("variables",), raw, required=False).items():
        if name in SPECIAL_CONDITIONS:
            check.error(("variables", name), _l("'%(name)s' is a reserved word", name=name))
        elif isinstance(value, bool | int | float | str):
            out[str(name)] = value
        else:
            check.error(("variables", name), _l("must be true/false, a number or a text"))
    return out


def _condition(check: _Check, key, raw, facts, variables, choices=None) -> dict | None:
    """Validate a condition; choice ids are checked later (``choices`` None skips them)."""
    if raw is None:
        return None
    cond = check.mapping(key, raw)
    for name, expected in cond.items():
        ckey = (*key, name)
        if name in ("revealed", "not_revealed"):
            check.ids(ckey, expected, facts, _l("fact"))
        elif name in ("chosen", "not_chosen"):
            if choices is not None:
                check.ids(ckey, expected, choices, _l("choice"))
        elif name not in variables:
            check.error(ckey, _l("unknown variable '%(id)s'", id=name))
        elif isinstance(expected, dict):
            for op, bound in expected.items():
                if op not in COMPARISON_OPS:
                    check.error((*ckey, op), _l("unknown comparison '%(id)s'", id=op))
                elif isinstance(bound, bool) or not isinstance(bound, int | float):
                    check.error((*ckey, op), _l("must be a number"))
        elif type(expected) is not type(variables[name]) and not (
            isinstance(expected, int | float) and isinstance(variables[name], int | float)
        ):
            check.error(ckey, _l("must have the variable's type"))
    return cond


def _fact(check: _Check, fid, raw, people, variables, fact_ids) -> dict:
    key = ("facts", fid)
    row = check.mapping(key, raw)
    check.keys(key, row, FACT_KEYS)
    credibility = row.get("credibility", [])
    if isinstance(credibility, str):
        credibility = [credibility]
    fact = {
        "text": check.text((*key, "text"), row.get("text")),
        "basis": check.code((*key, "basis"), "fact_basis", row.get("basis")),
        "credibility": check.codes((*key, "credibility"), "credibility", credibility),
        "critical": bool(row.get("critical", False)),
        "urgent": check.code((*key, "urgent"), "urgent_needs", row.get("urgent"), required=False),
        "introduces": check.ids((*key, "introduces"), row.get("introduces"), people, _l("person")),
        "inconsistency": bool(row.get("inconsistency", False)),
    }
    if not fact["credibility"]:
        check.error((*key, "credibility"), _l("give at least one acceptable credibility"))
    requires = _condition(check, (*key, "requires"), row.get("requires"), fact_ids, variables)
    if requires:
        fact["requires"] = requires
    return fact


class _Context:
    def __init__(self, check, facts, people, variables, node_ids):
        self.check, self.facts, self.people = check, facts, people
        self.variables, self.node_ids = variables, node_ids
        self.pending: list[tuple[tuple, Any]] = []  # conditions naming choices

    def condition(self, key, raw):
        cond = _condition(self.check, key, raw, self.facts, self.variables, None)
        if cond:
            self.pending.append((key, cond))
        return cond

    def check_choice_conditions(self, nodes, choices) -> None:
        for key, cond in self.pending:
            for name in ("chosen", "not_chosen"):
                if name in cond:
                    self.check.ids((*key, name), cond[name], choices, _l("choice"))

    def next_node(self, key, value) -> str | None:
        if value not in self.node_ids:
            self.check.error(key, _l("unknown node '%(id)s'", id=value))
            return None
        return value


def _node(ctx: _Context, nid, raw) -> dict:
    check = ctx.check
    key = ("nodes", nid)
    row = check.mapping(key, raw)
    check.keys(key, row, NODE_KEYS)
    kind = row.get("type")
    if kind not in NODE_TYPES:
        check.errors.append(check.doc.choice_error((*key, "type"), kind, NODE_TYPES))
        return {"type": "end"}
    node: dict[str, Any] = {
        "type": kind,
        "title": check.text((*key, "title"), row.get("title"), required=kind != "record"),
    }
    if row.get("phase") is not None:
        if row["phase"] not in PHASES:
            check.errors.append(check.doc.choice_error((*key, "phase"), row["phase"], PHASES))
        node["phase"] = row["phase"]
    node["text"] = check.text((*key, "text"), row.get("text"), required=kind != "record")
    variants = []
    for i, variant in enumerate(check.seq((*key, "variants"), row.get("variants"))):
        vkey = (*key, "variants", i)
        variant = check.mapping(vkey, variant)
        check.keys(vkey, variant, {"when", "text"})
        variants.append(
            {
                "when": ctx.condition((*vkey, "when"), variant.get("when")) or {},
                "text": check.text((*vkey, "text"), variant.get("text")),
            }
        )
    if variants:
        node["variants"] = variants
    if kind in ("narrative", "observation", "record"):
        node["next"] = ctx.next_node((*key, "next"), row.get("next"))
    elif row.get("next") is not None:
        check.error((*key, "next"), _l("this kind of node has no 'next'"))
    if kind == "observation":
        node["reveals"] = check.ids((*key, "reveals"), row.get("reveals"), ctx.facts, _l("fact"))
    if kind == "decision":
        choices = check.seq((*key, "choices"), row.get("choices"))
        if not choices:
            check.error((*key, "choices"), _l("a decision needs at least one choice"))
        node["choices"] = [_choice(ctx, (*key, "choices", i), c) for i, c in enumerate(choices)]
    elif row.get("choices") is not None:
        check.error((*key, "choices"), _l("only decision nodes have choices"))
    return node


def _choice(ctx: _Context, key, raw) -> dict:
    check = ctx.check
    row = check.mapping(key, raw)
    check.keys(key, row, CHOICE_KEYS)
    points = row.get("points", 0)
    if isinstance(points, bool) or not isinstance(points, int) or not -3 <= points <= 2:
        check.error(
            (*key, "points"), _l("must be a whole number from %(low)d to %(high)d", low=-3, high=2)
        )
        points = 0
    cid = row.get("id")
    if not isinstance(cid, str) or not cid.strip():
        check.error((*key, "id"), _l("each choice needs an 'id'"))
    rubric = check.refs.rubric
    choice = {
        "id": cid,
        "text": check.text((*key, "text"), row.get("text")),
        "points": points,
        "principles": check.ids(
            (*key, "principles"), row.get("principles"), rubric.principles, _l("principle")
        ),
        "response": check.text((*key, "response"), row.get("response")),
        "feedback": check.text((*key, "feedback"), row.get("feedback")),
        "reveals": check.ids((*key, "reveals"), row.get("reveals"), ctx.facts, _l("fact")),
        "locks": check.ids((*key, "locks"), row.get("locks"), ctx.facts, _l("fact")),
        "next": ctx.next_node((*key, "next"), row.get("next")),
        "legal_refs": check.ids(
            (*key, "legal_refs"), row.get("legal_refs"), check.refs.legal_ids, _l("legal reference")
        ),
    }
    if not choice["principles"]:
        check.error((*key, "principles"), _l("tag the choice with at least one principle"))
    for field_name in ("set", "add"):
        values = check.mapping((*key, field_name), row.get(field_name), required=False)
        for name, value in values.items():
            if name not in ctx.variables:
                check.error((*key, field_name, name), _l("unknown variable '%(id)s'", id=name))
            elif field_name == "add" and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                check.error((*key, field_name, name), _l("must be a number"))
        if values:
            choice[field_name] = values
    marks = check.seq((*key, "marks"), row.get("marks"))
    for i, mark in enumerate(marks):
        if mark not in MARKS:
            check.errors.append(check.doc.choice_error((*key, "marks", i), mark, MARKS))
    if marks:
        choice["marks"] = marks
    when = ctx.condition((*key, "when"), row.get("when"))
    if when:
        choice["when"] = when
    gate = row.get("gate")
    if gate is not None:
        if gate not in rubric.gates:
            check.errors.append(check.doc.choice_error((*key, "gate"), gate, list(rubric.gates)))
        choice["gate"] = gate
    return choice


def _walkthroughs(check: _Check, raw, choices) -> dict:
    out = {}
    for name, row in check.mapping(("walkthroughs",), raw, required=False).items():
        key = ("walkthroughs", name)
        row = check.mapping(key, row)
        check.keys(key, row, {"choices", "gates"})
        out[name] = {
            "choices": check.ids((*key, "choices"), row.get("choices"), choices, _l("choice")),
            "gates": check.ids(
                (*key, "gates"), row.get("gates"), check.refs.rubric.gates, _l("gate")
            ),
        }
    return out


# -- the answer key ---------------------------------------------------------------------------


def _facts_of(check: _Check, key, row, data) -> list[str]:
    return check.ids((*key, "facts"), row.get("facts"), data["facts"], _l("fact"))


def _pdate(check: _Check, key, raw, required=True) -> dict | None:
    if raw is None and not required:
        return None
    row = check.mapping(key, raw)
    check.keys(key, row, {"year", "month", "day", "type", "day_tolerance"})
    year = check.integer((*key, "year"), row.get("year"), 1900, 2100)
    month = check.integer((*key, "month"), row.get("month"), 1, 12, required=False)
    day = check.integer((*key, "day"), row.get("day"), 1, 31, required=False)
    if day and not month:
        check.error((*key, "day"), _l("a day needs a month"))
    elif year and month and day:
        try:
            dt.date(year, month, day)
        except ValueError:
            check.error((*key, "day"), _l("this date does not exist"))
    return {
        "year": year,
        "month": month,
        "day": day,
        "type": check.code((*key, "type"), "date_types", row.get("type")),
        "day_tolerance": check.integer((*key, "day_tolerance"), row.get("day_tolerance", 0), 0, 31),
    }


def _key(check: _Check, raw, data) -> dict:
    k = ("key",)
    key = check.mapping(k, raw)
    check.keys(
        k,
        key,
        {
            "case",
            "interview",
            "consent",
            "persons",
            "event",
            "acts",
            "sources",
            "vulnerability",
            "referrals",
            "inconsistency",
            "forbidden",
            "narrative",
        },
    )
    case = check.mapping((*k, "case"), key.get("case"))
    check.keys(
        (*k, "case"),
        case,
        {"intake_channel", "priority", "confidentiality", "nationality_verification"},
    )
    interview = check.mapping((*k, "interview"), key.get("interview"))
    check.keys((*k, "interview"), interview, {"setting", "persons_present", "interpreter"})
    out: dict[str, Any] = {
        "case": {
            "intake_channel": check.code(
                (*k, "case", "intake_channel"), "intake_channels", case.get("intake_channel")
            ),
            "priority": check.code((*k, "case", "priority"), "priorities", case.get("priority")),
            "confidentiality": check.code(
                (*k, "case", "confidentiality"), "confidentiality", case.get("confidentiality")
            ),
            "nationality_verification": check.code(
                (*k, "case", "nationality_verification"),
                "nationality_verification",
                case.get("nationality_verification"),
            ),
        },
        "interview": {
            "setting": check.code(
                (*k, "interview", "setting"), "settings", interview.get("setting")
            ),
            "persons_present": check.codes(
                (*k, "interview", "persons_present"),
                "persons_present",
                interview.get("persons_present"),
            ),
            "interpreter": check.code(
                (*k, "interview", "interpreter"), "interpreters", interview.get("interpreter")
            ),
        },
    }
    out["consent"] = _key_consent(check, key.get("consent"), data)
    out["persons"] = _key_persons(check, key.get("persons"), data)
    out["event"] = _key_event(check, key.get("event"), data)
    out["acts"] = _key_acts(check, key.get("acts"), data)
    out["sources"] = _key_sources(check, key.get("sources"), data)
    out["vulnerability"] = _key_vulnerability(check, key.get("vulnerability"), data)
    out["referrals"] = _key_referrals(check, key.get("referrals"), data)
    inconsistency = key.get("inconsistency")
    out["inconsistency"] = (
        {
            "facts": _facts_of(
                check,
                (*k, "inconsistency"),
                check.mapping((*k, "inconsistency"), inconsistency),
                data,
            )
        }
        if inconsistency is not None
        else None
    )
    out["forbidden"] = []
    for i, row in enumerate(check.seq((*k, "forbidden"), key.get("forbidden"))):
        fkey = (*k, "forbidden", i)
        row = check.mapping(fkey, row)
        check.keys(fkey, row, {"act_type_prefix", "perpetrator_type_prefix", "reason"})
        if not (row.get("act_type_prefix") or row.get("perpetrator_type_prefix")):
            check.error(fkey, _l("give act_type_prefix or perpetrator_type_prefix"))
        out["forbidden"].append(
            {
                "act_type_prefix": str(row.get("act_type_prefix") or ""),
                "perpetrator_type_prefix": str(row.get("perpetrator_type_prefix") or ""),
                "reason": check.text((*fkey, "reason"), row.get("reason")),
            }
        )
    narrative = check.mapping((*k, "narrative"), key.get("narrative"))
    check.keys((*k, "narrative"), narrative, {"model", "key_points"})
    points = []
    for i, row in enumerate(
        check.seq((*k, "narrative", "key_points"), narrative.get("key_points"))
    ):
        pkey = (*k, "narrative", "key_points", i)
        row = check.mapping(pkey, row)
        check.keys(pkey, row, {"text", "keywords", "facts"})
        keywords = [
            w
            for w in check.seq((*pkey, "keywords"), row.get("keywords"))
            if isinstance(w, str) and w.strip()
        ]
        if not keywords:
            check.error((*pkey, "keywords"), _l("give at least one keyword"))
        points.append(
            {
                "text": check.text((*pkey, "text"), row.get("text")),
                "keywords": keywords,
                "facts": _facts_of(check, pkey, row, data),
            }
        )
    out["narrative"] = {
        "model": check.text((*k, "narrative", "model"), narrative.get("model")),
        "key_points": points,
    }
    return out


def _key_consent(check: _Check, raw, data) -> dict:
    k = ("key", "consent")
    row = check.mapping(k, raw)
    check.keys(k, row, {"information", "capacity", "scopes"})
    information = row.get("information")
    scopes = {}
    for scope, spec in check.mapping((*k, "scopes"), row.get("scopes")).items():
        skey = (*k, "scopes", scope)
        check.code(skey, "consent_scopes", scope)
        spec = check.mapping(skey, spec)
        check.keys(skey, spec, {"status", "facts"})
        scopes[scope] = {
            "status": check.code((*skey, "status"), "consent_statuses", spec.get("status")),
            "facts": _facts_of(check, skey, spec, data),
        }
    if "interview" not in scopes:
        check.error((*k, "scopes"), _l("the key must say whether the interview was consented"))
    return {
        "information": (
            check.codes((*k, "information"), "consent_information", information)
            if information is not None
            else list(check.refs.vocabulary["consent_information"].items)
        ),
        "capacity": check.code((*k, "capacity"), "consent_capacity", row.get("capacity")),
        "scopes": scopes,
    }


PERSON_KEYS = {
    "counting_unit",
    "group_size",
    "sex",
    "age",
    "documents",
    "migration_status",
    "fear_of_return",
    "reasons",
    "gender_identity",
    "perpetrator_types",
    "features",
    "facts",
}


def _key_persons(check: _Check, raw, data) -> dict:
    out = {}
    for pid, row in check.mapping(("key", "persons"), raw).items():
        k = ("key", "persons", pid)
        if pid not in data["people"]:
            check.error(k, _l("unknown person '%(id)s'", id=pid))
            continue
        row = check.mapping(k, row)
        check.keys(k, row, PERSON_KEYS)
        out[pid] = {
            "counting_unit": check.code(
                (*k, "counting_unit"), "counting_units", row.get("counting_unit")
            ),
            "group_size": check.integer(
                (*k, "group_size"), row.get("group_size"), 1, 10000, required=False
            ),
            "sex": check.code((*k, "sex"), "sex", row.get("sex"), required=False),
            "age": check.integer((*k, "age"), row.get("age"), 0, 120, required=False),
            "documents": check.codes((*k, "documents"), "id_documents", row.get("documents")),
            "migration_status": check.code(
                (*k, "migration_status"),
                "migration_statuses",
                row.get("migration_status"),
                required=False,
            ),
            "fear_of_return": check.code(
                (*k, "fear_of_return"), "fear_of_return", row.get("fear_of_return"), required=False
            ),
            "reasons": check.codes((*k, "reasons"), "reasons_for_leaving", row.get("reasons")),
            "gender_identity": check.code(
                (*k, "gender_identity"),
                "gender_identity",
                row.get("gender_identity"),
                required=False,
            ),
            "perpetrator_types": check.codes(
                (*k, "perpetrator_types"), "perpetrator_types", row.get("perpetrator_types")
            ),
            "features": bool(row.get("features", False)),
            "features_facts": (
                check.ids((*k, "features"), row["features"], data["facts"], _l("fact"))
                if isinstance(row.get("features"), list)
                else []
            ),
            "facts": _facts_of(check, k, row, data),
        }
    primary = data.get("primary_person")
    if primary in data["people"] and primary not in out:
        check.error(("key", "persons"), _l("the key must describe the primary person"))
    return out


def _key_event(check: _Check, raw, data) -> dict:
    k = ("key", "event")
    row = check.mapping(k, raw)
    check.keys(
        k,
        row,
        {
            "title",
            "date",
            "date_end",
            "place",
            "location_types",
            "rights",
            "instruments",
            "violation_status",
            "standard",
            "corroboration",
            "chain",
        },
    )
    place = check.mapping((*k, "place"), row.get("place"))
    check.keys((*k, "place"), place, {"country", "region", "municipality"})
    municipality = place.get("municipality") or []
    if isinstance(municipality, str):
        municipality = [municipality]
    chain = row.get("chain")
    chain_out = None
    if chain is not None:
        chain = check.mapping((*k, "chain"), chain)
        check.keys((*k, "chain"), chain, {"type", "facts"})
        chain_out = {
            "type": check.code((*k, "chain", "type"), "chain_types", chain.get("type")),
            "facts": _facts_of(check, (*k, "chain"), chain, data),
        }
    return {
        "title": check.text((*k, "title"), row.get("title")),
        "date": _pdate(check, (*k, "date"), row.get("date")),
        "date_end": _pdate(check, (*k, "date_end"), row.get("date_end"), required=False),
        "place": {
            "country": check.code((*k, "place", "country"), "countries", place.get("country")),
            "region": check.code((*k, "place", "region"), "regions", place.get("region")),
            "municipality": [m for m in municipality if isinstance(m, str) and m.strip()],
        },
        "location_types": check.codes(
            (*k, "location_types"), "location_types", row.get("location_types")
        ),
        "rights": check.codes((*k, "rights"), "rights", row.get("rights")),
        "instruments": check.codes((*k, "instruments"), "instruments", row.get("instruments")),
        "violation_status": check.code(
            (*k, "violation_status"), "violation_status", row.get("violation_status")
        ),
        "standard": check.code((*k, "standard"), "proof_standards", row.get("standard")),
        "corroboration": check.codes(
            (*k, "corroboration"), "corroboration", row.get("corroboration")
        ),
        "chain": chain_out,
    }


def _key_acts(check: _Check, raw, data) -> list[dict]:
    acts = []
    people = data["people"]
    for i, row in enumerate(check.seq(("key", "acts"), raw)):
        k = ("key", "acts", i)
        row = check.mapping(k, row)
        check.keys(
            k,
            row,
            {
                "id",
                "victim",
                "type",
                "alternatives",
                "methods",
                "date",
                "location_type",
                "status_at_end",
                "age",
                "involvements",
                "facts",
            },
        )
        if row.get("victim") not in people:
            check.error((*k, "victim"), _l("unknown person '%(id)s'", id=row.get("victim")))
        involvements = []
        for j, inv in enumerate(check.seq((*k, "involvements"), row.get("involvements"))):
            ikey = (*k, "involvements", j)
            inv = check.mapping(ikey, inv)
            check.keys(ikey, inv, {"perpetrator", "degrees"})
            if inv.get("perpetrator") not in people:
                check.error(
                    (*ikey, "perpetrator"), _l("unknown person '%(id)s'", id=inv.get("perpetrator"))
                )
            degrees = check.codes((*ikey, "degrees"), "involvement_degrees", inv.get("degrees"))
            if not degrees:
                check.error((*ikey, "degrees"), _l("give at least one acceptable degree"))
            involvements.append({"perpetrator": inv.get("perpetrator"), "degrees": degrees})
        acts.append(
            {
                "id": check.text((*k, "id"), row.get("id")),
                "victim": row.get("victim"),
                "type": check.code((*k, "type"), "act_types", row.get("type")),
                "alternatives": check.codes(
                    (*k, "alternatives"), "act_types", row.get("alternatives")
                ),
                "methods": check.codes((*k, "methods"), "methods", row.get("methods")),
                "date": _pdate(check, (*k, "date"), row.get("date")),
                "location_type": check.code(
                    (*k, "location_type"), "location_types", row.get("location_type")
                ),
                "status_at_end": check.code(
                    (*k, "status_at_end"), "status_at_end", row.get("status_at_end")
                ),
                "age": check.integer((*k, "age"), row.get("age"), 0, 120, required=False),
                "involvements": involvements,
                "facts": _facts_of(check, k, row, data),
            }
        )
    if not acts:
        check.error(("key", "acts"), _l("the key needs at least one act"))
    return acts


def _key_sources(check: _Check, raw, data) -> list[dict]:
    out = []
    for i, row in enumerate(check.seq(("key", "sources"), raw)):
        k = ("key", "sources", i)
        row = check.mapping(k, row)
        check.keys(k, row, {"person", "connection", "materials", "reliability", "facts"})
        if row.get("person") not in data["people"]:
            check.error((*k, _l("person")), _l("unknown person '%(id)s'", id=row.get("person")))
        out.append(
            {
                "person": row.get("person"),
                "connection": check.code(
                    (*k, "connection"), "source_connections", row.get("connection")
                ),
                "materials": check.codes(
                    (*k, "materials"), "source_materials", row.get("materials")
                ),
                "reliability": check.code(
                    (*k, "reliability"), "reliability", row.get("reliability")
                ),
                "facts": _facts_of(check, k, row, data),
            }
        )
    if not out:
        check.error(("key", "sources"), _l("the key needs at least one source"))
    return out


def _valued(check: _Check, key, raw, data, list_name=None) -> dict | None:
    if raw is None:
        return None
    row = check.mapping(key, raw)
    check.keys(key, row, {"value", "facts"})
    value = row.get("value")
    if list_name:
        value = check.code((*key, "value"), list_name, value)
    elif not isinstance(value, bool):
        check.error((*key, "value"), _l("must be true or false"))
    return {"value": value, "facts": _facts_of(check, key, row, data)}


def _key_vulnerability(check: _Check, raw, data) -> dict:
    k = ("key", "vulnerability")
    row = check.mapping(k, raw)
    check.keys(
        k,
        row,
        {
            "profiles",
            "domv_min_levels",
            "fear_of_return",
            "informed_of_asylum",
            "child",
            "trafficking",
            "urgent",
            "risk_level",
            "safety_required",
        },
    )
    profiles = []
    for i, item in enumerate(check.seq((*k, "profiles"), row.get("profiles"))):
        pkey = (*k, "profiles", i)
        if isinstance(item, str):
            item = {"code": item}
        item = check.mapping(pkey, item)
        check.keys(pkey, item, {"code", "facts"})
        code = check.code((*pkey, "code"), "vulnerability_profiles", item.get("code"))
        if code:
            profiles.append({"code": code, "facts": _facts_of(check, pkey, item, data)})
    child = row.get("child")
    child_out = None
    if child is not None:
        child = check.mapping((*k, "child"), child)
        check.keys((*k, "child"), child, {"accompaniment", "ppnna_notified", "facts"})
        child_out = {
            "accompaniment": check.code(
                (*k, "child", "accompaniment"), "child_accompaniment", child.get("accompaniment")
            ),
            "ppnna_notified": bool(child.get("ppnna_notified", True)),
            "facts": _facts_of(check, (*k, "child"), child, data),
        }
    trafficking = row.get("trafficking")
    tip = None
    if trafficking is not None:
        tkey = (*k, "trafficking")
        trafficking = check.mapping(tkey, trafficking)
        check.keys(tkey, trafficking, {"acts", "means", "purposes", "ilo", "conclusion", "facts"})
        tip = {
            "acts": check.codes((*tkey, "acts"), "tip_acts", trafficking.get("acts")),
            "means": check.codes((*tkey, "means"), "tip_means", trafficking.get("means")),
            "purposes": check.codes(
                (*tkey, "purposes"), "tip_purposes", trafficking.get("purposes")
            ),
            "ilo": check.codes((*tkey, "ilo"), "ilo_indicators", trafficking.get("ilo")),
            "conclusion": check.code(
                (*tkey, "conclusion"), "tip_conclusions", trafficking.get("conclusion")
            ),
            "facts": _facts_of(check, tkey, trafficking, data),
        }
    urgent = []
    for i, item in enumerate(check.seq((*k, "urgent"), row.get("urgent"))):
        ukey = (*k, "urgent", i)
        item = check.mapping(ukey, item)
        check.keys(ukey, item, {"code", "facts"})
        urgent.append(
            {
                "code": check.code((*ukey, "code"), "urgent_needs", item.get("code")),
                "facts": _facts_of(check, ukey, item, data),
            }
        )
    return {
        "profiles": profiles,
        "domv_min_levels": check.integer(
            (*k, "domv_min_levels"), row.get("domv_min_levels", 2), 0, 4
        ),
        "fear_of_return": _valued(
            check, (*k, "fear_of_return"), row.get("fear_of_return"), data, "fear_of_return"
        ),
        "informed_of_asylum": _valued(
            check, (*k, "informed_of_asylum"), row.get("informed_of_asylum"), data
        ),
        "child": child_out,
        "trafficking": tip,
        "urgent": urgent,
        "risk_level": check.code((*k, "risk_level"), "risk_levels", row.get("risk_level")),
        "safety_required": bool(row.get("safety_required", True)),
    }


def _key_referrals(check: _Check, raw, data) -> dict:
    k = ("key", "referrals")
    row = check.mapping(k, raw)
    check.keys(k, row, {"expected", "contraindicated"})
    expected = []
    for i, item in enumerate(check.seq((*k, "expected"), row.get("expected"))):
        ekey = (*k, "expected", i)
        item = check.mapping(ekey, item)
        check.keys(ekey, item, {"destination", "priority", "required", "urgent_for", "facts"})
        destination = item.get("destination")
        if isinstance(destination, str):
            destination = [destination]
        expected.append(
            {
                "destination": check.codes((*ekey, "destination"), "destinations", destination),
                "priority": check.code((*ekey, "priority"), "priorities", item.get("priority")),
                "required": bool(item.get("required", True)),
                "urgent_for": check.code(
                    (*ekey, "urgent_for"), "urgent_needs", item.get("urgent_for"), required=False
                ),
                "facts": _facts_of(check, ekey, item, data),
            }
        )
    contraindicated = []
    for i, item in enumerate(check.seq((*k, "contraindicated"), row.get("contraindicated"))):
        ckey = (*k, "contraindicated", i)
        item = check.mapping(ckey, item)
        check.keys(ckey, item, {"destination", "gate", "facts", "reason"})
        gate = item.get("gate")
        if gate is not None and gate not in check.refs.rubric.gates:
            check.errors.append(
                check.doc.choice_error((*ckey, "gate"), gate, list(check.refs.rubric.gates))
            )
        contraindicated.append(
            {
                "destination": check.code(
                    (*ckey, "destination"), "destinations", item.get("destination")
                ),
                "gate": gate,
                "facts": _facts_of(check, ckey, item, data),
                "reason": check.text((*ckey, "reason"), item.get("reason")),
            }
        )
    return {"expected": expected, "contraindicated": contraindicated}


# -- the English overlay ----------------------------------------------------------------------


def _apply_overlay(check: _Check, base: dict, raw: dict) -> dict:
    """The scenario with English texts where the overlay gives them (Spanish elsewhere)."""
    data = copy.deepcopy(base)
    check.keys((), raw, {"title", "summary", "briefing", "people", "facts", "nodes", "key"})
    for name in ("title", "summary", "briefing"):
        if name in raw:
            data[name] = check.text((name,), raw[name])
    for pid, row in check.mapping(("people",), raw.get("people"), required=False).items():
        if pid not in data["people"]:
            check.error(("people", pid), _l("unknown person '%(id)s'", id=pid))
            continue
        row = check.mapping(("people", pid), row)
        check.keys(("people", pid), row, {"label"})
        if "label" in row:
            data["people"][pid]["label"] = check.text(("people", pid, "label"), row["label"])
    for fid, row in check.mapping(("facts",), raw.get("facts"), required=False).items():
        if fid not in data["facts"]:
            check.error(("facts", fid), _l("unknown fact '%(id)s'", id=fid))
            continue
        row = check.mapping(("facts", fid), row)
        check.keys(("facts", fid), row, {"text"})
        if "text" in row:
            data["facts"][fid]["text"] = check.text(("facts", fid, "text"), row["text"])
    for nid, row in check.mapping(("nodes",), raw.get("nodes"), required=False).items():
        _overlay_node(check, data, nid, row)
    _overlay_key(check, data["key"], check.mapping(("key",), raw.get("key"), required=False))
    return data


def _overlay_node(check: _Check, data: dict, nid, row) -> None:
    key = ("nodes", nid)
    node = data["nodes"].get(nid)
    if node is None:
        check.error(key, _l("unknown node '%(id)s'", id=nid))
        return
    row = check.mapping(key, row)
    check.keys(key, row, {"title", "text", "variants", "choices"})
    for name in ("title", "text"):
        if name in row:
            node[name] = check.text((*key, name), row[name])
    variants = check.seq((*key, "variants"), row.get("variants"))
    if variants and len(variants) != len(node.get("variants", [])):
        check.error((*key, "variants"), _l("give one text per Spanish variant, in order"))
    else:
        for i, text in enumerate(variants):
            node["variants"][i]["text"] = check.text((*key, "variants", i), text)
    choices = {c["id"]: c for c in node.get("choices", [])}
    for cid, crow in check.mapping((*key, "choices"), row.get("choices"), required=False).items():
        ckey = (*key, "choices", cid)
        if cid not in choices:
            check.error(ckey, _l("unknown choice '%(id)s'", id=cid))
            continue
        crow = check.mapping(ckey, crow)
        check.keys(ckey, crow, {"text", "response", "feedback"})
        for name in ("text", "response", "feedback"):
            if name in crow:
                choices[cid][name] = check.text((*ckey, name), crow[name])


def _overlay_key(check: _Check, key: dict, raw: dict) -> None:
    check.keys(("key",), raw, {"event", "referrals", "forbidden", "narrative"})
    event = check.mapping(("key", "event"), raw.get("event"), required=False)
    check.keys(("key", "event"), event, {"title"})
    if "title" in event:
        key["event"]["title"] = check.text(("key", "event", "title"), event["title"])
    referrals = check.mapping(("key", "referrals"), raw.get("referrals"), required=False)
    check.keys(("key", "referrals"), referrals, {"contraindicated"})
    _overlay_list(
        check,
        ("key", "referrals", "contraindicated"),
        referrals.get("contraindicated"),
        key["referrals"]["contraindicated"],
        "reason",
    )
    _overlay_list(check, ("key", "forbidden"), raw.get("forbidden"), key["forbidden"], "reason")
    narrative = check.mapping(("key", "narrative"), raw.get("narrative"), required=False)
    check.keys(("key", "narrative"), narrative, {"model", "key_points"})
    if "model" in narrative:
        key["narrative"]["model"] = check.text(("key", "narrative", "model"), narrative["model"])
    _overlay_list(
        check,
        ("key", "narrative", "key_points"),
        narrative.get("key_points"),
        key["narrative"]["key_points"],
        "text",
    )


def _overlay_list(check: _Check, key, raw, target: list[dict], field_name: str) -> None:
    texts = check.seq(key, raw)
    if not texts:
        return
    if len(texts) != len(target):
        check.error(key, _l("give one text per Spanish entry, in order"))
        return
    for i, text in enumerate(texts):
        target[i][field_name] = check.text((*key, i), text)


def discover(folder: Path) -> list[Path]:
    """Scenario files (Spanish bases) in ``folder``, by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yaml") if not p.name.endswith(".en.yaml"))


def load_all(folder: Path, refs: References) -> list[ScenarioDoc]:
    """Every scenario in ``folder``, all-or-nothing.

    :raises ContentErrors: listing the problems of every file.
    """
    docs, errors = [], []
    for path in discover(folder):
        try:
            docs.append(load_scenario(path, refs))
        except ContentErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise ContentErrors(errors)
    return docs
