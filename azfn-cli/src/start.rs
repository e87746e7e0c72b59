//! `cargo azfn start`: build, read the app, start the handler, serve, run triggers, stop on
//! Ctrl-C.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use azfn_host::Router;
use azfn_host::config::LocalSettings;
use azfn_host::{FunctionApp, InvocationMode, LaunchSpec, invocation_mode};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::client::HttpClient;
use crate::console::Console;
use crate::dispatch::backend::{self, Backend, StorageKind};
use crate::dispatch::{Host, drain};
use crate::error::CliError;
use crate::front::{Cors, Front, Keys};
use crate::supervisor::Supervisor;
use crate::triggers;

/// The options of `cargo azfn start`.
#[derive(Debug)]
pub(crate) struct StartOptions {
    /// The app folder (default: the current folder); with `package`, the folder whose
    /// local.settings.json supplies the settings (default: none, the environment only).
    pub(crate) app: Option<PathBuf>,
    pub(crate) port: Option<u16>,
    pub(crate) no_build: bool,
    /// The total time a client has to send a request head.
    pub(crate) head_timeout: std::time::Duration,
    /// A zip from `cargo azfn package` to serve instead of an app folder.
    pub(crate) package: Option<PathBuf>,
    /// Where queues and blobs live.
    pub(crate) storage: StorageKind,
    /// `--cors`: allowed origins, comma-separated.
    pub(crate) cors: Option<String>,
    pub(crate) cors_credentials: bool,
    /// `--functions`: serve only these.
    pub(crate) functions: Vec<String>,
    pub(crate) verbose: bool,
    pub(crate) enforce_keys: bool,
    /// `--watch`: rebuild and restart the handler when the sources change.
    pub(crate) watch: bool,
}

/// A fresh temporary folder, removed on drop.
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, CliError> {
        let path = std::env::temp_dir().join(format!("azfn-package-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&path).map_err(|e| {
            CliError(format!(
                "cannot create the temporary folder {}: {e}",
                path.display()
            ))
        })?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where `cargo azfn start` serves from: the app folder, or the unpacked package.
struct Source {
    root: PathBuf,
    /// The folder of local.settings.json, when it is not `root`.
    settings_dir: Option<PathBuf>,
    build: bool,
    /// Keeps the unpacked package until the end of `run`.
    _unpacked: Option<TempDir>,
}

fn source(options: &StartOptions, console: Console) -> Result<Source, CliError> {
    let Some(package) = &options.package else {
        let root = options.app.clone().unwrap_or_else(|| PathBuf::from("."));
        if !root.is_dir() {
            return Err(CliError(format!(
                "the app folder {} does not exist",
                root.display()
            )));
        }
        // Like `func start`, a folder that is no cargo project (a Go or Python handler) is served
        // as it is.
        let cargo = root.join("Cargo.toml").is_file();
        if !cargo && !options.no_build {
            console.info(&format!(
                "{} has no Cargo.toml: serving it as it is, without a build step",
                root.display()
            ));
        }
        return Ok(Source {
            root,
            settings_dir: None,
            build: cargo && !options.no_build,
            _unpacked: None,
        });
    };
    if let Some(dir) = &options.app
        && !dir.join("local.settings.json").is_file()
    {
        return Err(CliError(format!(
            "{} has no local.settings.json to take the settings from; drop --app to use the environment only",
            dir.display()
        )));
    }
    let unpacked = TempDir::new()?;
    let names = crate::archive::unpack(package, &unpacked.0)?;
    console.info(&format!(
        "Unpacked {} ({} files) into {}",
        package.display(),
        names.len(),
        unpacked.0.display()
    ));
    Ok(Source {
        root: unpacked.0.clone(),
        settings_dir: options.app.clone(),
        build: false,
        _unpacked: Some(unpacked),
    })
}

/// Picks a free TCP port the way the host does: bind 127.0.0.1:0, read it, close.
fn free_port() -> Result<u16, CliError> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| CliError(format!("cannot find a free port for the handler: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| CliError(format!("cannot find a free port for the handler: {e}")))
}

/// Ctrl-C, SIGTERM and SIGHUP, listened to from creation on: a signal that arrives while nothing
/// awaits [`Shutdown::recv`] (say between starting the handler and serving) is kept for the next
/// call. (A fresh `tokio::signal::ctrl_c()` misses it, and tokio's handler, once installed,
/// stays, so such a Ctrl-C would be swallowed.)
struct Shutdown {
    #[cfg(unix)]
    signals: Option<[(tokio::signal::unix::Signal, &'static str); 3]>,
}

impl Shutdown {
    fn listen() -> Shutdown {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let listen = |kind, name| signal(kind).ok().map(|s| (s, name));
            let signals = match (
                listen(SignalKind::interrupt(), "Ctrl-C"),
                listen(SignalKind::terminate(), "SIGTERM"),
                listen(SignalKind::hangup(), "SIGHUP"),
            ) {
                (Some(int), Some(term), Some(hup)) => Some([int, term, hup]),
                _ => None,
            };
            Shutdown { signals }
        }
        #[cfg(not(unix))]
        {
            Shutdown {}
        }
    }

    /// Waits for the next shutdown signal; returns its name.
    async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        if let Some([(int, a), (term, b), (hup, c)]) = &mut self.signals {
            return tokio::select! {
                _ = int.recv() => *a,
                _ = term.recv() => *b,
                _ = hup.recv() => *c,
            };
        }
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

/// The part of `start` that a `--watch` reload redoes: the app folder read, its functions set
/// up and routed, their triggers checked.
struct Loaded {
    app: Arc<FunctionApp>,
    router: Router,
    listeners: Vec<triggers::Listener>,
    /// App settings: the environment, plus local.settings.json Values it lacks.
    settings: BTreeMap<String, String>,
}

fn load(
    source: &Source,
    options: &StartOptions,
    host_env: &BTreeMap<String, String>,
    console: Console,
) -> Result<Loaded, CliError> {
    let mut app = FunctionApp::load(&source.root)?;
    if let Some(dir) = &source.settings_dir {
        app.settings = LocalSettings::load(&dir.join("local.settings.json"))?;
    }
    crate::functions::select(&mut app, &options.functions)?;
    let mut settings = host_env.clone();
    for (k, v) in &app.settings.values {
        settings.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let lookup = |k: &str| settings.get(k).cloned();
    crate::functions::set_up(&mut app, &lookup, console);
    let router = crate::functions::router(&mut app);
    crate::echo::set_logs_come_back(
        app.functions
            .iter()
            .filter(|f| matches!(invocation_mode(&app.host, f), InvocationMode::Payload))
            .map(|f| f.name.clone())
            .collect(),
    );
    let listeners = triggers::listeners(&lookup, &app.functions)?;
    Ok(Loaded {
        app: Arc::new(app),
        router,
        listeners,
        settings,
    })
}

/// A host being served: the handler, and the trigger listeners feeding it.
struct Serving {
    host: Arc<Host>,
    triggers: Vec<tokio::task::JoinHandle<()>>,
}

impl Serving {
    /// Starts the trigger listeners of `loaded` for `host`.
    fn new(host: Arc<Host>, listeners: Vec<triggers::Listener>) -> Serving {
        let triggers = listeners
            .into_iter()
            .map(|listener| tokio::spawn(triggers::run(host.clone(), listener)))
            .collect();
        Serving { host, triggers }
    }
}

/// Starts the handler of `app` on a free port.
async fn start_handler(
    app: &Arc<FunctionApp>,
    host_env: &BTreeMap<String, String>,
    console: Console,
    client: &HttpClient,
) -> Result<Supervisor, CliError> {
    let handler_port = free_port()?;
    console.info(&format!(
        "Starting the handler '{}' for {} function(s) in {}",
        app.host.handler.description.default_executable_path,
        app.functions.len(),
        app.root.display()
    ));
    let spec = LaunchSpec::new(app, host_env, handler_port, "");
    console.debug(&format!(
        "Handler launch: {} {} (working directory {}, FUNCTIONS_CUSTOMHANDLER_PORT={handler_port})",
        spec.program.display(),
        spec.args.join(" "),
        spec.working_dir.display()
    ));
    Supervisor::start(
        app.clone(),
        handler_port,
        host_env.clone(),
        console,
        client.clone(),
    )
    .await
}

/// Refuses `--watch` where there is nothing to rebuild.
fn check_watch(options: &StartOptions) -> Result<(), CliError> {
    if !options.watch {
        return Ok(());
    }
    if options.package.is_some() {
        return Err(CliError::new(
            "--watch rebuilds the app from its sources, and a --package zip has none: drop --watch or --package",
        ));
    }
    if options.no_build {
        return Err(CliError::new(
            "--watch rebuilds the app on changes, so it cannot be combined with --no-build: drop one of them",
        ));
    }
    let root = options.app.clone().unwrap_or_else(|| PathBuf::from("."));
    if root.is_dir() && !root.join("Cargo.toml").is_file() {
        return Err(CliError(format!(
            "--watch rebuilds the app with cargo, but {} has no Cargo.toml: drop --watch and restart `cargo azfn start` after a change",
            root.display()
        )));
    }
    Ok(())
}

/// Runs `cargo azfn start` until Ctrl-C (Ok) or a fatal handler failure (Err).
pub(crate) async fn run(options: StartOptions) -> Result<(), CliError> {
    let console = Console::new().with_verbose(options.verbose);
    check_watch(&options)?;
    let source = source(&options, console)?;
    if source.build {
        console.info(&format!(
            "Running `cargo build` in {}",
            source.root.display()
        ));
        crate::cargo_build::cargo_build(&source.root, console.color()).await?;
    }
    // Watching starts from the sources the first build saw.
    let mut watcher = options
        .watch
        .then(|| crate::watch::Watcher::new(&source.root));
    let host_env: BTreeMap<String, String> = std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect();
    let loaded = load(&source, &options, &host_env, console)?;
    let app = loaded.app.clone();
    let front = Arc::new(Front {
        cors: Cors::new(
            options.cors.as_deref(),
            options.cors_credentials,
            &app.settings,
        )?,
        keys: options.enforce_keys.then(Keys::random),
    });

    let port = options
        .port
        .or(app.settings.local_http_port)
        .unwrap_or(7071);
    let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
        CliError(format!(
            "cannot listen on 127.0.0.1:{port}: {e} (use --port to pick another port)"
        ))
    })?;
    let address: SocketAddr = listener
        .local_addr()
        .map_err(|e| CliError(format!("cannot read the listening address: {e}")))?;

    // Local storage is kept in the app folder (for a package: the --app folder, if any).
    let state_root = source
        .settings_dir
        .clone()
        .or_else(|| options.package.is_none().then(|| source.root.clone()));
    let azurite_data = state_root
        .as_deref()
        .unwrap_or(&source.root)
        .join(".azfn/azurite");
    let lookup = |k: &str| loaded.settings.get(k).cloned();
    let backend = backend::choose(
        options.storage,
        &lookup,
        &azurite_data,
        console,
        HttpClient::new(),
    )?;
    let state = matches!(backend, Backend::Memory)
        .then(|| drain::state_dir(state_root.as_deref(), console))
        .flatten();
    let (queues, blobs) = drain::restore(state.as_ref(), app.host.queues, console)?;

    let client = HttpClient::unpooled();
    // From here on Ctrl-C stops cleanly (before, it ends the process, and `cargo build` with it).
    let mut shutdown = Shutdown::listen();
    let supervisor = tokio::select! {
        started = start_handler(&app, &host_env, console, &client) => started?,
        signal = shutdown.recv() => {
            console.info(&format!("{signal} received while starting the handler: stopped."));
            return Ok(());
        }
    };

    let host = Arc::new(Host::new(
        app.clone(),
        loaded.router,
        supervisor,
        client.clone(),
        console,
        loaded.settings,
        (queues, blobs, backend),
    ));

    let url = format!("http://localhost:{}", address.port());
    console.functions_table(&app, &url);
    if front.cors.enabled() {
        console.info(&front.cors.describe());
    }
    if let Some(keys) = &front.keys {
        console.plain(&format!("Function key (default): {}", keys.function));
        console.plain(&format!("Master key: {}", keys.master));
    }
    if watcher.is_some() {
        console.info(&format!(
            "Watching {} (src/, Cargo.toml, build.rs): a change rebuilds and restarts the handler",
            source.root.display()
        ));
    }
    console.plain(&format!("Listening on http://{address}"));
    console.plain("Press Ctrl-C to stop.");

    let mut serving = Serving::new(host.clone(), loaded.listeners);
    let (current, requests) = watch::channel(Some(host));
    let server = tokio::spawn(crate::server::accept(
        listener,
        requests,
        front,
        options.head_timeout,
        console,
    ));
    let result = loop {
        let rebuilt = async {
            match &mut watcher {
                Some(watcher) => {
                    let changed = watcher.changed().await;
                    console.info(&format!(
                        "Changed: {}; running `cargo build`",
                        crate::watch::describe(&changed)
                    ));
                    crate::cargo_build::cargo_build(&source.root, console.color()).await
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            signal = shutdown.recv() => {
                console.info(&format!("{signal} received: stopping."));
                break Ok(());
            }
            message = serving.host.supervisor.failed() => break Err(CliError(message)),
            built = rebuilt => match built {
                Err(e) => console.error(&format!(
                    "{e}; the running handler keeps serving until a change builds"
                )),
                Ok(()) => {
                    let reload = Reload { source: &source, options: &options, host_env: &host_env, console, client: &client, current: &current };
                    match reload.swap(&mut serving).await {
                        Ok(()) => console.functions_table(&serving.host.app, &url),
                        Err(e) => break Err(e),
                    }
                }
            },
        }
    };
    server.abort();
    drain::stop(&serving.host, state.as_ref()).await;
    if result.is_ok() {
        console.info("Stopped.");
    }
    result
}

/// What a `--watch` reload needs from `run`.
struct Reload<'a> {
    source: &'a Source,
    options: &'a StartOptions,
    host_env: &'a BTreeMap<String, String>,
    console: Console,
    client: &'a HttpClient,
    /// The host HTTP requests go to; `None` while the handler is swapped (requests wait).
    current: &'a watch::Sender<Option<Arc<Host>>>,
}

impl Reload<'_> {
    /// After a successful build: reads the app folder again, drains and stops the running
    /// handler, starts the new one and hands it the queues and blobs. An app folder that does
    /// not load keeps the running handler (Ok); a new handler that does not start is fatal, as
    /// at the first start (the stores stay with the stopped host, to be saved).
    async fn swap(self, serving: &mut Serving) -> Result<(), CliError> {
        let console = self.console;
        let loaded = match load(self.source, self.options, self.host_env, console) {
            Ok(loaded) => loaded,
            Err(e) => {
                console.error(&format!(
                    "{e}; the running handler keeps serving until a change loads"
                ));
                return Ok(());
            }
        };
        // Requests wait from now on; said only once true, so that a request sent after the line
        // is never answered by the old handler.
        self.current.send_replace(None);
        console.info("Build succeeded: restarting the handler (HTTP requests wait meanwhile)");
        drain::quiesce(&serving.host).await;
        for task in serving.triggers.drain(..) {
            task.abort();
        }
        let supervisor = match start_handler(&loaded.app, self.host_env, console, self.client).await
        {
            Ok(supervisor) => supervisor,
            Err(e) => {
                self.current.send_replace(Some(serving.host.clone()));
                return Err(CliError(format!("the rebuilt handler did not start: {e}")));
            }
        };
        let old = &serving.host;
        let queues = old
            .queues
            .lock()
            .map(|mut q| std::mem::take(&mut *q))
            .unwrap_or_default();
        let blobs = old
            .blobs
            .lock()
            .map(|mut b| std::mem::take(&mut *b))
            .unwrap_or_default();
        let host = Arc::new(Host::new(
            loaded.app,
            loaded.router,
            supervisor,
            self.client.clone(),
            console,
            loaded.settings,
            (queues, blobs, old.backend.clone()),
        ));
        *serving = Serving::new(host.clone(), loaded.listeners);
        self.current.send_replace(Some(host));
        Ok(())
    }
}
