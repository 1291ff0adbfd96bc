"""Calendar arithmetic speed: spedrules' vectorised counts against numpy.busday_offset and a plain
day-by-day loop, on a 3-school-year calendar and 1,000,000 random starts.

Run: python benchmarks/bench_calendar.py [N]     (not part of the test run)
Goals (issue 3): school days within 3x of numpy.busday_offset; at least 50x faster than the loop.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta

import numpy as np

from spedrules.core.calendar import Closure, SchoolCalendar, SchoolYear, to_day64
from spedrules.core.calendar.counting import school_days_array, tolled_days_array

N_DAYS = 20  # "add 20 school days", "20 tolled days"
LOOP_SAMPLE = 20_000


def three_years() -> SchoolCalendar:
    years = []
    for k in range(3):
        y = 2026 + k
        closures = (
            Closure("Labor Day", _first_monday(y, 9), _first_monday(y, 9)),
            Closure("Thanksgiving Break", date(y, 11, 23 - k), date(y, 11, 27 - k)),
            Closure("Winter Break", date(y, 12, 21 - k), date(y + 1, 1, 1)),
            Closure("Spring Break", date(y + 1, 3, 22 + k), date(y + 1, 3, 26 + k)),
        )
        years.append(
            SchoolYear(
                f"{y}-{str(y + 1)[-2:]}", date(y, 8, 19 - k), date(y + 1, 6, 10 - k), closures
            )
        )
    from datetime import time as t

    return SchoolCalendar.build("bench", "America/Los_Angeles", t(8), t(15), (0, 1, 2, 3, 4), years)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def timed(fn, *args):
    t0 = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - t0


def main(n: int = 1_000_000) -> None:
    cal = three_years()
    rng = np.random.default_rng(7)
    first, last = cal.coverage
    span = (to_day64(last) - to_day64(first)).astype(int) - 200
    starts = to_day64(first) + rng.integers(0, span, n).astype("timedelta64[D]")
    school = set(cal.instructional_days.astype(date).tolist())

    weekdays = np.arange(to_day64(first), to_day64(last) + 1)
    weekdays = weekdays[np.is_busday(weekdays)]
    holidays = weekdays[~np.isin(weekdays, cal.instructional_days)]
    busdaycal = np.busdaycalendar(holidays=holidays)

    cal.instructional_days, cal.tolled_countable_days(5)  # precompute once, as a sweep would
    ours, t_ours = timed(school_days_array, cal, starts, N_DAYS)
    ref, t_np = timed(
        lambda: np.busday_offset(starts, N_DAYS, roll="backward", busdaycal=busdaycal)
    )
    assert (ours == ref).all(), "school days disagree with numpy.busday_offset"

    sample = starts[:LOOP_SAMPLE].astype(date).tolist()

    def loop(days_ok):
        out = []
        for s in sample:
            d, counted = s, 0
            while counted < N_DAYS:
                d += timedelta(days=1)
                if days_ok(d):
                    counted += 1
            out.append(d)
        return out

    looped, t_loop = timed(loop, school.__contains__)
    assert [to_day64(d) for d in looped] == list(ours[:LOOP_SAMPLE]), "loop disagrees"
    t_loop_full = t_loop * n / LOOP_SAMPLE

    tolled, t_tolled = timed(tolled_days_array, cal, starts, N_DAYS)
    countable = set(cal.tolled_countable_days(5).astype(date).tolist())
    tolled_loop, t_tloop = timed(loop, countable.__contains__)
    assert [to_day64(d) for d in tolled_loop] == list(tolled[:LOOP_SAMPLE]), "tolled loop disagrees"
    t_tloop_full = t_tloop * n / LOOP_SAMPLE

    def rate(seconds: float) -> str:
        return f"{n / seconds / 1e6:8.2f} M counts/s"

    print(f"{n:,} starts on a 3-school-year calendar, +{N_DAYS} each")
    print(f"school days, spedrules vectorised  {t_ours:7.3f} s  {rate(t_ours)}")
    print(f"school days, numpy.busday_offset   {t_np:7.3f} s  {rate(t_np)}")
    print(
        f"school days, day-by-day loop       {t_loop_full:7.3f} s  {rate(t_loop_full)} "
        f"(timed on {LOOP_SAMPLE:,}, scaled)"
    )
    print(f"tolled days, spedrules vectorised  {t_tolled:7.3f} s  {rate(t_tolled)}")
    print(f"tolled days, day-by-day loop       {t_tloop_full:7.3f} s  {rate(t_tloop_full)}")
    print(f"school days: {t_ours / t_np:.2f}x numpy.busday_offset's time (goal: within 3x)")
    print(f"school days: loop / vectorised = {t_loop_full / t_ours:.0f}x (goal: at least 50x)")
    print(f"tolled days: loop / vectorised = {t_tloop_full / t_tolled:.0f}x (goal: at least 50x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
