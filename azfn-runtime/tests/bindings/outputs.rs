//! SignalR connection info and trigger in; SignalR, Event Grid, SendGrid and Twilio messages
//! out.

use super::*;
use azfn_runtime::bindings::event_grid::{AnyEvent, CloudEvent, EventGridEvent};
use azfn_runtime::bindings::sendgrid::{EmailAddress, SendGridMessage};
use azfn_runtime::bindings::signalr::{
    GroupAction, SignalRConnectionInfo, SignalRGroupAction, SignalRInvocationContext,
    SignalRMessage,
};
use azfn_runtime::bindings::twilio::TwilioSms;
use azfn_runtime::testing::TestApp;
use azfn_runtime::{
    Context, event_grid_output, queue_trigger, send_grid_output, signalr_connection_info,
    signalr_output, signalr_trigger, twilio_sms_output,
};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// SignalR.

#[queue_trigger(queue_name = "negotiate")]
#[signalr_connection_info(name = "connectionInfo", hub_name = "chat", user_id = "{queueTrigger}")]
#[signalr_output(name = "$return", hub_name = "chat")]
async fn negotiate(
    user: String,
    connection_info: SignalRConnectionInfo,
    ctx: Context,
) -> Vec<SignalRMessage> {
    ctx.log(json!(connection_info));
    vec![
        SignalRMessage::new("joined", vec![json!(user)]),
        SignalRMessage::new("welcome", vec![json!(user), json!({"hub": "chat"})]).to_user(user),
    ]
}

#[queue_trigger(queue_name = "join")]
#[signalr_output(name = "$return", hub_name = "chat")]
async fn join(user: String) -> SignalRGroupAction {
    SignalRGroupAction::user(GroupAction::Add, "admins", user)
}

#[tokio::test]
async fn signalr_connection_info_in_messages_out() {
    let outcome = TestApp::new()
        .invoke_raw("negotiate", fixture!("signalr/connection_info.json"))
        .await
        .unwrap();
    assert!(outcome.is_success(), "{outcome:?}");
    let info: Value = serde_json::from_str(&outcome.logs()[0]).unwrap();
    assert_eq!(
        info["url"],
        "https://chat.service.signalr.net/client/?hub=chat"
    );
    assert!(info["accessToken"].as_str().unwrap().starts_with("eyJ"));
    assert!(info.get("tokenLifetimeSeconds").is_none());
    let sent: Value = outcome.return_value().unwrap().json().unwrap();
    assert_eq!(
        sent,
        json!([
            {"target": "joined", "arguments": ["ferris"]},
            {"target": "welcome", "arguments": ["ferris", {"hub": "chat"}], "userId": "ferris"},
        ])
    );

    let outcome = TestApp::new().queue("join", "ferris").await.unwrap();
    let action: Value = outcome.return_value().unwrap().json().unwrap();
    assert_eq!(
        action,
        json!({"action": "add", "groupName": "admins", "userId": "ferris"})
    );

    let bad = patched(
        fixture!("signalr/connection_info.json"),
        "/Data/connectionInfo",
        json!({"url": 5}),
    );
    let err = refused("negotiate", &bad).await;
    assert!(
        err.starts_with("binding `connectionInfo`: expected JSON for `SignalRConnectionInfo`: invalid type: integer `5`, expected a string"),
        "{err}"
    );
}

#[signalr_trigger(hub_name = "chat", category = "messages", event = "broadcast")]
async fn on_broadcast(invocation: SignalRInvocationContext, ctx: Context) {
    ctx.log(json!(invocation));
}

#[tokio::test]
async fn a_signalr_trigger_invocation() {
    let got = run("on_broadcast", fixture!("signalr/invocation.json")).await;
    assert_eq!(
        got,
        json!({
            "Arguments": ["hello", {"mood": "happy"}], "Error": null, "Category": "messages",
            "Event": "broadcast", "Hub": "chat", "ConnectionId": "q3t1-connection",
            "UserId": "ferris",
            "Headers": {"Host": "chat.service.signalr.net", "User-Agent": "Microsoft SignalR/8.0"},
            "Query": {"id": "q3t1"}, "Claims": {"nameid": "ferris"},
        })
    );
    let as_text = patched(
        fixture!("signalr/invocation.json"),
        "/Data/invocation",
        json!("{\"arguments\":[1],\"event\":\"connected\",\"category\":\"connections\"}"),
    );
    let got = run("on_broadcast", &as_text).await;
    assert_eq!(got["Arguments"], json!([1]));
    assert_eq!(got["Event"], "connected");
    assert_eq!(got["Headers"], json!({}));
}

// ---------------------------------------------------------------------------------------------
// Event Grid output.

#[queue_trigger(queue_name = "publish")]
#[event_grid_output(
    name = "$return",
    topic_endpoint_uri = "TopicUri",
    topic_key_setting = "TopicKey"
)]
async fn publish(id: String) -> Vec<AnyEvent> {
    vec![
        AnyEvent::EventGrid(EventGridEvent::new(
            id.clone(),
            "orders/1",
            "Shop.OrderPlaced",
            "2024-10-24T12:00:00Z",
            json!({"id": 1}),
        )),
        AnyEvent::CloudEvent(CloudEvent::new(
            id,
            "/shop",
            "Shop.OrderPlaced",
            json!({"id": 1}),
        )),
    ]
}

#[tokio::test]
async fn event_grid_events_out_in_either_schema() {
    let outcome = TestApp::new().queue("publish", "e-1").await.unwrap();
    assert!(outcome.is_success(), "{outcome:?}");
    let sent: Value = outcome.return_value().unwrap().json().unwrap();
    assert_eq!(
        sent,
        json!([
            {
                "id": "e-1", "subject": "orders/1", "eventType": "Shop.OrderPlaced",
                "eventTime": "2024-10-24T12:00:00Z", "data": {"id": 1}, "dataVersion": "1.0",
            },
            {
                "specversion": "1.0", "id": "e-1", "source": "/shop", "type": "Shop.OrderPlaced",
                "datacontenttype": "application/json", "data": {"id": 1},
            },
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// SendGrid and Twilio outputs.

#[queue_trigger(queue_name = "mail")]
#[send_grid_output(
    name = "$return",
    api_key = "SendGridApiKey",
    from = "orders@contoso.com"
)]
async fn mail(email: String) -> Vec<SendGridMessage> {
    vec![
        SendGridMessage::new()
            .to(email)
            .subject("Your order")
            .text("Thank you.")
            .html("<p>Thank you.</p>"),
        SendGridMessage::new()
            .to(EmailAddress::named("ops@contoso.com", "Ops"))
            .from("orders@contoso.com"),
    ]
}

#[queue_trigger(queue_name = "sms")]
#[twilio_sms_output(
    name = "$return",
    account_sid_setting = "TwilioAccountSid",
    auth_token_setting = "TwilioAuthToken",
    from = "+15555550100"
)]
async fn sms(phone: String) -> TwilioSms {
    TwilioSms::new(phone, "Your order has shipped.")
}

#[tokio::test]
async fn sendgrid_and_twilio_messages_out() {
    let outcome = TestApp::new()
        .queue("mail", "ferris@example.com")
        .await
        .unwrap();
    assert!(outcome.is_success(), "{outcome:?}");
    let sent: Value = outcome.return_value().unwrap().json().unwrap();
    assert_eq!(
        sent,
        json!([
            {
                "personalizations": [{"to": [{"email": "ferris@example.com"}]}],
                "subject": "Your order",
                "content": [
                    {"type": "text/plain", "value": "Thank you."},
                    {"type": "text/html", "value": "<p>Thank you.</p>"},
                ],
            },
            {
                "personalizations": [{"to": [{"email": "ops@contoso.com", "name": "Ops"}]}],
                "from": {"email": "orders@contoso.com"},
            },
        ])
    );

    let outcome = TestApp::new().queue("sms", "+15555550123").await.unwrap();
    let sent: Value = outcome.return_value().unwrap().json().unwrap();
    assert_eq!(
        sent,
        json!({"to": "+15555550123", "body": "Your order has shipped."})
    );
}
