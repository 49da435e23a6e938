"""Rubric scoring of a run: the interview path and the case record against the answer key.

Path-aware (§B.1): key elements tagged with facts count only when the run revealed one of
them; what the interview never revealed is scored once, under interview conduct (C13).
Findings and gate reasons are stored as codes with parameters, so a report can be shown in
any language later. Pure: no Flask, no database.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from case_simulations.engine import Scenario, coverage
from case_simulations.matching import assign, date_score, f1, normalise, place_score
from case_simulations.vocab import Rubric, Vocabulary

SHARING_STATUSES = ("sent", "received", "attended", "closed", "no_response")
FOLLOW_UP_STATUSES = ("sent", "no_response")
URGENT = "010000000000"
PROOF_TO_STATUS = {
    "allegation_recorded": ("030000000000",),
    "reasonable_grounds": ("040000000000",),
    "corroborated": ("010100000000", "010200000000"),
}
STATE_PREFIXES = ("01",)


def _f(code: str, **params) -> dict[str, Any]:
    return {"code": code, "params": params}


@dataclass
class Criterion:
    """One criterion's automatic part: a score in [0, 1] (None when not automatic)."""

    auto: float | None
    findings: list[dict] = field(default_factory=list)
    assist: dict[str, Any] = field(default_factory=dict)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 1.0


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


class _Ctx:
    """What every criterion needs: scenario, key, revealed facts, record, vocabulary."""

    def __init__(self, scenario: Scenario, state: dict, record: dict, vocab: Vocabulary):
        self.scenario = scenario
        self.key = scenario.data["key"]
        self.state = state
        self.revealed = set(state["revealed"])
        self.record = record
        self.vocab = vocab
        self.gates: list[dict] = []

    def expected(self, element: dict | None) -> bool:
        """Whether the run revealed what the key element needs (no facts: always)."""
        if element is None:
            return False
        facts = element.get("facts") or []
        return not facts or any(f in self.revealed for f in facts)

    def known_people(self) -> set[str]:
        """People the record can name: known from the start or introduced by revealed facts."""
        people = {pid for pid, p in self.scenario.people.items() if p.get("known")}
        for fid in self.revealed:
            people.update(self.scenario.facts[fid].get("introduces", []))
        return people

    def expected_person(self, pid: str) -> dict | None:
        """The key's description of a person the run can know about (None otherwise)."""
        gold = self.key["persons"].get(pid)
        if gold is None or pid not in self.known_people() or not self.expected(gold):
            return None
        return gold

    def features_expected(self, gold: dict) -> bool:
        """Whether identifying features are expected (when their facts were revealed)."""
        facts = gold.get("features_facts") or []
        return gold["features"] and (not facts or any(f in self.revealed for f in facts))

    def gate(self, gate: str, code: str, **params) -> None:
        self.gates.append({"gate": gate, "source": "record", **_f(code, **params)})

    def referrals(self) -> list[dict]:
        return [r for r in self.record.get("referrals", []) if r.get("destination")]

    def destination(self, code: str) -> dict:
        item = self.vocab["destinations"].items.get(code)
        return item.extra if item else {}


# -- C1 consent and confidentiality ------------------------------------------------------------


def _consent_ok(ctx: _Ctx, referral: dict) -> bool:
    """A referral that shares data has consent granted for its scope, or a valid exception."""
    dest = ctx.destination(referral["destination"])
    scope = dest.get("consent_scope")
    if not scope or referral.get("status") not in SHARING_STATUSES:
        return True
    exception = referral.get("exception")
    if exception and exception in (dest.get("exceptions") or []):
        return bool((referral.get("justification") or "").strip())
    key_scope = ctx.key["consent"]["scopes"].get(scope)
    if key_scope and ctx.expected(key_scope) and key_scope["status"] != "granted":
        return False  # the person said no (or was never asked), whatever the form claims
    return ctx.record["consent"]["scopes"].get(scope) == "granted"


def score_c1(ctx: _Ctx) -> Criterion:
    """Score C1: consent before the account, what was explained, scopes, consent per referral."""
    out = Criterion(auto=None)
    consent_at, narrative_at = ctx.state.get("consent_at"), ctx.state.get("narrative_at")
    before = consent_at is not None and (narrative_at is None or consent_at <= narrative_at)
    parts = [1.0 if before else 0.0]
    if not parts[0]:
        out.findings.append(_f("consent_after_narrative"))
    told = set(ctx.record["consent"].get("information", []))
    wanted = set(ctx.key["consent"]["information"])
    core = {"purpose", "uses", "limits_of_confidentiality"} & wanted
    missing = sorted(wanted - told)
    enough = len(told & wanted) >= min(len(wanted), 8)
    core_ok = core <= told and bool({"right_to_refuse", "right_to_stop"} & told)
    parts.append(1.0 if enough and core_ok else len(told & wanted) / max(len(wanted), 1) * 0.5)
    if missing:
        out.findings.append(_f("consent_info_missing", items=missing))
    scopes = [
        (scope, spec) for scope, spec in ctx.key["consent"]["scopes"].items() if ctx.expected(spec)
    ]
    right = 0
    for scope, spec in scopes:
        got = ctx.record["consent"]["scopes"].get(scope) or "not_asked"
        if got == spec["status"]:
            right += 1
        else:
            out.findings.append(
                _f("consent_scope_wrong", scope=scope, expected=spec["status"], got=got)
            )
    parts.append(right / len(scopes) if scopes else 1.0)
    referrals = ctx.referrals()
    ok = 0
    for referral in referrals:
        if _consent_ok(ctx, referral):
            ok += 1
        else:
            out.findings.append(_f("referral_without_consent", destination=referral["destination"]))
            ctx.gate("G1", "g1_referral", destination=referral["destination"])
    parts.append(ok / len(referrals) if referrals else 1.0)
    levels = ctx.vocab["confidentiality"]
    wanted_rank = levels.rank(ctx.key["case"]["confidentiality"]) or 0
    got_rank = levels.rank(ctx.record["case"].get("confidentiality")) or 0
    parts.append(1.0 if got_rank >= wanted_rank else 0.0)
    if got_rank < wanted_rank:
        out.findings.append(_f("confidentiality_low", expected=ctx.key["case"]["confidentiality"]))
    out.auto = _mean(parts)
    return out


# -- C2 safety and urgent needs ----------------------------------------------------------------


def score_c2(ctx: _Ctx) -> Criterion:
    """Score C2: urgent needs recognised and acted on, risk level, safety measures."""
    out = Criterion(auto=None)
    vul = ctx.key["vulnerability"]
    record_vul = ctx.record["vulnerability"]
    urgent_codes = [u["code"] for u in vul["urgent"] if ctx.expected(u)]
    referrals = ctx.referrals()
    parts = []
    for code in urgent_codes:
        listed = code in record_vul.get("urgent", [])
        if not listed:
            out.findings.append(_f("urgent_need_missing", need=code))
        addressing = {
            d
            for r in ctx.key["referrals"]["expected"]
            if r.get("urgent_for") == code
            for d in r["destination"]
        }
        acted = any(
            r.get("priority") == URGENT and (not addressing or r["destination"] in addressing)
            for r in referrals
        )
        if not acted:
            out.findings.append(
                _f("urgent_referral_missing", need=code, destinations=sorted(addressing))
            )
            ctx.gate("G2", "g2_urgent", need=code)
        parts.append(0.5 * listed + 0.5 * acted)
    risks = ctx.vocab["risk_levels"]
    wanted = risks.rank(vul["risk_level"]) or 0
    got = risks.rank(record_vul.get("risk_level")) or 0
    parts.append(1.0 if got >= wanted else 0.5 if got == wanted - 1 else 0.0)
    if got < wanted:
        out.findings.append(_f("risk_low", expected=vul["risk_level"]))
    if vul["safety_required"]:
        measures = [m for m in record_vul.get("safety", []) if m != "none_requested"]
        parts.append(1.0 if measures else 0.0)
        if not measures:
            out.findings.append(_f("safety_missing"))
    out.auto = _mean(parts)
    return out


# -- acts: C3 structure, C4 classification, C5 time and place, C6 perpetrators -----------------


def _type_sim(ctx: _Ctx, gold: dict, got: str | None) -> float:
    if got and got in gold["alternatives"]:
        return 1.0
    return ctx.vocab["act_types"].similarity(gold["type"], got)


def _act_pairs(ctx: _Ctx):
    """(expected acts, learner acts, matched pairs, scored pairs)."""
    expected = [a for a in ctx.key["acts"] if ctx.expected(a)]
    acts = [a for a in ctx.record.get("acts", []) if a.get("type")]

    def weight(row: int, col: int) -> float:
        got, gold = acts[row], expected[col]
        return (
            0.5 * _type_sim(ctx, gold, got["type"])
            + 0.3 * (got.get("victim") == gold["victim"])
            + 0.2 * date_score(gold["date"], got.get("date"))
        )

    pairs = assign(len(acts), len(expected), weight, floor=0.3)
    matched = [
        (r, c)
        for r, c in pairs
        if _type_sim(ctx, expected[c], acts[r]["type"]) >= 0.5
        and acts[r].get("victim") == expected[c]["victim"]
    ]
    return expected, acts, matched, pairs


def score_acts(ctx: _Ctx) -> dict[str, Criterion]:
    """Score C3–C6: act structure, classification, time and place, perpetrators."""
    expected, acts, matched, pairs = _act_pairs(ctx)
    c3, c4, c5 = Criterion(auto=None), Criterion(auto=None), Criterion(auto=None)
    matched_cols = {c for _r, c in matched}
    matched_rows = {r for r, _c in matched}
    for col, gold in enumerate(expected):
        if col not in matched_cols:
            c3.findings.append(_f("act_missing", type=gold["type"], victim=gold["victim"]))
    spurious = 0
    for row, act in enumerate(acts):
        if row in matched_rows:
            continue
        supported = any(
            _type_sim(ctx, gold, act["type"]) >= 0.5 and gold["victim"] == act.get("victim")
            for gold in ctx.key["acts"]
        )
        if not supported:
            spurious += 1
            c3.findings.append(_f("act_spurious", row=row + 1, type=act["type"]))
    structure = (len(matched) / len(expected) if expected else 1.0) - 0.1 * spurious
    units = []
    for pid in ctx.known_people():
        gold = ctx.expected_person(pid)
        person = ctx.record["persons"].get(pid) or {}
        if not gold or not person.get("included"):
            continue
        ok = person.get("counting_unit") == gold["counting_unit"]
        units.append(1.0 if ok else 0.0)
        if not ok:
            c3.findings.append(
                _f("counting_unit_wrong", person=pid, expected=gold["counting_unit"])
            )
    c3.auto = _clamp(0.8 * _clamp(structure) + 0.2 * _mean(units))
    # C4: how precisely matched acts are classified.
    classes = []
    for row, col in matched:
        gold, got = expected[col], acts[row]
        sim = _type_sim(ctx, gold, got["type"])
        methods = f1(gold["methods"], got.get("methods", []))
        classes.append(0.7 * sim + 0.3 * methods)
        if sim < 1:
            c4.findings.append(_f("act_type_imprecise", row=row + 1, expected=gold["type"]))
        if methods < 1:
            c4.findings.append(_f("methods_off", row=row + 1, expected=gold["methods"]))
    c4.auto = _mean(classes) if expected else 1.0
    if expected and not matched:
        c4.auto = 0.0
    # C5: dates and places.
    event, gold_event = ctx.record["event"], ctx.key["event"]
    when = date_score(gold_event["date"], event.get("date"))
    if when < 1:
        c5.findings.append(_f("event_date_off", expected=gold_event["date"]))
    where = place_score(gold_event["place"], event.get("place"))
    if where < 1:
        c5.findings.append(_f("event_place_off", expected=gold_event["place"]))
    location = f1(gold_event["location_types"], event.get("location_types", []))
    if location < 1:
        c5.findings.append(_f("location_types_off", expected=gold_event["location_types"]))
    times = [when, 0.7 * where + 0.3 * location]
    for row, col in matched:
        score = date_score(expected[col]["date"], acts[row].get("date"))
        times.append(score)
        if score < 1:
            c5.findings.append(_f("act_date_off", row=row + 1, expected=expected[col]["date"]))
    c5.auto = _mean(times)
    return {"C3": c3, "C4": c4, "C5": c5, "C6": _score_c6(ctx, expected, acts, matched)}


def _is_state(code: str) -> bool:
    return code.startswith(STATE_PREFIXES) or code.startswith("L-0101")


def _score_c6(ctx: _Ctx, expected, acts, matched) -> Criterion:
    out = Criterion(auto=None)
    involvements = ctx.record.get("involvements", [])
    degree_scores = []
    known = ctx.known_people()
    for row, col in matched:
        for gold in expected[col]["involvements"]:
            if gold["perpetrator"] not in known:
                continue  # the interview never named this perpetrator
            found = [
                inv
                for inv in involvements
                if inv.get("act") == row and inv.get("perpetrator") == gold["perpetrator"]
            ]
            if not found:
                degree_scores.append(0.0)
                out.findings.append(
                    _f("involvement_missing", row=row + 1, perpetrator=gold["perpetrator"])
                )
                continue
            best = max(
                max(
                    ctx.vocab["involvement_degrees"].similarity(d, inv.get("degree"))
                    for d in gold["degrees"]
                )
                for inv in found
            )
            degree_scores.append(best)
            if best < 1:
                out.findings.append(
                    _f(
                        "degree_off",
                        row=row + 1,
                        perpetrator=gold["perpetrator"],
                        expected=gold["degrees"],
                    )
                )
    types = ctx.vocab["perpetrator_types"]
    typing = []
    for pid in sorted(ctx.known_people()):
        gold = ctx.expected_person(pid)
        person = ctx.record["persons"].get(pid) or {}
        if not gold or not gold["perpetrator_types"]:
            continue
        got = person.get("perpetrator_types", [])
        if not got:
            typing.append(0.0)
            out.findings.append(
                _f("perpetrator_type_missing", person=pid, expected=gold["perpetrator_types"])
            )
            continue
        sims = [max(types.similarity(g, c) for g in gold["perpetrator_types"]) for c in got]
        score = sum(sims) / len(sims)
        if ctx.features_expected(gold):
            has = bool((person.get("features") or "").strip())
            if not has:
                out.findings.append(_f("features_missing", person=pid))
            score = 0.8 * score + 0.2 * has
        typing.append(score)
        if min(sims) < 1:
            out.findings.append(
                _f("perpetrator_type_off", person=pid, expected=gold["perpetrator_types"])
            )
    # A State label with nothing in the key supporting it is an invented attribution (G5).
    for pid, person in ctx.record["persons"].items():
        if not person.get("included"):
            continue
        gold = ctx.key["persons"].get(pid) or {"perpetrator_types": []}
        state_codes = [c for c in person.get("perpetrator_types", []) if _is_state(c)]
        if state_codes and not any(_is_state(c) for c in gold["perpetrator_types"]):
            out.findings.append(_f("state_attribution_unsupported", person=pid))
            typing.append(0.0)
            ctx.gate("G5", "g5_state_attribution", person=pid)
    parts = [p for p in (degree_scores, typing) if p]
    out.auto = _mean([_mean(p) for p in parts]) if parts else 1.0
    return out


# -- C7 sources and facts ----------------------------------------------------------------------


def score_c7(ctx: _Ctx) -> Criterion:
    """Score C7: sources (connection, material, reliability) and each fact's basis."""
    out = Criterion(auto=None)
    reliability = ctx.vocab["reliability"]
    sources = []
    for gold in ctx.key["sources"]:
        if not ctx.expected(gold):
            continue
        rows = [s for s in ctx.record.get("sources", []) if s.get("person") == gold["person"]]
        if not rows:
            sources.append(0.0)
            out.findings.append(_f("source_missing", person=gold["person"]))
            continue

        def one(row, gold=gold) -> float:
            connection = 1.0 if row.get("connection") == gold["connection"] else 0.0
            materials = f1(gold["materials"], row.get("materials", []))
            want, got = (
                reliability.rank(gold["reliability"]),
                reliability.rank(row.get("reliability")),
            )
            close = (
                1.0
                if row.get("reliability") == gold["reliability"]
                or (want and got and abs(want - got) <= 1)
                else 0.0
            )
            return (connection + materials + close) / 3

        best = max(rows, key=one)
        score = one(best)
        sources.append(score)
        if best.get("connection") != gold["connection"]:
            out.findings.append(
                _f("source_connection_off", person=gold["person"], expected=gold["connection"])
            )
        if score < 1 and best.get("connection") == gold["connection"]:
            out.findings.append(_f("source_details_off", person=gold["person"]))
    facts = []
    for fid in ctx.scenario.facts:
        if fid not in ctx.revealed:
            continue
        fact = ctx.scenario.facts[fid]
        got = ctx.record.get("facts", {}).get(fid) or {}
        if not got.get("included"):
            facts.append(0.0)
            out.findings.append(_f("fact_missing", fact=fid))
            continue
        basis = got.get("basis")
        if basis == fact["basis"]:
            basis_score = 1.0
        elif {basis, fact["basis"]} == {"first_hand_experienced", "first_hand_witnessed"}:
            basis_score = 0.5
        else:
            basis_score = 0.0
        if basis_score < 1:
            out.findings.append(_f("fact_basis_off", fact=fid, expected=fact["basis"]))
        if fact["basis"] == "hearsay" and basis in (
            "first_hand_experienced",
            "first_hand_witnessed",
            "observed_by_interviewer",
        ):
            ctx.gate("G5", "g5_hearsay_as_fact", fact=fid)
        credible = 1.0 if got.get("credibility") in fact["credibility"] else 0.0
        if not credible:
            out.findings.append(_f("fact_credibility_off", fact=fid, expected=fact["credibility"]))
        facts.append((basis_score + credible) / 2)
    out.auto = 0.5 * _mean(sources) + 0.5 * _mean(facts)
    return out


# -- C8 legal qualification --------------------------------------------------------------------


def score_c8(ctx: _Ctx) -> Criterion:
    """Score C8 (automatic part): rights, standard of proof, status, corroboration."""
    out = Criterion(auto=None)
    gold, got = ctx.key["event"], ctx.record["assessment"]
    rights = f1(gold["rights"], got.get("rights", []))
    if rights < 1:
        out.findings.append(_f("rights_off", expected=gold["rights"]))
    standards = ctx.vocab["proof_standards"]
    want, have = standards.rank(gold["standard"]), standards.rank(got.get("standard"))
    standard = 1.0 if want == have else 0.5 if want and have and abs(want - have) == 1 else 0.0
    if standard < 1:
        out.findings.append(_f("standard_off", expected=gold["standard"]))
    consistent = got.get("violation_status") in PROOF_TO_STATUS.get(got.get("standard"), ())
    if not consistent:
        out.findings.append(_f("violation_status_inconsistent"))
    leads = set(got.get("corroboration", [])) & set(gold["corroboration"])
    needed = min(2, len(gold["corroboration"]))
    corroboration = min(1.0, len(leads) / needed) if needed else 1.0
    if corroboration < 1:
        out.findings.append(_f("corroboration_few", expected=gold["corroboration"]))
    parts = [rights, standard, 1.0 if consistent else 0.0, corroboration]
    if gold["instruments"]:
        instruments = f1(gold["instruments"], got.get("instruments", []))
        parts.append(instruments)
        if instruments < 1:
            out.findings.append(_f("instruments_off", expected=gold["instruments"]))
    out.auto = _mean(parts)
    return out


# -- C9 vulnerability and protection needs -----------------------------------------------------


def score_c9(ctx: _Ctx) -> Criterion:
    """Score C9: profiles, DoMV levels, fear of return, child and trafficking blocks."""
    out = Criterion(auto=None)
    vul, got = ctx.key["vulnerability"], ctx.record["vulnerability"]
    profiles_list = ctx.vocab["vulnerability_profiles"]
    wanted = [p["code"] for p in vul["profiles"] if ctx.expected(p)]
    chosen = [p for p in got.get("profiles", []) if p != "none_identified"]

    def weight(code: str) -> float:
        item = profiles_list.items.get(code)
        return 3.0 if item and item.critical else 1.0

    parts = [f1(wanted, chosen, weight)]
    missing = sorted(set(wanted) - set(chosen))
    if missing:
        out.findings.append(_f("profiles_missing", codes=missing))
    levels = [
        level
        for level, texts in (got.get("domv") or {}).items()
        if (texts.get("risk") or "").strip() or (texts.get("protective") or "").strip()
    ]
    needed = vul["domv_min_levels"]
    parts.append(min(1.0, len(levels) / needed) if needed else 1.0)
    if len(levels) < needed:
        out.findings.append(_f("domv_levels_few", minimum=needed))
    primary = ctx.record["persons"].get(ctx.scenario.data["primary_person"]) or {}
    fear = vul["fear_of_return"]
    if fear and ctx.expected(fear):
        ok = primary.get("fear_of_return") == fear["value"]
        parts.append(1.0 if ok else 0.0)
        if not ok:
            out.findings.append(_f("fear_of_return_off", expected=fear["value"]))
    asylum = vul["informed_of_asylum"]
    if asylum and ctx.expected(asylum) and asylum["value"]:
        ok = bool(got.get("informed_of_asylum"))
        parts.append(1.0 if ok else 0.0)
        if not ok:
            out.findings.append(_f("asylum_information_missing"))
    child = vul["child"]
    if child and ctx.expected(child):
        block = got.get("child") or {}
        accompaniment = (
            block.get("is_child") and block.get("accompaniment") == child["accompaniment"]
        )
        notified = bool(block.get("ppnna_notified")) == child["ppnna_notified"]
        parts.append(0.5 * bool(accompaniment) + 0.5 * notified)
        if not accompaniment:
            out.findings.append(_f("child_block_off", expected=child["accompaniment"]))
        if not notified:
            out.findings.append(_f("ppnna_not_notified"))
    tip = vul["trafficking"]
    if tip and ctx.expected(tip):
        mine = got.get("trafficking") or {}
        gold_set = {f"{k}:{c}" for k in ("acts", "means", "purposes", "ilo") for c in tip[k]}
        got_set = {
            f"{k}:{c}" for k in ("acts", "means", "purposes", "ilo") for c in mine.get(k, [])
        }
        indicators = f1(gold_set, got_set)
        conclusion = 1.0 if mine.get("conclusion") == tip["conclusion"] else 0.0
        parts.append((indicators + conclusion) / 2)
        if indicators < 1:
            out.findings.append(_f("trafficking_indicators_off"))
        if not conclusion:
            out.findings.append(_f("trafficking_conclusion_off", expected=tip["conclusion"]))
    # Fear of return disclosed, then return facilitated: refoulement risk (G3).
    if fear and ctx.expected(fear) and fear["value"] == "yes":
        for referral in ctx.referrals():
            dest = ctx.destination(referral["destination"])
            if dest.get("returns_person") and referral.get("status") != "declined":
                ctx.gate("G3", "g3_return", destination=referral["destination"])
    out.auto = _mean(parts)
    return out


# -- C10 referrals -----------------------------------------------------------------------------


def score_c10(ctx: _Ctx) -> Criterion:
    """Score C10 (automatic part): expected referrals, priorities, harmful channels."""
    out = Criterion(auto=None)
    referrals = ctx.referrals()
    by_destination: dict[str, list[dict]] = {}
    for referral in referrals:
        by_destination.setdefault(referral["destination"], []).append(referral)
    coverage_parts = []
    for gold in ctx.key["referrals"]["expected"]:
        if not gold["required"] or not ctx.expected(gold):
            continue
        rows = [r for d in gold["destination"] for r in by_destination.get(d, [])]
        if not rows:
            coverage_parts.append(0.0)
            out.findings.append(_f("referral_missing", destinations=gold["destination"]))
            continue
        right = any(r.get("priority") == gold["priority"] for r in rows)
        coverage_parts.append(1.0 if right else 0.7)
        if not right:
            out.findings.append(
                _f(
                    "referral_priority_off",
                    destination=rows[0]["destination"],
                    expected=gold["priority"],
                )
            )
    penalty = 0.0
    for bad in ctx.key["referrals"]["contraindicated"]:
        if bad["destination"] in by_destination and ctx.expected(bad):
            penalty += 0.25
            out.findings.append(
                _f("referral_contraindicated", destination=bad["destination"], reason=bad["reason"])
            )
            if bad["gate"]:
                ctx.gate(
                    bad["gate"],
                    "g_contraindicated",
                    destination=bad["destination"],
                    reason=bad["reason"],
                )
    process = []
    for referral in referrals:
        ok = _consent_ok(ctx, referral)
        needs_follow_up = referral.get("status") in FOLLOW_UP_STATUSES
        followed = not needs_follow_up or bool(referral.get("follow_up"))
        if not followed:
            out.findings.append(_f("referral_no_follow_up", destination=referral["destination"]))
        process.append((ok + followed) / 2)
    out.auto = _clamp(_mean([_mean(coverage_parts), _mean(process)]) - penalty)
    return out


# -- C11 narrative (trainer), C12 inconsistencies, C13 interview ------------------------------

WORD = re.compile(r"\w+", re.UNICODE)


def narrative_assist(ctx: _Ctx) -> dict[str, Any]:
    """Help for the trainer: key points the narrative seems to cover, flagged words."""
    narrative = ctx.record["narrative"]
    text = " ".join(
        [ctx.record["event"].get("title") or ""]
        + [narrative.get(k) or "" for k in ("summary", "observations", "quotes", "next_steps")]
    )
    words = set(WORD.findall(normalise(text)))
    normalised = normalise(text)
    covered, uncovered = [], []
    for index, point in enumerate(ctx.key["narrative"]["key_points"]):
        if point["facts"] and not any(f in ctx.revealed for f in point["facts"]):
            continue
        hit = any(normalise(k) in normalised for k in point["keywords"])
        (covered if hit else uncovered).append(index)
    flagged = sorted(
        code for code in ctx.vocab["stigmatising_terms"].items if normalise(code) in words
    )
    return {
        "covered": covered,
        "uncovered": uncovered,
        "flagged": flagged,
        "words": len(normalised.split()),
    }


def score_c12(ctx: _Ctx) -> Criterion:
    """Score C12 (automatic part): the planted inconsistency noted, not held against."""
    out = Criterion(auto=None)
    gold = ctx.key["inconsistency"]
    if not gold or not ctx.expected(gold) or not gold["facts"]:
        out.auto = 1.0
        return out
    got = ctx.record["assessment"]
    noted = 0.5 * bool((got.get("inconsistencies") or "").strip())
    noted += 0.25 * bool((got.get("inconsistency_explanation") or "").strip())
    noted += 0.25 * bool((got.get("inconsistency_follow_up") or "").strip())
    if noted < 1:
        out.findings.append(_f("inconsistency_not_handled"))
    reliability = ctx.vocab["reliability"]
    primary = ctx.scenario.data["primary_person"]
    dropped = any(
        (reliability.rank(s.get("reliability")) or 0) >= 4
        for s in ctx.record.get("sources", [])
        if s.get("person") == primary
    )
    if dropped:
        out.findings.append(_f("reliability_dropped"))
    out.auto = (noted + (0.0 if dropped else 1.0)) / 2
    return out


def score_c13(ctx: _Ctx, max_points: float) -> Criterion:
    """Score C13: path points against the best path (60 %) and disclosure (40 %)."""
    out = Criterion(auto=None)
    points = ctx.state["points"]
    choice = _clamp(points / max_points) if max_points > 0 else 1.0
    disclosure = coverage(ctx.scenario, ctx.revealed)
    out.auto = 0.6 * choice + 0.4 * disclosure
    out.assist = {"points": points, "max_points": max_points, "coverage": disclosure}
    return out


def _forbidden(ctx: _Ctx) -> None:
    for rule in ctx.key["forbidden"]:
        prefix = rule["act_type_prefix"]
        if prefix and any(
            (a.get("type") or "").startswith(prefix) for a in ctx.record.get("acts", [])
        ):
            ctx.gate("G5", "g5_forbidden", reason=rule["reason"])
        prefix = rule["perpetrator_type_prefix"]
        if prefix and any(
            any(c.startswith(prefix) for c in p.get("perpetrator_types", []))
            for p in ctx.record["persons"].values()
            if p.get("included")
        ):
            ctx.gate("G5", "g5_forbidden", reason=rule["reason"])


# -- the whole ---------------------------------------------------------------------------------


def tallies(scenario: Scenario, path: list[dict]) -> dict[str, dict[str, int]]:
    """Per principle: how many choices on the path followed it (+) and broke it (−)."""
    out: dict[str, dict[str, int]] = {}
    for step in path:
        for principle in step.get("principles", []):
            row = out.setdefault(principle, {"good": 0, "poor": 0})
            if step["points"] > 0:
                row["good"] += 1
            elif step["points"] < 0:
                row["poor"] += 1
    return dict(sorted(out.items()))


def decisions_that_mattered(scenario: Scenario, state: dict) -> list[dict]:
    """Choices that cost points, tripped a gate, locked a fact, or revealed a critical one."""
    out = []
    for step in state["path"]:
        _node, choice = scenario.choices[step["choice"]]
        critical = [f for f in step.get("revealed", []) if scenario.facts[f]["critical"]]
        locked = [f for f in choice.get("locks", []) if f not in state["revealed"]]
        if step["points"] < 0 or step.get("gate") or critical or locked:
            out.append(
                {
                    "node": step["node"],
                    "choice": step["choice"],
                    "points": step["points"],
                    "principles": step.get("principles", []),
                    "gate": step.get("gate"),
                    "revealed": critical,
                    "locked": locked,
                }
            )
    return out


def score_run(
    scenario: Scenario,
    state: dict,
    record: dict,
    vocab: Vocabulary,
    rubric: Rubric,
    max_points: float,
) -> dict[str, Any]:
    """Score a submitted run: automatic criteria, gates, tallies and what mattered.

    ``state`` is the engine state as stored (``State.to_dict()``). The result is JSON-able;
    trainer levels are added later by :func:`final_score`.
    """
    ctx = _Ctx(scenario, state, record, vocab)
    criteria: dict[str, Criterion] = {"C1": score_c1(ctx), "C2": score_c2(ctx)}
    criteria.update(score_acts(ctx))
    criteria["C7"] = score_c7(ctx)
    criteria["C8"] = score_c8(ctx)
    criteria["C9"] = score_c9(ctx)
    criteria["C10"] = score_c10(ctx)
    criteria["C11"] = Criterion(auto=None, assist=narrative_assist(ctx))
    criteria["C12"] = score_c12(ctx)
    criteria["C13"] = score_c13(ctx, max_points)
    _forbidden(ctx)
    gates = [{"source": "interview", **g} for g in state.get("gates", [])] + ctx.gates
    seen, unique = set(), []
    for gate in gates:
        marker = (gate["gate"], gate.get("code"), str(gate.get("params")), gate.get("choice"))
        if marker not in seen:
            seen.add(marker)
            unique.append(gate)
    result: dict[str, Any] = {"criteria": {}, "gates": unique}
    auto_points = auto_max = 0.0
    for code, spec in rubric.criteria.items():
        crit = criteria.get(code, Criterion(auto=None))
        share = 1.0 - spec.review
        auto = None if share == 0 else (crit.auto if crit.auto is not None else 0.0)
        result["criteria"][code] = {
            "auto": None if auto is None else round(auto, 4),
            "findings": crit.findings,
            "assist": crit.assist,
        }
        if auto is not None:
            auto_points += spec.weight * share * auto
            auto_max += spec.weight * share
    result["auto_points"] = round(auto_points, 2)
    result["auto_max"] = round(auto_max, 2)
    result["tallies"] = tallies(scenario, state["path"])
    result["decisions"] = decisions_that_mattered(scenario, state)
    result["revealed"] = len(ctx.revealed)
    result["revealable"] = len(scenario.facts)
    return result


def final_score(result: dict, levels: dict[str, int], rubric: Rubric, pass_mark: float) -> dict:
    """Combine automatic parts with trainer levels (0–3) into the final score and band.

    Any gate caps the total at 49 and the run does not pass.
    """
    total = 0.0
    for code, spec in rubric.criteria.items():
        auto = result["criteria"][code]["auto"] or 0.0
        review = (levels.get(code, 0) / 3) if spec.review else 0.0
        total += spec.weight * ((1 - spec.review) * auto + spec.review * review)
    total = round(total, 2)
    capped = min(total, 49.0) if result["gates"] else total
    bands = rubric.bands
    if result["gates"] or capped < bands.get("emerging", 50):
        band = "not_yet_competent"
    elif capped >= bands.get("proficient", 85):
        band = "proficient"
    elif capped >= bands.get("competent", 70):
        band = "competent"
    else:
        band = "emerging"
    return {
        "raw": total,
        "score": capped,
        "band": band,
        "passed": not result["gates"] and capped >= pass_mark,
    }
