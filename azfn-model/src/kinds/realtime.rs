//! Real-time and notifications: SignalR, SendGrid and Twilio.

use super::{Check, EMPTY, Kind, Role, Setting, Ty, choice, conn, req, setting, text};

pub(super) const SIGNALR_TRIGGER: Kind = Kind {
    attr: "signalr_trigger",
    type_name: "signalRTrigger",
    role: Role::Trigger,
    settings: &[
        req("hubName", Check::Text),
        Setting {
            required: true,
            ..choice("category", &["connections", "messages"])
        },
        req("event", Check::Text),
        setting("parameterNames", Ty::List(&[]), false, Check::Text),
        conn("connectionStringSetting"),
    ],
    default_name: "invocation",
    provides: &[
        "connectionId",
        "userId",
        "hub",
        "event",
        "category",
        "claims",
        "headers",
        "query",
    ],
    payload_properties: true,
    data: "`SignalRInvocationContext`, `Json<T>`",
    summary: "a client event or message of a serverless SignalR hub",
    ..EMPTY
};

pub(super) const SIGNALR_CONNECTION_INFO: Kind = Kind {
    attr: "signalr_connection_info",
    type_name: "signalRConnectionInfo",
    role: Role::Input,
    settings: &[
        req("hubName", Check::Text),
        text("userId"),
        text("idToken"),
        setting("claimTypeList", Ty::List(&[]), false, Check::Text),
        conn("connectionStringSetting"),
    ],
    default_name: "",
    data: "`SignalRConnectionInfo`",
    summary: "the URL and access token a client needs to connect (for a negotiate function)",
    ..EMPTY
};

pub(super) const SIGNALR_OUTPUT: Kind = Kind {
    attr: "signalr_output",
    type_name: "signalR",
    role: Role::Output,
    settings: &[req("hubName", Check::Text), conn("connectionStringSetting")],
    data: "`SignalRMessage`, `SignalRGroupAction`, a `Vec` of them",
    summary: "messages and group actions sent through a SignalR hub",
    ..EMPTY
};

pub(super) const SEND_GRID_OUTPUT: Kind = Kind {
    attr: "send_grid_output",
    type_name: "sendGrid",
    role: Role::Output,
    settings: &[
        conn("apiKey"),
        text("to"),
        text("from"),
        text("subject"),
        text("text"),
    ],
    data: "`SendGridMessage`, a `Vec` of them",
    summary: "an email sent with SendGrid (`api_key` names the app setting holding the key)",
    ..EMPTY
};

pub(super) const TWILIO_SMS_OUTPUT: Kind = Kind {
    attr: "twilio_sms_output",
    type_name: "twilioSms",
    role: Role::Output,
    settings: &[
        conn("accountSidSetting"),
        conn("authTokenSetting"),
        text("from"),
        text("to"),
        text("body"),
    ],
    renamed: &[
        ("accountSid", "accountSidSetting"),
        ("authToken", "authTokenSetting"),
    ],
    data: "`TwilioSms`, a `Vec` of them",
    summary: "a text message sent with Twilio",
    ..EMPTY
};
