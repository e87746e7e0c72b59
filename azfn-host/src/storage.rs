//! In-memory stand-ins for Azure Storage queues and blobs, with the host's queue semantics:
//! each delivery attempt increments `DequeueCount`; after `maxDequeueCount` (default 5) failed
//! attempts a message moves to `<queue>-poison`.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::config::QueueOptions;
use crate::dotnet::format_datetime_offset;

/// How long a dequeued message stays invisible while its function runs (the queue listener's
/// lease, renewed by the host while the function runs).
pub const PROCESSING_LEASE: Duration = Duration::from_secs(10 * 60);

/// How long a queue message lives (Azure's default time-to-live: 7 days).
pub const MESSAGE_TIME_TO_LIVE: Duration = Duration::from_secs(7 * 24 * 3600);

/// The blob endpoint used in blob `Uri`s (the Azurite default).
pub const BLOB_ENDPOINT: &str = "http://127.0.0.1:10000/devstoreaccount1";

/// One queue message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueMessage {
    /// `Id`: a GUID.
    pub id: String,
    /// The content, as stored (outputs arrive here after base64 decoding).
    pub body: Vec<u8>,
    /// `DequeueCount`: delivery attempts so far.
    pub dequeue_count: u32,
    /// `InsertionTime`.
    pub insertion_time: DateTime<Utc>,
    /// `ExpirationTime`.
    pub expiration_time: DateTime<Utc>,
    /// `NextVisibleTime`.
    pub next_visible_time: DateTime<Utc>,
    /// `PopReceipt`: new on every dequeue.
    pub pop_receipt: String,
}

/// What happened to a message whose function failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailedMessage {
    /// It will be delivered again once visible.
    Retry {
        /// When it becomes visible again.
        visible_at: DateTime<Utc>,
    },
    /// It reached `maxDequeueCount` and was moved to the poison queue.
    Poisoned {
        /// The poison queue name, `<queue>-poison`.
        poison_queue: String,
        /// The id of the new message in the poison queue.
        poison_id: String,
    },
    /// The message was no longer in the queue (already settled).
    Gone,
}

fn add(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(t)
}

/// The poison queue of `queue`: `<queue>-poison`.
pub fn poison_queue_name(queue: &str) -> String {
    format!("{queue}-poison")
}

/// The largest queue message Azure Storage accepts: 64 KiB of encoded message text.
pub const MAX_ENCODED_MESSAGE_BYTES: usize = 64 * 1024;

/// The largest message content that fits [`MAX_ENCODED_MESSAGE_BYTES`] once base64-encoded (the
/// host's default `messageEncoding`): 48 KiB.
pub const MAX_MESSAGE_CONTENT_BYTES: usize = MAX_ENCODED_MESSAGE_BYTES / 4 * 3;

/// The length of `content` as Azure Storage receives it from the host: base64-encoded.
pub fn encoded_message_len(content: &[u8]) -> usize {
    content.len().div_ceil(3) * 4
}

/// Refuses a message that Azure Storage would refuse (`413 RequestBodyTooLarge`): over 64 KiB
/// once base64-encoded, as the host writes it.
pub fn check_message_size(content: &[u8]) -> Result<(), String> {
    let encoded = encoded_message_len(content);
    if encoded <= MAX_ENCODED_MESSAGE_BYTES {
        return Ok(());
    }
    Err(format!(
        "the queue message is {} bytes ({encoded} bytes base64-encoded, as the host sends it) and Azure Storage refuses messages over {MAX_ENCODED_MESSAGE_BYTES} bytes encoded (413 RequestBodyTooLarge): keep message content within {MAX_MESSAGE_CONTENT_BYTES} bytes, or write the data to a blob and queue its name",
        content.len()
    ))
}

/// Lower-cases a queue name as the storage extension does ("must be lowercase, coerce here to
/// be nice") and then checks it.
pub fn normalize_queue_name(name: &str) -> Result<String, String> {
    let lower = name.to_lowercase();
    validate_queue_name(&lower).map(|()| lower)
}

/// Checks an Azure queue name: 3-63 characters, lower-case letters, digits and single hyphens,
/// starting and ending with a letter or digit.
pub fn validate_queue_name(name: &str) -> Result<(), String> {
    let bytes = name.as_bytes();
    let ok = (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
        && !name.contains("--");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a valid queue name: use 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit"
        ))
    }
}

/// An in-memory queue service.
#[derive(Debug, Clone, Default)]
pub struct QueueStore {
    options: QueueOptions,
    queues: BTreeMap<String, Vec<QueueMessage>>,
}

impl QueueStore {
    /// An empty store with the given host.json queue options.
    pub fn new(options: QueueOptions) -> QueueStore {
        QueueStore {
            options,
            queues: BTreeMap::new(),
        }
    }

    /// The queue options in force.
    pub fn options(&self) -> QueueOptions {
        self.options
    }

    /// Adds a message and returns its id.
    pub fn enqueue(&mut self, queue: &str, body: Vec<u8>, now: DateTime<Utc>) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        self.queues
            .entry(queue.to_owned())
            .or_default()
            .push(QueueMessage {
                id: id.clone(),
                body,
                dequeue_count: 0,
                insertion_time: now,
                expiration_time: add(now, MESSAGE_TIME_TO_LIVE),
                next_visible_time: now,
                pop_receipt: String::new(),
            });
        id
    }

    /// Takes the next visible message for processing: `DequeueCount` goes up by one, a new pop
    /// receipt is issued and the message is hidden for [`PROCESSING_LEASE`]. Expired messages are
    /// dropped; a message already past `maxDequeueCount` (its function crashed) is poisoned.
    pub fn dequeue(&mut self, queue: &str, now: DateTime<Utc>) -> Option<QueueMessage> {
        let max = self.options.max_dequeue_count;
        loop {
            let messages = self.queues.get_mut(queue)?;
            messages.retain(|m| m.expiration_time > now);
            let index = messages.iter().position(|m| m.next_visible_time <= now)?;
            let message = &mut messages[index];
            message.dequeue_count += 1;
            message.pop_receipt = uuid::Uuid::new_v4().to_string();
            message.next_visible_time = add(now, PROCESSING_LEASE);
            if message.dequeue_count > max {
                let message = messages.remove(index);
                self.enqueue(&poison_queue_name(queue), message.body, now);
                continue;
            }
            return Some(message.clone());
        }
    }

    /// Deletes a processed message; false when it is gone or the pop receipt is stale.
    pub fn complete(&mut self, queue: &str, id: &str, pop_receipt: &str) -> bool {
        let Some(messages) = self.queues.get_mut(queue) else {
            return false;
        };
        let before = messages.len();
        messages.retain(|m| !(m.id == id && m.pop_receipt == pop_receipt));
        messages.len() != before
    }

    /// Settles a failed attempt: poison after `maxDequeueCount` attempts, otherwise make the
    /// message visible again after `visibilityTimeout`.
    pub fn fail(
        &mut self,
        queue: &str,
        message: &QueueMessage,
        now: DateTime<Utc>,
    ) -> FailedMessage {
        let max = self.options.max_dequeue_count;
        let visibility = self.options.visibility_timeout;
        let Some(messages) = self.queues.get_mut(queue) else {
            return FailedMessage::Gone;
        };
        let Some(index) = messages
            .iter()
            .position(|m| m.id == message.id && m.pop_receipt == message.pop_receipt)
        else {
            return FailedMessage::Gone;
        };
        if messages[index].dequeue_count >= max {
            let removed = messages.remove(index);
            let poison_queue = poison_queue_name(queue);
            let poison_id = self.enqueue(&poison_queue, removed.body, now);
            FailedMessage::Poisoned {
                poison_queue,
                poison_id,
            }
        } else {
            let visible_at = add(now, visibility);
            messages[index].next_visible_time = visible_at;
            FailedMessage::Retry { visible_at }
        }
    }

    /// Puts back a message that was taken but never delivered to the handler (nothing listened):
    /// visible again at once, its `DequeueCount` as before the dequeue. False when it is gone.
    pub fn release(&mut self, queue: &str, message: &QueueMessage, now: DateTime<Utc>) -> bool {
        let Some(stored) = self.queues.get_mut(queue).and_then(|messages| {
            messages
                .iter_mut()
                .find(|m| m.id == message.id && m.pop_receipt == message.pop_receipt)
        }) else {
            return false;
        };
        stored.dequeue_count = stored.dequeue_count.saturating_sub(1);
        stored.next_visible_time = now;
        stored.pop_receipt = String::new();
        true
    }

    /// Adds a message as it was stored before (restored state), keeping its id, dequeue count
    /// and times; it is visible at once.
    pub fn restore(&mut self, queue: &str, mut message: QueueMessage, now: DateTime<Utc>) {
        message.next_visible_time = now;
        message.pop_receipt = String::new();
        self.queues
            .entry(queue.to_owned())
            .or_default()
            .push(message);
    }

    /// How many messages are stored: `(in ordinary queues, in poison queues)`.
    pub fn counts(&self) -> (usize, usize) {
        self.queues
            .iter()
            .fold((0, 0), |(plain, poison), (name, messages)| {
                if name.ends_with("-poison") {
                    (plain, poison + messages.len())
                } else {
                    (plain + messages.len(), poison)
                }
            })
    }

    /// The messages of a queue, visible or not, oldest first.
    pub fn messages(&self, queue: &str) -> &[QueueMessage] {
        self.queues.get(queue).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every queue that has been written to.
    pub fn queue_names(&self) -> Vec<String> {
        self.queues.keys().cloned().collect()
    }

    /// When the next message of `queue` becomes visible (`None` when it is empty).
    pub fn next_visible_time(&self, queue: &str) -> Option<DateTime<Utc>> {
        self.messages(queue)
            .iter()
            .map(|m| m.next_visible_time)
            .min()
    }
}

/// One stored blob.
#[derive(Debug, Clone, PartialEq)]
pub struct Blob {
    /// The content.
    pub content: Vec<u8>,
    /// The content type (default `application/octet-stream`).
    pub content_type: String,
    /// When it was first written.
    pub created_on: DateTime<Utc>,
    /// When it was last written.
    pub last_modified: DateTime<Utc>,
    /// The ETag, new on every write.
    pub etag: String,
    /// User metadata.
    pub metadata: Map<String, Value>,
}

impl Blob {
    /// A new blob written at `now`.
    pub fn new(content: Vec<u8>, content_type: Option<String>, now: DateTime<Utc>) -> Blob {
        Blob {
            content,
            content_type: content_type.unwrap_or_else(|| "application/octet-stream".to_owned()),
            created_on: now,
            last_modified: now,
            etag: format!(
                "\"0x{}\"",
                uuid::Uuid::new_v4().simple().to_string()[..15].to_ascii_uppercase()
            ),
            metadata: Map::new(),
        }
    }

    /// The blob's URI under [`BLOB_ENDPOINT`].
    pub fn uri(&self, path: &str) -> String {
        format!("{BLOB_ENDPOINT}/{path}")
    }

    /// A subset of the SDK's `BlobProperties` as JSON.
    pub fn properties_json(&self) -> Value {
        json!({
            "LastModified": format_datetime_offset(&self.last_modified),
            "CreatedOn": format_datetime_offset(&self.created_on),
            "ContentLength": self.content.len(),
            "ContentType": self.content_type,
            "ETag": self.etag,
            "BlobType": "Block",
        })
    }
}

/// An in-memory blob service keyed by `container/name`.
#[derive(Debug, Clone, Default)]
pub struct BlobStore {
    blobs: BTreeMap<String, Blob>,
}

impl BlobStore {
    /// An empty store.
    pub fn new() -> BlobStore {
        BlobStore::default()
    }

    /// Writes a blob (creating or replacing it) and returns it.
    pub fn put(
        &mut self,
        path: &str,
        content: Vec<u8>,
        content_type: Option<String>,
        now: DateTime<Utc>,
    ) -> &Blob {
        let created_on = self.blobs.get(path).map(|b| b.created_on);
        let mut blob = Blob::new(content, content_type, now);
        if let Some(c) = created_on {
            blob.created_on = c;
        }
        self.blobs.insert(path.to_owned(), blob);
        &self.blobs[path]
    }

    /// Reads a blob.
    pub fn get(&self, path: &str) -> Option<&Blob> {
        self.blobs.get(path)
    }

    /// Stores a blob as it was before (restored state).
    pub fn restore(&mut self, path: &str, blob: Blob) {
        self.blobs.insert(path.to_owned(), blob);
    }

    /// How many blobs are stored.
    pub fn len(&self) -> usize {
        self.blobs.len()
    }

    /// Whether no blob is stored.
    pub fn is_empty(&self) -> bool {
        self.blobs.is_empty()
    }

    /// Every blob path, sorted.
    pub fn paths(&self) -> Vec<String> {
        self.blobs.keys().cloned().collect()
    }
}

/// A blob trigger `path` pattern such as `samples/{name}.{ext}`.
#[derive(Debug, Clone)]
pub struct BlobPathPattern {
    raw: String,
    regex: regex::Regex,
    names: Vec<String>,
}

impl BlobPathPattern {
    /// Parses a pattern: a literal container, then a blob name pattern with `{name}` parts.
    pub fn parse(pattern: &str) -> Result<BlobPathPattern, String> {
        let (container, blob) = pattern.split_once('/').unwrap_or((pattern, ""));
        if container.is_empty() || container.contains(['{', '}']) {
            return Err(
                "the path must start with a literal container name, as in 'samples/{name}'"
                    .to_owned(),
            );
        }
        let mut expr = format!("^{}/", regex::escape(container));
        let mut names = Vec::new();
        let mut rest = blob;
        while let Some(start) = rest.find('{') {
            let end = rest[start..].find('}').ok_or("unclosed '{' in the path")? + start;
            let name = &rest[start + 1..end];
            if name.is_empty() || name.contains(['{', '/']) {
                return Err(format!("'{{{name}}}' is not a valid path parameter"));
            }
            expr.push_str(&regex::escape(&rest[..start]));
            expr.push_str(&format!("(?P<g{}>.*)", names.len()));
            names.push(name.to_owned());
            rest = &rest[end + 1..];
        }
        if rest.contains('}') {
            return Err("unmatched '}' in the path".to_owned());
        }
        expr.push_str(&regex::escape(rest));
        if blob.is_empty() {
            expr.push_str(".+");
        }
        expr.push('$');
        let regex = regex::Regex::new(&expr).map_err(|e| format!("invalid path pattern: {e}"))?;
        Ok(BlobPathPattern {
            raw: pattern.to_owned(),
            regex,
            names,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The named parts of `path` when it matches (`{name}` parts are greedy).
    pub fn matches(&self, path: &str) -> Option<BTreeMap<String, String>> {
        let captures = self.regex.captures(path)?;
        Some(
            self.names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    (
                        n.clone(),
                        captures
                            .name(&format!("g{i}"))
                            .map(|m| m.as_str().to_owned())
                            .unwrap_or_default(),
                    )
                })
                .collect(),
        )
    }
}

/// Resolves `{name}` binding expressions in an output binding property (a blob path, a queue
/// name) from trigger binding data; `{rand-guid}` and `{DateTime}` are built in.
pub fn resolve_binding_expressions(
    template: &str,
    now: DateTime<Utc>,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .ok_or_else(|| format!("unclosed '{{' in '{template}'"))?
            + start;
        let name = &rest[start + 1..end];
        out.push_str(&rest[..start]);
        let value = match name.to_ascii_lowercase().as_str() {
            "rand-guid" | "sys.randguid" => uuid::Uuid::new_v4().to_string(),
            "datetime" | "sys.utcnow" => now.format("%Y-%m-%dT%H-%M-%SZ").to_string(),
            _ => lookup(name).ok_or_else(|| {
                format!("no value for the binding expression '{{{name}}}' in '{template}'")
            })?,
        };
        out.push_str(&value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 10, 24, 12, 0, 0).unwrap()
    }

    #[test]
    fn messages_are_poisoned_after_five_attempts() {
        let mut store = QueueStore::new(QueueOptions::default());
        let id = store.enqueue("orders", b"m".to_vec(), t0());
        for attempt in 1..=5 {
            let m = store.dequeue("orders", t0()).unwrap();
            assert_eq!(m.id, id);
            assert_eq!(m.dequeue_count, attempt);
            assert!(
                store.dequeue("orders", t0()).is_none(),
                "hidden while processing"
            );
            let outcome = store.fail("orders", &m, t0());
            if attempt < 5 {
                assert_eq!(outcome, FailedMessage::Retry { visible_at: t0() });
            } else {
                assert!(
                    matches!(outcome, FailedMessage::Poisoned { ref poison_queue, .. } if poison_queue == "orders-poison")
                );
            }
        }
        assert!(store.messages("orders").is_empty());
        let poisoned = store.messages("orders-poison");
        assert_eq!(poisoned.len(), 1);
        assert_eq!(poisoned[0].body, b"m");
        assert_eq!(poisoned[0].dequeue_count, 0);
    }

    #[test]
    fn completed_messages_are_deleted() {
        let mut store = QueueStore::new(QueueOptions::default());
        store.enqueue("q", b"a".to_vec(), t0());
        let m = store.dequeue("q", t0()).unwrap();
        assert!(!store.complete("q", &m.id, "stale"));
        assert!(store.complete("q", &m.id, &m.pop_receipt));
        assert!(store.dequeue("q", t0()).is_none());
        assert_eq!(store.fail("q", &m, t0()), FailedMessage::Gone);
    }

    #[test]
    fn visibility_timeout_delays_retries() {
        let options = QueueOptions {
            max_dequeue_count: 2,
            visibility_timeout: Duration::from_secs(30),
        };
        let mut store = QueueStore::new(options);
        store.enqueue("q", b"a".to_vec(), t0());
        let m = store.dequeue("q", t0()).unwrap();
        let later = t0() + chrono::Duration::seconds(30);
        assert_eq!(
            store.fail("q", &m, t0()),
            FailedMessage::Retry { visible_at: later }
        );
        assert!(store.dequeue("q", t0()).is_none());
        assert_eq!(store.next_visible_time("q"), Some(later));
        let m = store.dequeue("q", later).unwrap();
        assert_eq!(m.dequeue_count, 2);
        assert!(matches!(
            store.fail("q", &m, later),
            FailedMessage::Poisoned { .. }
        ));
    }

    #[test]
    fn crashed_deliveries_are_poisoned_on_the_next_dequeue() {
        let options = QueueOptions {
            max_dequeue_count: 1,
            visibility_timeout: Duration::ZERO,
        };
        let mut store = QueueStore::new(options);
        store.enqueue("q", b"a".to_vec(), t0());
        store.dequeue("q", t0()).unwrap();
        let after_lease = t0() + chrono::Duration::minutes(11);
        assert!(store.dequeue("q", after_lease).is_none());
        assert_eq!(store.messages("q-poison").len(), 1);
    }

    #[test]
    fn expired_messages_are_dropped() {
        let mut store = QueueStore::new(QueueOptions::default());
        store.enqueue("q", b"a".to_vec(), t0());
        assert!(
            store
                .dequeue("q", t0() + chrono::Duration::days(8))
                .is_none()
        );
        assert!(store.messages("q").is_empty());
    }

    #[test]
    fn undelivered_messages_go_back_untouched() {
        let mut store = QueueStore::new(QueueOptions::default());
        let id = store.enqueue("q", b"a".to_vec(), t0());
        let m = store.dequeue("q", t0()).unwrap();
        assert_eq!(m.dequeue_count, 1);
        assert!(store.dequeue("q", t0()).is_none());
        assert!(store.release("q", &m, t0()));
        assert!(
            !store.release("q", &m, t0()),
            "the pop receipt is stale now"
        );
        let again = store.dequeue("q", t0()).unwrap();
        assert_eq!((again.id.as_str(), again.dequeue_count), (id.as_str(), 1));
        assert!(!store.complete("q", &m.id, &m.pop_receipt));
        assert!(store.complete("q", &again.id, &again.pop_receipt));
        assert_eq!(store.counts(), (0, 0));
    }

    #[test]
    fn restored_messages_keep_their_identity() {
        let mut store = QueueStore::new(QueueOptions::default());
        store.enqueue("q", b"a".to_vec(), t0());
        let mut m = store.dequeue("q", t0()).unwrap();
        m.dequeue_count = 3;
        let mut other = QueueStore::new(QueueOptions::default());
        other.restore("q", m.clone(), t0());
        other.restore("q-poison", m.clone(), t0());
        assert_eq!(other.counts(), (1, 1));
        let back = other.dequeue("q", t0()).unwrap();
        assert_eq!((back.id, back.dequeue_count, back.body), (m.id, 4, m.body));
    }

    #[test]
    fn the_size_limit_applies_to_the_base64_encoded_message() {
        assert_eq!(MAX_MESSAGE_CONTENT_BYTES, 49_152);
        assert!(check_message_size(&vec![b'.'; MAX_MESSAGE_CONTENT_BYTES]).is_ok());
        let e = check_message_size(&vec![b'.'; MAX_MESSAGE_CONTENT_BYTES + 1]).unwrap_err();
        assert!(e.contains("65540 bytes base64-encoded"), "{e}");
        assert!(e.contains("413 RequestBodyTooLarge"), "{e}");
        assert!(check_message_size(&vec![0; 70 * 1024]).is_err());
        assert_eq!(encoded_message_len(b""), 0);
        assert_eq!(encoded_message_len(b"a"), 4);
    }

    #[test]
    fn queue_names_are_lowercased_as_the_extension_does() {
        assert_eq!(normalize_queue_name("Orders").unwrap(), "orders");
        assert_eq!(normalize_queue_name("orders-1").unwrap(), "orders-1");
        assert!(normalize_queue_name("Or_ders").is_err());
        assert!(normalize_queue_name("AB").is_err());
    }

    #[test]
    fn queue_names_are_validated() {
        assert!(validate_queue_name("orders-1").is_ok());
        for bad in ["Orders", "ab", "-ab", "ab-", "a--b", "a_b"] {
            assert!(validate_queue_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn blob_patterns_capture_named_parts() {
        let p = BlobPathPattern::parse("samples/{name}.{ext}").unwrap();
        let m = p.matches("samples/a.b.txt").unwrap();
        assert_eq!(m.get("name").map(String::as_str), Some("a.b"));
        assert_eq!(m.get("ext").map(String::as_str), Some("txt"));
        assert!(p.matches("other/a.txt").is_none());
        assert!(p.matches("samples/noext").is_none());
        let all = BlobPathPattern::parse("samples").unwrap();
        assert!(all.matches("samples/x/y").is_some());
        assert!(BlobPathPattern::parse("{c}/x").is_err());
        assert!(BlobPathPattern::parse("c/{x").is_err());
        let nested = BlobPathPattern::parse("in/{name}").unwrap();
        assert_eq!(
            nested
                .matches("in/a/b.txt")
                .unwrap()
                .get("name")
                .map(String::as_str),
            Some("a/b.txt")
        );
    }

    #[test]
    fn blob_store_keeps_creation_time() {
        let mut store = BlobStore::new();
        store.put("c/a", b"1".to_vec(), None, t0());
        let later = t0() + chrono::Duration::seconds(5);
        let b = store
            .put("c/a", b"22".to_vec(), Some("text/plain".into()), later)
            .clone();
        assert_eq!(b.created_on, t0());
        assert_eq!(b.last_modified, later);
        assert_eq!(b.properties_json()["ContentLength"], json!(2));
        assert_eq!(store.paths(), ["c/a"]);
    }

    #[test]
    fn binding_expressions_resolve() {
        let lookup = |k: &str| (k == "name").then(|| "report".to_owned());
        assert_eq!(
            resolve_binding_expressions("out/{name}-copy", t0(), lookup).unwrap(),
            "out/report-copy"
        );
        assert_eq!(
            resolve_binding_expressions("out/{DateTime}", t0(), lookup).unwrap(),
            "out/2024-10-24T12-00-00Z"
        );
        assert_eq!(
            resolve_binding_expressions("out/{rand-guid}", t0(), lookup)
                .unwrap()
                .len(),
            40
        );
        assert!(
            resolve_binding_expressions("out/{nope}", t0(), lookup)
                .unwrap_err()
                .contains("{nope}")
        );
    }
}
