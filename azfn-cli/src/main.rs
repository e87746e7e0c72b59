//! `cargo azfn`: run an Azure Functions custom-handler app locally, like `func start`, with the
//! host's wire behaviour taken from `azfn-host`; create new azfn apps (`cargo azfn new`), import
//! existing function.json apps (`cargo azfn import`) and package them into the zip Azure runs
//! (`cargo azfn package`).

mod archive;
mod artifacts;
mod cargo_build;
mod client;
mod console;
mod dispatch;
mod echo;
mod error;
mod front;
mod functions;
mod import;
mod invoke;
mod linux_check;
mod new;
mod package;
mod server;
mod start;
mod supervisor;
mod triggers;
mod watch;

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
    ///
    /// With --package, serve a zip made by `cargo azfn package` instead: it is unpacked into a
    /// fresh temporary folder and run as is (no build; the executable named by the package's
    /// host.json). A package holds no local.settings.json: the settings come from the
    /// environment, plus the local.settings.json of the folder given with --app, if any.
    Start {
        /// The app folder (the one holding host.json; default: the current folder); `cargo build`
        /// runs there too. With --package: the development folder whose local.settings.json
        /// supplies the settings (default: none).
        #[arg(long)]
        app: Option<PathBuf>,
        /// The local HTTP port (default: local.settings.json Host.LocalHttpPort, else 7071);
        /// 0 picks a free port.
        #[arg(long)]
        port: Option<u16>,
        /// Skip `cargo build` (a folder without Cargo.toml is never built).
        #[arg(long)]
        no_build: bool,
        /// How long an HTTP client has to send a whole request head, in seconds: a client still
        /// sending its request line and headers after this long is disconnected (and so is a
        /// keep-alive connection idle for this long).
        #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = seconds)]
        head_timeout: std::time::Duration,
        /// Allowed cross-origin callers, comma-separated (`*` for any); default:
        /// local.settings.json Host.CORS.
        #[arg(long, value_name = "ORIGINS")]
        cors: Option<String>,
        /// Allow credentialed cross-origin requests (default: local.settings.json
        /// Host.CORSCredentials).
        #[arg(long)]
        cors_credentials: bool,
        /// Serve only these functions (names as listed at start).
        #[arg(long, value_name = "NAME", num_args = 1..)]
        functions: Vec<String>,
        /// Print the host's debug lines: the handler's launch command, each request.
        #[arg(long)]
        verbose: bool,
        /// Check function keys as Azure does (authLevel function/admin need ?code=KEY or the
        /// x-functions-key header); the keys are printed at start. Off by default, as in
        /// `func start`.
        #[arg(long)]
        enforce_keys: bool,
        /// Serve this deployment zip (from `cargo azfn package`) instead of an app folder.
        #[arg(long, value_name = "FILE.zip", conflicts_with = "no_build")]
        package: Option<PathBuf>,
        /// Where queues and blobs live: in memory (kept in the app folder's .azfn/state between runs),
        /// Azurite on its default ports, or the account of the AzureWebJobsStorage connection
        /// string.
        #[arg(long, value_enum, default_value = "memory")]
        storage: dispatch::backend::StorageKind,
        /// Rebuild and restart the handler when the app's sources change (src/, Cargo.toml,
        /// build.rs): a failed build keeps the running handler; a good one drains it (in-flight
        /// invocations finish), reloads the app folder and starts the new handler, keeping the
        /// queued messages. HTTP requests arriving meanwhile wait. Not with --no-build or
        /// --package.
        #[arg(long)]
        watch: bool,
    },
    /// Build the app and write the zip that Azure Functions runs as is, for zip deploy.
    ///
    /// The zip holds host.json (naming the executable at the zip root), the function folders
    /// and the executable (mode 0755), built with `cargo build --profile release`.
    ///
    /// Warns when the executable will not start on the Functions Linux workers (not an x86-64
    /// Linux ELF, or a glibc newer than the Functions images have); --strict makes that an error.
    Package {
        /// The app's crate folder; `cargo build` runs there.
        #[arg(long, default_value = ".")]
        app: PathBuf,
        /// Build for this target triple (e.g. x86_64-unknown-linux-musl for a static binary).
        #[arg(long, value_name = "TRIPLE")]
        target: Option<String>,
        /// The cargo profile to build.
        #[arg(long, value_name = "NAME", default_value = "release")]
        profile: String,
        /// The binary to package, when the crate has several.
        #[arg(long, value_name = "NAME")]
        bin: Option<String>,
        /// Where to write the zip (default: TARGET_DIR/azfn/CRATE_NAME.zip, in cargo's target
        /// directory).
        #[arg(long, value_name = "FILE.zip")]
        output: Option<PathBuf>,
        /// Fail, instead of warning, when the executable will not start on the Functions Linux
        /// workers.
        #[arg(long)]
        strict: bool,
    },
    /// Invoke a function of a running `cargo azfn start` and print the result.
    Invoke {
        /// The function name.
        name: String,
        /// The input: the request body of an HTTP function, or the trigger input of others.
        #[arg(long)]
        data: Option<String>,
        /// The port of the running `cargo azfn start` (default: Host.LocalHttpPort of the app's
        /// local.settings.json, else 7071).
        #[arg(long)]
        port: Option<u16>,
        /// The app folder whose local.settings.json gives the port (default: the current folder).
        #[arg(long)]
        app: Option<PathBuf>,
        /// The HTTP method for an HTTP function (default: POST when allowed).
        #[arg(long)]
        method: Option<String>,
        /// The request path for an HTTP function whose route has parameters (e.g. /api/items/42).
        #[arg(long)]
        path: Option<String>,
        /// A function key printed by `start --enforce-keys`, sent as the x-functions-key header.
        #[arg(long)]
        key: Option<String>,
    },
    /// Create a new app crate in a new folder, ready to build, test and run.
    New {
        /// The folder to create (it may exist if empty); its last component is the crate name.
        path: PathBuf,
        /// The crate name (default: the folder name).
        #[arg(long)]
        name: Option<String>,
        /// The app's function: http (GET/POST hello), queue, timer or blob.
        #[arg(long, default_value = "http")]
        template: String,
        /// Depend on the azfn crates of this local checkout of the azfn repository (default: the
        /// checkout this cargo-azfn was built from, else the crates.io version of cargo-azfn).
        #[arg(long, value_name = "DIR")]
        azfn_path: Option<PathBuf>,
        /// Depend on the azfn crates of this git repository.
        #[arg(long, value_name = "URL")]
        azfn_git: Option<String>,
    },
    /// Create an app crate from existing function.json files (a custom-handler or script app).
    ///
    /// Each function becomes an `async fn` with the attributes that make `cargo build` write an
    /// equivalent function.json, and a stub body that fails until written. The app's host.json
    /// and local.settings.json are carried over. What cannot be expressed is reported per file;
    /// the rest is imported (the exit code is non-zero only when nothing could be).
    Import {
        /// A function.json, a function folder, or an app folder (every subfolder holding a
        /// function.json, and its host.json).
        path: PathBuf,
        /// The folder to create (it may exist if empty); its last component is the crate name.
        /// Required unless --print is given.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The crate name (default: the name of the --out folder).
        #[arg(long)]
        name: Option<String>,
        /// Depend on the azfn crates of this local checkout of the azfn repository (default: the
        /// checkout this cargo-azfn was built from, else the crates.io version of cargo-azfn).
        #[arg(long, value_name = "DIR")]
        azfn_path: Option<PathBuf>,
        /// Depend on the azfn crates of this git repository.
        #[arg(long, value_name = "URL")]
        azfn_git: Option<String>,
        /// Print the Rust declarations (src/main.rs) instead of writing a crate.
        #[arg(long)]
        print: bool,
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
    if let Command::New {
        path,
        name,
        template,
        azfn_path,
        azfn_git,
    } = cli.command
    {
        let options = new::NewOptions {
            path,
            name,
            template,
            azfn_path,
            azfn_git,
        };
        return finish(new::run(&options));
    }
    if let Command::Import {
        path,
        out,
        name,
        azfn_path,
        azfn_git,
        print,
    } = cli.command
    {
        let options = import::ImportOptions {
            path,
            out,
            name,
            azfn_path,
            azfn_git,
            print,
        };
        return finish(import::run(&options));
    }
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
                package,
                head_timeout,
                storage,
                cors,
                cors_credentials,
                functions,
                verbose,
                enforce_keys,
                watch,
            } => {
                start::run(start::StartOptions {
                    app,
                    port,
                    no_build,
                    package,
                    head_timeout,
                    storage,
                    cors,
                    cors_credentials,
                    functions,
                    verbose,
                    enforce_keys,
                    watch,
                })
                .await
            }
            Command::Package {
                app,
                target,
                profile,
                bin,
                output,
                strict,
            } => package::run(package::PackageOptions {
                app,
                target,
                profile,
                bin,
                output,
                strict,
            }),
            Command::Invoke {
                name,
                data,
                port,
                app,
                method,
                path,
                key,
            } => {
                invoke::run(invoke::InvokeOptions {
                    name,
                    data,
                    port,
                    app,
                    method,
                    path,
                    key,
                })
                .await
            }
            // Handled above, without a runtime.
            Command::New { .. } | Command::Import { .. } => Ok(()),
        }
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    finish(result)
}

/// The exit code of a command, printing its error.
fn finish(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
