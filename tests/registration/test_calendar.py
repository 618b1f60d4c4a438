"""The working-day calendar that sets when a designation is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.registration.calendar import WorkingCalendar
from services.runtime.timezone import ATHENS

CALENDAR = WorkingCalendar(frozenset())


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two instants (subtracting in one zone would give wall-clock time)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def test_a_thursday_submission_before_orthodox_easter_is_due_the_next_wednesday() -> None:
    # Good Friday (10 April 2026) and Easter Monday (13 April 2026) are holidays.
    assert CALENDAR.designation_due(date(2026, 4, 9)) == date(2026, 4, 15)


def test_a_designation_is_due_two_working_days_later_within_a_plain_week() -> None:
    assert CALENDAR.designation_due(date(2026, 3, 2)) == date(2026, 3, 4)


def test_weekends_are_skipped() -> None:
    assert CALENDAR.designation_due(date(2026, 3, 5)) == date(2026, 3, 9)
    assert CALENDAR.designation_due(date(2026, 3, 6)) == date(2026, 3, 10)


@pytest.mark.parametrize(
    ("holiday", "submitted_on", "due"),
    [
        pytest.param(date(2025, 12, 25), date(2025, 12, 23), date(2025, 12, 29), id="christmas"),
        pytest.param(date(2026, 1, 1), date(2025, 12, 30), date(2026, 1, 2), id="new-year"),
        pytest.param(date(2026, 1, 6), date(2026, 1, 2), date(2026, 1, 7), id="epiphany"),
        pytest.param(date(2026, 2, 23), date(2026, 2, 20), date(2026, 2, 25), id="clean-monday"),
        pytest.param(date(2026, 3, 25), date(2026, 3, 23), date(2026, 3, 26), id="25-march"),
        pytest.param(date(2026, 5, 1), date(2026, 4, 29), date(2026, 5, 4), id="1-may"),
        pytest.param(date(2026, 6, 1), date(2026, 5, 28), date(2026, 6, 2), id="whit-monday"),
        pytest.param(date(2025, 8, 15), date(2025, 8, 13), date(2025, 8, 18), id="15-august"),
        pytest.param(date(2026, 10, 28), date(2026, 10, 26), date(2026, 10, 29), id="28-october"),
    ],
)
def test_greek_public_holidays_are_skipped(holiday: date, submitted_on: date, due: date) -> None:
    assert holiday.weekday() < 5, "a holiday on a weekend would prove nothing"
    assert not CALENDAR.is_working_day(holiday)
    assert CALENDAR.designation_due(submitted_on) == due


def test_an_office_closure_is_skipped() -> None:
    closed_on_friday = WorkingCalendar(frozenset({date(2026, 3, 6)}))

    assert not closed_on_friday.is_working_day(date(2026, 3, 6))
    assert closed_on_friday.designation_due(date(2026, 3, 5)) == date(2026, 3, 10)


def test_a_calendar_takes_its_closures_from_any_iterable() -> None:
    assert WorkingCalendar([date(2026, 3, 6)]).closures == frozenset({date(2026, 3, 6)})
    assert WorkingCalendar().closures == frozenset()


def test_a_saturday_submission_counts_the_two_working_days_after_it() -> None:
    assert CALENDAR.designation_due(date(2026, 3, 7)) == date(2026, 3, 10)


def test_a_submission_on_a_holiday_counts_the_two_working_days_after_it() -> None:
    # Submitted on Good Friday: Easter Monday is a holiday too.
    assert CALENDAR.designation_due(date(2026, 4, 10)) == date(2026, 4, 15)


def test_a_late_evening_utc_instant_is_already_the_next_day_in_athens() -> None:
    sent = datetime(2026, 4, 9, 23, 30, tzinfo=UTC)

    assert CALENDAR.submission_day(sent) == date(2026, 4, 10)


def test_an_instant_in_the_athens_evening_stays_on_its_day() -> None:
    sent = datetime(2026, 1, 15, 21, 59, tzinfo=UTC)

    assert CALENDAR.submission_day(sent) == date(2026, 1, 15)


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.submission_day(datetime(2026, 4, 9, 12, 0))


def test_the_due_moment_is_the_first_instant_of_the_next_athens_day() -> None:
    moment = CALENDAR.due_moment(date(2026, 4, 15))

    assert moment == datetime(2026, 4, 16, 0, 0, tzinfo=ATHENS)
    assert moment.tzinfo is ATHENS


def test_the_due_moment_follows_the_switch_to_summer_time_in_late_march() -> None:
    # The clocks go forward at 03:00 on Sunday 29 March 2026.
    before = CALENDAR.due_moment(date(2026, 3, 27))
    after = CALENDAR.due_moment(date(2026, 3, 30))

    assert before.astimezone(UTC) == datetime(2026, 3, 27, 22, 0, tzinfo=UTC)
    assert after.astimezone(UTC) == datetime(2026, 3, 30, 21, 0, tzinfo=UTC)
    assert elapsed(before, after) == timedelta(days=3, hours=-1)


def test_the_due_moment_follows_the_return_to_winter_time_in_late_october() -> None:
    # The clocks go back at 04:00 on Sunday 25 October 2026.
    before = CALENDAR.due_moment(date(2026, 10, 23))
    after = CALENDAR.due_moment(date(2026, 10, 26))

    assert before.astimezone(UTC) == datetime(2026, 10, 23, 21, 0, tzinfo=UTC)
    assert after.astimezone(UTC) == datetime(2026, 10, 26, 22, 0, tzinfo=UTC)
    assert elapsed(before, after) == timedelta(days=3, hours=1)


def test_every_day_of_2026_is_due_exactly_two_working_days_later() -> None:
    closures = WorkingCalendar(frozenset({date(2026, 8, 14), date(2026, 12, 24)}))
    for calendar in (CALENDAR, closures):
        day = date(2026, 1, 1)
        while day.year == 2026:
            due = calendar.designation_due(day)
            between = [day + timedelta(days=n) for n in range(1, (due - day).days + 1)]

            assert calendar.is_working_day(due), day
            assert sum(map(calendar.is_working_day, between)) == 2, day
            day += timedelta(days=1)
