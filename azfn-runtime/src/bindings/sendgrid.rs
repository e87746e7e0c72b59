//! SendGrid (`sendGrid` output): [`SendGridMessage`].
//!
//! The extension reads each JSON object it receives as the SendGrid client library's
//! `SendGridMessage` (`SendGridHelpers.CreateMessage`, `input.ToObject<SendGridMessage>()`, in
//! `Azure/azure-webjobs-sdk-extensions`,
//! `src/WebJobs.Extensions.SendGrid/Bindings/SendGridHelpers.cs`): the body of SendGrid's v3
//! `mail/send` API, with snake_case names (`personalizations`, `from`, `subject`, `content`,
//! `template_id`, `reply_to`, …). What the message leaves out, the binding fills in from its
//! `from`, `to`, `subject` and `text` settings (`DefaultMessageProperties`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An email address, with an optional display name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct EmailAddress {
    /// `email`.
    pub email: String,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl EmailAddress {
    /// An address without a display name.
    pub fn new(email: impl Into<String>) -> Self {
        Self {
            email: email.into(),
            name: None,
        }
    }

    /// An address with a display name.
    pub fn named(email: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            email: email.into(),
            name: Some(name.into()),
        }
    }
}

impl From<&str> for EmailAddress {
    fn from(email: &str) -> Self {
        Self::new(email)
    }
}

impl From<String> for EmailAddress {
    fn from(email: String) -> Self {
        Self::new(email)
    }
}

/// One set of recipients, with what is particular to them.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Personalization {
    /// `to`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<EmailAddress>,
    /// `cc`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<EmailAddress>,
    /// `bcc`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bcc: Vec<EmailAddress>,
    /// `subject`, overriding the message's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// `dynamic_template_data`, for a dynamic template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_template_data: Option<Value>,
    /// Any other field (`headers`, `substitutions`, `custom_args`, `send_at`, …), kept.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A body part: `{"type": "text/plain", "value": "..."}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct MailContent {
    /// `type`: the MIME type.
    #[serde(rename = "type")]
    pub mime_type: String,
    /// `value`.
    pub value: String,
}

/// An email for a `sendGrid` output binding.
///
/// ```
/// use azfn_runtime::bindings::sendgrid::SendGridMessage;
///
/// // #[binding(type = "sendGrid", direction = "out", name = "$return", apiKey = "SendGridApiKey",
/// //     from = "orders@contoso.com")]
/// async fn confirm(email: String) -> SendGridMessage {
///     SendGridMessage::new()
///         .to(email)
///         .subject("Your order")
///         .text("Thank you for your order.")
/// }
///
/// let mail = SendGridMessage::new().to("a@example.com").from("b@example.com").subject("Hi").text("Hello");
/// assert_eq!(
///     serde_json::to_value(&mail)?,
///     serde_json::json!({
///         "personalizations": [{"to": [{"email": "a@example.com"}]}],
///         "from": {"email": "b@example.com"},
///         "subject": "Hi",
///         "content": [{"type": "text/plain", "value": "Hello"}],
///     })
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SendGridMessage {
    /// `personalizations`: the recipients (the binding's `to` when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub personalizations: Vec<Personalization>,
    /// `from` (the binding's `from` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<EmailAddress>,
    /// `reply_to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<EmailAddress>,
    /// `subject` (the binding's `subject` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// `content`: the body parts (the binding's `text` when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<MailContent>,
    /// `template_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// Any other field (`attachments`, `categories`, `headers`, `mail_settings`, …), kept.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl SendGridMessage {
    /// An empty message: what is left out comes from the binding's settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a recipient (to the first personalization).
    #[must_use]
    pub fn to(mut self, address: impl Into<EmailAddress>) -> Self {
        if self.personalizations.is_empty() {
            self.personalizations.push(Personalization::default());
        }
        if let Some(first) = self.personalizations.first_mut() {
            first.to.push(address.into());
        }
        self
    }

    /// Sets the sender.
    #[must_use]
    pub fn from(mut self, address: impl Into<EmailAddress>) -> Self {
        self.from = Some(address.into());
        self
    }

    /// Sets the subject.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Adds a `text/plain` body.
    #[must_use]
    pub fn text(self, text: impl Into<String>) -> Self {
        self.content("text/plain", text)
    }

    /// Adds a `text/html` body.
    #[must_use]
    pub fn html(self, html: impl Into<String>) -> Self {
        self.content("text/html", html)
    }

    /// Adds a body of any MIME type.
    #[must_use]
    pub fn content(mut self, mime_type: impl Into<String>, value: impl Into<String>) -> Self {
        self.content.push(MailContent {
            mime_type: mime_type.into(),
            value: value.into(),
        });
        self
    }
}

super::json_output_value!(SendGridMessage);
