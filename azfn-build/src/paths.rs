//! Path arithmetic: where cargo puts the binary, and paths relative to the app folder.

use std::path::{Component, Path, PathBuf};

use crate::error::Error;

/// The binary this build produces, from the build script's `OUT_DIR`.
///
/// Cargo runs build scripts with `OUT_DIR` = `<target>/[<triple>/]<profile>/build/<package>-<hash>/out`
/// and puts the package's binaries in `<target>/[<triple>/]<profile>/`. The file name gets
/// `.exe` when `target_os` is `windows`.
///
/// ```
/// use std::path::Path;
/// let exe = azfn_build::executable_in(
///     Path::new("/work/app/target/x86_64-pc-windows-gnu/release/build/app-0123abcd/out"),
///     "app",
///     "windows",
/// )
/// .unwrap();
/// assert_eq!(exe, Path::new("/work/app/target/x86_64-pc-windows-gnu/release/app.exe"));
/// ```
pub fn executable_in(out_dir: &Path, name: &str, target_os: &str) -> Result<PathBuf, Error> {
    let out_dir = normalize(out_dir);
    let layout_ok = out_dir.file_name().is_some_and(|n| n == "out")
        && out_dir
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .is_some_and(|n| n == "build");
    let profile_dir = out_dir.ancestors().nth(3);
    match profile_dir {
        Some(dir) if layout_ok && dir.file_name().is_some() => {
            let file = if target_os == "windows" {
                format!("{name}.exe")
            } else {
                name.to_owned()
            };
            Ok(dir.join(file))
        }
        _ => Err(Error::out_dir(&out_dir)),
    }
}

/// Where `host.json` points for the binary `exe` (`<target>/[<triple>/]<profile>/<name>`): the
/// symbolic link `<target>/[<triple>/]azfn/<name>`, whose target is `../<profile>/<name>`. The
/// build script of each profile points the link at its own binary, so `host.json` names the same
/// path after debug and release builds, and a profile switch changes no file the build watches.
/// `None` when `exe` has no profile folder above it.
pub(crate) fn current_link(exe: &Path) -> Option<(PathBuf, PathBuf)> {
    let file = exe.file_name()?;
    let profile_dir = exe.parent()?;
    let profile = profile_dir.file_name()?;
    let base = profile_dir.parent()?;
    let link = base.join("azfn").join(file);
    let target = Path::new("..").join(profile).join(file);
    Some((link, target))
}

/// `path` relative to `base`, with `/` separators (`..` where needed); both must be absolute
/// for a relative result. Falls back to `path` itself (with `/`) when they share no root, e.g.
/// on two Windows drives.
pub(crate) fn relative_slash_path(path: &Path, base: &Path) -> String {
    let path = normalize(path);
    let base = normalize(base);
    let p: Vec<Component<'_>> = path.components().collect();
    let b: Vec<Component<'_>> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let shares_root = common > 0 && p.first() == b.first();
    if !shares_root {
        return slash(&path);
    }
    let mut parts: Vec<String> = Vec::new();
    parts.extend(b[common..].iter().map(|_| "..".to_owned()));
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// Removes `.` and resolves `..` lexically (no file-system access, symlinks kept).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to `base` when it is relative, normalized either way.
pub(crate) fn absolutize(path: &Path, base: &Path) -> PathBuf {
    if path.is_absolute() {
        normalize(path)
    } else {
        normalize(&base.join(path))
    }
}

fn slash(path: &Path) -> String {
    crate::scan::display_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_link_sits_beside_the_profile_folders() {
        let (link, target) = current_link(Path::new("/w/target/release/app")).unwrap();
        assert_eq!(link, Path::new("/w/target/azfn/app"));
        assert_eq!(target, Path::new("../release/app"));
        let (link, target) =
            current_link(Path::new("/w/target/x86_64-unknown-linux-musl/debug/app")).unwrap();
        assert_eq!(
            link,
            Path::new("/w/target/x86_64-unknown-linux-musl/azfn/app")
        );
        assert_eq!(target, Path::new("../debug/app"));
        assert!(current_link(Path::new("app")).is_none());
    }

    #[test]
    fn relative_paths() {
        let r = |p: &str, b: &str| relative_slash_path(Path::new(p), Path::new(b));
        assert_eq!(r("/w/app/target/debug/app", "/w/app"), "target/debug/app");
        assert_eq!(r("/w/target/debug/app", "/w/app"), "../target/debug/app");
        assert_eq!(r("/w/app", "/w/app"), ".");
        assert_eq!(r("/w/./app/x", "/w/b/../app"), "x");
        assert_eq!(r("/x/y", "/a/b/c"), "../../../x/y");
    }
}
