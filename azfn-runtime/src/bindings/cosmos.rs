//! Azure Cosmos DB (`cosmosDBTrigger`, `cosmosDB` input): [`CosmosDocument`].
//!
//! A `cosmosDBTrigger` delivers the changed documents (latest-version change feed) as one JSON
//! array in `Data`, sent by the host as JSON text (contract §4.2); take it as
//! `Json<Vec<T>>`, or as `Json<Vec<CosmosDocument<T>>>` to also read the system properties
//! Cosmos DB adds to every document (`_rid`, `_self`, `_etag`, `_attachments`, `_ts`, and
//! `_lsn` in the change feed). A `cosmosDB` input binding delivers one document (with `id`)
//! or an array (with `sqlQuery`), the same way.
//!
//! Sources: the trigger's payload in the Python worker library's tests
//! (`Azure/azure-functions-python-library`, `tests/test_cosmosdb.py`: a JSON array of
//! documents), the system properties from the Cosmos DB documentation. The "all versions and
//! deletes" change feed mode (documents wrapped in `current`/`previous`/`metadata`) is not
//! modelled: read it with `Json<Vec<serde_json::Value>>`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A Cosmos DB document: your type `T` (flattened: its fields are the document's) plus the
/// system properties. Unknown fields go to `T` (the default, a `serde_json::Map`, keeps them
/// all).
///
/// `T` should take `id` itself if it needs it: `CosmosDocument` leaves it to `T`.
///
/// ```
/// use azfn_runtime::bindings::cosmos::CosmosDocument;
/// use azfn_runtime::{Context, Json};
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: String, status: String }
///
/// // #[generic_trigger(type = "cosmosDBTrigger", connection = "Cosmos", databaseName = "shop",
/// //     containerName = "orders", createLeaseContainerIfNotExists = true)]
/// async fn changed(docs: Json<Vec<CosmosDocument<Order>>>, ctx: Context) {
///     for doc in docs.iter() {
///         ctx.log(format_args!("{} is {} (lsn {:?})", doc.body.id, doc.body.status, doc.lsn));
///     }
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CosmosDocument<T = Map<String, Value>> {
    /// The document's own fields.
    #[serde(flatten)]
    pub body: T,
    /// `_rid`: the resource id.
    #[serde(rename = "_rid", default, skip_serializing_if = "Option::is_none")]
    pub rid: Option<String>,
    /// `_self`: the resource link.
    #[serde(rename = "_self", default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<String>,
    /// `_etag`: the version, for optimistic concurrency.
    #[serde(rename = "_etag", default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// `_attachments`: the attachments link.
    #[serde(
        rename = "_attachments",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub attachments: Option<String>,
    /// `_ts`: last modified, in seconds since the Unix epoch.
    #[serde(rename = "_ts", default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<i64>,
    /// `_lsn`: the change feed's logical sequence number (trigger only).
    #[serde(rename = "_lsn", default, skip_serializing_if = "Option::is_none")]
    pub lsn: Option<i64>,
}

impl<T> CosmosDocument<T> {
    /// A document with no system properties (for a `cosmosDB` output: Cosmos DB sets them).
    pub fn new(body: T) -> Self {
        Self {
            body,
            rid: None,
            self_link: None,
            etag: None,
            attachments: None,
            ts: None,
            lsn: None,
        }
    }

    /// Takes your part of the document.
    pub fn into_body(self) -> T {
        self.body
    }
}
