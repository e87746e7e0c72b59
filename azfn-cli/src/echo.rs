//! Each log line once: an azfn handler prints every log line (`LEVEL [function id] text`) and
//! also returns it in the invocation's `Logs`, which `start` prints under the invocation. For
//! payload-mode functions the printed copy is held until the invocation's outcome: dropped when
//! the same text came back in `Logs`, shown otherwise (a failed invocation returns no `Logs`).

use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// How many finished invocations are remembered (for echoes that arrive after the outcome).
const FINISHED: usize = 1024;
/// Echoes of an invocation whose outcome never comes are shown after this long.
const STALE: Duration = Duration::from_secs(60);

/// The functions whose log lines come back in `Logs` (payload mode), set once at start.
static LOGS_COME_BACK: OnceLock<Vec<String>> = OnceLock::new();
static STATE: Mutex<State> = Mutex::new(State {
    held: Vec::new(),
    finished: VecDeque::new(),
});

/// One echoed line: its text (after the prefix), the line as printed, from stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Echo {
    pub(crate) text: String,
    pub(crate) line: String,
    pub(crate) stderr: bool,
}

#[derive(Debug)]
struct State {
    /// Echoes waiting for their invocation's outcome: (invocation id, since, echo).
    held: Vec<(String, Instant, Echo)>,
    /// Finished invocations with the lines of their `Logs`.
    finished: VecDeque<(String, Vec<String>)>,
}

/// Records the functions whose log lines come back in `Logs` (payload-mode functions).
pub(crate) fn set_logs_come_back(functions: Vec<String>) {
    let _ = LOGS_COME_BACK.set(functions);
}

/// What to do with a line the handler printed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Print these stale held echoes, then the line.
    Show(Vec<Echo>),
    /// Its text is (or will be) printed from `Logs`: print it only with `--verbose`, plus
    /// these stale held echoes.
    Duplicate(Vec<Echo>),
}

/// Decides about a handler output line.
pub(crate) fn on_output(line: &str, stderr: bool) -> Verdict {
    let Some((function, id, text)) = parse(line) else {
        return Verdict::Show(Vec::new());
    };
    let comes_back = LOGS_COME_BACK
        .get()
        .is_some_and(|names| names.iter().any(|n| n.eq_ignore_ascii_case(function)));
    if !comes_back {
        return Verdict::Show(Vec::new());
    }
    let mut state = STATE.lock().unwrap_or_else(PoisonError::into_inner);
    let now = Instant::now();
    let mut stale = Vec::new();
    state.held.retain(|(_, since, echo)| {
        let keep = now.duration_since(*since) < STALE;
        if !keep {
            stale.push(echo.clone());
        }
        keep
    });
    if let Some((_, logs)) = state.finished.iter().find(|(i, _)| i == id) {
        return if logs.iter().any(|l| l == text) {
            Verdict::Duplicate(stale)
        } else {
            Verdict::Show(stale)
        };
    }
    state.held.push((
        id.to_owned(),
        now,
        Echo {
            text: text.to_owned(),
            line: line.to_owned(),
            stderr,
        },
    ));
    Verdict::Duplicate(stale)
}

/// The outcome of invocation `id` with its `Logs` is being printed: returns the held echoes
/// whose text is not among the logs (to print), and remembers the logs for later echoes.
pub(crate) fn on_outcome(id: &str, logs: &[String]) -> Vec<Echo> {
    let lines: Vec<String> = logs
        .iter()
        .flat_map(|l| l.lines().map(str::to_owned))
        .collect();
    let mut state = STATE.lock().unwrap_or_else(PoisonError::into_inner);
    let mut show = Vec::new();
    state.held.retain(|(i, _, echo)| {
        if i != id {
            return true;
        }
        if !lines.contains(&echo.text) {
            show.push(echo.clone());
        }
        false
    });
    if state.finished.len() == FINISHED {
        state.finished.pop_front();
    }
    state.finished.push_back((id.to_owned(), lines));
    show
}

/// The function, invocation id and text of an azfn log line `LEVEL [function id] text`.
fn parse(line: &str) -> Option<(&str, &str, &str)> {
    let (level, rest) = line.split_once(' ')?;
    if !["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(&level) {
        return None;
    }
    let (inner, text) = rest.strip_prefix('[')?.split_once(']')?;
    let (function, id) = inner.split_once(' ')?;
    let text = text.strip_prefix(' ').unwrap_or(text);
    (id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
        .then_some((function, id, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azfn_log_lines_are_recognized() {
        assert_eq!(
            parse("INFO [hello 2a92684c-24d2-4a3e-9577-804915def0ee] processing"),
            Some((
                "hello",
                "2a92684c-24d2-4a3e-9577-804915def0ee",
                "processing"
            ))
        );
        assert_eq!(parse("INFO [hello] processing"), None);
        assert_eq!(parse("payload handler listening"), None);
    }

    #[test]
    fn echoes_are_dropped_when_logs_carry_them_and_shown_otherwise() {
        set_logs_come_back(vec!["f".to_owned()]);
        let a = "11111111-2222-3333-4444-555555555555";
        let b = "11111111-2222-3333-4444-666666666666";
        let c = "11111111-2222-3333-4444-777777777777";
        // Echo before the outcome, carried by Logs: dropped.
        assert_eq!(
            on_output(&format!("INFO [f {a}] one"), false),
            Verdict::Duplicate(Vec::new())
        );
        assert!(on_outcome(a, &["one".to_owned()]).is_empty());
        // Echo before a failed outcome (no Logs): shown then.
        assert_eq!(
            on_output(&format!("INFO [f {b}] two"), false),
            Verdict::Duplicate(Vec::new())
        );
        let shown = on_outcome(b, &[]);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].text, "two");
        // Echo after the outcome: dropped when in Logs, shown when not.
        on_outcome(c, &["three".to_owned()]);
        assert_eq!(
            on_output(&format!("INFO [f {c}] three"), false),
            Verdict::Duplicate(Vec::new())
        );
        assert!(matches!(
            on_output(&format!("INFO [f {c}] four"), false),
            Verdict::Show(v) if v.is_empty()
        ));
        // Other functions and other lines are shown at once.
        assert_eq!(
            on_output(&format!("INFO [g {a}] five"), false),
            Verdict::Show(Vec::new())
        );
        assert_eq!(on_output("hello", true), Verdict::Show(Vec::new()));
    }
}
