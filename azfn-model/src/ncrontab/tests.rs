use super::*;
use proptest::prelude::*;

fn err(s: &str) -> String {
    match parse_schedule(s) {
        Ok(schedule) => format!("unexpectedly parsed: {schedule:?}"),
        Err(e) => e.message,
    }
}

fn cron(s: &str) -> CronExpr {
    match parse_schedule(s) {
        Ok(Schedule::Cron(expr)) => expr,
        other => CronExpr {
            source: format!("not a cron expression: {other:?}"),
            fields: [0; 6],
        },
    }
}

fn span(s: &str) -> Option<Duration> {
    match parse_schedule(s) {
        Ok(Schedule::TimeSpan(d)) => Some(d),
        _ => None,
    }
}

#[test]
fn documented_examples_parse() {
    for s in [
        "0 5 * * * *",
        "0 * 5 * * *",
        "5-7 * * * * *",
        "5,8,10 * * * * *",
        "0 */5 * * * *",
        "0 0 * * * *",
        "0 0 */2 * * *",
        "0 0 9-17 * * *",
        "0 30 9 * * *",
        "0 30 9 * * 1-5",
        "0 30 9 * Jan Mon",
    ] {
        assert!(
            matches!(parse_schedule(s), Ok(Schedule::Cron(_))),
            "{s}: {}",
            err(s)
        );
    }
    assert_eq!(span("01:00:00"), Some(Duration::from_secs(3_600)));
    assert_eq!(span("00:01:00"), Some(Duration::from_secs(60)));
    assert_eq!(span("25:00:00:00"), Some(Duration::from_secs(25 * 86_400)));
    assert_eq!(span("1.00:00:00"), Some(Duration::from_secs(86_400)));
    assert_eq!(
        parse_schedule("%TimerSchedule%"),
        Ok(Schedule::Setting("TimerSchedule".into()))
    );
    assert_eq!(
        parse_schedule(" %My.Schedule-1_x% "),
        Ok(Schedule::Setting("My.Schedule-1_x".into()))
    );
}

#[test]
fn cron_fields_expand() {
    let e = cron("0 */5 * * * *");
    assert_eq!(e.values(CronField::Second).collect::<Vec<_>>(), [0]);
    assert_eq!(
        e.values(CronField::Minute).collect::<Vec<_>>(),
        (0..60).step_by(5).collect::<Vec<_>>()
    );
    assert_eq!(e.values(CronField::Hour).count(), 24);
    assert_eq!(
        e.values(CronField::Day).collect::<Vec<_>>(),
        (1..=31).collect::<Vec<_>>()
    );
    assert_eq!(
        e.values(CronField::Month).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>()
    );
    assert_eq!(
        e.values(CronField::DayOfWeek).collect::<Vec<_>>(),
        (0..=6).collect::<Vec<_>>()
    );
    let e = cron("5/15 1-10/3 9,17 1 jAnUaRy,Feb,mar sun-TUE");
    assert_eq!(
        e.values(CronField::Second).collect::<Vec<_>>(),
        [5, 20, 35, 50]
    );
    assert_eq!(
        e.values(CronField::Minute).collect::<Vec<_>>(),
        [1, 4, 7, 10]
    );
    assert_eq!(e.values(CronField::Hour).collect::<Vec<_>>(), [9, 17]);
    assert_eq!(e.values(CronField::Month).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        e.values(CronField::DayOfWeek).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert_eq!(
        cron("0 0 0 * Sept Thurs")
            .values(CronField::DayOfWeek)
            .collect::<Vec<_>>(),
        [4]
    );
    assert_eq!(
        cron("0 0 0 * Sept Thurs")
            .values(CronField::Month)
            .collect::<Vec<_>>(),
        [9]
    );
    assert_eq!(
        cron("0 0 0 * * */7")
            .values(CronField::DayOfWeek)
            .collect::<Vec<_>>(),
        [0]
    );
    assert_eq!(
        cron("0 0 0 29 2 *")
            .values(CronField::Day)
            .collect::<Vec<_>>(),
        [29]
    );
    assert_eq!(cron("  0 0  0 * * *  ").as_str(), "0 0 0 * * *");
    // The schedule is written as given and NCrontab splits on spaces only.
    assert!(
        parse_schedule("0\t0 0 * * *")
            .unwrap_err()
            .message
            .contains("a tab")
    );
    // Upper-case names are names, not Quartz `L`/`W`.
    assert_eq!(
        cron("0 0 0 * JUL,AUG WED")
            .values(CronField::Month)
            .collect::<Vec<_>>(),
        [7, 8]
    );
    assert_eq!(
        cron("0 0 0 * * WED")
            .values(CronField::DayOfWeek)
            .collect::<Vec<_>>(),
        [3]
    );
}

#[test]
fn cron_matches() {
    let e = cron("0 30 9 * Jan Mon");
    assert!(e.matches(0, 30, 9, 6, 1, 1));
    assert!(!e.matches(0, 30, 9, 6, 1, 2));
    assert!(!e.matches(0, 30, 9, 6, 2, 1));
    assert!(!e.matches(1, 30, 9, 6, 1, 1));
    assert!(!e.matches(0, 30, 9, 6, 1, 99));
    assert!(!e.matches(u32::MAX, u32::MAX, u32::MAX, u32::MAX, u32::MAX, u32::MAX));
    let e = cron("*/10 * * * * *");
    assert!(e.matches(50, 59, 23, 31, 12, 6));
    assert!(!e.matches(55, 59, 23, 31, 12, 6));
    assert!(!e.matches(0, 0, 0, 0, 1, 0));
}

#[test]
fn bad_schedules_have_exact_messages() {
    let cases: &[(&str, &str)] = &[
        (
            "",
            "timer schedule is empty; write a six-field NCRONTAB expression such as `0 */5 * * * *`, a `%Setting%` reference or a TimeSpan such as `01:00:00`",
        ),
        (
            "*/5 * * * *",
            "timer schedule `*/5 * * * *` has 5 fields; Azure Functions uses six-field NCRONTAB with seconds first: `0 */5 * * * *`",
        ),
        (
            "0 0 * * * * 2024",
            "timer schedule `0 0 * * * * 2024` has 7 fields; NCRONTAB expressions have six: `{second} {minute} {hour} {day} {month} {day-of-week}`, e.g. `0 */5 * * * *`",
        ),
        (
            "0 0",
            "timer schedule `0 0` has 2 fields; NCRONTAB expressions have six: `{second} {minute} {hour} {day} {month} {day-of-week}`, e.g. `0 */5 * * * *`",
        ),
        (
            "0 60 * * * *",
            "timer schedule `0 60 * * * *`: minute `60` is out of range 0-59",
        ),
        (
            "60 * * * * *",
            "timer schedule `60 * * * * *`: second `60` is out of range 0-59",
        ),
        (
            "0 0 24 * * *",
            "timer schedule `0 0 24 * * *`: hour `24` is out of range 0-23",
        ),
        (
            "0 0 0 0 * *",
            "timer schedule `0 0 0 0 * *`: day `0` is out of range 1-31",
        ),
        (
            "0 0 0 32 * *",
            "timer schedule `0 0 0 32 * *`: day `32` is out of range 1-31",
        ),
        (
            "0 0 0 * 13 *",
            "timer schedule `0 0 0 * 13 *`: month `13` is out of range 1-12",
        ),
        (
            "0 0 0 * * 7",
            "timer schedule `0 0 0 * * 7`: day-of-week `7` is out of range 0-6 (Sunday is 0; NCRONTAB does not accept 7)",
        ),
        (
            "0 0 0 * * 1-7",
            "timer schedule `0 0 0 * * 1-7`: day-of-week `7` is out of range 0-6 (Sunday is 0; NCRONTAB does not accept 7)",
        ),
        (
            "0 99999999999 * * * *",
            "timer schedule `0 99999999999 * * * *`: minute `99999999999` is out of range 0-59",
        ),
        (
            "0 */0 * * * *",
            "timer schedule `0 */0 * * * *`: minute step in `*/0` must be at least 1",
        ),
        (
            "0 */x * * * *",
            "timer schedule `0 */x * * * *`: minute step `x` in `*/x` is not a number",
        ),
        (
            "0 */ * * * *",
            "timer schedule `0 */ * * * *`: minute step `` in `*/` is not a number",
        ),
        (
            "0 1/2/3 * * * *",
            "timer schedule `0 1/2/3 * * * *`: minute `1/2/3` has more than one `/`",
        ),
        (
            "0 1,,2 * * * *",
            "timer schedule `0 1,,2 * * * *`: minute `1,,2` has an empty list item",
        ),
        (
            "0 1, * * * *",
            "timer schedule `0 1, * * * *`: minute `1,` has an empty list item",
        ),
        (
            "0 -5 * * * *",
            "timer schedule `0 -5 * * * *`: minute `-5` is not a number between 0 and 59",
        ),
        (
            "0 5- * * * *",
            "timer schedule `0 5- * * * *`: minute has an empty value in a range",
        ),
        (
            "0 abc * * * *",
            "timer schedule `0 abc * * * *`: minute `abc` is not a number between 0 and 59",
        ),
        (
            "0 0 22-2 * * *",
            "timer schedule `0 0 22-2 * * *`: hour range `22-2` is reversed; NCrontab would silently read it as `2-22`; write the smaller value first (split a wrap-around range into two, e.g. `22-23,0-2`)",
        ),
        (
            "0 0 0 * Foo *",
            "timer schedule `0 0 0 * Foo *`: month `Foo` is not a month name; use 1-12 or a month name such as `Jan` or `January`",
        ),
        (
            "0 0 0 * Ju *",
            "timer schedule `0 0 0 * Ju *`: month `Ju` is too short to name a month; use 1-12 or a month name such as `Jan` or `January`",
        ),
        (
            "0 0 0 * * Funday",
            "timer schedule `0 0 0 * * Funday`: day-of-week `Funday` is not a day-of-week name; use 0-6 (Sunday is 0) or a day name such as `Mon` or `Monday`",
        ),
        (
            "0 0 0 ? * MON",
            "timer schedule `0 0 0 ? * MON`: day `?` uses Quartz syntax (`?`, `L`, `W`, `#`), which NCRONTAB does not support; use `*`, values, ranges `a-b`, lists `a,b` and steps `*/n` or `a/n`",
        ),
        (
            "0 0 0 * * MON#2",
            "timer schedule `0 0 0 * * MON#2`: day-of-week `MON#2` uses Quartz syntax (`?`, `L`, `W`, `#`), which NCRONTAB does not support; use `*`, values, ranges `a-b`, lists `a,b` and steps `*/n` or `a/n`",
        ),
        (
            "0 0 0 L * *",
            "timer schedule `0 0 0 L * *`: day `L` uses Quartz syntax (`?`, `L`, `W`, `#`), which NCRONTAB does not support; use `*`, values, ranges `a-b`, lists `a,b` and steps `*/n` or `a/n`",
        ),
        (
            "0 0 0 15W * *",
            "timer schedule `0 0 0 15W * *`: day `15W` uses Quartz syntax (`?`, `L`, `W`, `#`), which NCRONTAB does not support; use `*`, values, ranges `a-b`, lists `a,b` and steps `*/n` or `a/n`",
        ),
        (
            "0 0 0 31 2 *",
            "timer schedule `0 0 0 31 2 *` never fires: no month in `2` has a day in `31`",
        ),
        (
            "0 0 0 31 Apr,Jun *",
            "timer schedule `0 0 0 31 Apr,Jun *` never fires: no month in `Apr,Jun` has a day in `31`",
        ),
        (
            "0 %m% * * * *",
            "timer schedule `0 %m% * * * *` uses `%` inside the expression; only a whole-string `%Setting%` reference is resolved, so move the whole schedule into an app setting",
        ),
        (
            "%%",
            "timer schedule `%%` has an empty app setting name; write `%MySchedule%`",
        ),
        (
            "%My Schedule%",
            "timer schedule `%My Schedule%` refers to an invalid app setting name: ` ` is not allowed; setting names may contain only letters, digits, `_`, `.` and `-`",
        ),
        (
            "%",
            "timer schedule `%` uses `%` inside the expression; only a whole-string `%Setting%` reference is resolved, so move the whole schedule into an app setting",
        ),
        (
            "daily",
            "timer schedule `daily` is not a six-field NCRONTAB expression (`{second} {minute} {hour} {day} {month} {day-of-week}`, e.g. `0 */5 * * * *`), a `%Setting%` reference or a TimeSpan such as `01:00:00`",
        ),
        (
            "5",
            "timer schedule `5` is a bare number, which the host would read as a TimeSpan of 5 days; write `5.00:00:00` for that or a six-field NCRONTAB expression such as `0 */5 * * * *`",
        ),
        (
            "10:30",
            "timer schedule `10:30` would be read by the host as an interval of hours and minutes, not a time of day; write `10:30:00` for the interval, or a six-field NCRONTAB expression such as `0 30 9 * * *` for a daily time",
        ),
        (
            "00:00:00",
            "timer schedule `00:00:00` is a zero interval; use a positive TimeSpan such as `00:05:00`",
        ),
        (
            "0.00:00:00.0",
            "timer schedule `0.00:00:00.0` is a zero interval; use a positive TimeSpan such as `00:05:00`",
        ),
        (
            "-01:00:00",
            "timer schedule `-01:00:00` is a negative TimeSpan; the interval must be positive",
        ),
        (
            "01:60:00",
            "timer schedule `01:60:00` is not a valid TimeSpan: minutes `60` must be 0-59; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
        ),
        (
            "01:00:60",
            "timer schedule `01:00:60` is not a valid TimeSpan: seconds `60` must be 0-59; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
        ),
        (
            "1.24:00:00",
            "timer schedule `1.24:00:00` is not a valid TimeSpan: hours `24` must be 0-23; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
        ),
        (
            "30:24:00",
            "timer schedule `30:24:00` is not a valid TimeSpan: hours `24` must be 0-23; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
        ),
        (
            "1:2:3:4:5",
            "timer schedule `1:2:3:4:5` is not a valid TimeSpan: it has too many `:`-separated parts; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
        ),
        (
            "aa:00:00",
            "timer schedule `aa:00:00` is not a valid TimeSpan: hours `aa` must be a number of 1 to 8 digits; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
        ),
        (
            "00:00:01.12345678",
            "timer schedule `00:00:01.12345678` is not a valid TimeSpan: fraction `.12345678` must have 1 to 7 digits; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
        ),
        (
            "99999999.00:00:00",
            "timer schedule `99999999.00:00:00` is not a valid TimeSpan: days `99999999` must be 0-10675198; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
        ),
    ];
    for (input, message) in cases {
        assert_eq!(err(input), *message, "input: {input}");
    }
}

#[test]
fn timespans() {
    assert_eq!(span("1:2:3"), Some(Duration::from_secs(3_723)));
    assert_eq!(span("23:59:59"), Some(Duration::from_secs(86_399)));
    assert_eq!(span("24:00:00"), Some(Duration::from_secs(24 * 86_400)));
    assert_eq!(
        span("25:10:05"),
        Some(Duration::from_secs(25 * 86_400 + 10 * 3_600 + 5 * 60))
    );
    assert_eq!(
        span("2.03:04:05"),
        Some(Duration::from_secs(2 * 86_400 + 3 * 3_600 + 4 * 60 + 5))
    );
    assert_eq!(span("00:00:00.5"), Some(Duration::from_millis(500)));
    assert_eq!(span("00:00:00.0000001"), Some(Duration::from_nanos(100)));
    assert_eq!(
        span("1:00:00:00.25"),
        Some(Duration::new(86_400, 250_000_000))
    );
}

#[test]
fn display_round_trips() {
    for (input, shown) in [
        ("0  */5 * * * *", "0 */5 * * * *"),
        ("%Sched%", "%Sched%"),
        ("01:00:00", "01:00:00"),
        ("1.00:00:00", "1.00:00:00"),
        ("25:00:00:00", "25.00:00:00"),
        ("00:00:01.5", "00:00:01.5000000"),
    ] {
        let shown_now = parse_schedule(input).map(|s| s.to_string());
        assert_eq!(shown_now.as_deref(), Ok(shown), "{input}");
        let again = parse_schedule(shown).map(|s| s.to_string());
        assert_eq!(again.as_deref(), Ok(shown), "{shown}");
    }
}

proptest! {
    #[test]
    fn never_panics(s in "[0-9*/,\\- :.%A-Za-z?#]{0,40}") {
        let _ = parse_schedule(&s);
    }

    #[test]
    fn never_panics_on_any_text(s in "\\PC{0,40}") {
        let _ = parse_schedule(&s);
    }

    #[test]
    fn step_lists_expand_like_ncrontab(start in 0u32..60, step in 1u32..70) {
        let e = cron(&format!("{start}/{step} * * * * *"));
        let expected: Vec<u32> = (start..60).step_by(step as usize).collect();
        prop_assert_eq!(e.values(CronField::Second).collect::<Vec<_>>(), expected);
    }
}
