//! Azure Storage Shared Key authorization: the account (from a connection string or Azurite's
//! well-known one), the string-to-sign of "Authorize with Shared Key" (Blob and Queue services,
//! version 2009-09-19 and later) and its HMAC-SHA256 signature.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Azurite's (and the storage emulator's) well-known account.
pub(crate) const EMULATOR_ACCOUNT: &str = "devstoreaccount1";
/// Azurite's well-known account key (public, documented by Microsoft).
pub(crate) const EMULATOR_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// A storage account: its name, key and endpoints.
#[derive(Clone)]
pub(crate) struct Account {
    pub(super) name: String,
    pub(super) key: Vec<u8>,
    pub(super) queue_endpoint: String,
    pub(super) blob_endpoint: String,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("name", &self.name)
            .field("queue_endpoint", &self.queue_endpoint)
            .field("blob_endpoint", &self.blob_endpoint)
            .finish_non_exhaustive()
    }
}

impl Account {
    /// Azurite on 127.0.0.1 with the given ports and its well-known account.
    pub(crate) fn azurite(blob_port: u16, queue_port: u16) -> Account {
        Account {
            name: EMULATOR_ACCOUNT.to_owned(),
            key: STANDARD.decode(EMULATOR_KEY).unwrap_or_default(),
            queue_endpoint: format!("http://127.0.0.1:{queue_port}/{EMULATOR_ACCOUNT}"),
            blob_endpoint: format!("http://127.0.0.1:{blob_port}/{EMULATOR_ACCOUNT}"),
        }
    }

    /// The account of a connection string (`UseDevelopmentStorage=true` is Azurite on its
    /// default ports).
    pub(crate) fn from_connection_string(text: &str) -> Result<Account, String> {
        let parts: BTreeMap<String, String> = text
            .split(';')
            .filter(|p| !p.trim().is_empty())
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        if parts
            .get("usedevelopmentstorage")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            return Ok(Account::azurite(10000, 10001));
        }
        let get = |k: &str| {
            parts.get(k).cloned().ok_or_else(|| {
                format!("the storage connection string has no {k}; copy it from the portal (Access keys) or use UseDevelopmentStorage=true")
            })
        };
        let name = get("accountname")?;
        let key = STANDARD
            .decode(get("accountkey")?)
            .map_err(|_| "the storage connection string's AccountKey is not base64".to_owned())?;
        let protocol = parts
            .get("defaultendpointsprotocol")
            .cloned()
            .unwrap_or_else(|| "https".to_owned());
        let suffix = parts
            .get("endpointsuffix")
            .cloned()
            .unwrap_or_else(|| "core.windows.net".to_owned());
        let endpoint = |key: &str, service: &str| {
            parts
                .get(key)
                .map(|e| e.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| format!("{protocol}://{name}.{service}.{suffix}"))
        };
        let account = Account {
            queue_endpoint: endpoint("queueendpoint", "queue"),
            blob_endpoint: endpoint("blobendpoint", "blob"),
            name,
            key,
        };
        for e in [&account.queue_endpoint, &account.blob_endpoint] {
            if !e.starts_with("http://") && !e.starts_with("https://") {
                return Err(format!(
                    "the storage endpoint {e} is not an http:// or https:// URL; check the connection string"
                ));
            }
        }
        Ok(account)
    }

    /// The same account with another key.
    #[cfg(test)]
    pub(crate) fn with_key(mut self, key: Vec<u8>) -> Account {
        self.key = key;
        self
    }

    /// The account name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The queue endpoint.
    pub(crate) fn queue_endpoint(&self) -> &str {
        &self.queue_endpoint
    }
}

/// The Shared Key string-to-sign of a Blob or Queue service request (version 2009-09-19 and
/// later): the verb, eleven standard headers, the `x-ms-` headers, the canonical resource.
/// `path` is the URL path as sent (percent-encoded); `query` holds decoded names and values.
pub(crate) fn string_to_sign(
    method: &str,
    headers: &[(String, String)],
    account: &str,
    path: &str,
    query: &[(String, String)],
) -> String {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let content_length = match header("Content-Length") {
        "0" => "",
        other => other,
    };
    let mut text = format!("{}\n", method.to_ascii_uppercase());
    for value in [
        header("Content-Encoding"),
        header("Content-Language"),
        content_length,
        header("Content-MD5"),
        header("Content-Type"),
        header("Date"),
        header("If-Modified-Since"),
        header("If-Match"),
        header("If-None-Match"),
        header("If-Unmodified-Since"),
        header("Range"),
    ] {
        text.push_str(value);
        text.push('\n');
    }
    let ms: BTreeMap<String, String> = headers
        .iter()
        .filter(|(k, _)| k.to_ascii_lowercase().starts_with("x-ms-"))
        .map(|(k, v)| {
            let unfolded = v.split_whitespace().collect::<Vec<_>>().join(" ");
            (k.to_ascii_lowercase(), unfolded)
        })
        .collect();
    for (k, v) in ms {
        text.push_str(&format!("{k}:{v}\n"));
    }
    text.push_str(&format!("/{account}{path}"));
    let mut params: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in query {
        params
            .entry(k.to_ascii_lowercase())
            .or_default()
            .push(v.clone());
    }
    for (k, mut values) in params {
        values.sort();
        text.push_str(&format!("\n{k}:{}", values.join(",")));
    }
    text
}

/// `base64(HMAC-SHA256(key, string_to_sign))`.
pub(crate) fn signature(key: &[u8], string_to_sign: &str) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(string_to_sign.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The canonicalized resource example of "Authorize with Shared Key" (Blob service,
    /// `GET https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata`).
    #[test]
    fn canonical_resource_matches_the_documented_example() {
        let text = string_to_sign(
            "GET",
            &[],
            "myaccount",
            "/mycontainer",
            &pairs(&[("restype", "container"), ("comp", "metadata")]),
        );
        assert!(
            text.ends_with("/myaccount/mycontainer\ncomp:metadata\nrestype:container"),
            "{text:?}"
        );
        // Twelve lines of verb and standard headers before the resource.
        assert!(
            text.starts_with("GET\n\n\n\n\n\n\n\n\n\n\n\n/myaccount"),
            "{text:?}"
        );
    }

    /// A whole string-to-sign for an Azurite Put Message, and its signature with the
    /// well-known emulator key (HMAC-SHA256 checked against Python's `hmac` module).
    #[test]
    fn put_message_string_to_sign_and_signature() {
        let headers = pairs(&[
            ("Content-Type", "application/xml"),
            ("x-ms-version", "2021-12-02"),
            ("X-MS-Date", "Sun, 06 Dec 2026 20:00:00 GMT"),
            ("Content-Length", "61"),
        ]);
        let text = string_to_sign(
            "post",
            &headers,
            EMULATOR_ACCOUNT,
            "/devstoreaccount1/orders/messages",
            &[],
        );
        assert_eq!(
            text,
            "POST\n\n\n61\n\napplication/xml\n\n\n\n\n\n\nx-ms-date:Sun, 06 Dec 2026 20:00:00 GMT\nx-ms-version:2021-12-02\n/devstoreaccount1/devstoreaccount1/orders/messages"
        );
        let key = STANDARD.decode(EMULATOR_KEY).unwrap();
        assert_eq!(
            signature(&key, &text),
            "KdnuIdVSt1tkZujCEhG0zwzZbV21YCp1z3TCtUM79X0="
        );
    }

    #[test]
    fn zero_content_length_is_signed_empty_and_query_values_are_grouped() {
        let text = string_to_sign(
            "DELETE",
            &pairs(&[("Content-Length", "0")]),
            "a",
            "/q/messages/1",
            &pairs(&[("popreceipt", "x+y/z="), ("B", "2"), ("b", "1")]),
        );
        assert_eq!(
            text,
            "DELETE\n\n\n\n\n\n\n\n\n\n\n\n/a/q/messages/1\nb:1,2\npopreceipt:x+y/z="
        );
    }

    #[test]
    fn connection_strings() {
        let dev = Account::from_connection_string("UseDevelopmentStorage=true").unwrap();
        assert_eq!(
            dev.queue_endpoint(),
            "http://127.0.0.1:10001/devstoreaccount1"
        );
        let explicit = Account::from_connection_string(&format!(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={EMULATOR_KEY};QueueEndpoint=http://127.0.0.1:20001/devstoreaccount1;BlobEndpoint=http://127.0.0.1:20000/devstoreaccount1;"
        ))
        .unwrap();
        assert_eq!(explicit.name(), "devstoreaccount1");
        assert_eq!(
            explicit.queue_endpoint(),
            "http://127.0.0.1:20001/devstoreaccount1"
        );
        let real = Account::from_connection_string(
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=AAAA;EndpointSuffix=core.windows.net",
        )
        .unwrap();
        assert_eq!(real.queue_endpoint(), "https://acct.queue.core.windows.net");
        let odd = Account::from_connection_string(
            "AccountName=acct;AccountKey=AAAA;QueueEndpoint=ftp://127.0.0.1/acct",
        )
        .unwrap_err();
        assert!(
            odd.contains("ftp://127.0.0.1/acct is not an http:// or https:// URL"),
            "{odd}"
        );
        assert!(
            Account::from_connection_string("AccountName=a")
                .unwrap_err()
                .contains("has no accountkey")
        );
        assert!(
            Account::from_connection_string("AccountName=a;AccountKey=%%")
                .unwrap_err()
                .contains("not base64")
        );
    }
}
