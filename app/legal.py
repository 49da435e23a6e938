"""Registry of legal instruments and provisions that lessons, questions and scenarios cite.

The registry is one file, ``app/legal_references.yaml``; ids are stable. Pure: no Flask.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from app.content import ContentError, ContentErrors, Document, load_yaml
from app.i18n import _l

REGISTRY_FILE = Path(__file__).with_name("legal_references.yaml")
JURISDICTIONS = ("international", "inter-american", "honduras", "mexico")
KINDS = ("treaty", "protocol", "advisory-opinion", "judgment", "law", "regulation", "guideline")
STATUSES = ("in-force", "amended", "partly-invalidated", "superseded")
VERIFICATION = ("verified", "partial", "recalled")


@dataclass(frozen=True)
class Text:
    """A text in Spanish and English."""

    es: str
    en: str

    def get(self, locale: str) -> str:
        """The text in ``locale`` (Spanish unless English is asked for)."""
        return self.en if str(locale).startswith("en") else self.es


@dataclass(frozen=True)
class Instrument:
    """A treaty, law, ruling or guideline."""

    id: str
    short: Text
    title: Text
    jurisdiction: str
    kind: str
    year: int | None
    status: str
    status_note: Text | None


@dataclass(frozen=True)
class Provision:
    """An article (or a part of one) of an instrument."""

    id: str
    instrument: Instrument
    label: Text
    title: Text
    verification: str
    note: Text | None
    amended_on: date | None = None  # the provision changed on this date…
    amendment: Text | None = None  # …and how

    def citation(self, locale: str) -> str:
        """Short citation, e.g. "CVRC, Art. 36"."""
        short, label = self.instrument.short.get(locale), self.label.get(locale)
        # Rulings are cited by their own name ("AR 388/2022"), not "AR 388/2022, AR 388/2022".
        return short if label == short or label.startswith(short) else f"{short}, {label}"


@dataclass(frozen=True)
class LegalRegistry:
    """Instruments and provisions by id."""

    instruments: dict[str, Instrument]
    provisions: dict[str, Provision]

    def __contains__(self, ref: str) -> bool:
        return ref in self.provisions

    def resolve(self, refs) -> list[Provision]:
        """The provisions for ``refs`` (unknown ids are skipped; loaders reject them)."""
        return [self.provisions[r] for r in refs if r in self.provisions]


def _text(doc: Document, value, key, errors, required=True) -> Text | None:
    if value is None and not required:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value.get(lang).strip() for lang in ("es", "en")
    ):
        errors.append(doc.error(key, _l("needs non-empty 'es' and 'en' texts")))
        return None
    return Text(es=value["es"].strip(), en=value["en"].strip())


def _amendment(doc: Document, value, key, errors) -> dict:
    """``amended: {on: YYYY-MM-DD, note: {es, en}}`` → the provision's amendment fields."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not isinstance(value.get("on"), date):
        errors.append(doc.error(key, _l("give 'on' (a date such as 2026-06-01) and a 'note'")))
        return {}
    return {
        "amended_on": value["on"],
        "amendment": _text(doc, value.get("note"), (*key, "note"), errors),
    }


def _choice(doc, value, options, key, errors) -> str:
    error = doc.choice_error(key, value, options)
    if error is not None:
        errors.append(error)
    return value


def load_registry(path: Path = REGISTRY_FILE) -> LegalRegistry:
    """Load and validate the registry.

    :raises ContentErrors: listing every problem with file, line and key path.
    """
    doc = load_yaml(path)
    errors: list[ContentError] = []
    instruments: dict[str, Instrument] = {}
    provisions: dict[str, Provision] = {}
    rows = doc.data.get("instruments") if isinstance(doc.data, dict) else None
    if not isinstance(rows, list):
        raise ContentErrors([doc.error(("instruments",), _l("a list of instruments is required"))])
    for i, row in enumerate(rows):
        key = ("instruments", i)
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            errors.append(doc.error(key, _l("each instrument needs an 'id'")))
            continue
        if row["id"] in instruments:
            errors.append(
                doc.error((*key, "id"), _l("duplicate instrument id '%(id)s'", id=row["id"]))
            )
        instrument = Instrument(
            id=row["id"],
            short=_text(doc, row.get("short"), (*key, "short"), errors),
            title=_text(doc, row.get("title"), (*key, "title"), errors),
            jurisdiction=_choice(
                doc, row.get("jurisdiction"), JURISDICTIONS, (*key, "jurisdiction"), errors
            ),
            kind=_choice(doc, row.get("kind"), KINDS, (*key, "kind"), errors),
            year=row.get("year") if isinstance(row.get("year"), int) else None,
            status=_choice(doc, row.get("status"), STATUSES, (*key, "status"), errors),
            status_note=_text(doc, row.get("status_note"), (*key, "status_note"), errors, False),
        )
        instruments[instrument.id] = instrument
        for j, prow in enumerate(row.get("provisions") or []):
            pkey = (*key, "provisions", j)
            pid = prow.get("id") if isinstance(prow, dict) else None
            if not isinstance(pid, str) or not pid.startswith(instrument.id + "-"):
                errors.append(
                    doc.error(
                        pkey, _l("provision id must start with '%(prefix)s-'", prefix=instrument.id)
                    )
                )
                continue
            if pid in provisions or pid in instruments:
                errors.append(doc.error((*pkey, "id"), _l("duplicate id '%(id)s'", id=pid)))
            provisions[pid] = Provision(
                id=pid,
                instrument=instrument,
                label=_text(doc, prow.get("label"), (*pkey, "label"), errors),
                title=_text(doc, prow.get("title"), (*pkey, "title"), errors),
                verification=_choice(
                    doc, prow.get("verification"), VERIFICATION, (*pkey, "verification"), errors
                ),
                note=_text(doc, prow.get("note"), (*pkey, "note"), errors, False),
                **_amendment(doc, prow.get("amended"), (*pkey, "amended"), errors),
            )
    if errors:
        raise ContentErrors(errors)
    return LegalRegistry(instruments=instruments, provisions=provisions)


@cache
def registry() -> LegalRegistry:
    """The shipped registry, loaded once per process."""
    return load_registry()
