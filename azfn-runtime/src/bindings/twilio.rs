//! Twilio (`twilioSms` output): [`TwilioSms`].
//!
//! The extension reads each JSON object it receives into Twilio's `CreateMessageOptions`,
//! property names matched case-insensitively (`CreateMessageOptions(JObject)` in
//! `TwilioExtensionConfigProvider`, `Azure/azure-webjobs-sdk-extensions`,
//! `src/WebJobs.Extensions.Twilio/Config/TwilioExtensionConfigProvider.cs`): `to`, `from`,
//! `body`, `mediaUrl` (an array), `statusCallback`, `messagingServiceSid`, `applicationSid`,
//! `providerSid`, `maxPrice`, `maxRate`, `validityPeriod`, `provideFeedback`,
//! `forceDelivery`, `pathAccountSid`. What the message leaves out, the binding fills in from its
//! `from`, `to` and `body` settings.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A text message for a `twilioSms` output binding.
///
/// ```
/// use azfn_runtime::bindings::twilio::TwilioSms;
///
/// // #[binding(type = "twilioSms", direction = "out", name = "$return",
/// //     accountSidSetting = "TwilioAccountSid", authTokenSetting = "TwilioAuthToken", from = "+15555550100")]
/// async fn notify(phone: String) -> TwilioSms {
///     TwilioSms::new(phone, "Your order has shipped.")
/// }
///
/// let sms = TwilioSms::new("+15555550123", "Hi").media_url("https://example.com/a.png");
/// assert_eq!(
///     serde_json::to_value(&sms)?,
///     serde_json::json!({"to": "+15555550123", "body": "Hi", "mediaUrl": ["https://example.com/a.png"]})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TwilioSms {
    /// `to` (the binding's `to` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// `from` (the binding's `from` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// `body` (the binding's `body` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `mediaUrl`: media to attach (MMS).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_url: Vec<String>,
    /// `statusCallback`: a URL Twilio calls with delivery updates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_callback: Option<String>,
    /// `messagingServiceSid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messaging_service_sid: Option<String>,
    /// Any other option (`validityPeriod`, `maxPrice`, `provideFeedback`, …), kept.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl TwilioSms {
    /// A message with a recipient and a body (the sender comes from the binding).
    pub fn new(to: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            to: Some(to.into()),
            body: Some(body.into()),
            ..Self::default()
        }
    }

    /// Sets the sender.
    #[must_use]
    pub fn from(mut self, from: impl Into<String>) -> Self {
        self.from = Some(from.into());
        self
    }

    /// Attaches media.
    #[must_use]
    pub fn media_url(mut self, url: impl Into<String>) -> Self {
        self.media_url.push(url.into());
        self
    }
}

super::json_output_value!(TwilioSms);
