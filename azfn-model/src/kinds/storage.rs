//! Azure Storage: queues, blobs (`Microsoft.Azure.WebJobs.Extensions.Storage`) and tables
//! (`Microsoft.Azure.WebJobs.Extensions.Tables`).

use super::{Check, DATA_TYPE, EMPTY, Kind, Local, Role, choice, conn, int, req, text};

const QUEUE_DATA: &[&str] = &[
    "queueTrigger",
    "dequeueCount",
    "expirationTime",
    "id",
    "insertionTime",
    "nextVisibleTime",
    "popReceipt",
];

pub(super) const QUEUE_TRIGGER: Kind = Kind {
    attr: "queue_trigger",
    type_name: "queueTrigger",
    role: Role::Trigger,
    settings: &[
        req("queueName", Check::Queue),
        conn("connection"),
        DATA_TYPE,
    ],
    default_name: "msg",
    provides: QUEUE_DATA,
    payload_properties: true,
    local: Local::Emulated,
    data: "`QueueMessage`, `Json<T>`, `String`, `Vec<u8>`",
    summary: "a message on a storage queue",
    ..EMPTY
};

pub(super) const QUEUE_OUTPUT: Kind = Kind {
    attr: "queue_output",
    type_name: "queue",
    role: Role::Output,
    settings: &[
        req("queueName", Check::Queue),
        conn("connection"),
        DATA_TYPE,
    ],
    local: Local::Emulated,
    data: "`Json<T>`, `String`, `Vec<u8>`",
    summary: "messages to a storage queue",
    ..EMPTY
};

pub(super) const BLOB_TRIGGER: Kind = Kind {
    attr: "blob_trigger",
    type_name: "blobTrigger",
    role: Role::Trigger,
    settings: &[
        req("path", Check::BlobTriggerPath),
        conn("connection"),
        choice("source", &["EventGrid", "LogsAndContainerScan"]),
        DATA_TYPE,
    ],
    default_name: "blob",
    provides: &["blobTrigger", "uri", "properties", "metadata"],
    local: Local::Emulated,
    data: "`Blob`, `Bytes`, `String`, `Json<T>`",
    summary: "a new or updated blob",
    ..EMPTY
};

pub(super) const BLOB_INPUT: Kind = Kind {
    attr: "blob_input",
    type_name: "blob",
    role: Role::Input,
    settings: &[req("path", Check::BlobPath), conn("connection"), DATA_TYPE],
    default_name: "",
    local: Local::Emulated,
    data: "`Bytes`, `String`, `Json<T>`, `Option<_>` of those",
    summary: "a blob read before the function runs",
    ..EMPTY
};

pub(super) const BLOB_OUTPUT: Kind = Kind {
    attr: "blob_output",
    type_name: "blob",
    role: Role::Output,
    settings: &[req("path", Check::BlobPath), conn("connection"), DATA_TYPE],
    local: Local::Emulated,
    data: "`Bytes`, `Vec<u8>`, `String`, `Json<T>`",
    summary: "a blob written after the function returns",
    ..EMPTY
};

pub(super) const TABLE_INPUT: Kind = Kind {
    attr: "table_input",
    type_name: "table",
    role: Role::Input,
    settings: &[
        req("tableName", Check::Table),
        text("partitionKey"),
        text("rowKey"),
        int("take"),
        text("filter"),
        conn("connection"),
    ],
    default_name: "",
    data: "`TableEntity<T>`, `Json<Vec<TableEntity<T>>>`, `Json<T>`",
    summary: "one entity (`partition_key` and `row_key`) or a query of a storage or Cosmos DB table",
    ..EMPTY
};

pub(super) const TABLE_OUTPUT: Kind = Kind {
    attr: "table_output",
    type_name: "table",
    role: Role::Output,
    settings: &[
        req("tableName", Check::Table),
        text("partitionKey"),
        text("rowKey"),
        conn("connection"),
    ],
    data: "`TableEntity<T>`, a `Vec` of them",
    summary: "entities written to a table",
    ..EMPTY
};
