//! Starting Azurite for `--storage azurite` when it is installed but not running: the
//! `azurite` command on PATH, on loopback and Azurite's default ports, its data in the app's
//! `.azfn/azurite` folder; stopped with `cargo azfn start`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::console::Console;
use crate::error::CliError;

/// How long a started Azurite gets to answer.
const STARTUP: Duration = Duration::from_secs(30);

/// Whether something accepts connections on 127.0.0.1:`port`.
pub(crate) fn answers(port: u16) -> bool {
    std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(500),
    )
    .is_ok()
}

/// The `azurite` command on `path` (a PATH value), if any.
pub(crate) fn find(path: &std::ffi::OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join("azurite"))
        .find(|exe| exe.is_file())
}

/// An Azurite this process started; killed on drop.
#[derive(Debug)]
pub(crate) struct AzuriteProcess(Child);

impl Drop for AzuriteProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `exe` with its data in `data` and waits until the blob and queue ports answer.
pub(crate) fn start(
    exe: &Path,
    data: &Path,
    blob_port: u16,
    queue_port: u16,
    console: Console,
) -> Result<AzuriteProcess, CliError> {
    std::fs::create_dir_all(data)
        .map_err(|e| CliError(format!("cannot create {}: {e}", data.display())))?;
    console.info(&format!(
        "Starting Azurite ({}) with its data in {}",
        exe.display(),
        data.display()
    ));
    let child = Command::new(exe)
        .arg("--silent")
        .arg("--skipApiVersionCheck")
        .arg("--location")
        .arg(data)
        .args(["--blobHost", "127.0.0.1", "--blobPort"])
        .arg(blob_port.to_string())
        .args(["--queueHost", "127.0.0.1", "--queuePort"])
        .arg(queue_port.to_string())
        .args(["--tableHost", "127.0.0.1", "--tablePort", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| CliError(format!("cannot start Azurite ({}): {e}", exe.display())))?;
    let mut process = AzuriteProcess(child);
    let deadline = Instant::now() + STARTUP;
    while !(answers(blob_port) && answers(queue_port)) {
        if let Ok(Some(status)) = process.0.try_wait() {
            return Err(CliError(format!(
                "Azurite ({}) exited before answering ({status}); is another program using ports {blob_port} and {queue_port}?",
                exe.display()
            )));
        }
        if Instant::now() > deadline {
            return Err(CliError(format!(
                "Azurite ({}) did not answer on ports {blob_port} and {queue_port} within {}s",
                exe.display(),
                STARTUP.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(process)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn azurite_is_looked_up_on_the_path() {
        let dir = std::env::temp_dir().join(format!("azfn-azurite-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = std::env::join_paths([Path::new("/nonexistent"), &dir]).unwrap();
        assert_eq!(find(&path), None);
        std::fs::write(dir.join("azurite"), "").unwrap();
        assert_eq!(find(&path), Some(dir.join("azurite")));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_missing_executable_is_a_clear_error() {
        let data = std::env::temp_dir().join(format!("azfn-azurite-{}", uuid::Uuid::new_v4()));
        let e = start(
            Path::new("/nonexistent/azurite"),
            &data,
            1,
            2,
            Console::new(),
        )
        .unwrap_err();
        assert!(
            e.0.starts_with("cannot start Azurite (/nonexistent/azurite)"),
            "{}",
            e.0
        );
        let _ = std::fs::remove_dir_all(&data);
    }
}
