//! Azure Storage (queues and blobs) over its REST API, authorized with Shared Key, for Azurite
//! (plain HTTP) and storage accounts (HTTPS).
//!
//! The official Rust SDK crates (`azure_storage_queue`, `azure_storage_blob` 1.x) accept only
//! Entra ID token credentials and refuse plain-HTTP endpoints, so they cannot talk to Azurite
//! with its well-known key (Azure/azure-sdk-for-rust#2975); the older `azure_storage_queues` /
//! `azure_storage_blobs` 0.21 are no longer maintained. This module signs requests itself
//! (HMAC-SHA256 as in "Authorize with Shared Key") and sends them with the client the rest of
//! `cargo azfn` uses (rustls for `https` endpoints). The Azurite path is tested; a real account
//! differs only in its endpoint and key, and cannot be reached from the project's machines.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::shared_key::{Account, signature, string_to_sign};
use crate::client::HttpClient;

/// The REST API version sent.
const API_VERSION: &str = "2021-12-02";
/// The bound of one storage request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Characters percent-encoded in a URL path segment or query value.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A message as Get Messages or Peek Messages returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RemoteMessage {
    pub(crate) id: String,
    /// Empty for peeked messages.
    pub(crate) pop_receipt: String,
    pub(crate) dequeue_count: u32,
    /// The content, base64-decoded as the host decodes it (the raw text when not base64).
    pub(crate) content: Vec<u8>,
    pub(crate) insertion_time: String,
    pub(crate) expiration_time: String,
    pub(crate) next_visible_time: String,
}

/// A blob in a container listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListedBlob {
    pub(crate) name: String,
    pub(crate) etag: String,
}

/// A Shared Key client for one account.
#[derive(Debug, Clone)]
pub(crate) struct StorageClient {
    account: Account,
    http: HttpClient,
}

/// A response's status, headers and body.
struct Reply {
    status: u16,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl StorageClient {
    pub(crate) fn new(account: Account, http: HttpClient) -> StorageClient {
        StorageClient { account, http }
    }

    /// The account in use.
    #[cfg(test)]
    pub(crate) fn account(&self) -> &Account {
        &self.account
    }

    async fn send(
        &self,
        method: &str,
        endpoint: &str,
        segments: &[&str],
        query: &[(&str, String)],
        mut headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Result<Reply, String> {
        let base_path = endpoint
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
            .unwrap_or_default();
        let mut path = base_path;
        for s in segments {
            path.push('/');
            path.push_str(&utf8_percent_encode(s, ENCODE).to_string());
        }
        if path.is_empty() {
            path.push('/');
        }
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let origin = endpoint
            .split_once("://")
            .map(|(scheme, rest)| format!("{scheme}://{}", rest.split('/').next().unwrap_or("")))
            .unwrap_or_default();
        let mut url = format!("{origin}{path}");
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&format!("{k}={}", utf8_percent_encode(v, ENCODE)));
        }
        headers.push((
            "x-ms-date".into(),
            Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
        ));
        headers.push(("x-ms-version".into(), API_VERSION.into()));
        headers.push(("Content-Length".into(), body.len().to_string()));
        let to_sign = string_to_sign(method, &headers, &self.account.name, &path, &query);
        let authorization = format!(
            "SharedKey {}:{}",
            self.account.name,
            signature(&self.account.key, &to_sign)
        );
        let mut request = http::Request::builder().method(method).uri(&url);
        for (k, v) in &headers {
            request = request.header(k.as_str(), v.as_str());
        }
        let request = request
            .header("Authorization", authorization)
            .body(body)
            .map_err(|e| format!("cannot build the storage request {method} {url}: {e}"))?;
        let response = self
            .http
            .send(request, Some(REQUEST_TIMEOUT))
            .await
            .map_err(|e| format!("storage request {method} {url} failed: {e}"))?;
        let status = response.status().as_u16();
        let (parts, body) = response.into_parts();
        Ok(Reply {
            status,
            headers: parts.headers,
            body,
        })
    }

    fn check(reply: Reply, what: &str, ok: &[u16]) -> Result<Reply, String> {
        if ok.contains(&reply.status) {
            return Ok(reply);
        }
        let code = reply
            .headers
            .get("x-ms-error-code")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let message = xml_values(&String::from_utf8_lossy(&reply.body), "Message")
            .into_iter()
            .next()
            .unwrap_or_default();
        Err(format!(
            "{what}: storage answered {} {code} {}",
            reply.status,
            message.lines().next().unwrap_or("")
        ))
    }

    /// Create Queue (an existing queue is fine).
    pub(crate) async fn create_queue(&self, queue: &str) -> Result<(), String> {
        let reply = self
            .send(
                "PUT",
                &self.account.queue_endpoint,
                &[queue],
                &[],
                vec![],
                vec![],
            )
            .await?;
        Self::check(
            reply,
            &format!("creating queue '{queue}'"),
            &[201, 204, 409],
        )
        .map(drop)
    }

    /// Put Message: the content base64-encoded, as the host writes it.
    pub(crate) async fn put_message(&self, queue: &str, content: &[u8]) -> Result<String, String> {
        let body = format!(
            "<QueueMessage><MessageText>{}</MessageText></QueueMessage>",
            STANDARD.encode(content)
        );
        let reply = self
            .send(
                "POST",
                &self.account.queue_endpoint,
                &[queue, "messages"],
                &[],
                vec![("Content-Type".into(), "application/xml".into())],
                body.into_bytes(),
            )
            .await?;
        let reply = Self::check(reply, &format!("adding a message to '{queue}'"), &[201])?;
        Ok(
            xml_values(&String::from_utf8_lossy(&reply.body), "MessageId")
                .into_iter()
                .next()
                .unwrap_or_default(),
        )
    }

    /// Get Messages: up to `count` messages, hidden for `visibility`; each dequeue raises
    /// `DequeueCount` (the service does this).
    pub(crate) async fn get_messages(
        &self,
        queue: &str,
        count: u32,
        visibility: Duration,
    ) -> Result<Vec<RemoteMessage>, String> {
        let reply = self
            .send(
                "GET",
                &self.account.queue_endpoint,
                &[queue, "messages"],
                &[
                    ("numofmessages", count.clamp(1, 32).to_string()),
                    ("visibilitytimeout", visibility.as_secs().max(1).to_string()),
                ],
                vec![],
                vec![],
            )
            .await?;
        let reply = Self::check(reply, &format!("reading messages of '{queue}'"), &[200])?;
        Ok(parse_messages(&String::from_utf8_lossy(&reply.body)))
    }

    /// Peek Messages: up to `count` visible messages, untouched.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "the tests look at queues with it")
    )]
    pub(crate) async fn peek_messages(
        &self,
        queue: &str,
        count: u32,
    ) -> Result<Vec<RemoteMessage>, String> {
        let reply = self
            .send(
                "GET",
                &self.account.queue_endpoint,
                &[queue, "messages"],
                &[
                    ("numofmessages", count.clamp(1, 32).to_string()),
                    ("peekonly", "true".into()),
                ],
                vec![],
                vec![],
            )
            .await?;
        let reply = Self::check(reply, &format!("peeking at '{queue}'"), &[200, 404])?;
        if reply.status == 404 {
            return Ok(Vec::new());
        }
        Ok(parse_messages(&String::from_utf8_lossy(&reply.body)))
    }

    /// Delete Message.
    pub(crate) async fn delete_message(
        &self,
        queue: &str,
        id: &str,
        pop_receipt: &str,
    ) -> Result<(), String> {
        let reply = self
            .send(
                "DELETE",
                &self.account.queue_endpoint,
                &[queue, "messages", id],
                &[("popreceipt", pop_receipt.to_owned())],
                vec![],
                vec![],
            )
            .await?;
        Self::check(reply, &format!("deleting message '{id}'"), &[204]).map(drop)
    }

    /// Update Message (visibility only): visible again after `visibility`; returns the new pop
    /// receipt. The dequeue count stays as the service keeps it.
    pub(crate) async fn update_visibility(
        &self,
        queue: &str,
        id: &str,
        pop_receipt: &str,
        visibility: Duration,
    ) -> Result<String, String> {
        let reply = self
            .send(
                "PUT",
                &self.account.queue_endpoint,
                &[queue, "messages", id],
                &[
                    ("popreceipt", pop_receipt.to_owned()),
                    ("visibilitytimeout", visibility.as_secs().to_string()),
                ],
                vec![],
                vec![],
            )
            .await?;
        let reply = Self::check(reply, &format!("updating message '{id}'"), &[204])?;
        Ok(reply
            .headers
            .get("x-ms-popreceipt")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned())
    }

    /// Create Container (an existing container is fine).
    pub(crate) async fn create_container(&self, container: &str) -> Result<(), String> {
        let reply = self
            .send(
                "PUT",
                &self.account.blob_endpoint,
                &[container],
                &[("restype", "container".into())],
                vec![],
                vec![],
            )
            .await?;
        Self::check(
            reply,
            &format!("creating container '{container}'"),
            &[201, 409],
        )
        .map(drop)
    }

    /// Put Blob (block blob); returns its ETag.
    pub(crate) async fn put_blob(
        &self,
        container: &str,
        name: &str,
        content: Vec<u8>,
        content_type: &str,
    ) -> Result<String, String> {
        let mut segments = vec![container];
        segments.extend(name.split('/'));
        let reply = self
            .send(
                "PUT",
                &self.account.blob_endpoint,
                &segments,
                &[],
                vec![
                    ("Content-Type".into(), content_type.into()),
                    ("x-ms-blob-type".into(), "BlockBlob".into()),
                ],
                content,
            )
            .await?;
        let reply = Self::check(reply, &format!("writing blob '{container}/{name}'"), &[201])?;
        Ok(reply
            .headers
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned())
    }

    /// Get Blob; `None` when it does not exist.
    pub(crate) async fn get_blob(
        &self,
        container: &str,
        name: &str,
    ) -> Result<Option<Vec<u8>>, String> {
        let mut segments = vec![container];
        segments.extend(name.split('/'));
        let reply = self
            .send(
                "GET",
                &self.account.blob_endpoint,
                &segments,
                &[],
                vec![],
                vec![],
            )
            .await?;
        let reply = Self::check(
            reply,
            &format!("reading blob '{container}/{name}'"),
            &[200, 404],
        )?;
        Ok((reply.status == 200).then_some(reply.body))
    }

    /// List Blobs (the first 5,000) under `prefix`.
    pub(crate) async fn list_blobs(
        &self,
        container: &str,
        prefix: &str,
    ) -> Result<Vec<ListedBlob>, String> {
        let mut query = vec![("restype", "container".to_owned()), ("comp", "list".into())];
        if !prefix.is_empty() {
            query.push(("prefix", prefix.to_owned()));
        }
        let reply = self
            .send(
                "GET",
                &self.account.blob_endpoint,
                &[container],
                &query,
                vec![],
                vec![],
            )
            .await?;
        let reply = Self::check(
            reply,
            &format!("listing container '{container}'"),
            &[200, 404],
        )?;
        if reply.status == 404 {
            return Ok(Vec::new());
        }
        let text = String::from_utf8_lossy(&reply.body);
        Ok(xml_elements(&text, "Blob")
            .iter()
            .map(|b| ListedBlob {
                name: first(b, "Name"),
                etag: first(b, "Etag"),
            })
            .collect())
    }
}

/// The blob receipt path the blob trigger writes once a function has processed a blob
/// version, in the `azure-webjobs-hosts` container: `blobreceipts/<host id>/<function id>/
/// <etag without quotes>/<container>/<blob name>`.
pub(crate) fn blob_receipt_path(
    host_id: &str,
    function_id: &str,
    etag: &str,
    container: &str,
    blob: &str,
) -> String {
    format!(
        "blobreceipts/{host_id}/{function_id}/{}/{container}/{blob}",
        etag.trim_matches('"')
    )
}

/// The container of the host's bookkeeping (blob receipts, locks).
pub(crate) const HOSTS_CONTAINER: &str = "azure-webjobs-hosts";

fn parse_messages(xml: &str) -> Vec<RemoteMessage> {
    xml_elements(xml, "QueueMessage")
        .iter()
        .map(|m| {
            let text = first(m, "MessageText");
            RemoteMessage {
                id: first(m, "MessageId"),
                pop_receipt: first(m, "PopReceipt"),
                dequeue_count: first(m, "DequeueCount").parse().unwrap_or(0),
                content: STANDARD
                    .decode(&text)
                    .unwrap_or_else(|_| text.clone().into_bytes()),
                insertion_time: first(m, "InsertionTime"),
                expiration_time: first(m, "ExpirationTime"),
                next_visible_time: first(m, "TimeNextVisible"),
            }
        })
        .collect()
}

fn first(xml: &str, tag: &str) -> String {
    xml_values(xml, tag).into_iter().next().unwrap_or_default()
}

/// The raw inner text of every `<tag>...</tag>` (flat, no attributes on `tag`).
fn xml_elements(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else {
            break;
        };
        out.push(after[..end].to_owned());
        rest = &after[end + close.len()..];
    }
    out
}

/// The unescaped inner text of every `<tag>...</tag>`.
fn xml_values(xml: &str, tag: &str) -> Vec<String> {
    xml_elements(xml, tag)
        .into_iter()
        .map(|v| {
            v.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

/// Parses the RFC 1123 times the service returns.
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn get_messages_response_is_parsed() {
        let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>id-1</MessageId><InsertionTime>Fri, 09 Oct 2009 21:04:30 GMT</InsertionTime><ExpirationTime>Fri, 16 Oct 2009 21:04:30 GMT</ExpirationTime><PopReceipt>AgAAAAMAAAAAAAAA&amp;x</PopReceipt><TimeNextVisible>Fri, 09 Oct 2009 23:29:20 GMT</TimeNextVisible><DequeueCount>2</DequeueCount><MessageText>eyJpZCI6MX0=</MessageText></QueueMessage></QueueMessagesList>";
        let messages = parse_messages(xml);
        assert_eq!(messages.len(), 1);
        let m = &messages[0];
        assert_eq!(m.id, "id-1");
        assert_eq!(m.pop_receipt, "AgAAAAMAAAAAAAAA&x");
        assert_eq!(m.dequeue_count, 2);
        assert_eq!(m.content, br#"{"id":1}"#);
        assert!(parse_time(&m.insertion_time).is_some());
        assert!(parse_messages("<QueueMessagesList />").is_empty());
    }

    #[test]
    fn blob_receipts_are_keyed_by_function_and_etag() {
        assert_eq!(
            blob_receipt_path("host", "Host.Functions.f", "\"0x8D\"", "in", "a/b.txt"),
            "blobreceipts/host/Host.Functions.f/0x8D/in/a/b.txt"
        );
    }

    /// Azurite from `scripts/azurite.sh start` (ports from `AZURITE_BLOB_PORT` /
    /// `AZURITE_QUEUE_PORT`, default 10000 / 10001).
    fn azurite() -> StorageClient {
        let port = |var: &str, default: u16| {
            std::env::var(var)
                .ok()
                .map(|p| p.parse().expect("a port number"))
                .unwrap_or(default)
        };
        StorageClient::new(
            Account::azurite(
                port("AZURITE_BLOB_PORT", 10000),
                port("AZURITE_QUEUE_PORT", 10001),
            ),
            HttpClient::new(),
        )
    }

    fn fresh(name: &str) -> String {
        format!("{name}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])
    }

    #[tokio::test]
    #[ignore = "needs Azurite: scripts/azurite.sh start (run by .ci/run)"]
    async fn azurite_queue_round_trip_keeps_dequeue_counts() {
        let client = azurite();
        let queue = fresh("orders");
        client.create_queue(&queue).await.unwrap();
        client.create_queue(&queue).await.unwrap();
        let id = client.put_message(&queue, br#"{"id":1}"#).await.unwrap();
        let peeked = client.peek_messages(&queue, 32).await.unwrap();
        assert_eq!(peeked.len(), 1);
        assert_eq!(
            (peeked[0].id.as_str(), peeked[0].dequeue_count),
            (id.as_str(), 0)
        );
        assert_eq!(
            peeked[0].content, br#"{"id":1}"#,
            "stored base64, read back decoded"
        );

        let got = client
            .get_messages(&queue, 1, Duration::from_secs(30))
            .await
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].dequeue_count, 1);
        assert!(parse_time(&got[0].next_visible_time).unwrap() > Utc::now());
        assert!(
            client
                .get_messages(&queue, 1, Duration::from_secs(30))
                .await
                .unwrap()
                .is_empty(),
            "hidden while leased"
        );
        // Visible again at once: the next dequeue raises the count to 2.
        let receipt = client
            .update_visibility(&queue, &got[0].id, &got[0].pop_receipt, Duration::ZERO)
            .await
            .unwrap();
        assert!(!receipt.is_empty());
        let again = client
            .get_messages(&queue, 1, Duration::from_secs(30))
            .await
            .unwrap();
        assert_eq!(again[0].dequeue_count, 2);
        let stale = client
            .delete_message(&queue, &again[0].id, &got[0].pop_receipt)
            .await
            .unwrap_err();
        assert!(stale.contains("storage answered 4"), "{stale}");
        client
            .delete_message(&queue, &again[0].id, &again[0].pop_receipt)
            .await
            .unwrap();
        assert!(client.peek_messages(&queue, 32).await.unwrap().is_empty());
        assert!(
            client
                .peek_messages(&fresh("missing"), 1)
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    #[ignore = "needs Azurite: scripts/azurite.sh start (run by .ci/run)"]
    async fn azurite_refuses_a_wrong_key_and_a_bad_name() {
        let account = azurite().account().clone().with_key(vec![7; 64]);
        let client = StorageClient::new(account, HttpClient::new());
        let e = client.create_queue(&fresh("q")).await.unwrap_err();
        assert!(e.contains("storage answered 403"), "{e}");
        let e = azurite().create_queue("Bad_Name").await.unwrap_err();
        assert!(e.contains("storage answered 400"), "{e}");
    }

    #[tokio::test]
    #[ignore = "needs Azurite: scripts/azurite.sh start (run by .ci/run)"]
    async fn azurite_blobs_and_receipts() {
        let client = azurite();
        let container = fresh("samples");
        client.create_container(&container).await.unwrap();
        client.create_container(&container).await.unwrap();
        let etag = client
            .put_blob(&container, "in/a b.txt", b"hello".to_vec(), "text/plain")
            .await
            .unwrap();
        assert!(etag.starts_with('"') || etag.starts_with("0x"), "{etag}");
        assert_eq!(
            client.get_blob(&container, "in/a b.txt").await.unwrap(),
            Some(b"hello".to_vec())
        );
        assert_eq!(client.get_blob(&container, "nope").await.unwrap(), None);
        let listed = client.list_blobs(&container, "in/").await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, "in/a b.txt");
        assert_eq!(listed[0].etag.trim_matches('"'), etag.trim_matches('"'));

        client.create_container(HOSTS_CONTAINER).await.unwrap();
        let receipt = blob_receipt_path(
            "azfn-test",
            "Host.Functions.f",
            &etag,
            &container,
            "in/a b.txt",
        );
        client
            .put_blob(
                HOSTS_CONTAINER,
                &receipt,
                Vec::new(),
                "application/octet-stream",
            )
            .await
            .unwrap();
        let receipts = client
            .list_blobs(HOSTS_CONTAINER, "blobreceipts/azfn-test/Host.Functions.f/")
            .await
            .unwrap();
        assert!(receipts.iter().any(|r| r.name == receipt), "{receipts:?}");
    }
}
