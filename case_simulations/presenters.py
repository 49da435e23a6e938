"""Turn stored scoring results (codes and parameters) into sentences in the reader's language."""

from typing import Any

from app.i18n import _, _l
from case_simulations.engine import Scenario
from case_simulations.vocab import Rubric, Vocabulary

FINDINGS = {
    "consent_after_narrative": _l("The account began before consent was obtained."),
    "consent_info_missing": _l(
        "Before consent, these points are not recorded as explained: %(items)s."
    ),
    "consent_scope_wrong": _l(
        "Consent for “%(scope)s”: the person said “%(expected)s”; your record says “%(got)s”."
    ),
    "referral_without_consent": _l(
        "“%(destination)s” receives the person's data without recorded consent or a "
        "justified exception."
    ),
    "confidentiality_low": _l("The record needs at least the confidentiality “%(expected)s”."),
    "urgent_need_missing": _l("Urgent need not recorded: %(need)s."),
    "urgent_referral_missing": _l(
        "No urgent action for “%(need)s” (for example: %(destinations)s)."
    ),
    "risk_low": _l("The risk level is lower than the facts show (expected: %(expected)s)."),
    "safety_missing": _l("No safety measure agreed with the person."),
    "act_missing": _l("Act missing: %(type)s against %(victim)s."),
    "act_spurious": _l(
        "Act %(row)s (%(type)s) is not supported by anything the interview revealed."
    ),
    "counting_unit_wrong": _l("%(person)s: the counting unit should be “%(expected)s”."),
    "act_type_imprecise": _l("Act %(row)s: the key classifies it as “%(expected)s”."),
    "methods_off": _l("Act %(row)s: the key's methods of violence are %(expected)s."),
    "event_date_off": _l("Event date: the key has %(expected)s."),
    "event_place_off": _l("Event place: the key has %(expected)s."),
    "location_types_off": _l("Types of place: the key has %(expected)s."),
    "act_date_off": _l("Act %(row)s: the key dates it %(expected)s."),
    "involvement_missing": _l("Act %(row)s: the part of %(perpetrator)s is not recorded."),
    "degree_off": _l("Act %(row)s: involvement of %(perpetrator)s (the key has %(expected)s)."),
    "perpetrator_type_missing": _l(
        "%(person)s: type of perpetrator not recorded (the key has %(expected)s)."
    ),
    "perpetrator_type_off": _l("%(person)s: the key's type of perpetrator is %(expected)s."),
    "features_missing": _l("%(person)s: the identifying features the person gave are missing."),
    "state_attribution_unsupported": _l(
        "%(person)s is recorded as a State agent, which nothing the person said supports."
    ),
    "source_missing": _l("Source missing: %(person)s."),
    "source_connection_off": _l(
        "%(person)s: the connection to the information should be “%(expected)s”."
    ),
    "source_details_off": _l("%(person)s: source material or reliability differ from the key."),
    "fact_missing": _l("A revealed fact is not in the record: “%(fact)s”."),
    "fact_basis_off": _l("“%(fact)s”: the basis should be “%(expected)s”."),
    "fact_credibility_off": _l("“%(fact)s”: the credibility should be %(expected)s."),
    "rights_off": _l("Rights affected: the key has %(expected)s."),
    "standard_off": _l("Standard of proof: the key has “%(expected)s”."),
    "violation_status_inconsistent": _l(
        "The violation status does not match the standard of proof you chose."
    ),
    "corroboration_few": _l("Name at least two leads to corroborate (the key has %(expected)s)."),
    "instruments_off": _l("International instruments: the key has %(expected)s."),
    "profiles_missing": _l("Vulnerability profiles missing: %(codes)s."),
    "domv_levels_few": _l(
        "Describe risk or protective factors at %(minimum)s levels at least (individual, "
        "family, community, structural)."
    ),
    "fear_of_return_off": _l("Fear of return: the person's answer was “%(expected)s”."),
    "asylum_information_missing": _l(
        "The record does not show that the person was told of the right to seek asylum."
    ),
    "child_block_off": _l("Child protection: the child is “%(expected)s”."),
    "ppnna_not_notified": _l("The child-protection authority (PPNNA) was not notified."),
    "trafficking_indicators_off": _l(
        "Trafficking indicators (act, means, purpose, ILO) differ from the key."
    ),
    "trafficking_conclusion_off": _l(
        "Trafficking: the preliminary conclusion should be “%(expected)s”."
    ),
    "referral_missing": _l("Referral missing: %(destinations)s."),
    "referral_priority_off": _l("“%(destination)s”: the priority should be “%(expected)s”."),
    "referral_contraindicated": _l("“%(destination)s” should not be used here: %(reason)s"),
    "referral_no_follow_up": _l("“%(destination)s” was sent without a follow-up date."),
    "inconsistency_not_handled": _l(
        "The inconsistency in the account is not noted with a possible explanation and a follow-up."
    ),
    "reliability_dropped": _l("The source's reliability was lowered for an inconsistency alone."),
}
GATE_REASONS = {
    "g1_referral": _l("Data shared with “%(destination)s” without consent or an exception."),
    "g2_urgent": _l("Urgent need without urgent action: %(need)s."),
    "g3_return": _l("Return facilitated (“%(destination)s”) although the person fears return."),
    "g_contraindicated": _l("“%(destination)s”: %(reason)s"),
    "g5_forbidden": _l("%(reason)s"),
    "g5_state_attribution": _l("%(person)s recorded as a State agent without support."),
    "g5_hearsay_as_fact": _l("A rumour recorded as first-hand: “%(fact)s”."),
}
BANDS = {
    "proficient": _l("Proficient"),
    "competent": _l("Competent"),
    "emerging": _l("Emerging"),
    "not_yet_competent": _l("Not yet competent"),
}
STATUS = {
    "interview": _l("Interview in progress"),
    "record": _l("Writing the case record"),
    "submitted": _l("Pending review"),
    "reviewed": _l("Reviewed"),
}
# Which controlled list labels each parameter, per finding (default: PARAM_LISTS).
PARAM_LISTS = {
    "scope": "consent_scopes",
    "need": "urgent_needs",
    "destination": "destinations",
    "destinations": "destinations",
    "items": "consent_information",
    "codes": "vulnerability_profiles",
    "type": "act_types",
}
EXPECTED_LISTS = {
    "consent_scope_wrong": "consent_statuses",
    "confidentiality_low": "confidentiality",
    "risk_low": "risk_levels",
    "counting_unit_wrong": "counting_units",
    "act_type_imprecise": "act_types",
    "methods_off": "methods",
    "location_types_off": "location_types",
    "degree_off": "involvement_degrees",
    "perpetrator_type_missing": "perpetrator_types",
    "perpetrator_type_off": "perpetrator_types",
    "source_connection_off": "source_connections",
    "fact_basis_off": "fact_basis",
    "fact_credibility_off": "credibility",
    "rights_off": "rights",
    "standard_off": "proof_standards",
    "corroboration_few": "corroboration",
    "instruments_off": "instruments",
    "fear_of_return_off": "fear_of_return",
    "child_block_off": "child_accompaniment",
    "trafficking_conclusion_off": "tip_conclusions",
    "referral_priority_off": "priorities",
}


class Presenter:
    """Labels for one scenario in one language."""

    def __init__(self, scenario: Scenario, vocab: Vocabulary, rubric: Rubric, locale: str):
        self.scenario, self.vocab, self.rubric, self.locale = scenario, vocab, rubric, locale

    def label(self, list_name: str, code) -> str:
        """One code's label."""
        return self.vocab[list_name].label(code, self.locale)

    def labels(self, list_name: str, codes, joiner: str = "; ") -> str:
        """Several codes' labels, joined."""
        if isinstance(codes, str):
            codes = [codes]
        return joiner.join(self.label(list_name, c) for c in codes or []) or "—"

    def person(self, pid: str) -> str:
        """A person's label."""
        return self.scenario.people.get(pid, {}).get("label", pid)

    def fact(self, fid: str) -> str:
        """A fact's text, shortened."""
        text = self.scenario.facts.get(fid, {}).get("text", fid)
        return text if len(text) <= 140 else text[:137] + "…"

    def date(self, value: dict | None) -> str:
        """A partial date as day/month/year with its kind."""
        if not value or not value.get("year"):
            return "—"
        parts = [str(value["year"])]
        if value.get("month"):
            parts.insert(0, f"{value['month']:02d}")
        if value.get("day"):
            parts.insert(0, f"{value['day']:02d}")
        kind = self.label("date_types", value.get("type")) if value.get("type") else ""
        return "/".join(parts) + (f" ({kind})" if kind else "")

    def place(self, value: dict | None) -> str:
        """A place as municipality, state."""
        if not value:
            return "—"
        names = [
            (value.get("municipality") or [""])[0]
            if isinstance(value.get("municipality"), list)
            else value.get("municipality") or ""
        ]
        names.append(self.label("regions", value.get("region")) if value.get("region") else "")
        return ", ".join(n for n in names if n) or "—"

    def _params(self, code: str, params: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, value in params.items():
            if name in ("person", "perpetrator", "victim"):
                out[name] = self.person(value)
            elif name == "fact":
                out[name] = self.fact(value)
            elif name == "expected" and code in EXPECTED_LISTS:
                out[name] = self.labels(EXPECTED_LISTS[code], value)
            elif name == "got" and code == "consent_scope_wrong":
                out[name] = self.label("consent_statuses", value)
            elif name == "expected" and code in ("event_date_off", "act_date_off"):
                out[name] = self.date(value)
            elif name == "expected" and code == "event_place_off":
                out[name] = self.place(value)
            elif name == "destinations":  # alternatives: any one of them will do
                out[name] = self.labels("destinations", value, " / ")
            elif name in PARAM_LISTS:
                out[name] = self.labels(PARAM_LISTS[name], value)
            else:
                out[name] = value
        return out

    def finding(self, finding: dict) -> str:
        """One finding as a sentence."""
        template = FINDINGS.get(finding["code"])
        if template is None:
            return finding["code"]
        return str(template) % self._params(finding["code"], finding.get("params", {}))

    def gate(self, gate: dict) -> dict[str, str]:
        """A gate: its name, description and why it was tripped."""
        spec = self.rubric.gates[gate["gate"]]
        if gate.get("source") == "interview":
            choice = self.scenario.choices.get(gate.get("choice"), (None, {}))[1]
            why = _("In the interview: “%(choice)s”", choice=choice.get("text", gate.get("choice")))
        else:
            template = GATE_REASONS.get(gate.get("code"), "%(reason)s")
            why = str(template) % self._params(gate.get("code", ""), gate.get("params", {}))
        return {
            "code": gate["gate"],
            "name": self.rubric.text(spec, self.locale),
            "description": self.rubric.text(spec.get("description"), self.locale),
            "why": why,
        }

    def principle(self, code: str) -> str:
        """A principle's short name."""
        spec = self.rubric.principles.get(code)
        return f"{code} · {self.rubric.text(spec, self.locale)}" if spec else code

    def tally_lines(self, tallies: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
        """Per-principle feedback sentences, worst first."""
        rows = []
        for code, counts in tallies.items():
            name = self.principle(code)
            if counts["poor"]:
                text = _(
                    "%(count)d of your choices went against %(principle)s.",
                    count=counts["poor"],
                    principle=name,
                )
            else:
                text = _(
                    "%(count)d of your choices applied %(principle)s well.",
                    count=counts["good"],
                    principle=name,
                )
            rows.append(
                {"code": code, "poor": counts["poor"], "good": counts["good"], "text": text}
            )
        return sorted(rows, key=lambda r: (-r["poor"], r["code"]))
