//! Azure Tables (`table` input and output): [`TableEntity`].
//!
//! A `table` input binding with `partitionKey` and `rowKey` delivers one entity as a JSON
//! object; without `rowKey` (a query, with `filter`/`take`) it delivers a JSON array, sent as
//! JSON text (contract §4.2). Each entity is the extension's `TableEntity` turned into a
//! `JObject` property by property (`ConvertEntityToJObject` in `TablesExtensionConfigProvider`,
//! `Azure/azure-sdk-for-net`,
//! `sdk/tables/Microsoft.Azure.WebJobs.Extensions.Tables/src/TablesExtensionConfigProvider.cs`):
//! `PartitionKey`, `RowKey`, `Timestamp`, `odata.etag` and your properties.
//!
//! The `table` output binding takes a JSON object per entity (or an array of them): its
//! `partitionKey`/`rowKey` (any case) override the binding's, and every other property must be
//! a scalar (`CreateTableEntityFromJObject` reads each as a `JValue`: nested objects and arrays
//! fail the write).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A table entity: its keys, the service's `Timestamp` and `ETag`, and your properties as `T`
/// (flattened; a `serde_json::Map` keeps them all).
///
/// ```
/// use azfn_runtime::bindings::table::TableEntity;
/// use azfn_runtime::{Context, Json};
///
/// #[derive(serde::Deserialize, serde::Serialize)]
/// struct Stock { quantity: u32 }
///
/// // #[generic_trigger(type = "queueTrigger", queueName = "restock", connection = "Storage")]
/// // #[binding(type = "table", direction = "in", name = "stock", tableName = "stock",
/// //     partitionKey = "shop", rowKey = "{queueTrigger}")]
/// // #[binding(type = "table", direction = "out", name = "$return", tableName = "stock")]
/// async fn restock(sku: String, stock: TableEntity<Stock>, ctx: Context) -> TableEntity<Stock> {
///     ctx.log(format_args!("{sku}: {} (etag {:?})", stock.properties.quantity, stock.etag));
///     TableEntity::new("shop", sku, Stock { quantity: stock.properties.quantity + 10 })
/// }
/// ```
///
/// Serialized (as an output) it writes `PartitionKey`, `RowKey` and the properties; never
/// `Timestamp` or `odata.etag`, which the service sets.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct TableEntity<T = Map<String, Value>> {
    /// `PartitionKey`.
    #[serde(rename = "PartitionKey", alias = "partitionKey")]
    pub partition_key: String,
    /// `RowKey`.
    #[serde(rename = "RowKey", alias = "rowKey")]
    pub row_key: String,
    /// `Timestamp`: when the service last modified the entity, as sent (ISO 8601 with offset).
    #[serde(rename = "Timestamp", alias = "timestamp", default, skip_serializing)]
    pub timestamp: Option<String>,
    /// `odata.etag`: the entity's version.
    #[serde(rename = "odata.etag", alias = "ETag", default, skip_serializing)]
    pub etag: Option<String>,
    /// The entity's own properties.
    #[serde(flatten)]
    pub properties: T,
}

impl<T> TableEntity<T> {
    /// An entity to write.
    pub fn new(
        partition_key: impl Into<String>,
        row_key: impl Into<String>,
        properties: T,
    ) -> Self {
        Self {
            partition_key: partition_key.into(),
            row_key: row_key.into(),
            timestamp: None,
            etag: None,
            properties,
        }
    }
}

super::json_input!(TableEntity<T>);
super::json_output_value!(TableEntity<T>);
