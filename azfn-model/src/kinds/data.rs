//! Databases: Cosmos DB (extension 4), Azure SQL and MySQL.

use super::{Check, EMPTY, Kind, Role, Setting, choice, conn, flag, int, req, text};

/// The keys of Cosmos DB extension 3, which bundle 4 no longer reads.
const COSMOS_V3: &[(&str, &str)] = &[
    ("collectionName", "containerName"),
    ("connectionStringSetting", "connection"),
    ("leaseCollectionName", "leaseContainerName"),
    ("leaseConnectionStringSetting", "leaseConnection"),
    (
        "createLeaseCollectionIfNotExists",
        "createLeaseContainerIfNotExists",
    ),
    ("leaseCollectionPrefix", "leaseContainerPrefix"),
    ("leasesCollectionThroughput", "leasesContainerThroughput"),
    ("collectionThroughput", "containerThroughput"),
];

pub(super) const COSMOS_DB_TRIGGER: Kind = Kind {
    attr: "cosmos_db_trigger",
    type_name: "cosmosDBTrigger",
    role: Role::Trigger,
    settings: &[
        conn("connection"),
        req("databaseName", Check::Text),
        req("containerName", Check::Text),
        conn("leaseConnection"),
        text("leaseDatabaseName"),
        text("leaseContainerName"),
        flag("createLeaseContainerIfNotExists"),
        int("leasesContainerThroughput"),
        text("leaseContainerPrefix"),
        int("feedPollDelay"),
        int("leaseAcquireInterval"),
        int("leaseExpirationInterval"),
        int("leaseRenewInterval"),
        int("maxItemsPerInvocation"),
        flag("startFromBeginning"),
        text("startFromTime"),
        text("preferredLocations"),
    ],
    renamed: &[
        COSMOS_V3[0],
        COSMOS_V3[1],
        COSMOS_V3[2],
        COSMOS_V3[3],
        COSMOS_V3[4],
        COSMOS_V3[5],
        COSMOS_V3[6],
    ],
    default_name: "documents",
    provides: &[],
    payload_properties: false,
    retry: true,
    data: "`Json<Vec<CosmosDocument<T>>>`, `Json<Vec<T>>`",
    summary: "the change feed of a Cosmos DB container, as a batch of documents",
    ..EMPTY
};

pub(super) const COSMOS_DB_INPUT: Kind = Kind {
    attr: "cosmos_db_input",
    type_name: "cosmosDB",
    role: Role::Input,
    settings: &[
        conn("connection"),
        req("databaseName", Check::Text),
        req("containerName", Check::Text),
        text("id"),
        text("sqlQuery"),
        text("partitionKey"),
        text("preferredLocations"),
    ],
    renamed: &[COSMOS_V3[0], COSMOS_V3[1]],
    default_name: "",
    data: "`Json<CosmosDocument<T>>` (`id`), `Json<Vec<T>>` (`sql_query`), `Json<T>`",
    summary: "a document by id, or the result of a query",
    ..EMPTY
};

pub(super) const COSMOS_DB_OUTPUT: Kind = Kind {
    attr: "cosmos_db_output",
    type_name: "cosmosDB",
    role: Role::Output,
    settings: &[
        conn("connection"),
        req("databaseName", Check::Text),
        req("containerName", Check::Text),
        flag("createIfNotExists"),
        text("partitionKey"),
        int("containerThroughput"),
        text("preferredLocations"),
    ],
    renamed: &[COSMOS_V3[0], COSMOS_V3[1], COSMOS_V3[7]],
    data: "`Json<T>`, `Json<Vec<T>>`",
    summary: "documents written to a container",
    ..EMPTY
};

const COMMAND_TYPES: &[&str] = &["text", "storedProcedure"];

const SQL_CONNECTION: Setting = Setting {
    required: true,
    ..conn("connectionStringSetting")
};

macro_rules! sql_family {
    ($trigger:ident, $input:ident, $output:ident, $prefix:literal, $ty:literal, $name:literal) => {
        pub(super) const $trigger: Kind = Kind {
            attr: concat!($prefix, "_trigger"),
            type_name: concat!($ty, "Trigger"),
            role: Role::Trigger,
            settings: &[
                req("tableName", Check::Text),
                SQL_CONNECTION,
                text("leasesTableName"),
            ],
            default_name: "changes",
            provides: &[],
            payload_properties: true,
            data: "`Json<Vec<SqlChange<T>>>`, `Json<Vec<T>>`",
            summary: concat!("changes to a ", $name, " table"),
            ..EMPTY
        };

        pub(super) const $input: Kind = Kind {
            attr: concat!($prefix, "_input"),
            type_name: $ty,
            role: Role::Input,
            settings: &[
                req("commandText", Check::Text),
                choice("commandType", COMMAND_TYPES),
                text("parameters"),
                SQL_CONNECTION,
            ],
            default_name: "",
            data: "`Json<Vec<T>>`",
            summary: concat!("the rows of a ", $name, " query or stored procedure"),
            ..EMPTY
        };

        pub(super) const $output: Kind = Kind {
            attr: concat!($prefix, "_output"),
            type_name: $ty,
            role: Role::Output,
            settings: &[req("commandText", Check::Text), SQL_CONNECTION],
            data: "`Json<T>`, `Json<Vec<T>>` (upserted rows)",
            summary: concat!(
                "rows upserted into a ",
                $name,
                " table (`command_text` names it)"
            ),
            ..EMPTY
        };
    };
}

sql_family!(
    SQL_TRIGGER,
    SQL_INPUT,
    SQL_OUTPUT,
    "sql",
    "sql",
    "Azure SQL"
);
sql_family!(
    MYSQL_TRIGGER,
    MYSQL_INPUT,
    MYSQL_OUTPUT,
    "mysql",
    "mysql",
    "MySQL"
);
