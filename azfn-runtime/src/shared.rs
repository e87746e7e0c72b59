//! [`Shared`]: a value every request reads, shared without a reference count per request.

use std::ops::Deref;
use std::sync::Arc;

/// A value shared by every request. The server's copy lives for the rest of the process
/// ([`Shared::leak`]), so handing it to a request copies a pointer; a reference count changed
/// by every request on every core would make the cores fight over its cache line. The test kit
/// keeps the counted form, so that an app's state is dropped with its `TestApp`.
pub(crate) enum Shared<T: 'static> {
    Static(&'static T),
    Counted(Arc<T>),
}

impl<T> Shared<T> {
    pub(crate) fn new(value: T) -> Self {
        Self::Counted(Arc::new(value))
    }

    /// The same value, kept for the rest of the process.
    pub(crate) fn leak(self) -> Self {
        match self {
            Self::Static(value) => Self::Static(value),
            Self::Counted(arc) => {
                let arc: &'static Arc<T> = Box::leak(Box::new(arc));
                Self::Static(arc)
            }
        }
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Static(value) => Self::Static(value),
            Self::Counted(arc) => Self::Counted(arc.clone()),
        }
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Self::Static(value) => value,
            Self::Counted(arc) => arc,
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}
