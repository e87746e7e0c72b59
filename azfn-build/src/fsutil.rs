//! File writes that are safe to repeat: only when the bytes change, atomically.
//!
//! Every change to the file system goes through [`fault`] first, the seam through which tests
//! inject I/O errors ([`with_io_faults`]): a full disk, an unwritable folder.

use std::cell::RefCell;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::time::SystemTime;

use crate::error::Error;

/// A change to the file system, as seen by [`with_io_faults`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IoOp {
    /// Creating a folder (and its parents).
    CreateDir,
    /// Writing a file's temporary copy.
    Write,
    /// Renaming the temporary copy over the file.
    Rename,
    /// Removing a file or folder.
    Remove,
}

type FaultHook = Box<dyn Fn(&Path, IoOp) -> Option<io::Error>>;

thread_local! {
    static FAULTS: RefCell<Option<FaultHook>> = const { RefCell::new(None) };
}

/// Runs `f` with `fault` deciding, before each change azfn-build makes to the file system on
/// this thread, whether that change fails instead (and with which error). For tests of what a
/// full disk or an unwritable app folder does to a build.
#[doc(hidden)]
pub fn with_io_faults<R>(
    fault: impl Fn(&Path, IoOp) -> Option<io::Error> + 'static,
    f: impl FnOnce() -> R,
) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            FAULTS.with(|hook| hook.borrow_mut().take());
        }
    }
    FAULTS.with(|hook| *hook.borrow_mut() = Some(Box::new(fault)));
    let _reset = Reset;
    f()
}

/// The injected error for `op` on `path`, if any.
fn fault(path: &Path, op: IoOp) -> io::Result<()> {
    FAULTS.with(
        |hook| match hook.borrow().as_ref().and_then(|f| f(path, op)) {
            Some(e) => Err(e),
            None => Ok(()),
        },
    )
}

fn create_dir_all(dir: &Path) -> io::Result<()> {
    fault(dir, IoOp::CreateDir)?;
    fs::create_dir_all(dir)
}

/// The file's bytes, or `None` if it does not exist.
pub(crate) fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, "read", e)),
    }
}

/// Writes `bytes` unless the file already holds exactly them; returns whether it wrote.
pub(crate) fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, Error> {
    if read_if_exists(path)?.as_deref() == Some(bytes) {
        return Ok(false);
    }
    write_atomic(path, bytes)?;
    Ok(true)
}

/// Writes `bytes` only if the file does not exist; returns whether it wrote.
pub(crate) fn write_if_missing(path: &Path, bytes: &[u8]) -> Result<bool, Error> {
    if path.exists() {
        return Ok(false);
    }
    write_atomic(path, bytes)?;
    Ok(true)
}

/// Writes a temporary file beside `path`, then renames it over `path`, so that readers (the
/// Functions host watching the folder, an editor) never see a half-written file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_dir_all(dir).map_err(|e| Error::io(dir, "create the folder", e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.azfn-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        // A full disk fails part-way: some bytes are in the temporary copy, never in `path`.
        let (head, _) = bytes.split_at(bytes.len() / 2);
        if let Err(e) = fault(path, IoOp::Write) {
            file.write_all(head)?;
            return Err(e);
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fault(path, IoOp::Rename)?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io(path, "write", e)
    })
}

/// Points the symbolic link `link` at `target` (relative to the link's folder) unless it already
/// does, replacing it atomically; returns whether it changed. Unix only: elsewhere an
/// `Unsupported` error, and the caller names the binary directly.
pub(crate) fn point_link(link: &Path, target: &Path) -> io::Result<bool> {
    if fs::read_link(link).is_ok_and(|current| current == target) {
        return Ok(false);
    }
    let dir = link.parent().unwrap_or(Path::new("."));
    create_dir_all(dir)?;
    let name = link
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.azfn-{}.tmp", std::process::id()));
    let _ = fs::remove_file(&tmp);
    symlink(target, &tmp)?;
    fs::rename(&tmp, link).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })?;
    Ok(true)
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "symbolic links need Unix",
    ))
}

/// Sets a file's modification time (best effort: a file system that refuses only costs one
/// more build-script run).
pub(crate) fn set_modified(path: &Path, time: SystemTime) {
    if let Ok(file) = fs::File::options().write(true).open(path) {
        let _ = file.set_modified(time);
    }
}

/// Removes a file if it exists; returns whether it removed one.
pub(crate) fn remove_file_if_exists(path: &Path) -> Result<bool, Error> {
    fault(path, IoOp::Remove).map_err(|e| Error::io(path, "remove", e))?;
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(path, "remove", e)),
    }
}

/// Removes a folder if it exists and is empty; returns whether it removed it.
pub(crate) fn remove_dir_if_empty(path: &Path) -> Result<bool, Error> {
    match fs::read_dir(path) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Ok(false);
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io(path, "read the folder", e)),
    }
    fault(path, IoOp::Remove)
        .and_then(|()| fs::remove_dir(path))
        .map_err(|e| Error::io(path, "remove the folder", e))?;
    Ok(true)
}
