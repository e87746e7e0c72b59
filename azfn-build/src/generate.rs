//! `Config::generate`: scan, check, then write the function-app folder and the build manifest.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use azfn_model::FunctionSpec;
use azfn_model::app::{self, HostSettings, ManifestApp};
use azfn_model::json::{function_json, to_pretty_string};
use serde_json::{Value as Json, json};

use crate::error::Error;
use crate::fsutil::{
    point_link, read_if_exists, remove_dir_if_empty, remove_file_if_exists, set_modified,
    write_if_changed, write_if_missing,
};
use crate::owned::{self, Owned};
use crate::scan::{Scan, ScannedFunction, display_path};
use crate::{ExtensionBundle, Report};

/// Everything `generate` needs, resolved from the `Config` and the environment.
pub(crate) struct Plan {
    pub(crate) app_dir: PathBuf,
    pub(crate) out_dir: PathBuf,
    /// `defaultExecutablePath`, relative to the app folder, with `/`.
    pub(crate) executable_path: String,
    /// The release binary, relative to the app folder: recognises the `.funcignore` that
    /// earlier versions wrote.
    pub(crate) release_executable_path: String,
    /// The link `host.json` names and its target (see `paths::current_link`), when it is one.
    pub(crate) current_link: Option<(PathBuf, PathBuf)>,
    /// When cargo started this build-script run (see `build_started`).
    pub(crate) build_started: std::time::SystemTime,
    pub(crate) forwarding: bool,
    pub(crate) extension_bundle: ExtensionBundle,
    /// Source paths in messages are shown relative to this folder.
    pub(crate) display_base: PathBuf,
}

pub(crate) const HOST_JSON: &str = "host.json";
pub(crate) const LOCAL_SETTINGS: &str = "local.settings.json";
pub(crate) const FUNCIGNORE: &str = ".funcignore";

/// Writes everything for a clean scan. `scan.errors` must be empty.
pub(crate) fn write_app(plan: &Plan, scan: Scan) -> Result<Report, Error> {
    let functions = scan.functions;
    let specs: Vec<FunctionSpec> = functions.iter().map(|f| f.spec.clone()).collect();

    // Rules between functions.
    let app_errors = azfn_model::validate::validate_app(&specs);
    if !app_errors.is_empty() {
        let messages = app_errors
            .iter()
            .map(|e| {
                let at: Vec<String> = functions
                    .iter()
                    .filter(|f| {
                        f.spec.name.eq_ignore_ascii_case(&e.function)
                            || e.message.contains(&format!("`{}`", f.spec.name))
                    })
                    .map(|f| format!("`{}` at {}", f.spec.name, location(f, &plan.display_base)))
                    .collect();
                format!("{} ({})", e.message, at.join(", "))
            })
            .collect();
        return Err(Error::app(messages));
    }

    let app_dir = &plan.app_dir;
    let owned_path = app_dir.join(owned::FILE_NAME);
    let old = Owned::read(&owned_path)?;

    // The function folders, checked before anything is written.
    let mut planned: Vec<(String, String, String)> = Vec::new();
    for f in &functions {
        let rel = format!("{}/function.json", f.spec.name);
        let text = to_pretty_string(&function_json(&f.spec));
        if !old.owns_function(&f.spec.name)
            && let Some(existing) = read_if_exists(&app_dir.join(&rel))?
            && existing != text.as_bytes()
        {
            return Err(Error::hand_written(
                app_dir.join(&rel),
                f.spec.name.to_string(),
                location(f, &plan.display_base),
            ));
        }
        planned.push((rel, text, f.spec.name.to_string()));
    }

    // host.json, also checked before anything is written.
    let host_path = app_dir.join(HOST_JSON);
    let existing_host = read_json(&host_path)?;
    let mut settings =
        HostSettings::for_functions(plan.executable_path.clone(), plan.forwarding, &specs);
    settings.needs_bundle = match plan.extension_bundle {
        ExtensionBundle::Auto => settings.needs_bundle,
        ExtensionBundle::Always => true,
        ExtensionBundle::Never => false,
    };
    let our_bundle = json!({
        "id": app::EXTENSION_BUNDLE_ID,
        "version": app::EXTENSION_BUNDLE_VERSION,
    });
    let had_bundle = existing_host
        .as_ref()
        .is_some_and(|h| h.get("extensionBundle").is_some());
    let mut host = app::host_json(existing_host.as_ref(), &settings)
        .map_err(|m| Error::json(&host_path, m))?;
    // `extensionBundle` is azfn's only while it still holds the value azfn wrote.
    let bundle_is_ours =
        host.get("extensionBundle") == Some(&our_bundle) && (!had_bundle || old.extension_bundle);
    if !settings.needs_bundle
        && bundle_is_ours
        && let Some(map) = host.as_object_mut()
    {
        map.shift_remove("extensionBundle");
    }
    let bundle_is_ours = bundle_is_ours && settings.needs_bundle;

    let mut report = Report {
        app_dir: app_dir.clone(),
        executable_path: plan.executable_path.clone(),
        functions,
        written: Vec::new(),
        removed: Vec::new(),
        files: scan.files,
        warnings: scan.warnings,
    };

    // Prune the folders of functions that are gone (only those azfn generated).
    let new_names: BTreeSet<&str> = planned.iter().map(|(_, _, name)| name.as_str()).collect();
    for name in &old.functions {
        if new_names.contains(name.as_str()) {
            continue;
        }
        let file = app_dir.join(name).join("function.json");
        if remove_file_if_exists(&file)? {
            report
                .removed
                .push(PathBuf::from(format!("{name}/function.json")));
        }
        if remove_dir_if_empty(&app_dir.join(name))? {
            report.removed.push(PathBuf::from(name));
        }
    }

    // Write.
    let mut files: BTreeSet<String> = BTreeSet::new();
    for (rel, text, _) in &planned {
        if write_if_changed(&app_dir.join(rel), text.as_bytes())? {
            report.written.push(PathBuf::from(rel));
        }
        files.insert(rel.clone());
    }
    let host_changed = existing_host.as_ref() != Some(&host);
    if host_changed {
        crate::fsutil::write_atomic(&host_path, to_pretty_string(&host).as_bytes())?;
        // The build watches host.json for the user's edits, not for its own writes.
        set_modified(&host_path, plan.build_started - Duration::from_secs(1));
        report.written.push(PathBuf::from(HOST_JSON));
    }
    if let Some((link, target)) = &plan.current_link {
        point_link(link, target).map_err(|e| Error::io(link, "point the link", e))?;
    }
    if existing_host.is_none() || old.files.contains(HOST_JSON) {
        files.insert(HOST_JSON.to_owned());
    }
    let local_settings = to_pretty_string(&app::local_settings_json());
    if write_if_missing(&app_dir.join(LOCAL_SETTINGS), local_settings.as_bytes())? {
        report.written.push(PathBuf::from(LOCAL_SETTINGS));
        files.insert(LOCAL_SETTINGS.to_owned());
    } else if old.files.contains(LOCAL_SETTINGS) && app_dir.join(LOCAL_SETTINGS).exists() {
        files.insert(LOCAL_SETTINGS.to_owned());
    }
    // Deployment goes through `cargo azfn package`: the `.funcignore` earlier versions wrote
    // made the development folder look deployable. Remove it while it is as they wrote it.
    let funcignore = app_dir.join(FUNCIGNORE);
    if old.files.contains(FUNCIGNORE)
        && read_if_exists(&funcignore)?.as_deref()
            == Some(legacy_funcignore(&plan.release_executable_path).as_bytes())
        && remove_file_if_exists(&funcignore)?
    {
        report.removed.push(PathBuf::from(FUNCIGNORE));
    }
    let owned = Owned {
        functions: new_names.iter().map(|n| (*n).to_owned()).collect(),
        files,
        extension_bundle: bundle_is_ours,
    };
    if write_if_changed(&owned_path, owned.render().as_bytes())? {
        report.written.push(PathBuf::from(owned::FILE_NAME));
    }

    // The mirror and the manifest under OUT_DIR.
    let mirror: BTreeMap<String, String> = planned
        .iter()
        .map(|(rel, text, _)| (rel.clone(), text.clone()))
        .chain([(HOST_JSON.to_owned(), to_pretty_string(&host))])
        .collect();
    write_out_dir(plan, &host, &specs, Some(&mirror))?;
    Ok(report)
}

/// The `.funcignore` earlier versions wrote when it was missing.
fn legacy_funcignore(executable_path: &str) -> String {
    format!(
        "# Written by azfn when missing; edit freely.\n\
         # Deploy host.json, the function folders and the handler binary only.\n\
         .git*\n.vscode\n.azfn-manifest.json\nlocal.settings.json\nsrc/\ntests/\nexamples/\nbenches/\n*.rs\nCargo.toml\nCargo.lock\n\
         target/*\n!{executable_path}\n"
    )
}

/// `file:line:column` of a function, relative to `base` when possible.
fn location(f: &ScannedFunction, base: &Path) -> String {
    let file = f.file.strip_prefix(base).unwrap_or(&f.file);
    format!("{}:{}:{}", display_path(file), f.line, f.column)
}

/// Reads a JSON file (a leading UTF-8 byte-order mark is allowed); `None` if it does not exist.
pub(crate) fn read_json(path: &Path) -> Result<Option<Json>, Error> {
    let Some(bytes) = read_if_exists(path)? else {
        return Ok(None);
    };
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    serde_json::from_slice(text)
        .map(Some)
        .map_err(|e| Error::json(path, format!("not valid JSON ({e})")))
}

/// Writes `$OUT_DIR/azfn/manifest.json` and, when given, the mirror of the app folder under
/// `$OUT_DIR/azfn/app/` (pruning function folders that are gone).
pub(crate) fn write_out_dir(
    plan: &Plan,
    host: &Json,
    specs: &[FunctionSpec],
    mirror: Option<&BTreeMap<String, String>>,
) -> Result<(), Error> {
    let azfn_dir = plan.out_dir.join("azfn");
    let manifest = app::manifest_json(
        &ManifestApp {
            forwarding: plan.forwarding,
            route_prefix: app::route_prefix(host),
        },
        specs,
    );
    write_if_changed(
        &azfn_dir.join("manifest.json"),
        to_pretty_string(&manifest).as_bytes(),
    )?;
    let Some(mirror) = mirror else {
        return Ok(());
    };
    let mirror_dir = azfn_dir.join("app");
    for (rel, text) in mirror {
        write_if_changed(&mirror_dir.join(rel), text.as_bytes())?;
    }
    // Everything under the mirror is azfn's: drop folders of functions that are gone.
    if let Ok(entries) = fs::read_dir(&mirror_dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if path.is_dir() && !mirror.contains_key(&format!("{name}/function.json")) {
                fs::remove_dir_all(&path).map_err(|e| Error::io(&path, "remove the folder", e))?;
            }
        }
    }
    Ok(())
}
