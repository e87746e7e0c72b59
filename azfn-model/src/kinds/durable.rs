//! Durable Functions (`Microsoft.Azure.WebJobs.Extensions.DurableTask`): declarable and
//! checked. A custom handler receives and answers these through the durable extension's
//! out-of-process protocol (base64 protobuf for orchestrators and entities); the runtime's
//! `bindings` docs say what works today.

use super::{EMPTY, Kind, Role, conn, text};

pub(super) const ORCHESTRATION_TRIGGER: Kind = Kind {
    attr: "orchestration_trigger",
    type_name: "orchestrationTrigger",
    role: Role::Trigger,
    settings: &[text("orchestration")],
    default_name: "context",
    provides: &[],
    data: "`String`: a base64 protobuf `OrchestratorRequest` (see the `bindings` docs)",
    summary: "an orchestrator function",
    ..EMPTY
};

pub(super) const ACTIVITY_TRIGGER: Kind = Kind {
    attr: "activity_trigger",
    type_name: "activityTrigger",
    role: Role::Trigger,
    settings: &[text("activity")],
    default_name: "input",
    provides: &[],
    payload_properties: true,
    data: "`Json<T>` (the activity input)",
    summary: "an activity function called by an orchestrator",
    ..EMPTY
};

pub(super) const ENTITY_TRIGGER: Kind = Kind {
    attr: "entity_trigger",
    type_name: "entityTrigger",
    role: Role::Trigger,
    settings: &[text("entityName")],
    default_name: "context",
    provides: &[],
    data: "`String`: a base64 protobuf `EntityBatchRequest` (see the `bindings` docs)",
    summary: "a durable entity function",
    ..EMPTY
};

pub(super) const DURABLE_CLIENT: Kind = Kind {
    attr: "durable_client",
    type_name: "durableClient",
    aliases: &["orchestrationClient"],
    role: Role::Input,
    settings: &[text("taskHub"), conn("connectionName")],
    default_name: "",
    data: "`Json<serde_json::Value>` (the client's management URLs)",
    summary: "the durable client: start orchestrations and query them over the extension's HTTP API",
    ..EMPTY
};
