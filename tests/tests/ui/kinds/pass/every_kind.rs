#![deny(warnings)]

// Every typed attribute of the binding table, with its required settings.

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{
    Error, Json, Outputs, activity_trigger, cosmos_db_input, cosmos_db_output, cosmos_db_trigger,
    durable_client, entity_trigger, event_grid_output, event_grid_trigger, event_hub_output,
    event_hub_trigger, http_output, http_trigger, kafka_output, kafka_trigger, mysql_input,
    mysql_output, mysql_trigger, orchestration_trigger, rabbitmq_output, rabbitmq_trigger, retry,
    send_grid_output, service_bus_output, service_bus_trigger, signalr_connection_info,
    signalr_output, signalr_trigger, sql_input, sql_output, sql_trigger, table_input, table_output,
    twilio_sms_output,
};
use serde_json::Value;

#[service_bus_trigger(queue_name = "orders", connection = "ServiceBus", cardinality = "ONE")]
#[service_bus_output(name = "forwarded", topic_name = "audit")]
async fn sb_queue(message: Json<Value>) -> Option<Json<Value>> {
    Some(message)
}

#[service_bus_trigger(topic_name = "audit", subscription_name = "all", is_sessions_enabled = true)]
async fn sb_topic(message: String) {
    let _ = message;
}

#[event_hub_trigger(event_hub_name = "telemetry", cardinality = "many", consumer_group = "$Default")]
#[event_hub_output(event_hub_name = "alerts")]
#[retry(strategy = "exponentialBackoff", max_retry_count = -1, minimum_interval = "00:00:04", maximum_interval = "00:15:00")]
async fn hubs(events: Json<Vec<Value>>) -> Option<Json<Vec<Value>>> {
    Some(events)
}

#[event_grid_trigger]
#[event_grid_output(topic_endpoint_uri = "%TopicUri%", topic_key_setting = "TopicKey")]
async fn grid(event: Json<Value>) -> Option<Json<Value>> {
    Some(event)
}

#[cosmos_db_trigger(database_name = "shop", container_name = "orders", lease_container_name = "leases", create_lease_container_if_not_exists = true)]
#[retry(strategy = "fixedDelay", max_retry_count = 3, delay_interval = "00:00:10")]
async fn changes(documents: Json<Vec<Value>>) {
    let _ = documents;
}

#[http_trigger(route = "orders/{id}", methods = ["get"], auth_level = "anonymous")]
#[cosmos_db_input(name = "order", database_name = "shop", container_name = "orders", id = "{id}", partition_key = "{id}")]
#[table_input(name = "customer", table_name = "customers", partition_key = "all", row_key = "{id}")]
#[signalr_connection_info(name = "connection", hub_name = "chat")]
#[sql_input(name = "rows", command_text = "select * from t where id = @id", parameters = "@id={id}", connection_string_setting = "Sql")]
#[mysql_input(name = "more", command_text = "select 1", command_type = "text", connection_string_setting = "MySql")]
#[durable_client(name = "starter")]
#[http_output(name = "response")]
async fn lookup(
    req: HttpRequest,
    order: Json<Value>,
    customer: Json<Value>,
    connection: Json<Value>,
    rows: Json<Value>,
    more: Json<Value>,
    starter: Json<Value>,
) -> HttpResponse {
    let _ = (req, order, customer, connection, rows, more, starter);
    HttpResponse::ok()
}

#[kafka_trigger(broker_list = "BrokerList", topic = "events", protocol = "saslSsl", authentication_mode = "plain", cardinality = "many")]
#[kafka_output(name = "$return", broker_list = "BrokerList", topic = "copies")]
async fn kafka(events: Json<Vec<Value>>) -> Option<Json<Vec<Value>>> {
    Some(events)
}

#[rabbitmq_trigger(queue_name = "work", connection_string_setting = "Rabbit")]
#[rabbitmq_output(queue_name = "done", connection_string_setting = "Rabbit")]
#[cosmos_db_output(name = "saved", database_name = "shop", container_name = "work", create_if_not_exists = true)]
#[table_output(name = "row", table_name = "work")]
#[sql_output(name = "upserted", command_text = "dbo.Work", connection_string_setting = "Sql")]
#[mysql_output(name = "mirrored", command_text = "work", connection_string_setting = "MySql")]
#[signalr_output(name = "broadcast", hub_name = "chat")]
#[send_grid_output(name = "mail", api_key = "SendGridKey", to = "ops@example.com", subject = "work {id}")]
#[twilio_sms_output(name = "sms", account_sid_setting = "TwilioSid", auth_token_setting = "TwilioToken", from = "+15550100")]
async fn rabbit(message: Json<Value>) -> Result<RabbitOutputs, Error> {
    let _ = message;
    Ok(RabbitOutputs::default())
}

#[derive(Outputs, Default)]
struct RabbitOutputs {
    #[output(name = "$return")]
    done: Option<Json<Value>>,
    saved: Option<Json<Value>>,
    row: Option<Json<Value>>,
    upserted: Option<Json<Value>>,
    mirrored: Option<Json<Value>>,
    broadcast: Option<Json<Value>>,
    mail: Option<Json<Value>>,
    sms: Option<Json<Value>>,
}

#[sql_trigger(table_name = "dbo.Work", connection_string_setting = "Sql")]
async fn sql_changes(changes: Json<Vec<Value>>) {
    let _ = changes;
}

#[mysql_trigger(table_name = "work", connection_string_setting = "MySql")]
async fn mysql_changes(changes: Json<Vec<Value>>) {
    let _ = changes;
}

#[signalr_trigger(hub_name = "chat", category = "messages", event = "send", parameter_names = ["message"])]
async fn chat(invocation: Json<Value>) {
    let _ = invocation;
}

#[orchestration_trigger]
async fn orchestrator(context: Json<Value>) {
    let _ = context;
}

#[activity_trigger(activity = "Hello")]
async fn hello_activity(input: Json<Value>) {
    let _ = input;
}

#[entity_trigger(entity_name = "Counter")]
async fn counter(context: Json<Value>) {
    let _ = context;
}

fn main() {}
