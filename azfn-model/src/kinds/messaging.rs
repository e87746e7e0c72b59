//! Messaging: Service Bus, Event Hubs, Event Grid, Kafka and RabbitMQ.

use super::{
    CARDINALITY, Check, DATA_TYPE, EMPTY, Kind, Role, Setting, choice, conn, flag, int, opt, req,
    text,
};

const SERVICE_BUS_DATA: &[&str] = &[
    "messageId",
    "deliveryCount",
    "enqueuedTimeUtc",
    "expiresAtUtc",
    "contentType",
    "correlationId",
    "label",
    "subject",
    "replyTo",
    "sessionId",
    "to",
    "sequenceNumber",
    "lockToken",
    "userProperties",
    "applicationProperties",
    "messageSession",
    "messageActions",
    "sessionActions",
    "client",
];

pub(super) const SERVICE_BUS_TRIGGER: Kind = Kind {
    attr: "service_bus_trigger",
    type_name: "serviceBusTrigger",
    role: Role::Trigger,
    settings: &[
        opt("queueName", Check::ServiceBusQueue),
        opt("topicName", Check::ServiceBusTopic),
        opt("subscriptionName", Check::ServiceBusQueue),
        conn("connection"),
        flag("isSessionsEnabled"),
        flag("autoCompleteMessages"),
        CARDINALITY,
        DATA_TYPE,
        Setting {
            deprecated: Some(
                "`accessRights` is a Functions 1.x setting the current Service Bus extension ignores; remove it",
            ),
            ..choice("accessRights", &["manage", "listen", "send"])
        },
    ],
    one_of: &[&["queueName"], &["topicName", "subscriptionName"]],
    default_name: "message",
    provides: SERVICE_BUS_DATA,
    payload_properties: true,
    data: "`ServiceBusMessage<B>`, `ServiceBusBatch<B>` (`cardinality = \"many\"`), `Json<T>`, `String`",
    summary: "a message (or a batch, `cardinality = \"many\"`) from a Service Bus queue or topic subscription",
    ..EMPTY
};

pub(super) const SERVICE_BUS_OUTPUT: Kind = Kind {
    attr: "service_bus_output",
    type_name: "serviceBus",
    role: Role::Output,
    settings: &[
        opt("queueName", Check::ServiceBusQueue),
        opt("topicName", Check::ServiceBusTopic),
        conn("connection"),
        DATA_TYPE,
    ],
    one_of: &[&["queueName"], &["topicName"]],
    data: "`Json<T>`, `String`, `Vec<u8>`",
    summary: "messages to a Service Bus queue or topic",
    ..EMPTY
};

const EVENT_HUB_DATA: &[&str] = &[
    "partitionContext",
    "partitionKey",
    "offset",
    "sequenceNumber",
    "enqueuedTimeUtc",
    "properties",
    "systemProperties",
    "partitionKeyArray",
    "offsetArray",
    "sequenceNumberArray",
    "enqueuedTimeUtcArray",
    "propertiesArray",
    "systemPropertiesArray",
    "triggerPartitionContext",
];

pub(super) const EVENT_HUB_TRIGGER: Kind = Kind {
    attr: "event_hub_trigger",
    type_name: "eventHubTrigger",
    role: Role::Trigger,
    settings: &[
        req("eventHubName", Check::EventHub),
        opt("consumerGroup", Check::ConsumerGroup),
        conn("connection"),
        CARDINALITY,
        DATA_TYPE,
    ],
    renamed: &[("path", "eventHubName")],
    default_name: "events",
    provides: EVENT_HUB_DATA,
    payload_properties: true,
    retry: true,
    data: "`EventHubBatch<B>` (`cardinality = \"many\"`, the default), `EventHubEvent<B>`, `Json<Vec<T>>`",
    summary: "events from an Event Hub (a batch unless `cardinality = \"one\"`)",
    ..EMPTY
};

pub(super) const EVENT_HUB_OUTPUT: Kind = Kind {
    attr: "event_hub_output",
    type_name: "eventHub",
    role: Role::Output,
    settings: &[
        req("eventHubName", Check::EventHub),
        conn("connection"),
        DATA_TYPE,
    ],
    renamed: &[("path", "eventHubName")],
    data: "`Json<T>`, `String`, `Vec<u8>`",
    summary: "events to an Event Hub",
    ..EMPTY
};

pub(super) const EVENT_GRID_TRIGGER: Kind = Kind {
    attr: "event_grid_trigger",
    type_name: "eventGridTrigger",
    role: Role::Trigger,
    settings: &[DATA_TYPE],
    default_name: "event",
    provides: &["data", "subject", "topic", "eventType", "id"],
    payload_properties: true,
    data: "`EventGridEvent<T>`, `CloudEvent<T>`, `AnyEvent<T>`, `Json<T>`",
    summary: "an Event Grid event, in the Event Grid or CloudEvents schema",
    ..EMPTY
};

pub(super) const EVENT_GRID_OUTPUT: Kind = Kind {
    attr: "event_grid_output",
    type_name: "eventGrid",
    role: Role::Output,
    settings: &[
        text("topicEndpointUri"),
        conn("topicKeySetting"),
        conn("connection"),
        DATA_TYPE,
    ],
    one_of: &[&["topicEndpointUri", "topicKeySetting"], &["connection"]],
    data: "`EventGridEvent<T>`, `CloudEvent<T>`, a `Vec` of them",
    summary: "events published to a custom Event Grid topic (the endpoint and key settings, or an identity-based `connection`)",
    ..EMPTY
};

const KAFKA_PROTOCOLS: &[&str] = &["NOTSET", "PLAINTEXT", "SSL", "SASLPLAINTEXT", "SASLSSL"];
const KAFKA_AUTH: &[&str] = &[
    "NOTSET",
    "GSSAPI",
    "PLAIN",
    "SCRAMSHA256",
    "SCRAMSHA512",
    "OAUTHBEARER",
];

pub(super) const KAFKA_TRIGGER: Kind = Kind {
    attr: "kafka_trigger",
    type_name: "kafkaTrigger",
    role: Role::Trigger,
    settings: &[
        req("brokerList", Check::Text),
        req("topic", Check::Text),
        text("consumerGroup"),
        text("username"),
        text("password"),
        choice("protocol", KAFKA_PROTOCOLS),
        choice("authenticationMode", KAFKA_AUTH),
        CARDINALITY,
        DATA_TYPE,
        int("lagThreshold"),
        text("avroSchema"),
        text("sslKeyLocation"),
        text("sslCaLocation"),
        text("sslCertificateLocation"),
        text("sslKeyPassword"),
        text("schemaRegistryUrl"),
        text("schemaRegistryUsername"),
        text("schemaRegistryPassword"),
    ],
    default_name: "events",
    provides: &[
        "key",
        "offset",
        "partition",
        "topic",
        "timestamp",
        "headers",
    ],
    payload_properties: true,
    retry: true,
    data: "`KafkaEvent<T>`, `Json<Vec<KafkaEvent<T>>>` (`cardinality = \"many\"`), `Json<T>`",
    summary: "events from a Kafka topic",
    ..EMPTY
};

pub(super) const KAFKA_OUTPUT: Kind = Kind {
    attr: "kafka_output",
    type_name: "kafka",
    role: Role::Output,
    settings: &[
        req("brokerList", Check::Text),
        req("topic", Check::Text),
        text("username"),
        text("password"),
        choice("protocol", KAFKA_PROTOCOLS),
        choice("authenticationMode", KAFKA_AUTH),
        DATA_TYPE,
        int("maxMessageBytes"),
        int("batchSize"),
        flag("enableIdempotence"),
        int("messageTimeoutMs"),
        int("requestTimeoutMs"),
        int("maxRetries"),
        int("lingerMs"),
        text("avroSchema"),
    ],
    data: "`Json<T>`, `String`",
    summary: "events to a Kafka topic",
    ..EMPTY
};

pub(super) const RABBITMQ_TRIGGER: Kind = Kind {
    attr: "rabbitmq_trigger",
    type_name: "rabbitMQTrigger",
    role: Role::Trigger,
    settings: &[
        req("queueName", Check::Text),
        conn("connectionStringSetting"),
    ],
    default_name: "message",
    provides: &[
        "consumerTag",
        "deliveryTag",
        "redelivered",
        "exchange",
        "routingKey",
        "basicProperties",
    ],
    payload_properties: true,
    data: "`RabbitMqMessage<B>`, `Json<T>`, `String`",
    summary: "a message from a RabbitMQ queue",
    ..EMPTY
};

pub(super) const RABBITMQ_OUTPUT: Kind = Kind {
    attr: "rabbitmq_output",
    type_name: "rabbitMQ",
    role: Role::Output,
    settings: &[
        req("queueName", Check::Text),
        conn("connectionStringSetting"),
    ],
    data: "`Json<T>`, `String`, `Vec<u8>`",
    summary: "messages to a RabbitMQ queue",
    ..EMPTY
};
