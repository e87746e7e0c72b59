//! Which events are logged: `RUST_LOG` when set, else `logging.logLevel` of `host.json` read the
//! way the Functions host reads it (per function, with `default`), applied per invocation.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, PoisonError};

use serde_json::Value;
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Metadata, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::{Context, Layer};

/// The category of `Logs` lines and `tracing` events of an invocation of `function`: the host
/// records `Logs` in the function's user category.
fn function_category(function: &str) -> String {
    format!("Function.{function}.User")
}

/// The category the host files the handler's stdout lines under (contract §2.4): events
/// outside any invocation are judged by it.
const CONSOLE_CATEGORY: &str = "Host.Function.Console";

/// `logging.logLevel` of `host.json`: category prefixes and their levels, matched as
/// Microsoft.Extensions.Logging matches them.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct HostLevels {
    /// `(category, level)`; the `default` entry has category `None`.
    rules: Vec<(Option<String>, LevelFilter)>,
}

impl HostLevels {
    /// Reads `logging.logLevel` from the text of a `host.json`. Returns the levels and one
    /// warning per entry that is not a level (such entries are ignored, as is a missing
    /// section). An invalid document is an error.
    pub(crate) fn from_host_json(text: &str) -> Result<(Self, Vec<String>), String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut levels = Self::default();
        let mut warnings = Vec::new();
        let section = get_ci(&doc, "logging").and_then(|l| get_ci(l, "logLevel"));
        let Some(section) = section else {
            return Ok((levels, warnings));
        };
        let Some(entries) = section.as_object() else {
            warnings.push("logging.logLevel is not an object; it is ignored".to_owned());
            return Ok((levels, warnings));
        };
        for (category, value) in entries {
            match value.as_str().and_then(parse_level) {
                Some(level) => levels.set(category, level),
                None => warnings.push(format!(
                    "logging.logLevel.{category} is {value}, which is not a log level (Trace, Debug, Information, Warning, Error, Critical or None); it is ignored"
                )),
            }
        }
        Ok((levels, warnings))
    }

    /// Sets the level of `category` (`default` for every category), replacing an earlier one.
    pub(crate) fn set(&mut self, category: &str, level: LevelFilter) {
        let category = (!category.eq_ignore_ascii_case("default")).then(|| category.to_owned());
        let same = |c: &Option<String>| match (c, &category) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (None, None) => true,
            _ => false,
        };
        match self.rules.iter_mut().find(|(c, _)| same(c)) {
            Some(rule) => rule.1 = level,
            None => self.rules.push((category, level)),
        }
    }

    /// The level of `category`: that of the longest configured category that matches it (a
    /// prefix, compared case-insensitively; one `*` stands for any text), else `default`,
    /// else Information, as `LoggerRuleSelector` chooses.
    pub(crate) fn resolve(&self, category: &str) -> LevelFilter {
        let mut best: Option<(usize, LevelFilter)> = None;
        let mut default = LevelFilter::INFO;
        for (rule, level) in &self.rules {
            let Some(rule) = rule else {
                default = *level;
                continue;
            };
            if matches(rule, category) && best.is_none_or(|(len, _)| rule.len() >= len) {
                best = Some((rule.len(), *level));
            }
        }
        best.map_or(default, |(_, level)| level)
    }

    /// The level of each of `functions`, and of events outside invocations.
    pub(crate) fn for_functions(&self, functions: &[&'static str]) -> Resolved {
        let outside = self.resolve(CONSOLE_CATEGORY);
        let levels: Vec<(&'static str, LevelFilter)> = functions
            .iter()
            .map(|f| (*f, self.resolve(&function_category(f))))
            .collect();
        let first = levels.first().map_or(outside, |(_, l)| *l);
        let uniform = levels.iter().all(|(_, l)| *l == first);
        Resolved {
            outside,
            uniform: uniform.then_some(first),
            by_function: if uniform {
                HashMap::new()
            } else {
                levels.into_iter().collect()
            },
        }
    }
}

/// A category matches a rule as in `LoggerRuleSelector`: the text before the rule's `*` is a
/// prefix of it and the text after is a suffix, ignoring ASCII case.
fn matches(rule: &str, category: &str) -> bool {
    let (prefix, suffix) = rule.split_once('*').unwrap_or((rule, ""));
    let starts = category
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix));
    let ends = category
        .len()
        .checked_sub(suffix.len())
        .and_then(|at| category.get(at..))
        .is_some_and(|s| s.eq_ignore_ascii_case(suffix));
    starts && ends && category.len() >= prefix.len() + suffix.len()
}

/// A .NET `LogLevel`, by name (any case) or number. `Critical` has no `tracing` counterpart:
/// at that level the host keeps none of the handler's lines, so it turns logging off.
fn parse_level(text: &str) -> Option<LevelFilter> {
    Some(match text.trim().to_ascii_lowercase().as_str() {
        "trace" | "0" => LevelFilter::TRACE,
        "debug" | "1" => LevelFilter::DEBUG,
        "information" | "2" => LevelFilter::INFO,
        "warning" | "3" => LevelFilter::WARN,
        "error" | "4" => LevelFilter::ERROR,
        "critical" | "5" | "none" | "6" => LevelFilter::OFF,
        _ => return None,
    })
}

fn get_ci<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// The levels of one app: per function, and outside invocations.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    outside: LevelFilter,
    /// The level of every function, when they all have the same (no lookup then).
    uniform: Option<LevelFilter>,
    by_function: HashMap<&'static str, LevelFilter>,
}

impl Resolved {
    /// Every event, everywhere, at `level` (`RUST_LOG`'s most verbose level).
    pub(crate) fn all(level: LevelFilter) -> Self {
        Self {
            outside: level,
            uniform: Some(level),
            by_function: HashMap::new(),
        }
    }

    pub(crate) fn function(&self, name: &str) -> LevelFilter {
        match self.uniform {
            Some(level) => level,
            None => self.by_function.get(name).copied().unwrap_or(self.outside),
        }
    }

    fn bounds(&self) -> (LevelFilter, LevelFilter) {
        let all = self
            .by_function
            .values()
            .chain(self.uniform.as_ref())
            .chain([&self.outside]);
        let (mut least, mut most) = (self.outside, self.outside);
        for level in all {
            least = least.min(*level);
            most = most.max(*level);
        }
        (least, most)
    }
}

/// `RUST_LOG` (or its older name `AZFN_LOG`), read through `lookup`, if set.
pub(crate) fn env_directives(lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    lookup("RUST_LOG")
        .or_else(|| lookup("AZFN_LOG"))
        .filter(|v| !v.trim().is_empty())
}

/// An [`EnvFilter`] from directives; invalid ones are reported on stderr and skipped.
pub(crate) fn env_filter(directives: &str) -> EnvFilter {
    EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .parse_lossy(directives)
}

const UNSET: u8 = u8::MAX;

fn to_u8(level: LevelFilter) -> u8 {
    match level.into_level() {
        None => 0,
        Some(tracing::Level::ERROR) => 1,
        Some(tracing::Level::WARN) => 2,
        Some(tracing::Level::INFO) => 3,
        Some(tracing::Level::DEBUG) => 4,
        Some(tracing::Level::TRACE) => 5,
    }
}

fn from_u8(n: u8) -> LevelFilter {
    match n {
        0 => LevelFilter::OFF,
        1 => LevelFilter::ERROR,
        2 => LevelFilter::WARN,
        3 | UNSET => LevelFilter::INFO,
        4 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

/// The levels of the apps started in this process (usually one): the least and most verbose
/// level any of them uses (they decide which call sites are always, sometimes or never
/// enabled), and the level outside invocations (the last app's).
static LEAST: AtomicU8 = AtomicU8::new(UNSET);
static MOST: AtomicU8 = AtomicU8::new(UNSET);
static OUTSIDE: AtomicU8 = AtomicU8::new(UNSET);
static REGISTER: Mutex<()> = Mutex::new(());

/// Makes an app's levels known to [`LevelsLayer`]s. Returns whether they widen what was
/// enabled: then the call sites must be re-evaluated (`tracing::callsite::rebuild_interest_cache`,
/// or registering a new subscriber, which does it too). Not done here: with a single subscriber
/// registered, `tracing` re-evaluates against the calling thread's default only, which is none
/// when that subscriber is a `TestApp`'s (every call site would be turned off).
pub(crate) fn register(levels: &Resolved) -> bool {
    let _lock = REGISTER.lock().unwrap_or_else(PoisonError::into_inner);
    let (least, most) = levels.bounds();
    let (least, most) = (to_u8(least), to_u8(most));
    let old_least = LEAST.load(Ordering::Relaxed);
    let old_most = MOST.load(Ordering::Relaxed);
    let new_least = if old_least == UNSET {
        least
    } else {
        old_least.min(least)
    };
    let new_most = if old_most == UNSET {
        most
    } else {
        old_most.max(most)
    };
    OUTSIDE.store(to_u8(levels.outside), Ordering::Relaxed);
    if (new_least, new_most) == (old_least, old_most) {
        return false;
    }
    LEAST.store(new_least, Ordering::Relaxed);
    MOST.store(new_most, Ordering::Relaxed);
    true
}

/// The filter of azfn's subscriber, for every layer of it: `RUST_LOG` if it was set when the
/// layer was made, else the level of the current invocation's function (from `host.json`), or
/// of the console outside invocations.
pub(crate) struct LevelsLayer {
    env: Option<EnvFilter>,
}

impl LevelsLayer {
    pub(crate) fn new(lookup: &dyn Fn(&str) -> Option<String>) -> Self {
        Self {
            env: env_directives(lookup).map(|d| env_filter(&d)),
        }
    }

    fn current() -> LevelFilter {
        super::with_current(|sink| sink.level)
            .unwrap_or_else(|| from_u8(OUTSIDE.load(Ordering::Relaxed)))
    }
}

impl<S: Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>> Layer<S>
    for LevelsLayer
{
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if let Some(env) = &self.env {
            return Layer::<S>::register_callsite(env, metadata);
        }
        let level = to_u8(LevelFilter::from_level(*metadata.level()));
        let least = LEAST.load(Ordering::Relaxed);
        let most = MOST.load(Ordering::Relaxed);
        if level <= rank(least) {
            Interest::always()
        } else if level > rank(most) {
            Interest::never()
        } else {
            Interest::sometimes()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>, ctx: Context<'_, S>) -> bool {
        match &self.env {
            Some(env) => Layer::<S>::enabled(env, metadata, ctx),
            None => *metadata.level() <= Self::current(),
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        match &self.env {
            Some(env) => Layer::<S>::max_level_hint(env),
            None => Some(from_u8(MOST.load(Ordering::Relaxed))),
        }
    }

    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        if let Some(env) = &self.env {
            env.on_new_span(attrs, id, ctx);
        }
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: Context<'_, S>,
    ) {
        if let Some(env) = &self.env {
            env.on_record(id, values, ctx);
        }
    }

    fn on_enter(&self, id: &tracing::span::Id, ctx: Context<'_, S>) {
        if let Some(env) = &self.env {
            env.on_enter(id, ctx);
        }
    }

    fn on_exit(&self, id: &tracing::span::Id, ctx: Context<'_, S>) {
        if let Some(env) = &self.env {
            env.on_exit(id, ctx);
        }
    }

    fn on_close(&self, id: tracing::span::Id, ctx: Context<'_, S>) {
        if let Some(env) = &self.env {
            env.on_close(id, ctx);
        }
    }
}

/// The rank of a registered bound, with "no app yet" taken as Information.
fn rank(n: u8) -> u8 {
    if n == UNSET { 3 } else { n }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(json: &str) -> HostLevels {
        let (levels, warnings) = HostLevels::from_host_json(json).unwrap_or_default();
        assert!(warnings.is_empty(), "{warnings:?}");
        levels
    }

    #[test]
    fn categories_resolve_as_the_host_resolves_them() {
        let l = levels(
            r#"{"version": "2.0", "Logging": {"LOGLEVEL": {
                "default": "Warning", "Function": "Error", "Function.hello": "debug",
                "Func*.User": "Information", "Host": "None"}}}"#,
        );
        assert_eq!(l.resolve("Function.hello.User"), LevelFilter::DEBUG);
        // A prefix, not a name: `Function.hello` also covers `hello2` (as in the host).
        assert_eq!(l.resolve("Function.hello2.User"), LevelFilter::DEBUG);
        assert_eq!(l.resolve("Function.other.User"), LevelFilter::INFO);
        // The longest rule wins, wildcard included, as in the host.
        assert_eq!(l.resolve("Function.hellos.User"), LevelFilter::DEBUG);
        assert_eq!(l.resolve("function.OTHER"), LevelFilter::ERROR);
        assert_eq!(l.resolve("Host.Function.Console"), LevelFilter::OFF);
        assert_eq!(l.resolve("Worker"), LevelFilter::WARN);
        assert_eq!(HostLevels::default().resolve("x"), LevelFilter::INFO);
    }

    #[test]
    fn bad_levels_are_reported_and_ignored() {
        let (l, warnings) = HostLevels::from_host_json(
            r#"{"logging": {"logLevel": {"default": "Verbose", "Function": 3, "Function.a": "Trace"}}}"#,
        )
        .unwrap_or_default();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("logging.logLevel.default is \"Verbose\"")),
            "{warnings:?}"
        );
        assert_eq!(l.resolve("Function.b.User"), LevelFilter::INFO);
        assert_eq!(l.resolve("Function.a.User"), LevelFilter::TRACE);
        assert!(HostLevels::from_host_json("{ nope").is_err());
        let (none, warnings) =
            HostLevels::from_host_json(r#"{"version": "2.0"}"#).unwrap_or_default();
        assert!(warnings.is_empty());
        assert_eq!(none, HostLevels::default());
    }

    #[test]
    fn set_replaces_and_functions_share_a_level_when_they_can() {
        let mut l = levels(r#"{"logging": {"logLevel": {"Default": "Error"}}}"#);
        l.set("default", LevelFilter::WARN);
        l.set("Function.b", LevelFilter::TRACE);
        assert_eq!(l.resolve("anything"), LevelFilter::WARN);
        let r = l.for_functions(&["a", "b"]);
        assert_eq!(r.function("a"), LevelFilter::WARN);
        assert_eq!(r.function("b"), LevelFilter::TRACE);
        assert_eq!(r.bounds(), (LevelFilter::WARN, LevelFilter::TRACE));
        let r = HostLevels::default().for_functions(&["a", "b"]);
        assert_eq!(r.uniform, Some(LevelFilter::INFO));
        assert!(r.by_function.is_empty());
    }

    #[test]
    fn wildcards_match_prefix_and_suffix() {
        assert!(matches("Function.*.User", "Function.a.User"));
        assert!(!matches("Function.*.User", "Function.a"));
        assert!(!matches("ab*ba", "aba"));
        assert!(matches("Host", "host.Results"));
        assert!(!matches("Host.Results", "Host"));
    }
}
