"""The registration's rules by their names, each refusing with its stable code."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from contracts.errors import ErrorCode
from contracts.registration import Role, Seniority
from services.registration.calendar import WorkingCalendar
from services.registration.domain import (
    DESIGNATION_WORKING_DAYS,
    TaxIdClaim,
    check_one_per_role,
)
from services.registration.form import REGISTRATION_FORM
from services.registration.nominations import (
    Representative,
    check_different_emails,
    check_equivalent_is_justified,
    check_senior_enough,
)
from services.runtime.errors import Conflict, RuleBroken
from tests.registration.test_domain import DUE, SUBMITTED, nomination, submitted


def test_at_most_one_alternate() -> None:
    registration = submitted(alternate=True)
    with pytest.raises(Conflict) as refused:
        registration.check_at_most_one_alternate()
    assert refused.value.code is ErrorCode.SECOND_ALTERNATE
    submitted().check_at_most_one_alternate()


def test_one_per_role() -> None:
    mains = [Representative(nomination(Role.MAIN), DUE) for _ in range(2)]
    with pytest.raises(Conflict) as refused:
        check_one_per_role(mains)
    assert refused.value.code is ErrorCode.ONE_PER_ROLE
    check_one_per_role([mains[0], Representative(nomination(Role.ALTERNATE), DUE)])


@pytest.mark.parametrize("seniority", ["section_head", "officer", "deputy_department_head"])
def test_senior_enough_refuses_a_position_below_head_of_department(seniority: str) -> None:
    with pytest.raises(RuleBroken) as refused:
        check_senior_enough(seniority)
    assert refused.value.code is ErrorCode.SENIORITY_TOO_LOW
    assert refused.value.field == "seniority"


def test_senior_enough_names_the_levels_for_a_position_it_does_not_know() -> None:
    with pytest.raises(RuleBroken) as refused:
        check_senior_enough("chief")
    assert refused.value.code is ErrorCode.ENUM
    assert "department_head" in str(refused.value.params["expected"])


@pytest.mark.parametrize("seniority", list(Seniority))
def test_senior_enough_accepts_heads_of_department_or_higher_or_equivalent(
    seniority: Seniority,
) -> None:
    assert check_senior_enough(seniority.value) is seniority


def test_an_equivalent_level_is_justified() -> None:
    with pytest.raises(RuleBroken) as refused:
        check_equivalent_is_justified(Seniority.EQUIVALENT, None)
    assert refused.value.code is ErrorCode.EQUIVALENT_NOT_JUSTIFIED
    check_equivalent_is_justified(Seniority.EQUIVALENT, "Συντονιστής Κέντρου")
    check_equivalent_is_justified(Seniority.DIRECTORATE_HEAD, None)


def test_different_emails() -> None:
    with pytest.raises(RuleBroken) as refused:
        check_different_emails("a@example.gov.gr", ["a@example.gov.gr"], field="alternate.email")
    assert refused.value.code is ErrorCode.DIFFERENT_EMAILS
    assert refused.value.field == "alternate.email"
    check_different_emails("b@example.gov.gr", ["a@example.gov.gr", None], field="email")


def test_one_open_registration_per_tax_id() -> None:
    claim = TaxIdClaim("094014201", uuid.uuid4())
    with pytest.raises(Conflict) as refused:
        claim.check_one_open_registration_per_tax_id()
    assert refused.value.code is ErrorCode.TAX_ID_REGISTERED
    assert refused.value.field == "body.tax_id"
    claim.release()
    claim.check_one_open_registration_per_tax_id()


def test_a_designation_is_due_the_given_number_of_working_days_later() -> None:
    monday = date(2026, 3, 2)
    due = WorkingCalendar().designation_due(monday)
    assert (due - monday).days == DESIGNATION_WORKING_DAYS == 2


def test_the_form_says_the_number_of_working_days_the_rule_counts() -> None:
    texts = [i.text_en for i in REGISTRATION_FORM.instructions]
    texts.append(REGISTRATION_FORM.field("consent").help_en)
    assert sum(f"{DESIGNATION_WORKING_DAYS} working days" in t for t in texts) == 2


def test_nothing_is_checked_before_a_designation_is_sent() -> None:
    with pytest.raises(Conflict) as refused:
        submitted().check_pending_designation()
    assert refused.value.code is ErrorCode.NOTHING_TO_CHECK


def test_a_withdrawn_registration_is_closed() -> None:
    registration = submitted()
    registration.withdraw(None, SUBMITTED)
    with pytest.raises(Conflict) as refused:
        registration.check_open()
    assert refused.value.code is ErrorCode.REGISTRATION_WITHDRAWN
