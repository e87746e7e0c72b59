//! The deployment zip: written deterministically (sorted entries, fixed timestamps, unix modes)
//! and unpacked safely (no absolute paths, no `..`, no links).

use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::error::CliError;

/// One file of the package.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The path inside the zip, with `/`.
    pub(crate) name: String,
    pub(crate) source: Source,
    /// The unix mode: 0o755 for the executable, 0o644 for the rest.
    pub(crate) mode: u32,
}

/// Where an entry's bytes come from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// Writes `entries` (sorted by name) to the zip at `path`, through a temporary file renamed
/// into place, so a failure leaves no partial zip.
pub(crate) fn write(path: &Path, mut entries: Vec<Entry>) -> Result<(), CliError> {
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| {
            CliError(format!(
                "cannot create the folder {}: {e}",
                parent.display()
            ))
        })?;
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let result = write_to(&partial, &entries).and_then(|()| {
        std::fs::rename(&partial, path)
            .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn write_to(path: &Path, entries: &[Entry]) -> Result<(), CliError> {
    let failed =
        |e: &dyn std::fmt::Display| CliError(format!("cannot write {}: {e}", path.display()));
    let file = File::create(path).map_err(|e| failed(&e))?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    for entry in entries {
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default())
            .unix_permissions(entry.mode)
            .large_file(false);
        zip.start_file(entry.name.as_str(), options)
            .map_err(|e| failed(&e))?;
        match &entry.source {
            Source::Bytes(bytes) => zip.write_all(bytes).map_err(|e| failed(&e))?,
            Source::File(source) => {
                let mut input = File::open(source)
                    .map_err(|e| CliError(format!("cannot read {}: {e}", source.display())))?;
                std::io::copy(&mut input, &mut zip).map_err(|e| {
                    CliError(format!("cannot add {} to the zip: {e}", source.display()))
                })?;
            }
        }
    }
    let mut inner = zip.finish().map_err(|e| failed(&e))?;
    inner.flush().map_err(|e| failed(&e))?;
    Ok(())
}

/// Whether `name` is a plain relative path inside the package: no root, drive or `..`.
fn is_enclosed(name: &str) -> bool {
    if name.is_empty() || name.starts_with('/') || name.starts_with('\\') || name.contains(':') {
        return false;
    }
    Path::new(name)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        && !name.split(['/', '\\']).any(|part| part == "..")
}

/// Unpacks the zip at `zip_path` into the existing empty folder `into`, keeping unix modes.
/// An entry with an absolute path, `..` or a link is an error, and nothing is written outside
/// `into`.
pub(crate) fn unpack(zip_path: &Path, into: &Path) -> Result<Vec<String>, CliError> {
    let shown = zip_path.display();
    let file = File::open(zip_path).map_err(|e| {
        CliError(format!(
            "cannot open the package {shown}: {e} (build one with `cargo azfn package`)"
        ))
    })?;
    let mut archive =
        ZipArchive::new(file).map_err(|e| CliError(format!("{shown} is not a zip file: {e}")))?;
    let mut names = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| CliError(format!("cannot read {shown}: {e}")))?;
        let name = entry
            .name()
            .map_err(|e| CliError(format!("cannot read {shown}: {e}")))?
            .into_owned();
        let Some(relative) = entry.enclosed_name().filter(|_| is_enclosed(&name)) else {
            return Err(CliError(format!(
                "the package {shown} has the entry {name:?}, which points outside the package; refusing to unpack it"
            )));
        };
        if entry.is_symlink() {
            return Err(CliError(format!(
                "the package {shown} has the link {name:?}; a Functions package holds plain files only"
            )));
        }
        let target = into.join(&relative);
        if entry.is_dir() {
            std::fs::create_dir_all(&target)
                .map_err(|e| CliError(format!("cannot create {}: {e}", target.display())))?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CliError(format!("cannot create {}: {e}", parent.display())))?;
        }
        let mut output = File::create(&target)
            .map_err(|e| CliError(format!("cannot write {}: {e}", target.display())))?;
        std::io::copy(&mut entry, &mut output)
            .map_err(|e| CliError(format!("cannot unpack {name} from {shown}: {e}")))?;
        #[cfg(unix)]
        if let Some(mode) = entry.unix_mode() {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(mode & 0o777))
                .map_err(|e| {
                    CliError(format!("cannot set the mode of {}: {e}", target.display()))
                })?;
        }
        names.push(name);
    }
    Ok(names)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "azfn-archive-{}-{name}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entry(name: &str, bytes: &[u8], mode: u32) -> Entry {
        Entry {
            name: name.to_owned(),
            source: Source::Bytes(bytes.to_vec()),
            mode,
        }
    }

    #[test]
    fn writes_sorted_entries_with_modes_and_unpacks_them() {
        let dir = temp("roundtrip");
        let zip_path = dir.join("out/app.zip");
        let entries = vec![
            entry("handler", b"\x7fELF...", 0o755),
            entry("hello/function.json", b"{}", 0o644),
            entry("host.json", b"{\"version\":\"2.0\"}", 0o644),
        ];
        write(&zip_path, entries.clone()).unwrap();
        assert!(!dir.join("out/app.zip.partial").exists());

        let mut archive = ZipArchive::new(File::open(&zip_path).unwrap()).unwrap();
        let listed: Vec<(String, Option<u32>)> = (0..archive.len())
            .map(|i| {
                let f = archive.by_index(i).unwrap();
                (
                    f.name().unwrap().into_owned(),
                    f.unix_mode().map(|m| m & 0o777),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                ("handler".to_owned(), Some(0o755)),
                ("hello/function.json".to_owned(), Some(0o644)),
                ("host.json".to_owned(), Some(0o644)),
            ]
        );

        // Deterministic: the same entries in another order give the same bytes.
        let again = dir.join("again.zip");
        write(&again, entries.into_iter().rev().collect()).unwrap();
        assert_eq!(
            std::fs::read(&zip_path).unwrap(),
            std::fs::read(&again).unwrap()
        );

        let into = temp("unpacked");
        let names = unpack(&zip_path, &into).unwrap();
        assert_eq!(names, ["handler", "hello/function.json", "host.json"]);
        assert_eq!(
            std::fs::read(into.join("hello/function.json")).unwrap(),
            b"{}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &str| {
                std::fs::metadata(into.join(p))
                    .unwrap()
                    .permissions()
                    .mode()
                    & 0o777
            };
            assert_eq!(mode("handler"), 0o755);
            assert_eq!(mode("host.json"), 0o644);
        }
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&into);
    }

    #[test]
    fn entries_leaving_the_folder_are_refused() {
        for evil in [
            "../evil",
            "a/../../evil",
            "/etc/evil",
            "C:/evil",
            "a/..\\..\\evil",
        ] {
            let dir = temp("slip");
            let zip_path = dir.join("slip.zip");
            write(
                &zip_path,
                vec![entry("host.json", b"{}", 0o644), entry(evil, b"x", 0o644)],
            )
            .unwrap();
            let into = dir.join("into");
            std::fs::create_dir_all(&into).unwrap();
            let e = unpack(&zip_path, &into).unwrap_err().0;
            assert!(e.contains("points outside the package"), "{evil}: {e}");
            assert!(!dir.join("evil").exists(), "{evil}");
            let _ = std::fs::remove_dir_all(&dir);
        }
        assert!(is_enclosed("hello/function.json"));
        assert!(is_enclosed("./host.json"));
        assert!(!is_enclosed(""));
    }

    #[test]
    fn a_missing_or_broken_zip_is_an_error() {
        let dir = temp("broken");
        let e = unpack(&dir.join("nope.zip"), &dir).unwrap_err().0;
        assert!(e.contains("cannot open the package"), "{e}");
        assert!(e.contains("cargo azfn package"), "{e}");
        std::fs::write(dir.join("bad.zip"), b"not a zip").unwrap();
        let e = unpack(&dir.join("bad.zip"), &dir).unwrap_err().0;
        assert!(e.contains("is not a zip file"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
