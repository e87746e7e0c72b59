//! Where queues and blobs live during `start`: in memory (the default, zero setup) or in Azure
//! Storage through Azurite (`--storage azurite`) or the account `AzureWebJobsStorage` names
//! (`--storage azure`). The queue listener, outputs, inputs and blob triggers go through the
//! methods here, with the same host rules on both.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use azfn_host::storage::{Blob, FailedMessage, PROCESSING_LEASE, QueueMessage, poison_queue_name};
use chrono::Utc;

use super::Host;
use super::azure::{HOSTS_CONTAINER, RemoteMessage, StorageClient, blob_receipt_path, parse_time};
use super::azurite::{self, AzuriteProcess, answers};
use super::shared_key::Account;
use crate::client::HttpClient;
use crate::console::Console;
use crate::error::CliError;

/// The `--storage` choices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StorageKind {
    /// In memory, kept in the app's `.azfn/state` between runs (the default).
    #[default]
    Memory,
    /// Azurite on 127.0.0.1:10000 (blobs) and 10001 (queues), with its well-known account.
    Azurite,
    /// The account of the `AzureWebJobsStorage` connection string.
    Azure,
}

/// The storage of a running `start` (cloned for the next handler of a `--watch` reload).
#[derive(Debug, Clone)]
pub(crate) enum Backend {
    /// The stores in [`Host::queues`] and [`Host::blobs`].
    Memory,
    /// Azure Storage (Azurite or an account).
    Azure(Arc<AzureBackend>),
}

/// Azure Storage through the Shared Key client.
#[derive(Debug)]
pub(crate) struct AzureBackend {
    client: StorageClient,
    /// The host id in blob receipt paths.
    host_id: String,
    /// Queues and containers already created.
    created: Mutex<BTreeSet<String>>,
    /// The Azurite started for this run, if any (stopped on drop).
    _azurite: Option<AzuriteProcess>,
}

/// The host id used in blob receipts when the settings name none.
const LOCAL_HOST_ID: &str = "azfn-local";

/// Picks the backend `kind` names and says which it is. For Azurite: the one answering on its
/// default ports, else the `azurite` command on PATH started with its data in `azurite_data`.
pub(crate) fn choose(
    kind: StorageKind,
    setting: &dyn Fn(&str) -> Option<String>,
    azurite_data: &std::path::Path,
    console: Console,
    http: HttpClient,
) -> Result<Backend, CliError> {
    let mut started = None;
    let identity = setting("AzureWebJobsStorage__accountName")
        .or_else(|| setting("AzureWebJobsStorage__queueServiceUri"))
        .or_else(|| setting("AzureWebJobsStorage__blobServiceUri"));
    let account = match kind {
        StorageKind::Memory => {
            if identity.is_some() {
                console.info("AzureWebJobsStorage__* (an identity-based connection) is ignored: storage is in memory");
            }
            return Ok(Backend::Memory);
        }
        StorageKind::Azurite => {
            if !answers(10001) || !answers(10000) {
                let exe = std::env::var_os("PATH").and_then(|p| azurite::find(&p));
                let Some(exe) = exe else {
                    return Err(CliError::new(
                        "Azurite is not answering on 127.0.0.1:10000 and 10001 and the azurite command is not installed: `npm install -g azurite` (or start Azurite yourself), or drop --storage azurite for the in-memory storage",
                    ));
                };
                started = Some(azurite::start(&exe, azurite_data, 10000, 10001, console)?);
            }
            Account::azurite(10000, 10001)
        }
        StorageKind::Azure => match setting("AzureWebJobsStorage") {
            Some(text) if !text.trim().is_empty() => {
                Account::from_connection_string(&text).map_err(CliError)?
            }
            _ if identity.is_some() => {
                return Err(CliError::new(
                    "AzureWebJobsStorage__accountName (an identity-based connection) needs Entra ID credentials, which cargo azfn does not have: set AzureWebJobsStorage to a connection string with an account key, or use --storage azurite or the in-memory default",
                ));
            }
            _ => {
                return Err(CliError::new(
                    "--storage azure needs the AzureWebJobsStorage setting (a connection string, in local.settings.json Values or the environment)",
                ));
            }
        },
    };
    console.info(&format!(
        "Storage: Azure Storage account '{}' at {} (messages and blobs stay there between runs)",
        account.name(),
        account.queue_endpoint()
    ));
    Ok(Backend::Azure(Arc::new(AzureBackend {
        client: StorageClient::new(account, http),
        host_id: setting("AzureFunctionsWebHost__hostid").unwrap_or_else(|| LOCAL_HOST_ID.into()),
        created: Mutex::new(BTreeSet::new()),
        _azurite: started,
    })))
}

fn to_message(m: RemoteMessage) -> QueueMessage {
    let now = Utc::now();
    QueueMessage {
        id: m.id,
        body: m.content,
        dequeue_count: m.dequeue_count,
        insertion_time: parse_time(&m.insertion_time).unwrap_or(now),
        expiration_time: parse_time(&m.expiration_time).unwrap_or(now),
        next_visible_time: parse_time(&m.next_visible_time).unwrap_or(now),
        pop_receipt: m.pop_receipt,
    }
}

impl AzureBackend {
    async fn ensure_queue(&self, queue: &str) -> Result<(), String> {
        let key = format!("queue:{queue}");
        if self.created.lock().is_ok_and(|c| c.contains(&key)) {
            return Ok(());
        }
        self.client.create_queue(queue).await?;
        if let Ok(mut c) = self.created.lock() {
            c.insert(key);
        }
        Ok(())
    }

    async fn ensure_container(&self, container: &str) -> Result<(), String> {
        let key = format!("container:{container}");
        if self.created.lock().is_ok_and(|c| c.contains(&key)) {
            return Ok(());
        }
        self.client.create_container(container).await?;
        if let Ok(mut c) = self.created.lock() {
            c.insert(key);
        }
        Ok(())
    }

    async fn put(&self, queue: &str, body: &[u8]) -> Result<String, String> {
        self.ensure_queue(queue).await?;
        self.client.put_message(queue, body).await
    }

    async fn poison(&self, queue: &str, message: &QueueMessage) -> Result<String, String> {
        let poison = poison_queue_name(queue);
        let id = self.put(&poison, &message.body).await?;
        self.client
            .delete_message(queue, &message.id, &message.pop_receipt)
            .await?;
        Ok(id)
    }
}

fn split_path(path: &str) -> (&str, &str) {
    path.split_once('/').unwrap_or((path, ""))
}

impl Host {
    /// Takes the next message of `queue` for an invocation (hidden for the processing lease;
    /// `DequeueCount` raised); a message already past `maxDequeueCount` goes to the poison queue.
    pub(crate) async fn take_message(&self, queue: &str) -> Result<Option<QueueMessage>, String> {
        let Backend::Azure(azure) = &self.backend else {
            return Ok(self
                .queues
                .lock()
                .ok()
                .and_then(|mut q| q.dequeue(queue, Utc::now())));
        };
        azure.ensure_queue(queue).await?;
        loop {
            let Some(m) = azure
                .client
                .get_messages(queue, 1, PROCESSING_LEASE)
                .await?
                .into_iter()
                .next()
            else {
                return Ok(None);
            };
            let message = to_message(m);
            if message.dequeue_count > self.app.host.queues.max_dequeue_count {
                azure.poison(queue, &message).await?;
                continue;
            }
            return Ok(Some(message));
        }
    }

    /// Deletes a processed message.
    pub(crate) async fn complete_message(&self, queue: &str, message: &QueueMessage) {
        match &self.backend {
            Backend::Memory => {
                if let Ok(mut store) = self.queues.lock() {
                    store.complete(queue, &message.id, &message.pop_receipt);
                }
            }
            Backend::Azure(azure) => {
                if let Err(e) = azure
                    .client
                    .delete_message(queue, &message.id, &message.pop_receipt)
                    .await
                {
                    self.console.warn(&e);
                }
            }
        }
    }

    /// Puts back a message that reached no handler: visible at once. In memory its dequeue
    /// count goes back too; Azure Storage keeps the raised count (it cannot be lowered).
    pub(crate) async fn release_message(&self, queue: &str, message: &QueueMessage) -> bool {
        match &self.backend {
            Backend::Memory => self
                .queues
                .lock()
                .is_ok_and(|mut store| store.release(queue, message, Utc::now())),
            Backend::Azure(azure) => azure
                .client
                .update_visibility(queue, &message.id, &message.pop_receipt, Duration::ZERO)
                .await
                .map_err(|e| self.console.warn(&e))
                .is_ok(),
        }
    }

    /// Settles a failed try: poison after `maxDequeueCount` tries, otherwise visible again
    /// after `visibilityTimeout`.
    pub(crate) async fn fail_message(&self, queue: &str, message: &QueueMessage) -> FailedMessage {
        let Backend::Azure(azure) = &self.backend else {
            return self
                .queues
                .lock()
                .map(|mut store| store.fail(queue, message, Utc::now()))
                .unwrap_or(FailedMessage::Gone);
        };
        let options = self.app.host.queues;
        if message.dequeue_count >= options.max_dequeue_count {
            return match azure.poison(queue, message).await {
                Ok(poison_id) => FailedMessage::Poisoned {
                    poison_queue: poison_queue_name(queue),
                    poison_id,
                },
                Err(e) => {
                    self.console.warn(&e);
                    FailedMessage::Gone
                }
            };
        }
        match azure
            .client
            .update_visibility(
                queue,
                &message.id,
                &message.pop_receipt,
                options.visibility_timeout,
            )
            .await
        {
            Ok(_) => FailedMessage::Retry {
                visible_at: Utc::now()
                    + chrono::Duration::from_std(options.visibility_timeout).unwrap_or_default(),
            },
            Err(e) => {
                self.console.warn(&e);
                FailedMessage::Gone
            }
        }
    }

    /// Adds a queue message (an output) and wakes the listeners.
    pub(crate) async fn enqueue(&self, queue: &str, body: Vec<u8>) -> Result<(), String> {
        match &self.backend {
            Backend::Memory => {
                if let Ok(mut store) = self.queues.lock() {
                    store.enqueue(queue, body, Utc::now());
                }
            }
            Backend::Azure(azure) => {
                azure.put(queue, &body).await?;
            }
        }
        self.storage_changed.send_modify(|n| *n = n.wrapping_add(1));
        Ok(())
    }

    /// Reads a blob (`container/name`).
    pub(crate) async fn read_blob(&self, path: &str) -> Result<Option<Blob>, String> {
        let Backend::Azure(azure) = &self.backend else {
            return Ok(self.blobs.lock().ok().and_then(|b| b.get(path).cloned()));
        };
        let (container, name) = split_path(path);
        let content = azure.client.get_blob(container, name).await?;
        Ok(content.map(|c| Blob::new(c, None, Utc::now())))
    }

    /// Writes a blob in Azure Storage (the scanners fire its triggers).
    pub(crate) async fn put_remote_blob(&self, path: &str, content: Vec<u8>) -> Result<(), String> {
        let Backend::Azure(azure) = &self.backend else {
            return Ok(());
        };
        let (container, name) = split_path(path);
        azure.ensure_container(container).await?;
        azure
            .client
            .put_blob(container, name, content, "application/octet-stream")
            .await?;
        self.storage_changed.send_modify(|n| *n = n.wrapping_add(1));
        Ok(())
    }

    /// With Azure Storage: the blobs under `container/prefix` that `function` has no receipt
    /// for yet, as `(path, etag)`.
    pub(crate) async fn unprocessed_blobs(
        &self,
        function: &str,
        container: &str,
        prefix: &str,
    ) -> Result<Vec<(String, String)>, String> {
        let Backend::Azure(azure) = &self.backend else {
            return Ok(Vec::new());
        };
        azure.ensure_container(container).await?;
        azure.ensure_container(HOSTS_CONTAINER).await?;
        let receipts: BTreeSet<String> = azure
            .client
            .list_blobs(
                HOSTS_CONTAINER,
                &format!("blobreceipts/{}/Host.Functions.{function}/", azure.host_id),
            )
            .await?
            .into_iter()
            .map(|b| b.name)
            .collect();
        Ok(azure
            .client
            .list_blobs(container, prefix)
            .await?
            .into_iter()
            .filter(|b| {
                !receipts.contains(&blob_receipt_path(
                    &azure.host_id,
                    &format!("Host.Functions.{function}"),
                    &b.etag,
                    container,
                    &b.name,
                ))
            })
            .map(|b| (format!("{container}/{}", b.name), b.etag))
            .collect())
    }

    /// Records that `function` processed the blob version `etag` (a blob receipt).
    pub(crate) async fn write_receipt(&self, function: &str, path: &str, etag: &str) {
        let Backend::Azure(azure) = &self.backend else {
            return;
        };
        let (container, name) = split_path(path);
        let receipt = blob_receipt_path(
            &azure.host_id,
            &format!("Host.Functions.{function}"),
            etag,
            container,
            name,
        );
        if let Err(e) = azure
            .client
            .put_blob(
                HOSTS_CONTAINER,
                &receipt,
                Vec::new(),
                "application/octet-stream",
            )
            .await
        {
            self.console.warn(&e);
        }
    }

    /// Whether storage is Azure (blob triggers scan; nothing is saved at exit).
    pub(crate) fn is_remote_storage(&self) -> bool {
        matches!(self.backend, Backend::Azure(_))
    }
}
