//! [`Json<T>`].

use std::ops::{Deref, DerefMut};

/// A JSON value of type `T`, in or out.
///
/// As a parameter it reads the binding's payload (a queue message, a blob, any generic binding)
/// or, for an HTTP trigger, the request body, and deserializes it into `T`: the host's double
/// encoding is undone first, so a queue message `{"id":1}` (sent as `"\"{\\\"id\\\":1}\""`)
/// becomes your struct. A value that is not a `T` is rejected with 400, naming the binding and
/// the type.
///
/// As an output it serializes `T` to JSON text and sends it as bytes (base64 on the wire, so the
/// host's base64 guessing cannot corrupt it; see [`OutputValue`](crate::outputs::OutputValue)).
///
/// ```
/// use azfn_runtime::{Error, Json};
///
/// #[derive(serde::Deserialize, serde::Serialize)]
/// struct Order { id: u64, quantity: u32 }
///
/// // #[queue_trigger(queue_name = "orders")]
/// // #[queue_output(name = "$return", queue_name = "shipments")]
/// async fn ship(order: Json<Order>) -> Result<Json<Order>, Error> {
///     let order = order.into_inner();
///     Ok(Json(Order { quantity: order.quantity * 2, ..order }))
/// }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The inner value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}
