//! The scan cache, `$OUT_DIR/azfn/scan-cache.json`: each source file's analysis, kept with a
//! hash of what it depends on (its text, the cfg environment, where its modules live), so that
//! the build script parses again only the files that changed. Cargo reruns the build script
//! after every edit of any source file, and parsing is most of its run (about 3 ms per 100
//! lines in a debug build script; BENCHMARKS.md, "The edit-build loop").
//!
//! The analysis also depends on azfn itself: the cache is kept for the build script binary
//! that wrote it, so a rebuilt build script (a new azfn, a new compiler) analyses everything
//! anew. A cache that cannot be read or written is only a slower build.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash as _, Hasher as _};
use std::path::{Path, PathBuf};

use crate::cfg::CfgEnv;
use crate::scan::FileScan;

/// The cache's file name, under `$OUT_DIR/azfn/`.
pub(crate) const FILE_NAME: &str = "scan-cache.json";
const FORMAT_VERSION: u64 = 1;

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Entry {
    key: u64,
    scan: FileScan,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    version: u64,
    analyser: String,
    files: Vec<(PathBuf, Entry)>,
}

/// The analyses of the last scan, and those of this one.
pub(crate) struct ScanCache {
    /// Where it is kept; `None`: nothing is read or kept.
    file: Option<PathBuf>,
    /// The program that analyses (see the module docs).
    analyser: String,
    old: HashMap<PathBuf, Entry>,
    /// How many files `old` held when it was read.
    read: usize,
    new: BTreeMap<PathBuf, Entry>,
    /// A file was analysed in this scan.
    analysed: bool,
}

impl ScanCache {
    /// A cache that keeps nothing.
    pub(crate) fn none() -> Self {
        Self {
            file: None,
            analyser: String::new(),
            old: HashMap::new(),
            read: 0,
            new: BTreeMap::new(),
            analysed: false,
        }
    }

    /// The cache kept in `out_dir`; empty when it is missing, unreadable or was written by
    /// another build script binary. Keeps nothing when this program cannot tell what it is.
    pub(crate) fn load(out_dir: &Path) -> Self {
        let Some(analyser) = analyser() else {
            return Self::none();
        };
        let file = out_dir.join("azfn").join(FILE_NAME);
        let old = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|stored| stored.version == FORMAT_VERSION && stored.analyser == analyser)
            .map(|stored| stored.files.into_iter().collect::<HashMap<_, _>>())
            .unwrap_or_default();
        Self {
            file: Some(file),
            analyser,
            read: old.len(),
            old,
            new: BTreeMap::new(),
            analysed: false,
        }
    }

    /// What a file's analysis depends on, besides its path and azfn.
    pub(crate) fn key(text: &str, cfg: &CfgEnv, mod_dir: &Path) -> u64 {
        let mut hasher = std::hash::DefaultHasher::new();
        text.hash(&mut hasher);
        cfg.fingerprint().hash(&mut hasher);
        mod_dir.hash(&mut hasher);
        hasher.finish()
    }

    /// The analysis of `path` kept for `key`, if there is one (a scan asks once per file).
    pub(crate) fn get(&mut self, path: &Path, key: u64) -> Option<FileScan> {
        self.file.as_ref()?;
        if self.old.get(path)?.key != key {
            return None;
        }
        let entry = self.old.remove(path)?;
        let scan = entry.scan.clone();
        self.new.insert(path.to_path_buf(), entry);
        Some(scan)
    }

    /// Keeps the analysis of `path` for `key`.
    pub(crate) fn put(&mut self, path: &Path, key: u64, scan: FileScan) {
        if self.file.is_none() {
            return;
        }
        self.analysed = true;
        self.new.insert(path.to_path_buf(), Entry { key, scan });
    }

    /// Writes what this scan used, if it differs from what was read. Errors are ignored: the
    /// next build analyses again.
    pub(crate) fn save(self) {
        let Some(file) = self.file else {
            return;
        };
        if !self.analysed && self.new.len() == self.read {
            return;
        }
        let stored = Stored {
            version: FORMAT_VERSION,
            analyser: self.analyser,
            files: self.new.into_iter().collect(),
        };
        if let Ok(bytes) = serde_json::to_vec(&stored) {
            let _ = crate::fsutil::write_atomic(&file, &bytes);
        }
    }
}

/// This program, as its size and modification time: a rebuilt build script is another.
fn analyser() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "azfn-build {} {} {}",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_nanos()
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn a_cache_of_another_build_script_or_format_is_not_used() {
        let out = std::env::temp_dir().join(format!("azfn-scan-cache-{}", std::process::id()));
        let file = out.join("azfn").join(FILE_NAME);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let path = PathBuf::from("src/lib.rs");
        let key = ScanCache::key("fn main() {}", &CfgEnv::unknown(), Path::new("src"));
        let write = |version: u64, analyser: String| {
            let stored = Stored {
                version,
                analyser,
                files: vec![(
                    path.clone(),
                    Entry {
                        key,
                        scan: FileScan::default(),
                    },
                )],
            };
            std::fs::write(&file, serde_json::to_vec(&stored).unwrap()).unwrap();
        };
        let this = analyser().unwrap();
        write(FORMAT_VERSION, this.clone());
        assert!(ScanCache::load(&out).get(&path, key).is_some());
        assert!(ScanCache::load(&out).get(&path, key + 1).is_none());
        write(FORMAT_VERSION, format!("{this} (rebuilt)"));
        assert!(ScanCache::load(&out).get(&path, key).is_none());
        write(FORMAT_VERSION + 1, this);
        assert!(ScanCache::load(&out).get(&path, key).is_none());
        // The key follows the cfg environment and where modules live, not only the text.
        let features = CfgEnv::from_vars([
            ("CARGO_CFG_TARGET_OS".to_owned(), "linux".to_owned()),
            ("CARGO_FEATURE_EXTRA".to_owned(), "1".to_owned()),
        ]);
        assert_ne!(
            key,
            ScanCache::key("fn main() {}", &features, Path::new("src"))
        );
        assert_ne!(
            key,
            ScanCache::key("fn main() {}", &CfgEnv::unknown(), Path::new("lib"))
        );
        let _ = std::fs::remove_dir_all(&out);
    }
}
