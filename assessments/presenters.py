"""Turn stored answers and keys into readable text for the review page (no Flask)."""

from typing import Any

from assessments.question_types import question_type


def _options(spec) -> dict[str, str]:
    return {str(o["id"]): o["text"] for o in spec.get("options", [])}


def answer_text(snapshot: dict, answer: Any, yes: str, no: str) -> str:
    """The learner's answer as text ("" when unanswered)."""
    kind, spec = snapshot["type"], snapshot["spec"]
    if answer in (None, [], {}):
        return ""
    if kind == "single_choice":
        return _options(spec).get(str(answer), "")
    if kind == "multiple_response":
        return "; ".join(_options(spec)[a] for a in answer if a in _options(spec))
    if kind == "true_false":
        return yes if answer else no
    if kind == "matching":
        return "; ".join(f"{p['prompt']} → {answer.get(str(p['id']), '—')}" for p in spec["pairs"])
    if kind == "ordering":
        items = {str(i["id"]): i["text"] for i in spec["items"]}
        return " → ".join(items[a] for a in answer if a in items)
    if kind == "numeric":
        return f"{answer:g}"
    return str(answer)


def correct_text(snapshot: dict, yes: str, no: str) -> str:
    """The right answer as text."""
    kind, spec = snapshot["type"], snapshot["spec"]
    if kind == "single_choice":
        return next(
            o["text"]
            for o in spec["options"]
            if o.get("correct") or float(o.get("weight", 0)) == 100
        )
    if kind == "multiple_response":
        return "; ".join(o["text"] for o in spec["options"] if float(o.get("weight", 0)) > 0)
    if kind == "true_false":
        return yes if spec["answer"] else no
    if kind == "matching":
        return "; ".join(f"{p['prompt']} → {p['answer']}" for p in spec["pairs"])
    if kind == "ordering":
        return " → ".join(i["text"] for i in spec["items"])
    if kind == "short_answer":
        return " / ".join(a["text"] for a in spec["answers"] if float(a.get("weight", 100)) == 100)
    if kind == "numeric":
        parts = []
        for a in spec["answers"]:
            if float(a.get("weight", 100)) != 100:
                continue
            if "value" in a:
                tolerance = float(a.get("tolerance", 0))
                parts.append(f"{a['value']:g}" + (f" ± {tolerance:g}" if tolerance else ""))
            else:
                parts.append(f"{a['min']:g}–{a['max']:g}")
        return " / ".join(parts)
    return ""


def feedback_for(snapshot: dict, answer: Any) -> tuple[str, ...]:
    """Per-answer feedback (the chosen options' notes, etc.)."""
    return question_type(snapshot["type"]).score(snapshot["spec"], answer).feedback


def public_view(snapshot: dict) -> dict:
    """What the question page shows: no key, the attempt's order, random option names."""
    view = question_type(snapshot["type"]).public(snapshot["spec"], snapshot["order"])
    tokens = snapshot.get("tokens")
    if not tokens:
        return view
    by_key = {key: token for token, key in tokens["keys"].items()}
    by_item = {key: token for token, key in tokens["items"].items()}
    for option in view.get("options", []) + view.get("choices", []):
        option["id"] = by_key.get(option["id"], option["id"])
    for item in view.get("items", []):
        item["id"] = by_item.get(item["id"], item["id"])
    return view


def displayed_answer(snapshot: dict, answer: Any) -> Any:
    """The stored answer in the page's terms (tokens), to pre-fill the form."""
    tokens = snapshot.get("tokens")
    if not tokens or answer is None:
        return answer
    by_key = {key: token for token, key in tokens["keys"].items()}
    by_item = {key: token for token, key in tokens["items"].items()}
    kind = snapshot["type"]
    if kind == "single_choice":
        return by_key.get(answer, answer)
    if kind == "multiple_response":
        return [by_key.get(a, a) for a in answer]
    if kind == "matching":
        return {by_item.get(k, k): v for k, v in answer.items()}
    if kind == "ordering":
        return [by_item.get(a, a) for a in answer]
    return answer
