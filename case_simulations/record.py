"""The structured case record: shape, model record, completeness rules and HURIDOCS export.

The model record is what the answer key says a skilled officer would write; completeness
rules are checked before submitting.

A record is plain data (JSON). Pure: no Flask, no database.
"""

from typing import Any

from app.i18n import _l
from case_simulations.engine import Scenario
from case_simulations.vocab import Vocabulary

DOMV_LEVELS = ("individual", "household_family", "community", "structural")
SECTIONS = (
    "caso",
    "personas",
    "hecho",
    "participacion",
    "fuentes",
    "vulnerabilidad",
    "derivaciones",
    "valoracion",
)


def empty_date() -> dict[str, Any]:
    """A partial date with nothing in it."""
    return {"year": None, "month": None, "day": None, "type": None}


def empty_record(scenario: Scenario) -> dict[str, Any]:
    """A record with every section present and nothing filled in."""
    return {
        "case": {
            "intake_channel": None,
            "priority": None,
            "confidentiality": None,
            "nationality_verification": None,
        },
        "interview": {"setting": None, "persons_present": [], "interpreter": None},
        "consent": {"information": [], "capacity": None, "scopes": {}, "restrictions": ""},
        "persons": {},
        "event": {
            "title": "",
            "date": empty_date(),
            "date_end": None,
            "place": {"country": None, "region": None, "municipality": "", "locality": ""},
            "location_types": [],
            "chain_type": None,
            "chain_title": "",
        },
        "acts": [],
        "involvements": [],
        "sources": [],
        "facts": {},
        "vulnerability": {
            "profiles": [],
            "domv": {level: {"risk": "", "protective": ""} for level in DOMV_LEVELS},
            "informed_of_asylum": False,
            "child": {"is_child": False, "accompaniment": None, "ppnna_notified": False},
            "trafficking": {
                "acts": [],
                "means": [],
                "purposes": [],
                "ilo": [],
                "conclusion": None,
                "age_at_recruitment": None,
            },
            "urgent": [],
            "risk_level": None,
            "safety": [],
            "threats": "",
        },
        "referrals": [],
        "assessment": {
            "rights": [],
            "instruments": [],
            "violation_status": None,
            "standard": None,
            "corroboration": [],
            "inconsistencies": "",
            "inconsistency_explanation": "",
            "inconsistency_follow_up": "",
        },
        "narrative": {"summary": "", "quotes": "", "observations": "", "next_steps": ""},
    }


def known_people(scenario: Scenario, revealed) -> list[str]:
    """People the record can name: those known from the start and those revealed, in order."""
    introduced = {p for f in revealed for p in scenario.facts[f].get("introduces", [])}
    return [
        pid for pid, person in scenario.people.items() if person.get("known") or pid in introduced
    ]


def _expected(element: dict | None, revealed: set[str]) -> bool:
    if element is None:
        return False
    facts = element.get("facts") or []
    return not facts or any(f in revealed for f in facts)


def _date(gold: dict) -> dict[str, Any]:
    return {k: gold.get(k) for k in ("year", "month", "day", "type")}


def model_record(scenario: Scenario, revealed, vocab: Vocabulary) -> dict[str, Any]:
    """The record a skilled officer would write after revealing ``revealed`` (from the key)."""
    key, revealed = scenario.data["key"], set(revealed)
    record = empty_record(scenario)
    record["case"] = dict(key["case"])
    record["interview"] = {
        **key["interview"],
        "persons_present": list(key["interview"]["persons_present"]),
    }
    scopes = {
        s: spec["status"]
        for s, spec in key["consent"]["scopes"].items()
        if _expected(spec, revealed)
    }
    record["consent"] = {
        "information": list(key["consent"]["information"]),
        "capacity": key["consent"]["capacity"],
        "scopes": scopes,
        "restrictions": "",
    }
    for pid in known_people(scenario, revealed):
        gold = key["persons"].get(pid)
        if gold is None:
            record["persons"][pid] = {"included": True}
            continue
        record["persons"][pid] = {
            "included": True,
            "counting_unit": gold["counting_unit"],
            "group_size": gold["group_size"],
            "sex": gold["sex"],
            "age": gold["age"],
            "gender_identity": gold["gender_identity"],
            "perpetrator_types": list(gold["perpetrator_types"]),
            "features": "…" if gold["features"] else "",
            "documents": list(gold["documents"]),
            "migration_status": gold["migration_status"],
            "fear_of_return": gold["fear_of_return"],
            "reasons": list(gold["reasons"]),
        }
    event = key["event"]
    record["event"].update(
        title=event["title"],
        date=_date(event["date"]),
        date_end=_date(event["date_end"]) if event["date_end"] else None,
        place={
            "country": event["place"]["country"],
            "region": event["place"]["region"],
            "municipality": (event["place"]["municipality"] or [""])[0],
            "locality": "",
        },
        location_types=list(event["location_types"]),
    )
    if event["chain"] and _expected(event["chain"], revealed):
        record["event"].update(chain_type=event["chain"]["type"], chain_title="…")
    acts = [a for a in key["acts"] if _expected(a, revealed)]
    for index, act in enumerate(acts):
        record["acts"].append(
            {
                "victim": act["victim"],
                "type": act["type"],
                "methods": list(act["methods"]),
                "date": _date(act["date"]),
                "location_type": act["location_type"],
                "status_at_end": act["status_at_end"],
                "age": act["age"],
            }
        )
        for inv in act["involvements"]:
            if inv["perpetrator"] not in record["persons"]:
                continue  # never named on this path
            record["involvements"].append(
                {"act": index, "perpetrator": inv["perpetrator"], "degree": inv["degrees"][0]}
            )
    record["sources"] = [
        {k: (list(v) if isinstance(v, list) else v) for k, v in s.items() if k != "facts"}
        for s in key["sources"]
        if _expected(s, revealed)
    ]
    record["facts"] = {
        fid: {"included": True, "basis": fact["basis"], "credibility": fact["credibility"][0]}
        for fid, fact in scenario.facts.items()
        if fid in revealed
    }
    vul = key["vulnerability"]
    mine = record["vulnerability"]
    mine["profiles"] = [p["code"] for p in vul["profiles"] if _expected(p, revealed)]
    for level in DOMV_LEVELS[: max(vul["domv_min_levels"], 0)]:
        mine["domv"][level] = {"risk": "…", "protective": ""}
    asylum = vul["informed_of_asylum"]
    mine["informed_of_asylum"] = bool(asylum and _expected(asylum, revealed) and asylum["value"])
    if vul["child"] and _expected(vul["child"], revealed):
        mine["child"] = {
            "is_child": True,
            "accompaniment": vul["child"]["accompaniment"],
            "ppnna_notified": vul["child"]["ppnna_notified"],
        }
    if vul["trafficking"] and _expected(vul["trafficking"], revealed):
        tip = vul["trafficking"]
        mine["trafficking"] = {
            **{k: list(tip[k]) for k in ("acts", "means", "purposes", "ilo")},
            "conclusion": tip["conclusion"],
            "age_at_recruitment": None,
        }
    mine["urgent"] = [u["code"] for u in vul["urgent"] if _expected(u, revealed)]
    mine["risk_level"] = vul["risk_level"]
    mine["safety"] = ["discreet_follow_up_channel"] if vul["safety_required"] else []
    destinations = vocab["destinations"].items
    granted = {s for s, status in scopes.items() if status == "granted"}
    for gold in key["referrals"]["expected"]:
        if not _expected(gold, revealed):
            continue
        code = gold["destination"][0]
        extra = destinations[code].extra
        scope, exceptions = extra.get("consent_scope"), extra.get("exceptions") or []
        referral = {
            "destination": code,
            "priority": gold["priority"],
            "exception": None,
            "justification": "",
            "status": "sent",
            "follow_up": "2030-01-01",
        }
        if scope and scope not in granted:
            if exceptions and scopes.get(scope) != "refused":
                referral.update(exception=exceptions[0], justification="…")
            else:
                referral["status"] = "proposed"
        record["referrals"].append(referral)
    record["assessment"].update(
        rights=list(event["rights"]),
        instruments=list(event["instruments"]),
        violation_status=event["violation_status"],
        standard=event["standard"],
        corroboration=list(event["corroboration"]),
    )
    inconsistency = key["inconsistency"]
    if inconsistency and _expected(inconsistency, revealed) and inconsistency["facts"]:
        record["assessment"].update(
            inconsistencies="…", inconsistency_explanation="…", inconsistency_follow_up="…"
        )
    record["narrative"] = {
        "summary": key["narrative"]["model"],
        "quotes": "",
        "observations": "",
        "next_steps": "…",
    }
    return record


# -- completeness before submitting --------------------------------------------------------------


def completeness(record: dict, scenario: Scenario) -> list[tuple[str, str, Any]]:
    """What still stops a submit: (section, field, message), in the learner's language later.

    Formats (dates, codes) are checked when a section is saved; these are the rules that need
    the whole record: the interview's consent recorded, each act with a victim and a type, each
    involvement pointing at an act and a person, a narrative.
    """
    problems: list[tuple[str, str, Any]] = []
    consent = record["consent"]["scopes"].get("interview")
    if consent not in ("granted", "refused", "withdrawn"):
        problems.append(
            (
                "caso",
                "scope-interview",
                _l(
                    "Record whether the person consented to the interview (granted, refused or "
                    "withdrawn) before submitting."
                ),
            )
        )
    if not record["consent"]["information"]:
        problems.append(
            ("caso", "information", _l("Record what you explained before asking for consent."))
        )
    for name, message in (
        ("intake_channel", _l("Say how the case reached the consulate.")),
        ("priority", _l("Set the case's priority.")),
        ("confidentiality", _l("Set how confidential the record is.")),
    ):
        if not record["case"].get(name):
            problems.append(("caso", name, message))
    if not (record["event"].get("title") or "").strip():
        problems.append(("hecho", "title", _l("Give the event a neutral, factual title.")))
    if not record["event"]["date"].get("year"):
        problems.append(("hecho", "date-year", _l("Give at least the year of the event.")))
    if not record["event"]["place"].get("region"):
        problems.append(("hecho", "place-region", _l("Give at least the state or department.")))
    if not record["acts"]:
        problems.append(("hecho", "acts", _l("Record at least one act.")))
    for index, act in enumerate(record["acts"]):
        if not act.get("victim"):
            problems.append(
                (
                    "hecho",
                    f"acts-{index}-victim",
                    _l(
                        "Act %(n)d has no victim: choose the person (or group) who suffered it.",
                        n=index + 1,
                    ),
                )
            )
        if not act.get("type"):
            problems.append(
                ("hecho", f"acts-{index}-type", _l("Act %(n)d needs a type of act.", n=index + 1))
            )
    for index, inv in enumerate(record["involvements"]):
        if inv.get("act") is None or inv["act"] >= len(record["acts"]):
            problems.append(
                (
                    "participacion",
                    f"involvements-{index}-act",
                    _l("Row %(n)d points at an act that is not recorded.", n=index + 1),
                )
            )
    if not record["sources"]:
        problems.append(("fuentes", "sources", _l("Record at least one source.")))
    primary = record["persons"].get(scenario.data["primary_person"]) or {}
    if not primary.get("fear_of_return"):
        problems.append(
            (
                "personas",
                f"{scenario.data['primary_person']}-fear_of_return",
                _l("Record fear of return (or that it was not asked)."),
            )
        )
    if not record["vulnerability"].get("risk_level"):
        problems.append(("vulnerabilidad", "risk_level", _l("Set the risk level.")))
    if not record["assessment"].get("standard"):
        problems.append(
            ("valoracion", "standard", _l("Choose the standard of proof the facts reach."))
        )
    if not (record["narrative"].get("summary") or "").strip():
        problems.append(("valoracion", "summary", _l("Write the narrative summary.")))
    if not (record["narrative"].get("next_steps") or "").strip():
        problems.append(("valoracion", "next_steps", _l("Write the next steps agreed.")))
    return problems


# -- export ------------------------------------------------------------------------------------


def _pdate_out(date: dict | None) -> dict | None:
    if not date or not date.get("year"):
        return None
    value = f"{date['year']:04d}"
    precision = "year"
    if date.get("month"):
        value += f"-{date['month']:02d}"
        precision = "month"
        if date.get("day"):
            value += f"-{date['day']:02d}"
            precision = "day"
    return {"value": value, "precision": precision, "type": date.get("type")}


def huridocs_export(record: dict, scenario: Scenario, run_ref: str) -> dict[str, Any]:
    """Shape the record like the HURIDOCS Events Standard Formats.

    Events, acts, persons, involvement, information and intervention, with the consular
    additions alongside.
    """
    people = scenario.people
    persons = []
    for pid, person in record["persons"].items():
        if not person.get("included"):
            continue
        persons.append(
            {
                "person_record_number": pid,  # ESF 0901
                "name": people[pid]["label"] if pid in people else pid,  # ESF 0903 (pseudonym)
                "counting_unit": person.get("counting_unit"),  # ESF 0902
                "number_of_persons_in_group": person.get("group_size"),  # ESF 0931
                "sex": person.get("sex"),  # ESF 0915
                "age_at_interview": person.get("age"),
                "gender_identity": person.get("gender_identity"),
                "identification_documents": person.get("documents", []),  # ESF 0917
                "migration_status_mx": person.get("migration_status"),
                "fear_of_return": person.get("fear_of_return"),
                "reasons_for_leaving": person.get("reasons", []),
                "type_of_perpetrator": person.get("perpetrator_types", []),  # ESF 2412
                "identifying_features": person.get("features") or None,
            }
        )
    acts = []
    for index, act in enumerate(record["acts"]):
        acts.append(
            {
                "act_record_number": f"A{index + 1}",  # ESF 2101
                "victim": act.get("victim"),  # ESF 2102
                "type_of_act": act.get("type"),  # ESF 2109
                "method_of_violence": act.get("methods", []),  # ESF 2114
                "initial_date": _pdate_out(act.get("date")),  # ESF 2111
                "type_of_location": act.get("location_type"),  # ESF 2153
                "status_at_end_of_act": act.get("status_at_end"),  # ESF 2123
                "age_at_time_of_victimisation": act.get("age"),  # ESF 2118
            }
        )
    involvements = [
        {
            "involvement_record_number": f"I{index + 1}",  # ESF 2401
            "act": f"A{inv['act'] + 1}" if inv.get("act") is not None else None,  # ESF 2404
            "perpetrator": inv.get("perpetrator"),  # ESF 2402
            "degree_of_involvement": inv.get("degree"),  # ESF 2409
        }
        for index, inv in enumerate(record["involvements"])
    ]
    information = [
        {
            "information_record_number": f"S{index + 1}",  # ESF 2501
            "source": source.get("person"),  # ESF 2502
            "source_connection_to_information": source.get("connection"),  # ESF 2509
            "type_of_source_material": source.get("materials", []),  # ESF 2512
            "reliability_of_information": source.get("reliability"),  # ESF 2553
        }
        for index, source in enumerate(record["sources"])
    ]
    facts = [
        {
            "fact_id": fid,
            "statement": scenario.facts[fid]["text"] if fid in scenario.facts else fid,
            "basis": got.get("basis"),
            "credibility": got.get("credibility"),
        }
        for fid, got in record["facts"].items()
        if got.get("included")
    ]
    interventions = [
        {
            "intervention_record_number": f"R{index + 1}",  # ESF 2601
            "intervening_party": "consulate",  # ESF 2602
            "type_of_intervention": referral.get("destination"),  # ESF 2609
            "priority": referral.get("priority"),  # ESF 2652
            "referral_status": referral.get("status"),
            "consent_scope_used": None if referral.get("exception") else "recorded",
            "consent_exception": referral.get("exception"),
            "exception_justification": referral.get("justification") or None,
            "follow_up_date": referral.get("follow_up"),
        }
        for index, referral in enumerate(record["referrals"])
    ]
    event = record["event"]
    assessment = record["assessment"]
    return {
        "format": "HURIDOCS Events Standard Formats (consular training extension)",
        "case_id": run_ref,
        "scenario": scenario.slug,
        "case": record["case"],
        "interview": {**record["interview"], "consent": record["consent"]},
        "persons": persons,
        "events": [
            {
                "event_record_number": "E1",  # ESF 0101
                "event_title": event.get("title"),  # ESF 0102
                "initial_date": _pdate_out(event.get("date")),  # ESF 0113
                "final_date": _pdate_out(event.get("date_end")),  # ESF 0114
                "geographical_term": event.get("place"),  # ESF 0111
                "type_of_location": event.get("location_types", []),
                "violation_status": assessment.get("violation_status"),  # ESF 0151
                "rights_affected": assessment.get("rights", []),  # ESF 0153
                "international_instruments": assessment.get("instruments", []),
                "standard_of_proof": assessment.get("standard"),
                "corroboration_leads": assessment.get("corroboration", []),
                "event_description": record["narrative"].get("summary"),  # ESF 0115
                "chain_of_events": (
                    {"type_of_chain": event.get("chain_type"), "related": event.get("chain_title")}
                    if event.get("chain_type")
                    else None
                ),
                "acts": acts,
                "involvement": involvements,
                "information": information,
                "facts": facts,
            }
        ],
        "interventions": interventions,
        "vulnerability": record["vulnerability"],
        "narrative": record["narrative"],
    }
