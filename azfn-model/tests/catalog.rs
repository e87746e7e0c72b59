//! The binding table against the extension bundle's catalog (`bindings-bundle-v4.json`,
//! vendored under `vendor/azure-functions-templates`): every catalog binding is in the table,
//! every catalog setting is a table setting (or a key the table reads under its new name), and
//! every difference is listed here with its reason.

#![allow(clippy::expect_used, clippy::panic, reason = "test")]

use std::path::PathBuf;

use azfn_model::Direction;
use azfn_model::kinds::{self, Ty};
use serde_json::Value;

fn catalog() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vendor/azure-functions-templates/bindings-bundle-v4.json");
    let text = std::fs::read_to_string(&path).expect("the vendored catalog");
    serde_json::from_str(&text).expect("catalog JSON")
}

/// Settings the catalog marks required that the extension does not require, with the reason.
const NOT_REQUIRED: &[(&str, &str, &str)] = &[
    (
        "*",
        "connection",
        "every extension falls back to its default connection setting (AzureWebJobsStorage, AzureWebJobsServiceBus, …)",
    ),
    (
        "*",
        "connectionStringSetting",
        "the extension falls back to its default connection setting",
    ),
    (
        "serviceBusTrigger",
        "queueName",
        "a queue, or a topic with a subscription: `one_of`",
    ),
    (
        "serviceBusTrigger",
        "topicName",
        "a queue, or a topic with a subscription: `one_of`",
    ),
    (
        "serviceBusTrigger",
        "subscriptionName",
        "a queue, or a topic with a subscription: `one_of`",
    ),
    ("serviceBus", "queueName", "a queue or a topic: `one_of`"),
    ("serviceBus", "topicName", "a queue or a topic: `one_of`"),
    (
        "kafkaTrigger",
        "protocol",
        "the Kafka extension defaults to NOTSET",
    ),
    (
        "kafka",
        "protocol",
        "the Kafka extension defaults to NOTSET",
    ),
    (
        "cosmosDBTrigger",
        "leaseContainerName",
        "extension 4 defaults to `leases`",
    ),
    (
        "cosmosDBTrigger",
        "createLeaseContainerIfNotExists",
        "extension 4 defaults to false",
    ),
    (
        "cosmosDB",
        "createIfNotExists",
        "extension 4 defaults to false",
    ),
    (
        "sendGrid",
        "apiKey",
        "the SendGrid extension defaults to the `AzureWebJobsSendGridApiKey` setting",
    ),
    (
        "twilioSms",
        "accountSidSetting",
        "the Twilio extension defaults to `AzureWebJobsTwilioAccountSid`",
    ),
    (
        "twilioSms",
        "authTokenSetting",
        "the Twilio extension defaults to `AzureWebJobsTwilioAuthToken`",
    ),
    (
        "httpTrigger",
        "authLevel",
        "the host defaults to `function` (azfn writes it)",
    ),
];

/// Catalog settings the table reads under another name (the catalog is behind the extension).
const BEHIND: &[(&str, &str, &str)] = &[
    (
        "cosmosDB",
        "collectionName",
        "extension 3 name; bundle 4 ships extension 4 (`containerName`)",
    ),
    (
        "cosmosDB",
        "connectionStringSetting",
        "extension 3 name; extension 4 reads `connection`",
    ),
    (
        "cosmosDB",
        "collectionThroughput",
        "extension 3 name; extension 4 reads `containerThroughput`",
    ),
    (
        "entityTrigger",
        "activity",
        "the catalog's entity trigger copies the activity trigger; the extension reads `entityName`",
    ),
];

/// Enum spellings the table writes differently.
const ENUM_SPELLING: &[(&str, &str, &str)] = &[
    (
        "kafkaTrigger",
        "authenticationMode",
        "the table adds OAUTHBEARER, which the extension accepts",
    ),
    (
        "kafka",
        "authenticationMode",
        "the table adds OAUTHBEARER, which the extension accepts",
    ),
];

#[test]
fn every_catalog_binding_and_setting_is_in_the_table() {
    let catalog = catalog();
    let bindings = catalog["bindings"].as_array().expect("bindings");
    let mut problems = Vec::new();
    for b in bindings {
        let type_name = b["type"].as_str().expect("type");
        let direction = match b["direction"].as_str().expect("direction") {
            "out" => Direction::Out,
            _ => Direction::In,
        };
        let Some(kind) = kinds::by_type(type_name, direction) else {
            problems.push(format!("{type_name} ({direction:?}) is not in the table"));
            continue;
        };
        assert_eq!(kind.direction(), direction, "{type_name}");
        for s in b["settings"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let key = s["name"].as_str().expect("setting name");
            if key == "name" {
                continue;
            }
            let listed = |list: &[(&str, &str, &str)]| {
                list.iter()
                    .any(|(t, k, _)| (*t == "*" || t.eq_ignore_ascii_case(type_name)) && *k == key)
            };
            let Some(setting) = kind.setting(key) else {
                if !listed(BEHIND) {
                    problems.push(format!("{type_name}.{key} is not a table setting"));
                }
                continue;
            };
            let required = s["required"].as_bool().unwrap_or(false);
            if required && !setting.required && !listed(NOT_REQUIRED) {
                problems.push(format!("{type_name}.{key}: required in the catalog"));
            }
            if let Some(values) = s["enum"].as_array() {
                let (Ty::Enum(ours) | Ty::List(ours)) = setting.ty else {
                    problems.push(format!("{type_name}.{key}: an enum in the catalog"));
                    continue;
                };
                let theirs: Vec<&str> = values.iter().filter_map(|v| v["value"].as_str()).collect();
                let same = theirs.len() == ours.len()
                    && theirs
                        .iter()
                        .all(|t| ours.iter().any(|o| o.eq_ignore_ascii_case(t)));
                if !same && !listed(ENUM_SPELLING) {
                    problems.push(format!(
                        "{type_name}.{key}: catalog {theirs:?}, table {ours:?}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_table_covers_more_than_the_catalog_only_where_the_extensions_do() {
    // Kinds the catalog lacks, taken from the extensions' sources.
    let catalog = catalog();
    let listed: Vec<String> = catalog["bindings"]
        .as_array()
        .expect("bindings")
        .iter()
        .filter_map(|b| b["type"].as_str().map(str::to_ascii_lowercase))
        .collect();
    let extra: Vec<&str> = kinds::KINDS
        .iter()
        .filter(|k| !listed.contains(&k.type_name.to_ascii_lowercase()))
        .map(|k| k.type_name)
        .collect();
    assert_eq!(extra, ["eventGrid", "rabbitMQ", "signalRTrigger"]);
}

#[test]
fn the_readme_binding_table_is_the_table() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = "<!-- binding table: generated from azfn_model::kinds::markdown_table() -->\n";
    let end = "<!-- end of binding table -->";
    let table = readme
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(table, _)| table);
    let expected = kinds::markdown_table();
    assert_eq!(
        table,
        Some(expected.as_str()),
        "README.md's binding table is out of date; replace it with:\n{expected}"
    );
}
