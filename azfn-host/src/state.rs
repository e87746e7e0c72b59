//! The in-memory queues and blobs written to files at a clean stop and read back at the next
//! start, so that a local run keeps its messages across restarts as Azure Storage does.
//!
//! Two JSON files: `queues.json` (every queue, poison queues included, with each message's id,
//! content, dequeue count and times) and `blobs.json`. Message and blob content is base64.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Map;

use crate::storage::{Blob, BlobStore, QueueMessage, QueueStore};

/// The format version written to both files.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueuesFile {
    version: u32,
    queues: std::collections::BTreeMap<String, Vec<SavedMessage>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedMessage {
    id: String,
    content: String,
    dequeue_count: u32,
    insertion_time: DateTime<Utc>,
    expiration_time: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlobsFile {
    version: u32,
    blobs: std::collections::BTreeMap<String, SavedBlob>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedBlob {
    content: String,
    content_type: String,
    created_on: DateTime<Utc>,
    last_modified: DateTime<Utc>,
    etag: String,
}

/// Where the state of one app is kept: `<app>/.azfn/state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDir(PathBuf);

/// What a save or a restore moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateCounts {
    /// Messages in ordinary queues.
    pub messages: usize,
    /// Messages in `<queue>-poison` queues.
    pub poison_messages: usize,
    /// Blobs.
    pub blobs: usize,
}

impl StateCounts {
    /// True when nothing was moved.
    pub fn is_empty(&self) -> bool {
        self.messages == 0 && self.poison_messages == 0 && self.blobs == 0
    }
}

impl StateDir {
    /// The state folder of the app in `app_root`.
    pub fn of_app(app_root: &Path) -> StateDir {
        StateDir(app_root.join(".azfn").join("state"))
    }

    /// A state folder at `path`.
    pub fn at(path: PathBuf) -> StateDir {
        StateDir(path)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The queue file, `queues.json`.
    pub fn queues_file(&self) -> PathBuf {
        self.0.join("queues.json")
    }

    /// The blob file, `blobs.json`.
    pub fn blobs_file(&self) -> PathBuf {
        self.0.join("blobs.json")
    }

    /// Writes every stored message and blob; removes the files when there is nothing to keep.
    pub fn save(&self, queues: &QueueStore, blobs: &BlobStore) -> Result<StateCounts, String> {
        let mut file = QueuesFile {
            version: VERSION,
            queues: Default::default(),
        };
        for name in queues.queue_names() {
            let messages: Vec<SavedMessage> = queues
                .messages(&name)
                .iter()
                .map(|m| SavedMessage {
                    id: m.id.clone(),
                    content: STANDARD.encode(&m.body),
                    dequeue_count: m.dequeue_count,
                    insertion_time: m.insertion_time,
                    expiration_time: m.expiration_time,
                })
                .collect();
            if !messages.is_empty() {
                file.queues.insert(name, messages);
            }
        }
        let mut blob_file = BlobsFile {
            version: VERSION,
            blobs: Default::default(),
        };
        for path in blobs.paths() {
            if let Some(b) = blobs.get(&path) {
                blob_file.blobs.insert(
                    path,
                    SavedBlob {
                        content: STANDARD.encode(&b.content),
                        content_type: b.content_type.clone(),
                        created_on: b.created_on,
                        last_modified: b.last_modified,
                        etag: b.etag.clone(),
                    },
                );
            }
        }
        let (messages, poison_messages) = queues.counts();
        let counts = StateCounts {
            messages,
            poison_messages,
            blobs: blob_file.blobs.len(),
        };
        write_or_remove(&self.queues_file(), file.queues.is_empty(), &file)?;
        write_or_remove(&self.blobs_file(), blob_file.blobs.is_empty(), &blob_file)?;
        Ok(counts)
    }

    /// Reads the saved messages and blobs into the stores (visible at once) and removes the
    /// files, so that a later crash does not deliver them a second time. Missing files are an
    /// empty state.
    pub fn restore(
        &self,
        queues: &mut QueueStore,
        blobs: &mut BlobStore,
        now: DateTime<Utc>,
    ) -> Result<StateCounts, String> {
        let mut counts = StateCounts::default();
        let queues_file = self.queues_file();
        if let Some(file) = read::<QueuesFile>(&queues_file)? {
            for (name, saved) in file.queues {
                for m in saved {
                    let body = decode(&m.content, &queues_file)?;
                    if name.ends_with("-poison") {
                        counts.poison_messages += 1;
                    } else {
                        counts.messages += 1;
                    }
                    queues.restore(
                        &name,
                        QueueMessage {
                            id: m.id,
                            body,
                            dequeue_count: m.dequeue_count,
                            insertion_time: m.insertion_time,
                            expiration_time: m.expiration_time,
                            next_visible_time: now,
                            pop_receipt: String::new(),
                        },
                        now,
                    );
                }
            }
        }
        let blobs_file = self.blobs_file();
        if let Some(file) = read::<BlobsFile>(&blobs_file)? {
            for (path, b) in file.blobs {
                let content = decode(&b.content, &blobs_file)?;
                blobs.restore(
                    &path,
                    Blob {
                        content,
                        content_type: b.content_type,
                        created_on: b.created_on,
                        last_modified: b.last_modified,
                        etag: b.etag,
                        metadata: Map::new(),
                    },
                );
                counts.blobs += 1;
            }
        }
        for file in [queues_file, blobs_file] {
            remove(&file)?;
        }
        Ok(counts)
    }
}

fn decode(text: &str, file: &Path) -> Result<Vec<u8>, String> {
    STANDARD.decode(text).map_err(|e| {
        format!(
            "{}: content that is not base64 ({e}); fix or delete the file",
            file.display()
        )
    })
}

fn read<T: for<'de> Deserialize<'de>>(file: &Path) -> Result<Option<T>, String> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", file.display())),
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        format!(
            "{} is not a saved local storage state ({e}); fix or delete the file",
            file.display()
        )
    })
}

fn remove(file: &Path) -> Result<(), String> {
    match std::fs::remove_file(file) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove {}: {e}", file.display())),
    }
}

fn write_or_remove<T: Serialize>(file: &Path, empty: bool, value: &T) -> Result<(), String> {
    if empty {
        return remove(file);
    }
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    // Written beside and renamed, so that an interrupted write never leaves half a file.
    let partial = file.with_extension("json.partial");
    std::fs::write(&partial, text)
        .and_then(|()| std::fs::rename(&partial, file))
        .map_err(|e| format!("cannot write {}: {e}", file.display()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::config::QueueOptions;

    fn temp() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("azfn-state-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn messages_and_blobs_survive_a_save_and_restore() {
        let root = temp();
        let dir = StateDir::of_app(&root);
        let now = Utc::now();
        let mut queues = QueueStore::new(QueueOptions::default());
        queues.enqueue("orders", b"one".to_vec(), now);
        queues.enqueue("orders", vec![0, 255, 10], now);
        queues.enqueue("orders-poison", b"bad".to_vec(), now);
        // A message in flight (leased) is saved too, with its dequeue count.
        let leased = queues.dequeue("orders", now).unwrap();
        let mut blobs = BlobStore::new();
        blobs.put("c/a.txt", b"blob".to_vec(), Some("text/plain".into()), now);
        let saved = dir.save(&queues, &blobs).unwrap();
        assert_eq!(
            saved,
            StateCounts {
                messages: 2,
                poison_messages: 1,
                blobs: 1
            }
        );
        assert!(dir.queues_file().starts_with(root.join(".azfn/state")));

        let mut q2 = QueueStore::new(QueueOptions::default());
        let mut b2 = BlobStore::new();
        let restored = dir.restore(&mut q2, &mut b2, now).unwrap();
        assert_eq!(restored, saved);
        assert!(
            !dir.queues_file().exists(),
            "restored state is not delivered twice"
        );
        let first = q2.dequeue("orders", now).unwrap();
        assert_eq!((first.id, first.dequeue_count), (leased.id, 2));
        let second = q2.dequeue("orders", now).unwrap();
        assert_eq!(second.body, vec![0, 255, 10]);
        assert_eq!(q2.messages("orders-poison")[0].body, b"bad");
        assert_eq!(b2.get("c/a.txt").unwrap().content_type, "text/plain");

        // Nothing to keep: no files; nothing saved: an empty restore.
        let empty = dir
            .save(&QueueStore::new(QueueOptions::default()), &BlobStore::new())
            .unwrap();
        assert!(empty.is_empty());
        assert!(!dir.queues_file().exists() && !dir.blobs_file().exists());
        let none = dir.restore(&mut q2, &mut b2, now).unwrap();
        assert!(none.is_empty());
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn a_damaged_state_file_is_a_clear_error() {
        let root = temp();
        let dir = StateDir::of_app(&root);
        std::fs::create_dir_all(dir.path()).unwrap();
        std::fs::write(dir.queues_file(), "{not json").unwrap();
        let mut q = QueueStore::new(QueueOptions::default());
        let mut b = BlobStore::new();
        let e = dir.restore(&mut q, &mut b, Utc::now()).unwrap_err();
        assert!(
            e.contains("queues.json is not a saved local storage state"),
            "{e}"
        );
        assert!(e.contains("fix or delete the file"), "{e}");
        std::fs::write(
            dir.queues_file(),
            r#"{"version":1,"queues":{"q":[{"id":"x","content":"%%","dequeueCount":0,"insertionTime":"2024-01-01T00:00:00Z","expirationTime":"2024-01-08T00:00:00Z"}]}}"#,
        )
        .unwrap();
        let e = dir.restore(&mut q, &mut b, Utc::now()).unwrap_err();
        assert!(e.contains("not base64"), "{e}");
        let _ = std::fs::remove_dir_all(root);
    }
}
