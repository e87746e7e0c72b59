//! The function registry: what the macros submit with `inventory`, and the checks made at start.

use std::any::TypeId;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use azfn_model::FunctionSpec;

use crate::error::{Error, Rejection};
use crate::invocation::{Invocation, StateMap};
use crate::output::{FunctionResult, IntoInvocationResult};

/// The future a generated handler returns.
pub type BoxFuture = Pin<Box<dyn Future<Output = Outcome> + Send + 'static>>;

/// Boxes a handler future.
pub fn box_future<F>(future: F) -> BoxFuture
where
    F: Future<Output = Outcome> + Send + 'static,
{
    Box::pin(future)
}

/// How an invocation ended: what a payload-mode [middleware](crate::middleware) service
/// returns. Made by running the function, or by a layer with [`Outcome::http`] or
/// [`Outcome::error`].
pub struct Outcome(pub(crate) OutcomeKind);

pub(crate) enum OutcomeKind {
    Rejected(Rejection),
    Finished(Result<FunctionResult, Error>),
    /// A layer's answer, without running the function ([`Outcome::http`]).
    Answered(crate::http_api::HttpResponse),
}

impl fmt::Debug for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            OutcomeKind::Rejected(r) => f.debug_tuple("Rejected").field(r).finish(),
            OutcomeKind::Finished(r) => f.debug_tuple("Finished").field(r).finish(),
            OutcomeKind::Answered(r) => f.debug_tuple("Answered").field(r).finish(),
        }
    }
}

/// Ends the invocation with an extraction failure.
pub fn reject(_inv: &Invocation, rejection: Rejection) -> Outcome {
    Outcome(OutcomeKind::Rejected(rejection))
}

/// Ends the invocation with the function's return value.
pub fn respond<R: IntoInvocationResult>(_inv: &Invocation, result: R) -> Outcome {
    Outcome(OutcomeKind::Finished(result.into_invocation_result()))
}

/// A generated handler: extracts the parameters, calls the function, converts the result.
pub type Handler = fn(Invocation) -> BoxFuture;

/// One registered function, submitted by the macros with `inventory::submit!`.
pub struct Registration {
    pub(crate) spec: &'static FunctionSpec,
    pub(crate) handler: Handler,
    pub(crate) file: &'static str,
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) states: &'static [StateNeed],
}

/// The type of a `State<T>` parameter, checked against the app's state at start.
#[derive(Clone, Copy)]
pub struct StateNeed {
    id: fn() -> TypeId,
    name: fn() -> &'static str,
}

impl StateNeed {
    /// The need for a `T` state.
    pub const fn of<T: 'static>() -> Self {
        Self {
            id: TypeId::of::<T>,
            name: std::any::type_name::<T>,
        }
    }
}

impl fmt::Debug for StateNeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str((self.name)())
    }
}

impl Registration {
    /// A registration; `file`, `line`, `column` locate the function for error messages.
    pub const fn new(
        spec: &'static FunctionSpec,
        handler: Handler,
        file: &'static str,
        line: u32,
        column: u32,
    ) -> Self {
        Self {
            spec,
            handler,
            file,
            line,
            column,
            states: &[],
        }
    }

    /// The same registration, with the types of its `State<T>` parameters.
    pub const fn with_states(mut self, states: &'static [StateNeed]) -> Self {
        self.states = states;
        self
    }

    /// The function's spec.
    pub fn spec(&self) -> &'static FunctionSpec {
        self.spec
    }

    /// `file:line:column` of the function.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("name", &self.spec.name)
            .field("location", &self.location())
            .finish_non_exhaustive()
    }
}

inventory::collect!(Registration);

/// Every registered function, sorted by name.
pub(crate) fn registered() -> Vec<&'static Registration> {
    let mut all: Vec<&'static Registration> = inventory::iter::<Registration>.into_iter().collect();
    all.sort_by(|a, b| {
        a.spec
            .name
            .to_ascii_lowercase()
            .cmp(&b.spec.name.to_ascii_lowercase())
            .then_with(|| a.location().cmp(&b.location()))
    });
    all
}

/// Refuses two functions whose names differ only in case (the host's function names are
/// case-insensitive).
pub(crate) fn check_duplicates(all: &[&'static Registration]) -> Result<(), Error> {
    let mut seen: HashMap<String, &'static Registration> = HashMap::new();
    let mut problems = Vec::new();
    for reg in all {
        let key = reg.spec.name.to_ascii_lowercase();
        if let Some(first) = seen.get(&key) {
            problems.push(format!(
                "`{}` ({}) and `{}` ({})",
                first.spec.name,
                first.location(),
                reg.spec.name,
                reg.location()
            ));
        } else {
            seen.insert(key, reg);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::msg(format!(
            "function names must be unique (case-insensitively), but these collide: {}; rename one with `name = \"...\"`",
            problems.join("; ")
        )))
    }
}

/// Refuses functions that take `State<T>` for a `T` the app does not provide.
pub(crate) fn check_states(all: &[&'static Registration], state: &StateMap) -> Result<(), Error> {
    let mut problems = Vec::new();
    let mut types = Vec::new();
    for reg in all {
        for need in reg.states {
            if !state.contains((need.id)()) {
                let ty = crate::type_name::strip_paths((need.name)());
                problems.push(format!(
                    "`{}` ({}) takes `State<{ty}>`",
                    reg.spec.name,
                    reg.location()
                ));
                if !types.contains(&ty) {
                    types.push(ty);
                }
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let types: Vec<String> = types.iter().map(|t| format!("`{t}`")).collect();
    Err(Error::msg(format!(
        "the app provides no {} state, but {}; provide it with `App::state(...)` (or `TestApp::state(...)`) before starting",
        types.join(", "),
        problems.join("; ")
    )))
}
