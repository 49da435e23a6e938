"""Turn stored answers and keys into readable text for the review page (no Flask)."""

from typing import Any

from assessments.question_types import question_type


def answer_text(snapshot: dict, answer: Any, yes: str, no: str) -> str:
    """The learner's answer as text ("" when unanswered)."""
    words = {"true": yes, "false": no}
    return question_type(snapshot["type"]).describe_answer(snapshot["spec"], answer, words)


def correct_text(snapshot: dict, yes: str, no: str) -> str:
    """The right answer as text."""
    words = {"true": yes, "false": no}
    return question_type(snapshot["type"]).describe_key(snapshot["spec"], words)


def feedback_for(snapshot: dict, answer: Any) -> tuple[str, ...]:
    """Per-answer feedback (the chosen options' notes, etc.)."""
    return question_type(snapshot["type"]).score(snapshot["spec"], answer).feedback


def _page_names(tokens: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Authored id → page token, for choices and for items."""
    return (
        {key: token for token, key in tokens["keys"].items()},
        {key: token for token, key in tokens["items"].items()},
    )


def public_view(snapshot: dict) -> dict:
    """What the question page shows: no key, the attempt's order, random option names."""
    kind = question_type(snapshot["type"])
    view = kind.public(snapshot["spec"], snapshot["order"]) | {"template": kind.template}
    tokens = snapshot.get("tokens")
    if not tokens:
        return view
    by_key, by_item = _page_names(tokens)
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
    by_key, by_item = _page_names(tokens)
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
