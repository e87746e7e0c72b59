//! Attribute macros of [azfn](https://docs.rs/azfn-runtime): they turn an `async fn` into an
//! Azure Functions custom-handler function and register it with the runtime.
//!
//! Do not depend on this crate directly: use the re-exports of
//! [`azfn_runtime`](https://docs.rs/azfn-runtime), which the generated code refers to.
//!
//! ```
//! use azfn_runtime::http::{HttpRequest, HttpResponse};
//! use azfn_runtime::{http_trigger, queue_output, Error, Json, Outputs};
//!
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Order {
//!     id: u32,
//! }
//!
//! #[http_trigger(route = "order", methods = ["post"], auth_level = "anonymous")]
//! #[queue_output(name = "message", queue_name = "orders")]
//! async fn order(req: HttpRequest) -> Result<OrderOutputs, Error> {
//!     let order: Order = req.json()?;
//!     Ok(OrderOutputs { res: HttpResponse::created(), message: Some(Json(order)) })
//! }
//!
//! #[derive(Outputs)]
//! struct OrderOutputs {
//!     res: HttpResponse,
//!     message: Option<Json<Order>>,
//! }
//! # fn main() {}
//! ```
//!
//! Every attribute checks its arguments and the function's signature with the same parser the
//! build helper uses (`azfn_model::parse`), so the `function.json` written at build time and the
//! function registered at run time are the same function.
//!
//! Set `AZFN_MACROS_DEBUG=1` while building to print every expansion to stderr.

mod codegen;
mod expand;
mod outputs;
mod paths;

use proc_macro::TokenStream;

/// An HTTP-triggered function.
///
/// # Grammar
///
/// ```text
/// #[http_trigger(route = "...", methods = ["get", ...], auth_level = "...", name = "...")]
/// ```
///
/// | argument | value | default |
/// |---|---|---|
/// | `route` | route template relative to the route prefix (`api/`), e.g. `"orders/{id:int}"` | the function name |
/// | `methods` | array of `get`, `post`, `put`, `delete`, `patch`, `head`, `options`, `trace` | every method |
/// | `auth_level` | `"anonymous"`, `"function"` or `"admin"` | `"function"` |
/// | `name` | the function name (`^[A-Za-z][A-Za-z0-9_-]{0,127}$`, not `host`) | the Rust function name |
///
/// Route templates are checked when the crate is compiled: balanced braces, known constraints
/// (`int`, `alpha`, `guid`, `length(2)`, …), no parameter twice, and not under the reserved
/// `admin/` or `runtime/` prefixes. Extra bindings come from `#[queue_output]`, `#[blob_input]`,
/// `#[blob_output]` and `#[binding]` on the same function.
///
/// # Typing requirements
///
/// | item | requirement |
/// |---|---|
/// | the function | `async fn`, not generic, not a method, not `const`/`unsafe` |
/// | the first parameter not claimed by an input binding | the request: [`FromInvocation`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.FromInvocation.html), e.g. [`HttpRequest`](https://docs.rs/azfn-runtime/latest/azfn_runtime/struct.HttpRequest.html) or `Json<T>`; the binding is named after it (`req` if there is none) |
/// | a parameter whose type is named `Context` | the invocation context |
/// | a parameter of type `State<T>` | the app's shared `T` ([`App::state`](https://docs.rs/azfn-runtime/latest/azfn_runtime/struct.App.html#method.state), checked at start) |
/// | other parameters | named (in camelCase) after an input binding, [`FromInvocation`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.FromInvocation.html) |
/// | the return type | [`IntoInvocationResult`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.IntoInvocationResult.html), optionally inside `Result<_, E>` with `E: Into<Error>`, providing the output bindings: a single value such as `HttpResponse` when `res` is the only output, a [`#[derive(Outputs)]`](macro@Outputs) struct otherwise |
///
/// An HTTP-triggered function always has the `http` output binding `res`.
///
/// # Expansion
///
/// The function is emitted unchanged (minus the binding attributes it consumes), followed by a
/// `const _: () = { ... };` block that holds a handler wrapper (each parameter extracted with
/// `FromInvocation`, the result sent with `IntoInvocationResult`), a `static` holding the
/// function's `FunctionSpec`, an `inventory` registration, and a compile-time check that the
/// return type provides exactly the declared output bindings. If anything is wrong, the
/// function is emitted with the errors and without a registration.
///
/// # Examples
///
/// ```
/// use azfn_runtime::http::{HttpRequest, HttpResponse};
/// use azfn_runtime::{http_trigger, Context};
///
/// #[http_trigger(route = "hello/{name?}", methods = ["get"], auth_level = "anonymous")]
/// async fn hello(req: HttpRequest, ctx: Context) -> HttpResponse {
///     let name = req.param("name").unwrap_or("world");
///     ctx.log(format_args!("greeting {name}"));
///     HttpResponse::ok().text(format!("hello, {name}"))
/// }
/// # fn main() {}
/// ```
///
/// The function must be an `async fn`:
///
/// ```compile_fail
/// use azfn_runtime::http::{HttpRequest, HttpResponse};
/// use azfn_runtime::http_trigger;
///
/// #[http_trigger]
/// fn hello(req: HttpRequest) -> HttpResponse {
///     HttpResponse::ok()
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn http_trigger(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::trigger("http_trigger", args.into(), item.into()).into()
}

/// A function triggered by messages on an Azure Storage queue.
///
/// # Grammar
///
/// ```text
/// #[queue_trigger(queue_name = "...", connection = "...", name = "...")]
/// ```
///
/// | argument | value | default |
/// |---|---|---|
/// | `queue_name` | **required**: a queue name (3–63 characters, lowercase letters, digits and single hyphens) or a `%Setting%` reference | |
/// | `connection` | the app setting holding the storage connection | `AzureWebJobsStorage` |
/// | `name` | the function name | the Rust function name |
///
/// # Typing requirements
///
/// | item | requirement |
/// |---|---|
/// | the function | `async fn`, not generic, not a method, not `const`/`unsafe` |
/// | the first parameter not claimed by an input binding | the message: [`FromInvocation`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.FromInvocation.html), e.g. `String`, `Vec<u8>` or `Json<T>`; the binding is named after it (`msg` if there is none) |
/// | a parameter whose type is named `Context` | the invocation context (dequeue count, message id, …) |
/// | a parameter of type `State<T>` | the app's shared `T` ([`App::state`](https://docs.rs/azfn-runtime/latest/azfn_runtime/struct.App.html#method.state), checked at start) |
/// | other parameters | named after an input binding |
/// | the return type | [`IntoInvocationResult`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.IntoInvocationResult.html): `()` without output bindings, a single value for one, a [`#[derive(Outputs)]`](macro@Outputs) struct for several |
///
/// # Expansion
///
/// As for [`macro@http_trigger`]: the function unchanged, plus a hidden handler, its
/// `FunctionSpec` and its registration, plus the output check.
///
/// # Examples
///
/// ```
/// use azfn_runtime::{queue_trigger, queue_output, Context, Error, Json};
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Order {
///     id: u32,
/// }
///
/// #[queue_trigger(queue_name = "orders")]
/// #[queue_output(queue_name = "shipments")]
/// async fn ship(order: Json<Order>, ctx: Context) -> Result<Json<Order>, Error> {
///     ctx.log(format_args!("shipping order {}", order.0.id));
///     Ok(order)
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn queue_trigger(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::trigger("queue_trigger", args.into(), item.into()).into()
}

/// A function run on a schedule.
///
/// # Grammar
///
/// ```text
/// #[timer_trigger(schedule = "...", run_on_startup = false, use_monitor = true, name = "...")]
/// ```
///
/// | argument | value | default |
/// |---|---|---|
/// | `schedule` | **required**: a six-field NCRONTAB expression (`"0 */5 * * * *"`: second, minute, hour, day, month, day of week), a TimeSpan (`"00:05:00"`) or a `%Setting%` reference | |
/// | `run_on_startup` | `true` or `false` | `false` |
/// | `use_monitor` | `true` or `false` | the host's default |
/// | `name` | the function name | the Rust function name |
///
/// Schedules are checked when the crate is compiled. A five-field cron expression (which the
/// current timer extension reads as seconds-less) is written to `function.json` in its
/// six-field form, which every host reads; a step larger than its field (`*/1440` minutes)
/// builds with a warning from the build helper.
///
/// # Typing requirements
///
/// | item | requirement |
/// |---|---|
/// | the function | `async fn`, not generic, not a method, not `const`/`unsafe` |
/// | the first parameter not claimed by an input binding | the timer info: [`FromInvocation`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.FromInvocation.html); the binding is named after it (`timer` if there is none) |
/// | a parameter whose type is named `Context` | the invocation context |
/// | a parameter of type `State<T>` | the app's shared `T` ([`App::state`](https://docs.rs/azfn-runtime/latest/azfn_runtime/struct.App.html#method.state), checked at start) |
/// | the return type | [`IntoInvocationResult`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.IntoInvocationResult.html), usually `()` or `Result<(), Error>` |
///
/// # Expansion
///
/// As for [`macro@http_trigger`].
///
/// # Examples
///
/// ```
/// use azfn_runtime::triggers::TimerInfo;
/// use azfn_runtime::{timer_trigger, Context};
///
/// #[timer_trigger(schedule = "0 0 * * * *")]
/// async fn hourly(timer: TimerInfo, ctx: Context) {
///     if timer.is_past_due {
///         ctx.warn("running late");
///     }
/// }
/// # fn main() {}
/// ```
///
/// A schedule that never fires is rejected:
///
/// ```compile_fail
/// use azfn_runtime::timer_trigger;
///
/// #[timer_trigger(schedule = "0 0 0 31 2 *")]
/// async fn never() {}
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn timer_trigger(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::trigger("timer_trigger", args.into(), item.into()).into()
}

/// A function triggered by new or updated blobs in Azure Storage.
///
/// # Grammar
///
/// ```text
/// #[blob_trigger(path = "...", connection = "...", source = "...", data_type = "...", name = "...")]
/// ```
///
/// | argument | value | default |
/// |---|---|---|
/// | `path` | **required**: `container/pattern`, e.g. `"uploads/{name}"` | |
/// | `connection` | the app setting holding the storage connection | `AzureWebJobsStorage` |
/// | `source` | `"EventGrid"` or `"LogsAndContainerScan"` | `LogsAndContainerScan` |
/// | `data_type` | `"string"`, `"binary"` or `"stream"` | |
/// | `name` | the function name | the Rust function name |
///
/// # Typing requirements
///
/// | item | requirement |
/// |---|---|
/// | the function | `async fn`, not generic, not a method, not `const`/`unsafe` |
/// | the first parameter not claimed by an input binding | the blob's content: [`FromInvocation`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.FromInvocation.html), e.g. `Vec<u8>` or `String`; the binding is named after it (`blob` if there is none) |
/// | a parameter whose type is named `Context` | the invocation context (blob name, metadata, …) |
/// | a parameter of type `State<T>` | the app's shared `T` ([`App::state`](https://docs.rs/azfn-runtime/latest/azfn_runtime/struct.App.html#method.state), checked at start) |
/// | the return type | [`IntoInvocationResult`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.IntoInvocationResult.html) |
///
/// # Expansion
///
/// As for [`macro@http_trigger`].
///
/// # Examples
///
/// ```
/// use azfn_runtime::{blob_trigger, blob_output, Context};
///
/// #[blob_trigger(path = "uploads/{name}", data_type = "binary")]
/// #[blob_output(path = "thumbnails/{name}")]
/// async fn thumbnail(image: Vec<u8>, ctx: Context) -> Vec<u8> {
///     ctx.log(format_args!("{} bytes", image.len()));
///     image
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn blob_trigger(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::trigger("blob_trigger", args.into(), item.into()).into()
}

/// A function with any other trigger of the extension bundle (Service Bus, Event Hubs,
/// Cosmos DB, …), written as its `function.json` properties.
///
/// # Grammar
///
/// ```text
/// #[generic_trigger(type = "...", name = "...", key = value, ...)]
/// ```
///
/// | argument | value | default |
/// |---|---|---|
/// | `type` | **required**: the trigger's `type` string, ending with `Trigger`, e.g. `"serviceBusTrigger"` | |
/// | `name` | the function name | the Rust function name |
/// | any other `key` | a string, boolean, integer or array, written to `function.json` with the key in camelCase (`queue_name` -> `queueName`) | |
///
/// The built-in trigger types have their own attributes, which check their settings:
/// `type = "httpTrigger"` is an error that names [`macro@http_trigger`] (and likewise for
/// queue, timer and blob triggers).
///
/// # Typing requirements
///
/// | item | requirement |
/// |---|---|
/// | the function | `async fn`, not generic, not a method, not `const`/`unsafe` |
/// | the first parameter not claimed by an input binding | the trigger payload: [`FromInvocation`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.FromInvocation.html), e.g. `Json<T>` or `serde_json::Value`; the binding is named after it (`trigger` if there is none) |
/// | a parameter whose type is named `Context` | the invocation context |
/// | a parameter of type `State<T>` | the app's shared `T` ([`App::state`](https://docs.rs/azfn-runtime/latest/azfn_runtime/struct.App.html#method.state), checked at start) |
/// | the return type | [`IntoInvocationResult`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.IntoInvocationResult.html) |
///
/// # Expansion
///
/// As for [`macro@http_trigger`].
///
/// # Examples
///
/// ```
/// use azfn_runtime::{generic_trigger, Context, Json};
///
/// #[generic_trigger(type = "serviceBusTrigger", queue_name = "orders", connection = "ServiceBus")]
/// async fn on_order(message: Json<serde_json::Value>, ctx: Context) {
///     ctx.log(format_args!("received {}", message.0));
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn generic_trigger(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::trigger("generic_trigger", args.into(), item.into()).into()
}

/// A queue output binding: the function sends a message to an Azure Storage queue.
///
/// Written on the same function as a trigger attribute, which consumes it. Above the trigger
/// attribute it moves itself below it; without one it is an error.
///
/// # Grammar
///
/// ```text
/// #[queue_output(name = "...", queue_name = "...", connection = "...")]
/// ```
///
/// | argument | value | default |
/// |---|---|---|
/// | `name` | the binding name (`^[A-Za-z][A-Za-z0-9]{0,127}$`) | `$return`: the function's return value |
/// | `queue_name` | **required**: a queue name or a `%Setting%`/`{binding}` expression | |
/// | `connection` | the app setting holding the storage connection | `AzureWebJobsStorage` |
///
/// # Typing requirements
///
/// The return type must provide the binding: a single value (`String`, `Vec<u8>`, `Json<T>`,
/// `Option<...>` to send nothing) when it is the only output, otherwise the field of a
/// [`#[derive(Outputs)]`](macro@Outputs) struct named after the binding.
///
/// # Expansion
///
/// Nothing of its own: it adds a `queue` binding to the function's `FunctionSpec`.
///
/// # Examples
///
/// ```
/// use azfn_runtime::http::{HttpRequest, HttpResponse};
/// use azfn_runtime::{http_trigger, queue_output, Outputs};
///
/// #[http_trigger(methods = ["post"])]
/// #[queue_output(name = "message", queue_name = "orders")]
/// async fn order(req: HttpRequest) -> OrderOutputs {
///     let message = req.text().ok().map(str::to_owned);
///     OrderOutputs { res: HttpResponse::created(), message }
/// }
///
/// #[derive(Outputs)]
/// struct OrderOutputs {
///     res: HttpResponse,
///     message: Option<String>,
/// }
/// # fn main() {}
/// ```
///
/// Without a trigger attribute on the same function it is an error:
///
/// ```compile_fail
/// use azfn_runtime::queue_output;
///
/// #[queue_output(queue_name = "orders")]
/// async fn order() -> String {
///     String::new()
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn queue_output(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::binding("queue_output", args.into(), item.into()).into()
}

/// A blob input binding: the function receives a blob's content as a parameter.
///
/// Written on the same function as a trigger attribute, which consumes it. Above the trigger
/// attribute it moves itself below it; without one it is an error.
///
/// # Grammar
///
/// ```text
/// #[blob_input(name = "...", path = "...", connection = "...", data_type = "...")]
/// ```
///
/// | argument | value | default |
/// |---|---|---|
/// | `name` | **required**: the binding name, which a parameter must match in camelCase | |
/// | `path` | **required**: `container/blob`, may use `{binding}` expressions | |
/// | `connection` | the app setting holding the storage connection | `AzureWebJobsStorage` |
/// | `data_type` | `"string"`, `"binary"` or `"stream"` | |
///
/// # Typing requirements
///
/// A parameter named after the binding (`config` for `name = "config"`, `my_blob` for
/// `name = "myBlob"`) whose type implements
/// [`FromInvocation`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.FromInvocation.html),
/// e.g. `String`, `Vec<u8>`, `Option<String>` or `Json<T>`. An input binding no parameter
/// receives is an error.
///
/// # Expansion
///
/// Nothing of its own: it adds a `blob` input binding to the function's `FunctionSpec`.
///
/// # Examples
///
/// ```
/// use azfn_runtime::{queue_trigger, blob_input, Context};
///
/// #[queue_trigger(queue_name = "jobs")]
/// #[blob_input(name = "config", path = "settings/config.json")]
/// async fn job(msg: String, config: String, ctx: Context) {
///     ctx.log(format_args!("job {msg} with {} bytes of settings", config.len()));
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn blob_input(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::binding("blob_input", args.into(), item.into()).into()
}

/// A blob output binding: the function writes a blob.
///
/// Written on the same function as a trigger attribute, which consumes it. Above the trigger
/// attribute it moves itself below it; without one it is an error.
///
/// # Grammar
///
/// ```text
/// #[blob_output(name = "...", path = "...", connection = "...", data_type = "...")]
/// ```
///
/// | argument | value | default |
/// |---|---|---|
/// | `name` | the binding name | `$return`: the function's return value |
/// | `path` | **required**: `container/blob`, may use `{binding}` expressions | |
/// | `connection` | the app setting holding the storage connection | `AzureWebJobsStorage` |
/// | `data_type` | `"string"`, `"binary"` or `"stream"` | |
///
/// # Typing requirements
///
/// As for [`macro@queue_output`]: the return type provides the binding.
///
/// # Expansion
///
/// Nothing of its own: it adds a `blob` output binding to the function's `FunctionSpec`.
///
/// # Examples
///
/// ```
/// use azfn_runtime::{blob_trigger, blob_output};
///
/// #[blob_trigger(path = "uploads/{name}")]
/// #[blob_output(path = "copies/{name}")]
/// async fn copy(blob: Vec<u8>) -> Vec<u8> {
///     blob
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn blob_output(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::binding("blob_output", args.into(), item.into()).into()
}

/// Any other binding of the extension bundle (Cosmos DB, Service Bus output, Table, …), written
/// as its `function.json` properties.
///
/// Written on the same function as a trigger attribute, which consumes it. Above the trigger
/// attribute it moves itself below it; without one it is an error.
///
/// # Grammar
///
/// ```text
/// #[binding(type = "...", direction = "...", name = "...", key = value, ...)]
/// ```
///
/// | argument | value | default |
/// |---|---|---|
/// | `type` | **required**: the binding's `type` string, e.g. `"cosmosDB"`; not a trigger type | |
/// | `direction` | **required**: `"in"`, `"out"` or `"inout"` | |
/// | `name` | **required**: the binding name (`$return` for an output sent as the return value) | |
/// | any other `key` | a string, boolean, integer or array, written to `function.json` with the key in camelCase | |
///
/// # Typing requirements
///
/// An `in` binding is received by the parameter named after it, as for [`macro@blob_input`];
/// an `out` binding is provided by the return type, as for [`macro@queue_output`].
///
/// # Expansion
///
/// Nothing of its own: it adds the binding to the function's `FunctionSpec`.
///
/// # Examples
///
/// ```
/// use azfn_runtime::{queue_trigger, binding};
///
/// #[queue_trigger(queue_name = "orders")]
/// #[binding(type = "cosmosDB", direction = "out", name = "$return", database_name = "shop",
///           container_name = "orders", connection = "CosmosDb")]
/// async fn store(order: serde_json::Value) -> serde_json::Value {
///     order
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn binding(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::binding("binding", args.into(), item.into()).into()
}

/// Declares attribute macros whose arguments and docs come from the binding table
/// (`azfn_model::kinds`); the list is checked against the table by a test.
macro_rules! table_attributes {
    ($($(#[$doc:meta])* $role:ident $name:ident;)*) => {
        $(
            $(#[$doc])*
            ///
            /// The arguments are the binding's `function.json` settings in snake_case; see the
            /// binding table in the [runtime's docs](https://docs.rs/azfn-runtime/latest/azfn_runtime/bindings/index.html)
            /// for each one's settings, required arguments and Rust data types. Unknown arguments
            /// are errors naming the nearest known one; `extra = { key = value }` writes a key
            /// the table does not know.
            #[proc_macro_attribute]
            pub fn $name(args: TokenStream, item: TokenStream) -> TokenStream {
                table_attributes!(@expand $role $name args item)
            }
        )*
        #[cfg(test)]
        const TABLE_ATTRIBUTES: &[&str] = &[$(stringify!($name)),*];
    };
    (@expand trigger $name:ident $args:ident $item:ident) => {
        expand::trigger(stringify!($name), $args.into(), $item.into()).into()
    };
    (@expand binding $name:ident $args:ident $item:ident) => {
        expand::binding(stringify!($name), $args.into(), $item.into()).into()
    };
}

table_attributes! {
    /// An HTTP output binding with a name of your choice (`name = "$return"` by default),
    /// replacing the implicit `res` of an HTTP-triggered function.
    binding http_output;
    /// A table entity or query (`Microsoft.Azure.WebJobs.Extensions.Tables`): `table_name`
    /// (required), `partition_key`, `row_key`, `take`, `filter`, `connection`.
    binding table_input;
    /// Entities written to a table: `table_name` (required), `partition_key`, `row_key`,
    /// `connection`.
    binding table_output;
    /// A Service Bus queue or topic subscription trigger: `queue_name`, or `topic_name` with
    /// `subscription_name`; `connection`, `is_sessions_enabled`, `cardinality`, …
    trigger service_bus_trigger;
    /// Messages to a Service Bus queue (`queue_name`) or topic (`topic_name`).
    binding service_bus_output;
    /// An Event Hubs trigger: `event_hub_name` (required), `consumer_group`, `connection`,
    /// `cardinality` (`one` or `many`, the default).
    trigger event_hub_trigger;
    /// Events to an Event Hub: `event_hub_name` (required), `connection`.
    binding event_hub_output;
    /// An Event Grid trigger (Event Grid or CloudEvents schema).
    trigger event_grid_trigger;
    /// Events to a custom Event Grid topic: `topic_endpoint_uri` with `topic_key_setting`, or
    /// `connection`.
    binding event_grid_output;
    /// A Kafka trigger: `broker_list` and `topic` (required), `consumer_group`, `protocol`,
    /// `authentication_mode`, `cardinality`, …
    trigger kafka_trigger;
    /// Events to a Kafka topic: `broker_list` and `topic` (required), …
    binding kafka_output;
    /// A RabbitMQ trigger: `queue_name` (required), `connection_string_setting`.
    trigger rabbitmq_trigger;
    /// Messages to a RabbitMQ queue: `queue_name` (required), `connection_string_setting`.
    binding rabbitmq_output;
    /// A Cosmos DB change-feed trigger (extension 4): `database_name` and `container_name`
    /// (required), `connection`, `lease_container_name`, …
    trigger cosmos_db_trigger;
    /// A Cosmos DB document or query: `database_name` and `container_name` (required), `id`,
    /// `partition_key`, `sql_query`, `connection`.
    binding cosmos_db_input;
    /// Documents written to Cosmos DB: `database_name` and `container_name` (required), …
    binding cosmos_db_output;
    /// An Azure SQL change trigger: `table_name` and `connection_string_setting` (required).
    trigger sql_trigger;
    /// An Azure SQL query: `command_text` and `connection_string_setting` (required),
    /// `command_type`, `parameters`.
    binding sql_input;
    /// Rows upserted into an Azure SQL table: `command_text` (the table) and
    /// `connection_string_setting` (required).
    binding sql_output;
    /// A MySQL change trigger: `table_name` and `connection_string_setting` (required).
    trigger mysql_trigger;
    /// A MySQL query: `command_text` and `connection_string_setting` (required), …
    binding mysql_input;
    /// Rows upserted into a MySQL table: `command_text` and `connection_string_setting`.
    binding mysql_output;
    /// A serverless SignalR trigger: `hub_name`, `category` and `event` (required), …
    trigger signalr_trigger;
    /// SignalR connection info for a negotiate function: `hub_name` (required), `user_id`, …
    binding signalr_connection_info;
    /// Messages and group actions sent through SignalR: `hub_name` (required).
    binding signalr_output;
    /// An email sent with SendGrid: `api_key` (the app setting), `to`, `from`, `subject`,
    /// `text`.
    binding send_grid_output;
    /// A text message sent with Twilio: `account_sid_setting`, `auth_token_setting`, `from`,
    /// `to`, `body`.
    binding twilio_sms_output;
    /// A Durable Functions orchestrator (out-of-process protocol; raw JSON).
    trigger orchestration_trigger;
    /// A Durable Functions activity.
    trigger activity_trigger;
    /// A Durable Functions entity (out-of-process protocol; raw JSON).
    trigger entity_trigger;
    /// The Durable Functions client binding: `task_hub`, `connection_name`.
    binding durable_client;
    /// A function-level retry policy, written below the trigger attribute:
    /// `strategy` (`fixedDelay` or `exponentialBackoff`), `max_retry_count`, and
    /// `delay_interval` or `minimum_interval` with `maximum_interval` (`hh:mm:ss`). The host
    /// applies it to timer, Event Hubs, Kafka and Cosmos DB triggers.
    binding retry;
}

/// The output bindings of a function, one named field each.
///
/// # Grammar
///
/// On a struct with named fields and no generic parameters. Each field is an output binding
/// named after the field in camelCase (`my_queue` -> `myQueue`); on a field,
/// `#[output(name = "...")]` gives the binding name instead (e.g. `"$return"`).
///
/// # Typing requirements
///
/// Each field's type implements
/// [`IntoOutputValue`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.IntoOutputValue.html):
/// `HttpResponse`, `String`, `Vec<u8>`, `Bytes`, `Json<T>`, `serde_json::Value`, or an `Option`
/// of those to send nothing.
///
/// # Expansion
///
/// An implementation of
/// [`IntoInvocationResult`](https://docs.rs/azfn-runtime/latest/azfn_runtime/trait.IntoInvocationResult.html)
/// whose `OUTPUTS` lists the binding names. The trigger attributes check at compile time that
/// the function's output bindings and these names are the same set.
///
/// # Examples
///
/// ```
/// use azfn_runtime::http::{HttpRequest, HttpResponse};
/// use azfn_runtime::{http_trigger, queue_output, Json, Outputs};
///
/// #[http_trigger(methods = ["post"])]
/// #[queue_output(name = "outbox", queue_name = "orders")]
/// #[queue_output(name = "auditLog", queue_name = "audit")]
/// async fn order(req: HttpRequest) -> OrderOutputs {
///     let order: Option<serde_json::Value> = req.json().ok();
///     OrderOutputs {
///         res: HttpResponse::created(),
///         message: order.map(Json),
///         audit_log: "order received".to_owned(),
///     }
/// }
///
/// #[derive(Outputs)]
/// struct OrderOutputs {
///     res: HttpResponse,
///     #[output(name = "outbox")]
///     message: Option<Json<serde_json::Value>>,
///     audit_log: String,
/// }
/// # fn main() {}
/// ```
///
/// A field with no output binding, or an output binding with no field, fails the build of the
/// function that returns the struct:
///
/// ```compile_fail
/// use azfn_runtime::http::{HttpRequest, HttpResponse};
/// use azfn_runtime::{http_trigger, Outputs};
///
/// #[http_trigger]
/// async fn order(req: HttpRequest) -> OrderOutputs {
///     OrderOutputs { res: HttpResponse::ok(), message: String::new() }
/// }
///
/// #[derive(Outputs)]
/// struct OrderOutputs {
///     res: HttpResponse,
///     message: String, // no `message` binding is declared
/// }
/// # fn main() {}
/// ```
#[proc_macro_derive(Outputs, attributes(output))]
pub fn derive_outputs(item: TokenStream) -> TokenStream {
    expand::derive_outputs(item.into()).into()
}

#[cfg(test)]
mod tests {
    /// Every attribute of the table has a macro, and every macro is in the table.
    #[test]
    fn every_table_attribute_has_a_macro() {
        let hand_written = [
            "http_trigger",
            "queue_trigger",
            "timer_trigger",
            "blob_trigger",
            "generic_trigger",
            "queue_output",
            "blob_input",
            "blob_output",
            "binding",
        ];
        let mut ours: Vec<&str> = hand_written
            .iter()
            .chain(super::TABLE_ATTRIBUTES)
            .copied()
            .collect();
        let mut table: Vec<&str> = azfn_model::kinds::attr_names().collect();
        ours.sort_unstable();
        table.sort_unstable();
        assert_eq!(ours, table);
    }
}
