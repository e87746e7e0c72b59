//! Typed trigger data: [`TimerInfo`], [`QueueMessage`], [`Blob`], [`BlobInfo`], [`Metadata`].
//!
//! Each is a parameter type of the built-in triggers (the extension bundle's are in
//! [`bindings`](crate::bindings)):
//!
//! ```no_run
//! use azfn_runtime::triggers::{Blob, QueueMessage, TimerInfo};
//! use azfn_runtime::{Context, Error, blob_trigger, queue_trigger, timer_trigger};
//!
//! #[queue_trigger(queue_name = "jobs")]
//! async fn run_job(msg: QueueMessage, ctx: Context) -> Result<(), Error> {
//!     ctx.log(format_args!("try {:?}: {}", msg.dequeue_count(), msg.text()?));
//!     Ok(())
//! }
//!
//! #[timer_trigger(schedule = "0 */5 * * * *")]
//! async fn every_five_minutes(timer: TimerInfo) {
//!     let _late = timer.is_past_due;
//! }
//!
//! #[blob_trigger(path = "samples/{name}")]
//! async fn on_upload(blob: Blob, ctx: Context) {
//!     ctx.log(format_args!("{:?}: {} bytes", blob.info().name(), blob.content().len()));
//! }
//! # fn main() {}
//! ```

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::decode::{as_object, as_text, get_ci, json_from_decoded, text_of, undo_double_encoding};
use crate::error::Rejection;
use crate::extract::{FromInvocation, binding_bytes};
use crate::http_api::describe;
use crate::invocation::Invocation;

/// A timer trigger's `TimerInfo` (contract §9.3).
///
/// ```
/// use azfn_runtime::triggers::TimerInfo;
/// use azfn_runtime::Context;
///
/// // #[timer_trigger(schedule = "0 */5 * * * *")]
/// async fn cleanup(timer: TimerInfo, ctx: Context) {
///     if timer.is_past_due {
///         ctx.warn("running late");
///     }
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimerInfo {
    /// `IsPastDue`: the invocation is later than scheduled.
    pub is_past_due: bool,
    /// `ScheduleStatus`; `None` when `useMonitor` is off and on a first run.
    pub schedule_status: Option<ScheduleStatus>,
    /// `Schedule.AdjustForDST`, when sent.
    pub adjust_for_dst: Option<bool>,
}

/// The persisted schedule status of a timer. Times are the host's strings, uninterpreted
/// (their offset depends on the host machine).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScheduleStatus {
    /// `Last`: the last scheduled occurrence.
    pub last: String,
    /// `Next`: the next scheduled occurrence.
    pub next: String,
    /// `LastUpdated`: when the status was last written.
    pub last_updated: String,
}

impl FromInvocation for TimerInfo {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        let value = inv.value(binding)?;
        let Some(obj) = as_object(value) else {
            return Err(Rejection::invalid(
                binding,
                "a timer object (TimerInfo)",
                format!("found {}", describe(value)),
            ));
        };
        let field =
            |o: &Map<String, Value>, k: &str| get_ci(o, k).and_then(as_text).unwrap_or_default();
        let schedule_status =
            get_ci(&obj, "ScheduleStatus")
                .and_then(as_object)
                .map(|s| ScheduleStatus {
                    last: field(&s, "Last"),
                    next: field(&s, "Next"),
                    last_updated: field(&s, "LastUpdated"),
                });
        let adjust_for_dst = get_ci(&obj, "Schedule")
            .and_then(as_object)
            .and_then(|s| get_ci(&s, "AdjustForDST").and_then(Value::as_bool));
        Ok(Self {
            is_past_due: get_ci(&obj, "IsPastDue")
                .map(|v| undo_double_encoding(v).as_bool() == Some(true))
                .unwrap_or(false),
            schedule_status,
            adjust_for_dst,
        })
    }
}

fn meta_text(inv: &Invocation, key: &str) -> Option<String> {
    let v = get_ci(inv.raw_metadata(), key)?;
    match &*undo_double_encoding(v) {
        Value::Null => None,
        other => Some(text_of(other)),
    }
}

/// A storage queue message with its metadata (`Id`, `DequeueCount`, `InsertionTime`, …).
///
/// ```
/// use azfn_runtime::triggers::QueueMessage;
/// use azfn_runtime::Error;
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: u64 }
///
/// // #[queue_trigger(queue_name = "orders")]
/// async fn process(msg: QueueMessage) -> Result<(), Error> {
///     if msg.dequeue_count() > Some(3) {
///         return Err(Error::msg("giving up"));
///     }
///     let order: Order = msg.json()?;
///     println!("message {:?}: order {}", msg.id(), order.id);
///     Ok(())
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueMessage {
    body: Bytes,
    id: Option<String>,
    dequeue_count: Option<u32>,
    insertion_time: Option<String>,
    expiration_time: Option<String>,
    next_visible_time: Option<String>,
    pop_receipt: Option<String>,
}

impl QueueMessage {
    /// The message content.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The message as UTF-8 text.
    pub fn text(&self) -> Result<&str, Rejection> {
        std::str::from_utf8(&self.body)
            .map_err(|e| Rejection::new(400, format!("the queue message is not UTF-8: {e}")))
    }

    /// The message as JSON; a plain-text message deserializes into a `String`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Rejection> {
        let text = self.text()?;
        json_from_decoded(&Value::String(text.to_owned())).map_err(|e| {
            Rejection::new(
                400,
                format!(
                    "the queue message is not JSON for `{}`: {e}",
                    crate::type_name::short_type_name::<T>()
                ),
            )
        })
    }

    /// `Id`.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// `DequeueCount`: how many times the message was dequeued, this time included.
    pub fn dequeue_count(&self) -> Option<u32> {
        self.dequeue_count
    }

    /// `InsertionTime`, as the host sent it.
    pub fn insertion_time(&self) -> Option<&str> {
        self.insertion_time.as_deref()
    }

    /// `ExpirationTime`, as the host sent it.
    pub fn expiration_time(&self) -> Option<&str> {
        self.expiration_time.as_deref()
    }

    /// `NextVisibleTime`, as the host sent it.
    pub fn next_visible_time(&self) -> Option<&str> {
        self.next_visible_time.as_deref()
    }

    /// `PopReceipt`.
    pub fn pop_receipt(&self) -> Option<&str> {
        self.pop_receipt.as_deref()
    }
}

impl FromInvocation for QueueMessage {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        Ok(Self {
            body: binding_bytes(inv, binding)?,
            id: meta_text(inv, "Id"),
            dequeue_count: meta_text(inv, "DequeueCount").and_then(|c| c.trim().parse().ok()),
            insertion_time: meta_text(inv, "InsertionTime"),
            expiration_time: meta_text(inv, "ExpirationTime"),
            next_visible_time: meta_text(inv, "NextVisibleTime"),
            pop_receipt: meta_text(inv, "PopReceipt"),
        })
    }
}

/// A blob's name, URI, properties and user metadata, from the trigger metadata.
///
/// Only a blob *trigger* carries metadata; for a blob input binding these fields are empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlobInfo {
    name: Option<String>,
    uri: Option<String>,
    properties: Map<String, Value>,
    metadata: Vec<(String, String)>,
}

impl BlobInfo {
    /// The blob name: the `{name}` of the trigger path when it has one, otherwise the URI's path
    /// after the container (`dir/file.txt`).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// `Uri`.
    pub fn uri(&self) -> Option<&str> {
        self.uri.as_deref()
    }

    /// `Properties` (`ContentType`, `Length`, `ETag`, `LastModified`, …).
    pub fn properties(&self) -> &Map<String, Value> {
        &self.properties
    }

    /// `Properties.ContentType`.
    pub fn content_type(&self) -> Option<&str> {
        get_ci(&self.properties, "ContentType")?.as_str()
    }

    /// `Properties.Length` (or `ContentLength`).
    pub fn content_length(&self) -> Option<u64> {
        let v = get_ci(&self.properties, "Length")
            .or_else(|| get_ci(&self.properties, "ContentLength"))?;
        v.as_u64().or_else(|| v.as_str()?.parse().ok())
    }

    /// A user metadata value (`Metadata`), matched case-insensitively.
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.metadata
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Every user metadata pair.
    pub fn metadata_iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.metadata.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn from_metadata(inv: &Invocation) -> Self {
        let uri = meta_text(inv, "Uri");
        let name = meta_text(inv, "name").or_else(|| uri.as_deref().and_then(name_from_uri));
        let meta = inv.raw_metadata();
        let properties = get_ci(meta, "Properties")
            .and_then(as_object)
            .map(|p| p.into_owned())
            .unwrap_or_default();
        let metadata = get_ci(meta, "Metadata")
            .and_then(as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), as_text(v)?)))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            name,
            uri,
            properties,
            metadata,
        }
    }
}

/// `https://acct.blob.core.windows.net/container/dir/a%20b.txt` -> `dir/a b.txt`.
fn name_from_uri(uri: &str) -> Option<String> {
    let after_scheme = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    let path = after_scheme.split_once('/')?.1;
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let (_container, name) = path.split_once('/')?;
    (!name.is_empty()).then(|| {
        percent_encoding::percent_decode_str(name)
            .decode_utf8_lossy()
            .into_owned()
    })
}

impl FromInvocation for BlobInfo {
    fn from_invocation(inv: &Invocation, _binding: &'static str) -> Result<Self, Rejection> {
        Ok(Self::from_metadata(inv))
    }
}

/// A blob's content with its [`BlobInfo`].
///
/// Without `data_type = "binary"` the host reads blobs as UTF-8 text, which corrupts binary
/// content: use `binary` for anything that is not text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blob {
    content: Bytes,
    info: BlobInfo,
}

impl Blob {
    /// The content.
    pub fn content(&self) -> &Bytes {
        &self.content
    }

    /// Takes the content.
    pub fn into_content(self) -> Bytes {
        self.content
    }

    /// The content as UTF-8 text.
    pub fn text(&self) -> Result<&str, Rejection> {
        std::str::from_utf8(&self.content)
            .map_err(|e| Rejection::new(400, format!("the blob is not UTF-8: {e}")))
    }

    /// Name, URI, properties and metadata.
    pub fn info(&self) -> &BlobInfo {
        &self.info
    }
}

impl FromInvocation for Blob {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        let content = binding_bytes(inv, binding)?;
        let is_trigger = inv
            .spec()
            .trigger()
            .is_some_and(|t| t.name.eq_ignore_ascii_case(binding));
        Ok(Self {
            content,
            info: if is_trigger {
                BlobInfo::from_metadata(inv)
            } else {
                BlobInfo::default()
            },
        })
    }
}

/// All trigger metadata (the payload's `Metadata`), with the double encoding undone: `"\"4\""`
/// becomes `4`, `"\"Atlas\""` becomes `"Atlas"`, objects stay objects.
///
/// ```
/// use azfn_runtime::triggers::Metadata;
///
/// // #[queue_trigger(queue_name = "orders")]
/// async fn process(msg: String, meta: Metadata) {
///     let count: Option<u32> = meta.get_as("DequeueCount").ok().flatten();
///     let utc_now = meta.get("sys").and_then(|sys| sys["UtcNow"].as_str());
///     println!("{msg} {count:?} {utc_now:?}");
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    map: Map<String, Value>,
}

impl Metadata {
    /// A value, matched exactly, then case-insensitively.
    pub fn get(&self, key: &str) -> Option<&Value> {
        get_ci(&self.map, key)
    }

    /// A string value.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key)?.as_str()
    }

    /// A value deserialized as `T`: `Ok(None)` when absent, a 400 [`Rejection`] when it is not a
    /// `T`.
    pub fn get_as<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Rejection> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => json_from_decoded(v).map(Some).map_err(|e| {
                Rejection::new(
                    400,
                    format!(
                        "metadata `{key}`: expected `{}`: {e}",
                        crate::type_name::short_type_name::<T>()
                    ),
                )
            }),
        }
    }

    /// Every entry, in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.map.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// `true` when there is no metadata (always, in forwarding mode).
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The decoded map.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// Takes the decoded map.
    pub fn into_map(self) -> Map<String, Value> {
        self.map
    }
}

impl FromInvocation for Metadata {
    fn from_invocation(inv: &Invocation, _binding: &'static str) -> Result<Self, Rejection> {
        Ok(Self {
            map: inv
                .raw_metadata()
                .iter()
                .map(|(k, v)| (k.clone(), undo_double_encoding(v).into_owned()))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_name_from_uri() {
        assert_eq!(
            name_from_uri("https://a.blob.core.windows.net/c/dir/a%20b.txt").as_deref(),
            Some("dir/a b.txt")
        );
        assert_eq!(name_from_uri("https://a.blob.core.windows.net/c"), None);
        assert_eq!(name_from_uri("garbage"), None);
    }
}
