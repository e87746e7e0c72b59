//! The caller's identities and claims, as the host sends them.

use super::*;

/// One identity of the caller (a serialized .NET `ClaimsIdentity`, contract §4.3).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Identity {
    /// `AuthenticationType`, e.g. `WebJobsAuthLevel` for key-authenticated calls.
    pub authentication_type: Option<String>,
    /// `IsAuthenticated`.
    pub is_authenticated: bool,
    /// `Name`.
    pub name: Option<String>,
    /// `Claims`.
    pub claims: Vec<Claim>,
}

impl Identity {
    /// The value of the first claim of this type.
    pub fn claim(&self, claim_type: &str) -> Option<&str> {
        self.claims
            .iter()
            .find(|c| c.claim_type == claim_type)
            .map(|c| c.value.as_str())
    }

    pub(super) fn from_json(value: &Value) -> Option<Self> {
        let obj = value.as_object()?;
        let claims = match get_ci(obj, "Claims") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|c| {
                    let c = c.as_object()?;
                    Some(Claim {
                        claim_type: get_ci(c, "Type").and_then(as_text)?,
                        value: get_ci(c, "Value").and_then(as_text).unwrap_or_default(),
                        issuer: get_ci(c, "Issuer").and_then(as_text),
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        Some(Self {
            authentication_type: get_ci(obj, "AuthenticationType").and_then(as_text),
            is_authenticated: matches!(get_ci(obj, "IsAuthenticated"), Some(Value::Bool(true))),
            name: get_ci(obj, "Name").and_then(as_text),
            claims,
        })
    }
}

/// One claim of an [`Identity`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claim {
    /// `Type`, e.g. `http://schemas.microsoft.com/2017/07/functions/claims/authlevel`.
    pub claim_type: String,
    /// `Value`.
    pub value: String,
    /// `Issuer`.
    pub issuer: Option<String>,
}
