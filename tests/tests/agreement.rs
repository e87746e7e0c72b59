//! Whatever builds also starts: the build side (`azfn-model`, which `#[...]` attributes and
//! `azfn-build` go through) and the local host (`azfn-host`, written independently from the
//! host's contract) must accept the same schedules, routes and names.
//!
//! The build side may be stricter on purpose, and only where the real host's reading is a trap
//! (see `azfn_model::ncrontab`): five-field schedules (refused on Windows Consumption), reversed
//! ranges, a `*/0` step, one- and two-letter names, `+n` steps, schedules that never fire, and
//! `hh:mm` or bare-number TimeSpans. Every other difference fails these properties; the real
//! host's source decides which side is wrong (NCRONTAB: NCrontab.Signed through the timer
//! extension's `CronSchedule`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::path::Path;

use azfn_host::config::{FunctionMetadata, is_valid_binding_name, is_valid_function_name};
use azfn_host::schedule::Schedule as HostSchedule;
use azfn_host::setup::setup_function;
use azfn_host::{RouteTemplate, Router};
use azfn_model::names::{check_binding_name, check_function_name, check_queue_name};
use azfn_model::ncrontab::{Schedule as ModelSchedule, parse_schedule};
use azfn_model::route::{check_reserved_prefix, parse_route};
use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
use proptest::prelude::*;
use serde_json::json;

/// The reasons the build side may refuse what the host accepts (fragments of its messages).
const DELIBERATELY_STRICTER: [&str; 8] = [
    "has 5 fields",
    "is reversed",
    "must be at least 1",
    "too short to name",
    "never fires",
    "hours and minutes",
    "bare number",
    "step `+",
];

fn host_schedule(text: &str) -> Result<HostSchedule, String> {
    // Every setting holds a valid schedule: `%Name%` is resolved by the host at start.
    HostSchedule::parse(text, |_| Some("0 */5 * * * *".to_owned())).map_err(|e| e.to_string())
}

/// The bounds of the six NCRONTAB fields.
const BOUNDS: [(u32, u32); 6] = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];

/// One value of a field: mostly in its range, sometimes just outside, sometimes a name or junk.
fn atom(field: usize) -> impl Strategy<Value = String> {
    let (lo, hi) = BOUNDS[field];
    prop_oneof![
        4 => Just("*".to_owned()),
        8 => (lo..=hi).prop_map(|n| n.to_string()),
        1 => prop::sample::select(vec![hi + 1, 7, 60, 24, 0, 32, 13]).prop_map(|n| n.to_string()),
        5 => (lo..=hi, lo..=hi).prop_map(|(a, b)| format!("{a}-{b}")),
        2 => prop::sample::select(vec![
            "MON", "Mon", "monday", "Mondays", "Ma", "J", "Ju", "Janx", "Fri", "sat", "Dec",
            "jan", "Sunday", "x", "L", "?", "1#2", "5W", "007", "Tue-Thu", "MAR-may", "Sat-Mon",
            "", "-5", "*-5", "1-2-3", "99999999999",
        ])
        .prop_map(str::to_owned),
    ]
}

fn item(field: usize) -> impl Strategy<Value = String> {
    let step = prop_oneof![
        6 => Just(None),
        3 => (1u32..100).prop_map(|n| Some(n.to_string())),
        1 => prop::sample::select(vec!["0", "1440", "+3", "", "x", "2/3", "60", "61"])
            .prop_map(|s| Some(s.to_owned())),
    ];
    (atom(field), step).prop_map(|(a, s)| match s {
        Some(n) => format!("{a}/{n}"),
        None => a,
    })
}

fn field(field: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => item(field),
        1 => prop::collection::vec(item(field), 2..=3).prop_map(|v| v.join(",")),
    ]
}

fn cron() -> impl Strategy<Value = String> {
    let six = (field(0), field(1), field(2), field(3), field(4), field(5))
        .prop_map(|(a, b, c, d, e, f)| vec![a, b, c, d, e, f]);
    let five = (field(1), field(2), field(3), field(4), field(5))
        .prop_map(|(b, c, d, e, f)| vec![b, c, d, e, f]);
    let fields = prop_oneof![8 => six, 3 => five, 1 => prop::collection::vec(field(0), 3..=8)];
    let sep = prop::sample::select(vec![" ", " ", " ", " ", "  ", "\t"]);
    (fields, sep).prop_map(|(fields, sep)| fields.join(sep))
}

fn timespan() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..30, 0u32..70, 0u32..70).prop_map(|(h, m, s)| format!("{h:02}:{m:02}:{s:02}")),
        (0u32..10, 0u32..30, 0u32..70, 0u32..70)
            .prop_map(|(d, h, m, s)| format!("{d}.{h:02}:{m:02}:{s:02}")),
        (0u32..30, 0u32..70).prop_map(|(h, m)| format!("{h:02}:{m:02}")),
        (0u32..30, 0u32..70, 0u32..70, 0u32..10_000_000)
            .prop_map(|(h, m, s, f)| format!("{h:02}:{m:02}:{s:02}.{f}")),
        (0u32..100).prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "%Schedule%",
            "%My.Schedule-1%",
            "%%",
            "%A% %B%",
            "-00:05:00",
            "1:2:3:4",
            "00:00:00"
        ])
        .prop_map(str::to_owned),
    ]
}

fn schedule() -> impl Strategy<Value = String> {
    prop_oneof![4 => cron(), 1 => timespan()]
}

/// An instant in 2025, whole seconds.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..365 * 86_400).prop_map(|s| {
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(s)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A schedule the build accepts starts; one the host accepts and the build refuses is
    /// refused for a documented reason.
    #[test]
    fn schedules_agree(text in schedule()) {
        let model = parse_schedule(&text);
        let host = host_schedule(&text);
        match (&model, &host) {
            (Ok(_), Err(e)) => prop_assert!(false, "`{text}` builds but does not start: {e}"),
            (Err(e), Ok(_)) => prop_assert!(
                DELIBERATELY_STRICTER.iter().any(|why| e.message.contains(why)),
                "`{text}` starts but does not build: {e}"
            ),
            _ => {}
        }
    }

    /// Where both accept an expression, they fire at the same instants.
    #[test]
    fn cron_schedules_fire_alike(text in cron(), instants in prop::collection::vec(instant(), 8)) {
        let (Ok(ModelSchedule::Cron(model)), Ok(host)) = (parse_schedule(&text), host_schedule(&text)) else {
            return Ok(());
        };
        for t in instants {
            let fires = host.next_after(t - chrono::Duration::seconds(1)) == Some(t);
            let matches = model.matches(
                t.second(),
                t.minute(),
                t.hour(),
                t.day(),
                t.month(),
                t.weekday().num_days_from_sunday(),
            );
            prop_assert_eq!(fires, matches, "`{}` at {}", text, t);
        }
        // The host's next occurrence is one the build side matches.
        let t0 = Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap();
        if let Some(next) = host.next_after(t0) {
            prop_assert!(model.matches(
                next.second(),
                next.minute(),
                next.hour(),
                next.day(),
                next.month(),
                next.weekday().num_days_from_sunday(),
            ), "`{}`: the host fires at {}", text, next);
        }
    }
}

fn segment() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "items",
        "a.b",
        "x-y",
        "API",
        "admin",
        "runtime",
        "administrators",
        "%20",
        "é",
        "{id}",
        "{id:int}",
        "{id?}",
        "{*rest}",
        "{**rest}",
        "{id:int?}",
        "{name:alpha:minlength(2)}",
        "{id:regex(^\\d+$)}",
        "{x=5}",
        "{a}{b}",
        "{a}-{b}",
        "{a}.{b?}",
        "{{lit}}",
        "{",
        "}",
        "?",
        "{id:unknown}",
        "{id:min(x)}",
        "{ID}",
        "{a b}",
        "{id:length(2,3)}",
        "{id:range(1,5)}",
        "{x=a:int}",
        "{*rest?}",
        "{my_id}",
        "{1d}",
        "{id:datetime}",
        "a{id}",
        "{id}.json",
        "",
        "{id:guid}",
        "{c:bool}",
        "{n:max(10)?}",
    ])
    .prop_map(str::to_owned)
}

fn route() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(segment(), 0..4),
        prop::sample::select(vec!["", "/", "~/"]),
        prop::sample::select(vec!["", "/"]),
    )
        .prop_map(|(segments, lead, trail)| format!("{lead}{}{trail}", segments.join("/")))
}

/// The host's reading of an `httpTrigger` with `route`: function.json, then the router.
fn host_route(route: &str) -> Result<(), String> {
    let json = json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": route}]});
    let f =
        FunctionMetadata::from_json("f", json.as_object().unwrap(), Path::new("f/function.json"))
            .map_err(|e| e.message)?;
    let template = RouteTemplate::parse(route).map_err(|e| e.to_string())?;
    let mut router = Router::new("api");
    router
        .add(&f.name, &template, None)
        .map_err(|e| e.to_string())
}

fn model_route(route: &str) -> Result<(), String> {
    check_reserved_prefix(route).map_err(|e| e.to_string())?;
    parse_route(route).map(|_| ()).map_err(|e| e.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A route the build accepts is served.
    #[test]
    fn routes_that_build_also_start(route in route()) {
        if model_route(&route).is_ok() {
            prop_assert!(host_route(&route).is_ok(), "`{}` builds but does not start: {:?}", route, host_route(&route));
        }
    }

    /// Function and binding names: the same rule on both sides.
    #[test]
    fn names_agree(name in "[a-zA-Z0-9_$. é-]{0,130}|host|HOST|\\$return") {
        prop_assert_eq!(check_function_name(&name).is_ok(), is_valid_function_name(&name), "function name `{}`", name);
        prop_assert_eq!(check_binding_name(&name).is_ok(), is_valid_binding_name(&name), "binding name `{}`", name);
    }

    /// A queue name the build accepts starts (the host lower-cases it first, as the storage
    /// extension does, so it also accepts upper-case names).
    #[test]
    fn queue_names_that_build_also_start(name in "[a-zA-Z0-9_-]{0,70}") {
        let json = json!({"bindings": [{"type": "queueTrigger", "name": "m", "queueName": name}]});
        let host = FunctionMetadata::from_json("f", json.as_object().unwrap(), Path::new("f/function.json"))
            .map_err(|e| e.message)
            .and_then(|f| setup_function(&f, &|_| None));
        if check_queue_name(&name).is_ok() {
            prop_assert!(host.is_ok(), "`{}` builds but does not start: {:?}", name, host.err());
        }
        if host.is_ok() {
            prop_assert!(check_queue_name(&name.to_ascii_lowercase()).is_ok(), "`{}` starts but its lower-case form does not build", name);
        }
    }
}

#[test]
fn known_cases() {
    // A step larger than its range builds and starts (NCrontab keeps the first value).
    assert!(parse_schedule("0 */1440 * * * *").is_ok());
    assert!(host_schedule("0 */1440 * * * *").is_ok());
    // Tabs do not separate NCRONTAB fields (NCrontab splits on spaces).
    assert!(host_schedule("0\t*/5 * * * *").is_err());
    assert!(parse_schedule("0\t*/5 * * * *").is_err());
    // Routes of every kind build and start.
    for route in [
        "items/{id:int?}",
        "{a}.{b?}",
        "files/{*rest}",
        "files/{**rest}",
        "/x/{name:alpha:minlength(2)}/",
        "report/{day:datetime}.json",
        "",
    ] {
        assert_eq!(model_route(route), Ok(()), "{route}");
        assert_eq!(host_route(route), Ok(()), "{route}");
    }
    // Upper-case queue names start.
    let json = json!({"bindings": [{"type": "queueTrigger", "name": "m", "queueName": "Orders"}]});
    let f =
        FunctionMetadata::from_json("f", json.as_object().unwrap(), Path::new("f/function.json"))
            .unwrap();
    assert_eq!(
        setup_function(&f, &|_| None).unwrap().queue_name.as_deref(),
        Some("orders")
    );
}
