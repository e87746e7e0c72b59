//! `cargo azfn`: run an Azure Functions custom-handler app locally, like `func start`, with the
//! host's wire behaviour taken from `azfn-host`.

mod client;
mod console;
mod dispatch;
mod error;
mod invoke;
mod server;
mod start;
mod supervisor;
mod triggers;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;

/// Run Azure Functions custom-handler apps locally.
#[derive(Debug, Parser)]
#[command(name = "cargo azfn", bin_name = "cargo azfn", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the app, start its handler like the Functions host and serve its functions.
    Start {
        /// The app folder (the one holding host.json); `cargo build` runs there too.
        #[arg(long, default_value = ".")]
        app: PathBuf,
        /// The local HTTP port (default: local.settings.json Host.LocalHttpPort, else 7071);
        /// 0 picks a free port.
        #[arg(long)]
        port: Option<u16>,
        /// Skip `cargo build`.
        #[arg(long)]
        no_build: bool,
        /// How long an HTTP client has to send a whole request head, in seconds: a client still
        /// sending its request line and headers after this long is disconnected (and so is a
        /// keep-alive connection idle for this long).
        #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = seconds)]
        head_timeout: std::time::Duration,
    },
    /// Invoke a function of a running `cargo azfn start` and print the result.
    Invoke {
        /// The function name.
        name: String,
        /// The input: the request body of an HTTP function, or the trigger input of others.
        #[arg(long)]
        data: Option<String>,
        /// The port of the running `cargo azfn start`.
        #[arg(long, default_value_t = 7071)]
        port: u16,
        /// The HTTP method for an HTTP function (default: POST when allowed).
        #[arg(long)]
        method: Option<String>,
        /// The request path for an HTTP function whose route has parameters (e.g. /api/items/42).
        #[arg(long)]
        path: Option<String>,
    },
}

/// A positive number of seconds (`30`, `0.5`).
fn seconds(text: &str) -> Result<std::time::Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0)
        .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("`{text}` is not a positive number of seconds (e.g. 30 or 0.5)"))
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        eprintln!("error: internal error in cargo-azfn: {message}");
    }));
    // `cargo azfn start` runs `cargo-azfn azfn start`.
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "azfn") {
        args.remove(1);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("error: invalid arguments");
            eprintln!("{first} (see `cargo azfn --help`)");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result: Result<(), CliError> = runtime.block_on(async move {
        match cli.command {
            Command::Start {
                app,
                port,
                no_build,
                head_timeout,
            } => {
                start::run(start::StartOptions {
                    app,
                    port,
                    no_build,
                    head_timeout,
                })
                .await
            }
            Command::Invoke {
                name,
                data,
                port,
                method,
                path,
            } => {
                invoke::run(invoke::InvokeOptions {
                    name,
                    data,
                    port,
                    method,
                    path,
                })
                .await
            }
        }
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
