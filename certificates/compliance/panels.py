"""The HR home panel: compliance today in one line and a bar."""

from app.security import Role
from certificates.compliance import queries, services


def summary(user) -> dict | None:
    """Today's overall compliance for the offices the user may see."""
    scope = None if user.has_role(Role.ADMIN) else queries.hr_scope(user)
    rows = queries.cached_rows(queries.snapshot(), services.today(), scope)
    if not rows:
        return {"total": 0}
    tally = queries.tally(rows, lambda r: 0, {0: ""})[0]
    return {
        "total": tally.total,
        "percent": tally.percent,
        "overdue": tally.counts.get("overdue", 0) + tally.counts.get("expired", 0),
    }
