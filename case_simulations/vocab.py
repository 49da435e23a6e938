"""Controlled vocabularies (HURIDOCS micro-thesauri and consular lists) and the rubric.

Both are files beside this module, loaded once per process. Pure: no Flask, no database.
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from app.content import ContentError, ContentErrors, Document, load_mapping
from app.i18n import _l

PACKAGE = Path(__file__).parent
VOCABULARY_FILE = PACKAGE / "vocabularies.yaml"
RUBRIC_FILE = PACKAGE / "rubric.yaml"
ROOT_CODE = "000000000000"
ITEM_KEYS = {
    "code",
    "es",
    "en",
    "parent",
    "rank",
    "critical",
    "country",
    "group",
    "consent_scope",
    "exceptions",
    "returns_person",
    "migration_authority",
}
# Lists the form, the scorer and the scenario keys rely on.
REQUIRED_LISTS = (
    "act_types",
    "methods",
    "perpetrator_types",
    "involvement_degrees",
    "source_connections",
    "source_materials",
    "reliability",
    "violation_status",
    "proof_standards",
    "credibility",
    "fact_basis",
    "location_types",
    "status_at_end",
    "rights",
    "instruments",
    "chain_types",
    "date_types",
    "priorities",
    "counting_units",
    "sex",
    "gender_identity",
    "intake_channels",
    "settings",
    "persons_present",
    "interpreters",
    "confidentiality",
    "consent_scopes",
    "consent_statuses",
    "consent_information",
    "consent_capacity",
    "consent_exceptions",
    "nationality_verification",
    "id_documents",
    "migration_statuses",
    "reasons_for_leaving",
    "fear_of_return",
    "vulnerability_profiles",
    "domv_levels",
    "child_accompaniment",
    "urgent_needs",
    "risk_levels",
    "safety_measures",
    "tip_acts",
    "tip_means",
    "tip_purposes",
    "ilo_indicators",
    "tip_conclusions",
    "destinations",
    "referral_statuses",
    "corroboration",
    "countries",
    "regions",
    "stigmatising_terms",
)
PHASES = ("preparation", "opening", "narrative", "probing", "pacing", "closing")


@dataclass(frozen=True)
class Item:
    """One entry of a controlled list."""

    code: str
    es: str
    en: str
    parent: str | None = None
    rank: int | None = None
    critical: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def label(self, locale: str) -> str:
        """The label in ``locale`` (Spanish unless English is asked for)."""
        return self.en if str(locale).startswith("en") else self.es


@dataclass(frozen=True)
class VocabList:
    """A controlled list; hierarchical lists compare codes segment by segment."""

    name: str
    hierarchical: bool
    items: dict[str, Item]

    def __contains__(self, code: object) -> bool:
        return code in self.items

    def label(self, code: str | None, locale: str) -> str:
        """The label of ``code`` (the code itself when unknown)."""
        item = self.items.get(code or "")
        return item.label(locale) if item else str(code or "")

    def choices(self, locale: str) -> list[tuple[str, str]]:
        """(code, label) pairs in file order."""
        return [(code, item.label(locale)) for code, item in self.items.items()]

    def rank(self, code: str | None) -> int | None:
        """The rank of an ordered list's code (None when it has none)."""
        item = self.items.get(code or "")
        return item.rank if item else None

    def path(self, code: str) -> tuple[str, ...]:
        """The code as a path of 2-digit segments; a local term hangs under its parent."""
        item = self.items.get(code)
        if code.startswith("L-"):
            parent = item.parent if item and item.parent else ROOT_CODE
            return (*self.path(parent), code)
        segments = [code[i : i + 2] for i in range(0, len(code), 2)]
        while segments and segments[-1] == "00":
            segments.pop()
        return tuple(segments)

    def similarity(self, gold: str, got: str | None) -> float:
        """How close ``got`` is to ``gold`` (rubric §B.2): shared leading segments ÷ gold depth.

        A code deeper than the gold on the right branch scores 0.75 (more specific than the
        facts support); flat lists score 1 or 0.
        """
        if not got:
            return 0.0
        if got == gold:
            return 1.0
        if not self.hierarchical:
            return 0.0
        gold_path, got_path = self.path(gold), self.path(got)
        if not gold_path:
            return 0.0
        common = 0
        for a, b in zip(gold_path, got_path, strict=False):
            if a != b:
                break
            common += 1
        if common == len(gold_path):
            return 0.75
        return common / len(gold_path)


@dataclass(frozen=True)
class Vocabulary:
    """Every controlled list by name."""

    lists: dict[str, VocabList]

    def __getitem__(self, name: str) -> VocabList:
        return self.lists[name]

    def __contains__(self, name: object) -> bool:
        return name in self.lists


@dataclass(frozen=True)
class Criterion:
    """A rubric criterion: weight (of 100), the share a trainer scores, texts and levels."""

    code: str
    weight: float
    review: float
    title: dict[str, str]
    description: dict[str, str]
    levels: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class Rubric:
    """Interview principles, gates, criteria and bands."""

    principles: dict[str, dict[str, str]]
    gates: dict[str, dict[str, Any]]
    criteria: dict[str, Criterion]
    bands: dict[str, float]

    def text(self, value: dict[str, str] | None, locale: str) -> str:
        """Pick the ``locale`` text of an {es, en} mapping."""
        if not value:
            return ""
        return value.get("en") if str(locale).startswith("en") and value.get("en") else value["es"]


def _texts_ok(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in ("es", "en")
    )


def _load_items(doc: Document, name: str, spec: Any, errors: list[ContentError]) -> VocabList:
    key = ("lists", name)
    if not isinstance(spec, dict) or not isinstance(spec.get("items"), list):
        errors.append(doc.error(key, _l("each list needs 'items'")))
        return VocabList(name, False, {})
    items: dict[str, Item] = {}
    for i, row in enumerate(spec["items"]):
        ikey = (*key, "items", i)
        if not isinstance(row, dict) or not isinstance(row.get("code"), str):
            errors.append(doc.error(ikey, _l("each item needs a 'code' written as text")))
            continue
        errors.extend(doc.unknown_keys(ikey, row, ITEM_KEYS))
        code = row["code"]
        if code in items:
            errors.append(doc.error((*ikey, "code"), _l("duplicate code '%(id)s'", id=code)))
        if not all(isinstance(row.get(lang), str) and row[lang].strip() for lang in ("es", "en")):
            errors.append(doc.error(ikey, _l("needs non-empty 'es' and 'en' texts")))
            continue
        extra = {k: v for k, v in row.items() if k not in ("code", "es", "en", "parent", "rank")}
        extra.pop("critical", None)
        items[code] = Item(
            code=code,
            es=row["es"].strip(),
            en=row["en"].strip(),
            parent=row.get("parent"),
            rank=row.get("rank") if isinstance(row.get("rank"), int) else None,
            critical=bool(row.get("critical")),
            extra=extra,
        )
    hierarchical = bool(spec.get("hierarchical"))
    if hierarchical:
        for i, item in enumerate(items.values()):
            if item.code.startswith("L-") and item.parent not in (*items, ROOT_CODE):
                errors.append(
                    doc.error(
                        (*key, "items", i, "parent"),
                        _l("unknown parent code '%(code)s'", code=item.parent),
                    )
                )
    return VocabList(name, hierarchical, items)


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Load and check the controlled lists.

    :raises ContentErrors: listing every problem with file, line and key path.
    """
    doc = load_mapping(path)
    lists = doc.data.get("lists")
    if not isinstance(lists, dict):
        raise ContentErrors([doc.error(("lists",), _l("a mapping of lists is required"))])
    errors: list[ContentError] = []
    loaded = {name: _load_items(doc, name, spec, errors) for name, spec in lists.items()}
    errors.extend(
        doc.error(("lists",), _l("the list '%(name)s' is missing", name=name))
        for name in REQUIRED_LISTS
        if name not in loaded
    )
    destinations = loaded.get("destinations")
    scopes = loaded.get("consent_scopes")
    exceptions = loaded.get("consent_exceptions")
    if destinations and scopes and exceptions:
        for i, item in enumerate(destinations.items.values()):
            scope = item.extra.get("consent_scope")
            if scope is not None and scope not in scopes:
                errors.append(
                    doc.error(
                        ("lists", "destinations", "items", i, "consent_scope"),
                        _l("unknown consent scope '%(code)s'", code=scope),
                    )
                )
            for code in item.extra.get("exceptions") or []:
                if code not in exceptions:
                    errors.append(
                        doc.error(
                            ("lists", "destinations", "items", i, "exceptions"),
                            _l("unknown consent exception '%(code)s'", code=code),
                        )
                    )
    if errors:
        raise ContentErrors(errors)
    return Vocabulary(loaded)


def load_rubric(path: Path = RUBRIC_FILE) -> Rubric:
    """Load and check the rubric: principles, gates, criteria (weights sum to 100), bands.

    :raises ContentErrors: listing every problem with file, line and key path.
    """
    doc = load_mapping(path)
    data = doc.data
    errors: list[ContentError] = []
    errors.extend(doc.unknown_keys((), data, {"principles", "gates", "criteria", "bands"}))
    principles = data.get("principles") or {}
    for code, row in principles.items():
        if not isinstance(row, dict) or not _texts_ok(row):
            errors.append(
                doc.error(("principles", code), _l("needs non-empty 'es' and 'en' texts"))
            )
        elif row.get("phase") not in PHASES:
            errors.append(doc.choice_error(("principles", code, "phase"), row.get("phase"), PHASES))
    gates = data.get("gates") or {}
    for code, row in gates.items():
        if not isinstance(row, dict) or not _texts_ok(row):
            errors.append(doc.error(("gates", code), _l("needs non-empty 'es' and 'en' texts")))
    criteria: dict[str, Criterion] = {}
    for code, row in (data.get("criteria") or {}).items():
        key = ("criteria", code)
        if not isinstance(row, dict):
            errors.append(doc.error(key, _l("must be a mapping")))
            continue
        errors.extend(
            doc.unknown_keys(key, row, {"weight", "review", "title", "description", "levels"})
        )
        weight, review = row.get("weight"), row.get("review", 0)
        if not isinstance(weight, int | float) or weight <= 0:
            errors.append(doc.error((*key, "weight"), _l("must be a positive number")))
            continue
        if not isinstance(review, int | float) or not 0 <= review <= 1:
            errors.append(doc.error((*key, "review"), _l("must be a number from 0 to 1")))
            continue
        levels = tuple(row.get("levels") or ())
        if review and (len(levels) != 4 or not all(_texts_ok(level) for level in levels)):
            errors.append(doc.error((*key, "levels"), _l("a reviewed criterion needs 4 levels")))
        if not _texts_ok(row.get("title")):
            errors.append(doc.error((*key, "title"), _l("needs non-empty 'es' and 'en' texts")))
            continue
        criteria[code] = Criterion(
            code=code,
            weight=float(weight),
            review=float(review),
            title=row["title"],
            description=row.get("description") or row["title"],
            levels=levels,
        )
    if criteria and round(sum(c.weight for c in criteria.values()), 6) != 100:
        errors.append(doc.error(("criteria",), _l("the weights must add up to 100")))
    if errors:
        raise ContentErrors(errors)
    return Rubric(
        principles=principles,
        gates=gates,
        criteria=criteria,
        bands={k: float(v) for k, v in (data.get("bands") or {}).items()},
    )


@cache
def vocabulary() -> Vocabulary:
    """The shipped controlled lists, loaded once per process."""
    return load_vocabulary()


@cache
def rubric() -> Rubric:
    """The shipped rubric, loaded once per process."""
    return load_rubric()
