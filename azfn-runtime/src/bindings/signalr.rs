//! Azure SignalR Service (`signalRConnectionInfo` input, `signalR` output, `signalRTrigger`):
//! [`SignalRConnectionInfo`], [`SignalRMessage`], [`SignalRGroupAction`],
//! [`SignalRInvocationContext`].
//!
//! Shapes from the SignalR extension (`Azure/azure-sdk-for-net`,
//! `sdk/signalr/Microsoft.Azure.WebJobs.Extensions.SignalRService/src/Bindings/`:
//! `SignalRConnectionInfo.cs`, `SignalRMessage.cs`, `SignalRGroupAction.cs`, with their
//! `JsonProperty` names). The connection info reaches a custom handler as a JSON object (a
//! POCO, embedded by the host, contract §4.2). For the output, the extension turns each JSON
//! object it receives into a `SignalRMessage` or, failing that, a `SignalRGroupAction`
//! (`SignalROutputConverter.cs`): return one value or a `Vec` of them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a client needs to connect to SignalR Service: a `signalRConnectionInfo` input binding,
/// usually returned as the body of a `negotiate` HTTP function.
///
/// ```
/// use azfn_runtime::bindings::signalr::SignalRConnectionInfo;
/// use azfn_runtime::http::{HttpRequest, HttpResponse};
/// use azfn_runtime::Json;
///
/// // #[http_trigger(route = "negotiate", methods = ["post"], auth_level = "anonymous")]
/// // #[binding(type = "signalRConnectionInfo", direction = "in", name = "connectionInfo", hubName = "chat")]
/// async fn negotiate(req: HttpRequest, connection_info: SignalRConnectionInfo) -> HttpResponse {
///     HttpResponse::ok().json(&connection_info)
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SignalRConnectionInfo {
    /// `url`: the service endpoint the client connects to.
    pub url: String,
    /// `accessToken`: the client's access token.
    pub access_token: String,
    /// `tokenLifetimeSeconds`: when the client should refresh the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime_seconds: Option<u64>,
}

/// A message for a `signalR` output binding: a hub method (`target`) to invoke on clients with
/// `arguments`, sent to everyone, a user, a group or a connection.
///
/// ```
/// use azfn_runtime::bindings::signalr::SignalRMessage;
/// use serde_json::json;
///
/// // #[binding(type = "signalR", direction = "out", name = "$return", hubName = "chat")]
/// async fn broadcast(text: String) -> SignalRMessage {
///     SignalRMessage::new("newMessage", vec![json!(text)])
/// }
///
/// let to_group = SignalRMessage::new("newMessage", vec![json!("hi")]).to_group("admins");
/// assert_eq!(
///     serde_json::to_value(&to_group)?,
///     json!({"target": "newMessage", "arguments": ["hi"], "groupName": "admins"})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SignalRMessage {
    /// `target`: the client-side method name.
    pub target: String,
    /// `arguments`: its arguments.
    pub arguments: Vec<Value>,
    /// `userId`: send only to this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// `groupName`: send only to this group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    /// `connectionId`: send only to this connection (takes precedence over user and group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    /// `endpoints`: the service endpoints to send through (all when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<Value>>,
}

impl SignalRMessage {
    /// A message to every client of the hub.
    pub fn new(target: impl Into<String>, arguments: Vec<Value>) -> Self {
        Self {
            target: target.into(),
            arguments,
            ..Self::default()
        }
    }

    /// Sends it only to `user_id`.
    #[must_use]
    pub fn to_user(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// Sends it only to `group`.
    #[must_use]
    pub fn to_group(mut self, group: impl Into<String>) -> Self {
        self.group_name = Some(group.into());
        self
    }

    /// Sends it only to `connection_id`.
    #[must_use]
    pub fn to_connection(mut self, connection_id: impl Into<String>) -> Self {
        self.connection_id = Some(connection_id.into());
        self
    }
}

/// What a [`SignalRGroupAction`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum GroupAction {
    /// `add`: add the user or connection to the group.
    Add,
    /// `remove`: remove it from the group.
    Remove,
    /// `removeAll`: remove the user from every group.
    RemoveAll,
}

/// A group membership change for a `signalR` output binding.
///
/// ```
/// use azfn_runtime::bindings::signalr::{GroupAction, SignalRGroupAction};
///
/// let join = SignalRGroupAction::user(GroupAction::Add, "admins", "ferris");
/// assert_eq!(
///     serde_json::to_value(&join)?,
///     serde_json::json!({"action": "add", "groupName": "admins", "userId": "ferris"})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SignalRGroupAction {
    /// `action`.
    pub action: GroupAction,
    /// `groupName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    /// `userId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// `connectionId` (takes precedence over `userId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    /// `endpoints`: the service endpoints to act on (all when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<Value>>,
}

impl SignalRGroupAction {
    /// `action` on `group` for the user `user_id`.
    pub fn user(action: GroupAction, group: impl Into<String>, user_id: impl Into<String>) -> Self {
        Self {
            action,
            group_name: Some(group.into()),
            user_id: Some(user_id.into()),
            connection_id: None,
            endpoints: None,
        }
    }

    /// `action` on `group` for the connection `connection_id`.
    pub fn connection(
        action: GroupAction,
        group: impl Into<String>,
        connection_id: impl Into<String>,
    ) -> Self {
        Self {
            action,
            group_name: Some(group.into()),
            user_id: None,
            connection_id: Some(connection_id.into()),
            endpoints: None,
        }
    }
}

/// What a `signalRTrigger` receives: a client's hub invocation (`category: messages`) or a
/// connection event (`category: connections`, `event: connected`/`disconnected`).
///
/// The extension's `InvocationContext` (`TriggerBindings/Context/InvocationContext.cs` in the
/// extension's source, `Azure/azure-sdk-for-net`, `sdk/signalr/`), serialized by
/// `JObject.FromObject`, hence the PascalCase names; a script function receives that object
/// (`SignalRTriggerBinding`). Whether the host sends it embedded or as text is not verified;
/// both are read.
///
/// ```
/// use azfn_runtime::bindings::signalr::SignalRInvocationContext;
/// use azfn_runtime::Context;
///
/// // #[generic_trigger(type = "signalRTrigger", hubName = "chat", category = "messages",
/// //     event = "broadcast", parameterNames = ["message"])]
/// async fn on_broadcast(invocation: SignalRInvocationContext, ctx: Context) {
///     ctx.log(format_args!("{:?} says {:?}", invocation.user_id, invocation.arguments));
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SignalRInvocationContext {
    /// `Arguments`: the invocation's arguments.
    #[serde(rename = "Arguments", alias = "arguments", default)]
    pub arguments: Vec<Value>,
    /// `Error`: why a connection closed (disconnected events).
    #[serde(rename = "Error", alias = "error", default)]
    pub error: Option<String>,
    /// `Category`: `connections` or `messages`.
    #[serde(rename = "Category", alias = "category", default)]
    pub category: Option<String>,
    /// `Event`: `connected`, `disconnected`, or the hub method's name.
    #[serde(rename = "Event", alias = "event", default)]
    pub event: Option<String>,
    /// `Hub`.
    #[serde(rename = "Hub", alias = "hub", default)]
    pub hub: Option<String>,
    /// `ConnectionId`.
    #[serde(rename = "ConnectionId", alias = "connectionId", default)]
    pub connection_id: Option<String>,
    /// `UserId`.
    #[serde(rename = "UserId", alias = "userId", default)]
    pub user_id: Option<String>,
    /// `Headers` of the client's request (repeated names joined by commas).
    #[serde(rename = "Headers", alias = "headers", default)]
    pub headers: BTreeMap<String, String>,
    /// `Query` of the client's connect request.
    #[serde(rename = "Query", alias = "query", default)]
    pub query: BTreeMap<String, String>,
    /// `Claims` of the client (the first of each type).
    #[serde(rename = "Claims", alias = "claims", default)]
    pub claims: BTreeMap<String, String>,
}

super::json_input!(SignalRConnectionInfo, SignalRInvocationContext);
super::json_output_value!(SignalRMessage, SignalRGroupAction);
