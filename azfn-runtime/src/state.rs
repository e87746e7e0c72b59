//! [`State<T>`]: shared app state as a function parameter, checked when the app starts.

use std::fmt;
use std::ops::Deref;

use crate::error::Rejection;
use crate::extract::FromInvocation;
use crate::invocation::{Invocation, StateMap};
use crate::shared::Shared;

/// The shared value of type `T` given to [`App::state`](crate::App::state), as a parameter.
///
/// A parameter whose type's last path segment is `State` (with one generic argument) names no
/// binding, like [`Context`](crate::Context). Unlike [`Context::state`](crate::Context::state),
/// it is checked when the app starts: an app that asks for `State<T>` without providing a `T`
/// refuses to start, naming the function and the type.
///
/// ```
/// use azfn_runtime::http::{HttpRequest, HttpResponse};
/// use azfn_runtime::State;
///
/// struct Greeting(String);
///
/// // #[http_trigger(auth_level = "anonymous")]
/// async fn hello(_req: HttpRequest, greeting: State<Greeting>) -> HttpResponse {
///     HttpResponse::ok().text(greeting.0.clone())
/// }
///
/// // azfn_runtime::app!().state(Greeting("hello".into())).run()
/// ```
///
/// Cloning a `State` copies a pointer to the one shared value (`T` need not be `Clone`); once
/// the server runs, its state lives for the rest of the process, so no reference count is
/// changed per invocation.
pub struct State<T: Send + Sync + 'static>(Shared<T>);

impl<T: Send + Sync + 'static> Clone for State<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Send + Sync + 'static> Deref for State<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Send + Sync + fmt::Debug + 'static> fmt::Debug for State<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("State").field(&*self.0).finish()
    }
}

impl<T: Send + Sync + 'static> FromInvocation for State<T> {
    const __AZFN_ROLE: crate::extract::ParamKind = crate::extract::ParamKind::State;

    fn from_invocation(inv: &Invocation, _binding: &'static str) -> Result<Self, Rejection> {
        // Checked at start for the functions the macros register; a hand-written registration
        // that skipped the check gets a 500 rather than a panic.
        StateMap::shared::<T>(&inv.state).map(State).ok_or_else(|| {
            Rejection::new(
                500,
                format!(
                    "the app has no `{}` state; provide it with `App::state(...)`",
                    crate::type_name::short_type_name::<T>()
                ),
            )
        })
    }
}

/// What the macros name to find `T` in a `State<T>` parameter (not public API).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not `azfn_runtime::State<T>`, but a parameter type named `State<...>` is read as app state",
    label = "not azfn_runtime::State",
    note = "take `azfn_runtime::State<T>` for shared app state, or import your own type under another name (`use my::State as MyState;`)"
)]
pub trait StateParam {
    /// The state's type.
    type Value: Send + Sync + 'static;
}

impl<T: Send + Sync + 'static> StateParam for State<T> {
    type Value = T;
}
