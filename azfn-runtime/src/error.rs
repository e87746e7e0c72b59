//! [`Error`], the error type of functions, and [`Rejection`], the error of extractors.

use std::error::Error as StdError;
use std::fmt;

use http::StatusCode;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The error a function returns: any [`std::error::Error`] or message, with an optional HTTP
/// status.
///
/// Works like `anyhow::Error`: `?` converts every `std::error::Error + Send + Sync + 'static`
/// into it, and [`Error::msg`] makes one from a message.
///
/// ```
/// use azfn_runtime::Error;
///
/// fn parse(text: &str) -> Result<u32, Error> {
///     let n: u32 = text.parse()?; // ParseIntError -> Error
///     if n == 0 {
///         return Err(Error::msg("zero is not an order id").with_status(400));
///     }
///     Ok(n)
/// }
/// assert_eq!(parse("7").unwrap(), 7);
/// assert_eq!(parse("0").unwrap_err().status().map(|s| s.as_u16()), Some(400));
/// assert_eq!(parse("x").unwrap_err().to_string(), "invalid digit found in string");
/// ```
///
/// What the caller sees when a function fails is described in the crate documentation
/// ([failure semantics](crate#failure-semantics)).
pub struct Error {
    inner: BoxError,
    status: Option<StatusCode>,
}

impl Error {
    /// An error from a message.
    pub fn msg<M>(message: M) -> Self
    where
        M: fmt::Display + fmt::Debug + Send + Sync + 'static,
    {
        Self {
            inner: Box::new(MessageError(message)),
            status: None,
        }
    }

    /// An error from any boxed error.
    pub fn from_boxed(error: Box<dyn StdError + Send + Sync + 'static>) -> Self {
        let status = error.downcast_ref::<Rejection>().map(Rejection::status);
        Self {
            inner: error,
            status,
        }
    }

    /// Sets the HTTP status an HTTP-triggered function answers with when it fails with this
    /// error. Codes outside `100..=999` become 500.
    ///
    /// With a 4xx status the message is sent to the client (`{"error": "<message>"}`); with a 5xx
    /// status it is hidden unless [`App::expose_errors`](crate::App::expose_errors) is on.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        self.status =
            Some(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
        self
    }

    /// The HTTP status set with [`with_status`](Self::with_status) (or carried over from a
    /// [`Rejection`]).
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The underlying error, if it is an `E`.
    pub fn downcast_ref<E: StdError + 'static>(&self) -> Option<&E> {
        self.inner.downcast_ref::<E>()
    }

    /// The chain of sources of this error, starting with the error itself.
    pub fn chain(&self) -> impl Iterator<Item = &(dyn StdError + 'static)> {
        let first: &(dyn StdError + 'static) = &*self.inner;
        std::iter::successors(Some(first), |e: &&(dyn StdError + 'static)| (*e).source())
    }

    /// Converts into a boxed standard error.
    pub fn into_boxed(self) -> Box<dyn StdError + Send + Sync + 'static> {
        self.inner
    }
}

impl<E> From<E> for Error
where
    E: StdError + Send + Sync + 'static,
{
    fn from(error: E) -> Self {
        Self::from_boxed(Box::new(error))
    }
}

impl From<Error> for Box<dyn StdError + Send + Sync + 'static> {
    fn from(error: Error) -> Self {
        error.inner
    }
}

impl fmt::Display for Error {
    /// `{}` prints the error; `{:#}` also prints its sources, separated by `: `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)?;
        if f.alternate() {
            for source in self.chain().skip(1) {
                write!(f, ": {source}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)?;
        if let Some(status) = self.status {
            write!(f, " (status {})", status.as_u16())?;
        }
        Ok(())
    }
}

struct MessageError<M>(M);

impl<M: fmt::Display> fmt::Display for MessageError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<M: fmt::Debug> fmt::Debug for MessageError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<M: fmt::Display + fmt::Debug> StdError for MessageError<M> {}

/// Why an extractor ([`FromInvocation`](crate::FromInvocation)) could not produce its value.
///
/// A rejection ends the invocation before the function runs. In payload mode the handler answers
/// the host with the rejection's status (400 for a missing or malformed binding) and a JSON body
/// `{"error": "<message>"}`; when the fault is in the content of an HTTP request (for example a
/// body that is not the expected JSON), the HTTP caller gets that status instead, as the `res`
/// output.
#[derive(Clone, Debug)]
pub struct Rejection {
    status: StatusCode,
    message: String,
    missing: bool,
    from_request: bool,
}

impl Rejection {
    /// A rejection with a status (codes outside `100..=999` become 500) and a message.
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            message: message.into(),
            missing: false,
            from_request: false,
        }
    }

    /// 400: the binding is not in the invocation's `Data`.
    pub fn missing(binding: &str) -> Self {
        Self {
            missing: true,
            ..Self::new(
                400,
                format!("binding `{binding}` is missing from the invocation's Data"),
            )
        }
    }

    /// 400: the value of `binding` is not the `expected` type; `detail` says why.
    pub fn invalid(binding: &str, expected: &str, detail: impl fmt::Display) -> Self {
        Self::new(
            400,
            format!("binding `{binding}`: expected {expected}: {detail}"),
        )
    }

    /// 400 for the HTTP caller: the HTTP request's content is not what the function accepts.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            from_request: true,
            ..Self::new(400, message)
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// `true` if the binding was absent (or `null`); `Option<T>` extractors turn this into
    /// `None`.
    pub fn is_missing(&self) -> bool {
        self.missing
    }

    /// `true` if the rejection is about the HTTP request an HTTP-triggered function received
    /// (answered to the HTTP caller) rather than about the invocation payload (answered to the
    /// host).
    pub fn is_from_request(&self) -> bool {
        self.from_request
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for Rejection {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejection_status_is_carried_into_error() {
        let e: Error = Rejection::bad_request("nope").into();
        assert_eq!(e.status(), Some(StatusCode::BAD_REQUEST));
        assert_eq!(e.to_string(), "nope");
    }

    #[test]
    fn alternate_display_prints_the_chain() {
        #[derive(Debug)]
        struct Outer(std::num::ParseIntError);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("reading the id")
            }
        }
        impl StdError for Outer {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                Some(&self.0)
            }
        }
        let Err(inner) = "x".parse::<u32>() else {
            unreachable!()
        };
        let e = Error::from(Outer(inner));
        assert_eq!(format!("{e}"), "reading the id");
        assert_eq!(
            format!("{e:#}"),
            "reading the id: invalid digit found in string"
        );
    }

    #[test]
    fn invalid_status_becomes_500() {
        assert_eq!(
            Error::msg("x").with_status(42).status(),
            Some(StatusCode::INTERNAL_SERVER_ERROR)
        );
    }
}
