//! Typed data for the extension bundle's bindings: what each extension's trigger, input or
//! output carries, as Rust types.
//!
//! | type | binding (`type` in function.json) | direction |
//! |---|---|---|
//! | [`service_bus::ServiceBusMessage<B>`] | `serviceBusTrigger` (`cardinality: one`) | in |
//! | [`service_bus::ServiceBusBatch<B>`] | `serviceBusTrigger` (`cardinality: many`) | in |
//! | [`event_hubs::EventHubEvent<B>`] | `eventHubTrigger` (`cardinality: one`) | in |
//! | [`event_hubs::EventHubBatch<B>`] | `eventHubTrigger` (`cardinality: many`) | in |
//! | [`kafka::KafkaEvent<T>`] (or `Json<Vec<KafkaEvent<T>>>`) | `kafkaTrigger` | in |
//! | [`rabbitmq::RabbitMqMessage<B>`] | `rabbitMQTrigger` | in |
//! | `Json<Vec<`[`cosmos::CosmosDocument<T>`]`>>` | `cosmosDBTrigger`, `cosmosDB` | in |
//! | [`event_grid::EventGridEvent<T>`], [`event_grid::CloudEvent<T>`], [`event_grid::AnyEvent<T>`] | `eventGridTrigger` | in |
//! | [`event_grid::EventGridEvent<T>`], [`event_grid::CloudEvent<T>`] (or a `Vec` of them) | `eventGrid` | out |
//! | `Json<Vec<`[`sql::SqlChange<T>`]`>>` | `sqlTrigger` | in |
//! | [`table::TableEntity<T>`] (or `Json<Vec<TableEntity<T>>>`) | `table` | in |
//! | [`table::TableEntity<T>`] (or a `Vec`) | `table` | out |
//! | [`signalr::SignalRConnectionInfo`] | `signalRConnectionInfo` | in |
//! | [`signalr::SignalRInvocationContext`] | `signalRTrigger` | in |
//! | [`signalr::SignalRMessage`], [`signalr::SignalRGroupAction`] (or a `Vec`) | `signalR` | out |
//! | [`sendgrid::SendGridMessage`] (or a `Vec`) | `sendGrid` | out |
//! | [`twilio::TwilioSms`] (or a `Vec`) | `twilioSms` | out |
//!
//! The raw forms always work too: `serde_json::Value`, `String`, `Bytes`, `Vec<u8>` and
//! [`Json<T>`](crate::Json) for any binding, and [`Metadata`](crate::triggers::Metadata) for
//! all trigger metadata.
//!
//! Each shape is taken from the extension's source, named in each module. No captured
//! custom-handler payload was available for these extensions, so the fixtures the tests decode
//! (`azfn-runtime/tests/fixtures/<extension>/`, each with a README naming its sources) are
//! derived: the extension's values encoded with the host's rules (contract §4.2). Where a
//! detail of that derivation is not verified, the module says so. The types are lenient:
//! absent metadata is `None` or empty, and unknown fields are kept or ignored, never an error;
//! a missing required field (an event's `id`, an entity's keys) or a value of the wrong type is
//! an error that names the binding and the field.
//!
//! # Durable Functions
//!
//! The Durable Functions bindings are declared and checked like the others
//! ([`orchestration_trigger`](crate::orchestration_trigger),
//! [`activity_trigger`](crate::activity_trigger), [`entity_trigger`](crate::entity_trigger),
//! [`durable_client`](crate::durable_client)), but azfn has no typed orchestration API yet. What
//! a custom handler receives and must answer comes from the durable extension's out-of-process
//! protocol (Azure/azure-functions-durable-extension `OutOfProcMiddleware`, pull requests 2046,
//! 2125 and 2294) and the host's support for trigger return values in custom handlers
//! (Azure/azure-functions-host pull request 8874, whose Go sample speaks this protocol with
//! `durabletask-go`):
//!
//! | binding | the function receives (`Data`) | the function answers (`ReturnValue`) |
//! |---|---|---|
//! | `orchestrationTrigger` | the orchestration's state: a base64 string of the protobuf `OrchestratorRequest` (instance id, past and new history events) | a base64 string of the protobuf `OrchestratorResponse` (the actions to schedule, or the completion) |
//! | `entityTrigger` | a base64 string of the protobuf `EntityBatchRequest` (state and operations) | a base64 string of the protobuf `EntityBatchResult` |
//! | `activityTrigger` | the activity's input, JSON | the activity's output, JSON |
//! | `durableClient` (input) | JSON with the task hub's name and the URLs of the extension's HTTP management API | — (start and query orchestrations over that HTTP API) |
//!
//! What works today: receiving each of these as `String` or `Json<serde_json::Value>` and
//! calling the management API from a client function. What does not: azfn sends a function's
//! result as `ReturnValue` only for an output binding named `$return`, and the durable
//! triggers take no output binding, so an orchestrator or entity written with azfn cannot yet
//! answer the extension; decoding and encoding the protobuf messages (the `durabletask`
//! protos) is left to the function. Activities that only need their input, and durable
//! clients, are usable now.

mod body;
mod fields;

pub mod cosmos;
pub mod event_grid;
pub mod event_hubs;
pub mod kafka;
pub mod rabbitmq;
pub mod sendgrid;
pub mod service_bus;
pub mod signalr;
pub mod sql;
pub mod table;
pub mod twilio;

pub use self::body::MessageBody;

/// An output value as a JSON object or array (sent as is, so the extension receives a
/// `JObject`/`JArray`), or the error that fails the invocation when serialization fails.
fn json_output<T: serde::Serialize>(value: &T) -> Option<crate::outputs::OutputValue> {
    Some(match serde_json::to_value(value) {
        Ok(json) => crate::outputs::OutputValue::Json(json),
        Err(e) => crate::outputs::OutputValue::Error(crate::Error::msg(format!(
            "could not serialize `{}` to JSON: {e}",
            crate::type_name::short_type_name::<T>()
        ))),
    })
}

/// `IntoOutputValue` for a binding type and a `Vec` of it, as JSON.
macro_rules! json_output_value {
    ($($ty:ident $(<$g:ident>)?),* $(,)?) => {$(
        impl$(<$g: serde::Serialize>)? crate::outputs::IntoOutputValue for $ty$(<$g>)? {
            fn into_output_value(self) -> Option<crate::outputs::OutputValue> {
                super::json_output(&self)
            }
        }

        impl$(<$g: serde::Serialize>)? crate::outputs::IntoOutputValue for Vec<$ty$(<$g>)?> {
            fn into_output_value(self) -> Option<crate::outputs::OutputValue> {
                super::json_output(&self)
            }
        }
    )*};
}
use json_output_value;

/// `FromInvocation` for a type read like `Json<Self>`.
macro_rules! json_input {
    ($($ty:ident $(<$g:ident>)?),* $(,)?) => {$(
        impl$(<$g: serde::de::DeserializeOwned + Send>)? crate::FromInvocation for $ty$(<$g>)? {
            fn from_invocation(
                inv: &crate::Invocation,
                binding: &'static str,
            ) -> Result<Self, crate::Rejection> {
                <crate::Json<Self> as crate::FromInvocation>::from_invocation(inv, binding)
                    .map(crate::Json::into_inner)
            }
        }
    )*};
}
use json_input;
