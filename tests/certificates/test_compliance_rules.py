"""Where a person stands on a requirement on a given day (pure rules)."""

from datetime import date

import pytest

from certificates.compliance.rules import (
    CertFact,
    EnrollFact,
    VersionRule,
    WaiverFact,
    add_months,
    standing,
)

DUE = date(2026, 6, 30)
CERT = CertFact("AC-2026-000001", date(2026, 3, 1), date(2028, 3, 1), version=1)


@pytest.mark.parametrize(
    ("day", "kwargs", "status", "compliant"),
    [
        (date(2026, 1, 1), {}, "not_started", False),
        (date(2026, 6, 10), {}, "due_soon", False),  # deadline within 30 days
        (date(2026, 7, 1), {}, "overdue", False),
        (date(2026, 1, 1), {"enrollments": [EnrollFact(date(2025, 12, 1))]}, "in_progress", False),
        (date(2026, 4, 1), {"certificates": [CERT]}, "certified", True),
        (date(2028, 2, 15), {"certificates": [CERT]}, "due_soon", True),  # lapses within 30 days
        (date(2028, 3, 1), {"certificates": [CERT]}, "expired", False),
        (
            date(2026, 4, 1),
            {"waivers": [WaiverFact(date(2026, 1, 1), date(2026, 12, 31))]},
            "waived",
            True,
        ),
        (
            date(2027, 1, 1),
            {"waivers": [WaiverFact(date(2026, 1, 1), date(2026, 12, 31))]},
            "overdue",
            False,
        ),
        (
            date(2026, 4, 1),
            {
                "certificates": [
                    CertFact(
                        "x", date(2026, 3, 1), date(2028, 3, 1), 1, revoked_on=date(2026, 3, 15)
                    )
                ]
            },
            "not_started",
            False,
        ),  # a revoked certificate never counts
    ],
)
def test_statuses(day, kwargs, status, compliant):
    result = standing(day, DUE, **kwargs)
    assert (result.status, result.compliant) == (status, compliant)


def test_a_certificate_before_it_was_issued_does_not_count():
    assert standing(date(2026, 2, 1), DUE, certificates=[CERT]).status == "not_started"


def test_the_requirements_own_renewal_period_wins_over_the_course_validity():
    # The course says 24 months; the rule says renew every 12.
    assert standing(date(2027, 3, 2), DUE, certificates=[CERT]).status == "certified"
    assert standing(date(2027, 3, 2), DUE, certificates=[CERT], renewal_months=12).status == (
        "expired"
    )


def test_an_older_version_counts_until_the_course_says_otherwise():
    rule = VersionRule(min_version=2, required_by=date(2026, 9, 1))
    assert standing(date(2026, 8, 31), DUE, certificates=[CERT], version_rule=rule).compliant
    after = standing(date(2026, 9, 1), DUE, certificates=[CERT], version_rule=rule)
    assert (after.status, after.compliant) == ("overdue", False)
    newer = CertFact("AC-2026-000002", date(2026, 8, 20), date(2028, 8, 20), version=2)
    assert standing(date(2026, 9, 1), DUE, certificates=[CERT, newer], version_rule=rule).compliant


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)
