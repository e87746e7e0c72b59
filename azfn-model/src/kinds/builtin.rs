//! Built into the host: HTTP and timer.

use super::{Check, EMPTY, Kind, Local, Role, Setting, Ty, choice, flag, opt, req, setting};

/// `httpTrigger` methods, as the host lists them.
pub(crate) const METHODS: &[&str] = &[
    "get", "post", "delete", "head", "patch", "put", "options", "trace",
];

pub(super) const HTTP_TRIGGER: Kind = Kind {
    attr: "http_trigger",
    type_name: "httpTrigger",
    role: Role::Trigger,
    settings: &[
        Setting {
            write_default: Some("function"),
            ..choice("authLevel", &["anonymous", "function", "admin"])
        },
        setting("methods", Ty::List(METHODS), false, Check::Text),
        opt("route", Check::Route),
        Setting {
            deprecated: Some(
                "`webHookType` is a Functions 1.x setting the current host ignores; read and check the webhook payload from the request instead",
            ),
            ..opt("webHookType", Check::Text)
        },
    ],
    default_name: "req",
    provides: &["query", "headers", "params", "sys"],
    payload_properties: true,
    local: Local::Emulated,
    data: "`HttpRequest`, `Json<T>`, `String`, `Bytes`",
    summary: "an HTTP request; the response goes to the `http` output (`res` unless `#[http_output]` names it)",
    ..EMPTY
};

pub(super) const HTTP_OUTPUT: Kind = Kind {
    attr: "http_output",
    type_name: "http",
    role: Role::Output,
    local: Local::Emulated,
    data: "`HttpResponse`",
    summary: "the HTTP response of an HTTP-triggered function, under a name of your choice (default `$return`)",
    ..EMPTY
};

pub(super) const TIMER_TRIGGER: Kind = Kind {
    attr: "timer_trigger",
    type_name: "timerTrigger",
    role: Role::Trigger,
    settings: &[
        req("schedule", Check::Schedule),
        flag("runOnStartup"),
        flag("useMonitor"),
    ],
    default_name: "timer",
    provides: &[],
    retry: true,
    local: Local::Emulated,
    data: "`TimerInfo`",
    summary: "a schedule: six-field NCRONTAB (five fields are written as six), a TimeSpan or `%Setting%`",
    ..EMPTY
};
