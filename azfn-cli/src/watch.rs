//! `start --watch`: notices changes to an app crate's sources by polling their modification
//! times and sizes (no file-system notification crate), and reports them once they settle.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often the sources are looked at.
const POLL: Duration = Duration::from_millis(500);
/// How long nothing may change before a change is reported.
const QUIET: Duration = Duration::from_millis(300);

/// Each watched file with its modification time and size.
type Snapshot = BTreeMap<PathBuf, (Option<SystemTime>, u64)>;

/// Watches a crate's `src/` tree, `Cargo.toml` and `build.rs`.
#[derive(Debug)]
pub(crate) struct Watcher {
    root: PathBuf,
    seen: Snapshot,
}

impl Watcher {
    /// Starts watching the crate in `root` from its current state.
    pub(crate) fn new(root: &Path) -> Watcher {
        Watcher {
            root: root.to_path_buf(),
            seen: snapshot(root),
        }
    }

    /// Waits for a change that then stays unchanged for [`QUIET`]; returns the changed,
    /// added or removed files, relative to the crate folder.
    pub(crate) async fn changed(&mut self) -> Vec<PathBuf> {
        loop {
            tokio::time::sleep(POLL).await;
            let mut latest = snapshot(&self.root);
            if latest == self.seen {
                continue;
            }
            loop {
                tokio::time::sleep(QUIET).await;
                let next = snapshot(&self.root);
                if next == latest {
                    break;
                }
                latest = next;
            }
            let changed = diff(&self.seen, &latest);
            self.seen = latest;
            if !changed.is_empty() {
                return changed
                    .into_iter()
                    .map(|p| {
                        p.strip_prefix(&self.root)
                            .map(Path::to_path_buf)
                            .unwrap_or(p)
                    })
                    .collect();
            }
        }
    }
}

/// The watched files of the crate in `root` as they are now (unreadable ones are left out).
fn snapshot(root: &Path) -> Snapshot {
    let mut files = Snapshot::new();
    for name in ["Cargo.toml", "build.rs"] {
        add(&mut files, &root.join(name));
    }
    let mut dirs = vec![root.join("src")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => dirs.push(path),
                Ok(_) => add(&mut files, &path),
                Err(_) => {}
            }
        }
    }
    files
}

fn add(files: &mut Snapshot, path: &Path) {
    if let Ok(meta) = std::fs::metadata(path)
        && meta.is_file()
    {
        files.insert(path.to_path_buf(), (meta.modified().ok(), meta.len()));
    }
}

/// The files that differ between `before` and `after`.
fn diff(before: &Snapshot, after: &Snapshot) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> = after
        .iter()
        .filter(|(path, stamp)| before.get(*path) != Some(stamp))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(
        before
            .keys()
            .filter(|path| !after.contains_key(*path))
            .cloned(),
    );
    changed
}

/// One line naming what changed: the first file, and how many more.
pub(crate) fn describe(changed: &[PathBuf]) -> String {
    match changed {
        [] => "nothing".to_owned(),
        [one] => one.display().to_string(),
        [first, rest @ ..] => format!("{} and {} more file(s)", first.display(), rest.len()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test setup")]
    use super::*;

    #[test]
    fn sources_manifest_and_build_script_are_watched_and_target_is_not() {
        let root = std::env::temp_dir().join(format!("azfn-watch-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(root.join("src/bin")).unwrap();
        std::fs::create_dir_all(root.join("target")).unwrap();
        for file in [
            "Cargo.toml",
            "build.rs",
            "src/main.rs",
            "src/bin/b.rs",
            "target/x",
        ] {
            std::fs::write(root.join(file), "1").unwrap();
        }
        let before = snapshot(&root);
        let mut names: Vec<_> = before
            .keys()
            .map(|p| p.strip_prefix(&root).unwrap().to_path_buf())
            .collect();
        names.sort();
        let expected: Vec<PathBuf> = ["Cargo.toml", "build.rs", "src/bin/b.rs", "src/main.rs"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(names, expected);

        std::fs::write(root.join("src/main.rs"), "22").unwrap();
        std::fs::remove_file(root.join("build.rs")).unwrap();
        std::fs::write(root.join("target/x"), "22").unwrap();
        let after = snapshot(&root);
        let mut changed = diff(&before, &after);
        changed.sort();
        assert_eq!(changed, [root.join("build.rs"), root.join("src/main.rs")]);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_change_line_names_the_first_file() {
        assert_eq!(describe(&[PathBuf::from("src/a.rs")]), "src/a.rs");
        assert_eq!(
            describe(&[PathBuf::from("src/a.rs"), PathBuf::from("Cargo.toml")]),
            "src/a.rs and 1 more file(s)"
        );
    }
}
