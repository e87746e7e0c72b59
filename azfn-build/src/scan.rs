//! The source scanner: follows `mod` items from the crate roots, parses every file with
//! `syn::parse_file` and runs the shared `azfn_model` front end on every function carrying a
//! trigger attribute.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use azfn_model::FunctionSpec;
use azfn_model::parse;
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, Item, ItemFn, Meta, Stmt};

use crate::cfg::CfgEnv;
use crate::error::Error;
use crate::scan_cache::ScanCache;

/// A function found in the sources, with the location of its trigger attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScannedFunction {
    /// The function, exactly as the attribute macro builds it.
    pub spec: FunctionSpec,
    /// The source file, as it was reached from the source directory.
    pub file: PathBuf,
    /// 1-based line of the trigger attribute.
    pub line: usize,
    /// 1-based column of the trigger attribute.
    pub column: usize,
}

impl ScannedFunction {
    /// `file:line:column`, with `/` separators.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", display_path(&self.file), self.line, self.column)
    }
}

/// A problem in a source file: a syntax error or an error in a trigger or binding attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The source file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The message, the same text the attribute macro reports.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            display_path(&self.file),
            self.line,
            self.column,
            self.message
        )
    }
}

/// The result of [`scan`](crate::scan()).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Scan {
    /// Every function with a trigger attribute that analysed cleanly, in source order.
    pub functions: Vec<ScannedFunction>,
    /// Every source file read, in the order reached.
    pub files: Vec<PathBuf>,
    /// Syntax and attribute errors; the compiler reports the same errors with their spans.
    pub errors: Vec<Diagnostic>,
    /// Non-fatal problems, e.g. a `mod foo;` whose file was not found.
    pub warnings: Vec<Diagnostic>,
}

/// Scans a crate's sources: `src/main.rs` and `src/lib.rs` (or `src` itself when it names a
/// file) and every module file reached from them. A file whose analysis is in `cache` (same
/// text, same cfg environment, same place) is not parsed again.
pub(crate) fn scan_dir(src: &Path, cfg: &CfgEnv, cache: &mut ScanCache) -> Result<Scan, Error> {
    let roots: Vec<PathBuf> = if src.is_file() {
        vec![src.to_path_buf()]
    } else {
        ["main.rs", "lib.rs"]
            .iter()
            .map(|f| src.join(f))
            .filter(|p| p.is_file())
            .collect()
    };
    if roots.is_empty() {
        return Err(Error::no_crate_root(src));
    }
    let mut scanner = Scanner {
        cfg,
        cache,
        seen: HashSet::new(),
        scan: Scan::default(),
    };
    for root in roots {
        let dir = root.parent().map(Path::to_path_buf).unwrap_or_default();
        scanner.file(&root, dir)?;
    }
    Ok(scanner.scan)
}

struct Scanner<'a> {
    cfg: &'a CfgEnv,
    cache: &'a mut ScanCache,
    seen: HashSet<PathBuf>,
    scan: Scan,
}

/// What one file contributes to a scan, in source order. It depends only on the file's text,
/// the cfg environment and where the file's modules live, so it can be kept between builds;
/// the files that its `mod name;` items name are looked up on disk each time.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct FileScan {
    events: Vec<Event>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum Event {
    Function {
        spec: FunctionSpec,
        line: usize,
        column: usize,
    },
    Error(Note),
    Warning(Note),
    /// `mod name;`: its file is looked up when the scan is put together.
    Module {
        name: String,
        path_attr: Option<String>,
        mod_dir: PathBuf,
        path_base: PathBuf,
        at: Note,
    },
}

/// A position in the file, with a message.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct Note {
    line: usize,
    column: usize,
    message: String,
}

impl Scanner<'_> {
    /// Reads one file and adds what it contributes (from the cache when it has not changed);
    /// `mod_dir` is where its child modules live.
    fn file(&mut self, path: &Path, mod_dir: PathBuf) -> Result<(), Error> {
        if !self.seen.insert(path.to_path_buf()) {
            return Ok(());
        }
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read", e))?;
        self.scan.files.push(path.to_path_buf());
        let key = ScanCache::key(&text, self.cfg, &mod_dir);
        let analysed = match self.cache.get(path, key) {
            Some(analysed) => analysed,
            None => {
                let analysed = analyse(&text, path, mod_dir, self.cfg);
                self.cache.put(path, key, analysed.clone());
                analysed
            }
        };
        for event in analysed.events {
            let diagnostic = |note: Note| Diagnostic {
                file: path.to_path_buf(),
                line: note.line,
                column: note.column,
                message: note.message,
            };
            match event {
                Event::Function { spec, line, column } => {
                    self.scan.functions.push(ScannedFunction {
                        spec,
                        file: path.to_path_buf(),
                        line,
                        column,
                    });
                }
                Event::Error(note) => self.scan.errors.push(diagnostic(note)),
                Event::Warning(note) => self.scan.warnings.push(diagnostic(note)),
                Event::Module {
                    name,
                    path_attr,
                    mod_dir,
                    path_base,
                    at,
                } => match module_file(&name, path_attr, &mod_dir, &path_base) {
                    Some((file, dir)) => self.file(&file, dir)?,
                    None => self.scan.warnings.push(diagnostic(at)),
                },
            }
        }
        Ok(())
    }
}

/// Finds the file of `mod name;`: `name.rs`, `name/mod.rs` or its `#[path]`, with the
/// directory its own modules live in.
fn module_file(
    name: &str,
    path_attr: Option<String>,
    mod_dir: &Path,
    path_base: &Path,
) -> Option<(PathBuf, PathBuf)> {
    match path_attr {
        // A file named by `#[path]` owns its directory, as `mod.rs` does.
        Some(p) => {
            let file = path_base.join(p);
            file.is_file().then(|| {
                let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
                (file, dir)
            })
        }
        None => {
            let flat = mod_dir.join(format!("{name}.rs"));
            let nested = mod_dir.join(name).join("mod.rs");
            if flat.is_file() {
                Some((flat, mod_dir.join(name)))
            } else if nested.is_file() {
                Some((nested, mod_dir.join(name)))
            } else {
                None
            }
        }
    }
}

/// Parses one file's text and analyses every function with a trigger attribute in it.
fn analyse(text: &str, path: &Path, mod_dir: PathBuf, cfg: &CfgEnv) -> FileScan {
    let mut analyser = Analyser {
        cfg,
        out: FileScan::default(),
    };
    match syn::parse_file(text) {
        Ok(file) => {
            let path_base = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let ctx = Ctx { mod_dir, path_base };
            analyser.items(&file.items, &ctx);
        }
        Err(e) => analyser.push_errors(e, None),
    }
    analyser.out
}

/// Where a list of items lives.
struct Ctx {
    /// Where `mod foo;` looks for `foo.rs` and `foo/mod.rs`.
    mod_dir: PathBuf,
    /// What a `#[path = "..."]` on a `mod foo;` is relative to.
    path_base: PathBuf,
}

struct Analyser<'a> {
    cfg: &'a CfgEnv,
    out: FileScan,
}

impl Analyser<'_> {
    fn items(&mut self, items: &[Item], ctx: &Ctx) {
        for item in items {
            match item {
                Item::Fn(f) if self.included(&f.attrs) => {
                    self.function(f);
                    // Items declared inside the body (the macros accept them there too).
                    let nested: Vec<Item> = f
                        .block
                        .stmts
                        .iter()
                        .filter_map(|s| match s {
                            Stmt::Item(i @ (Item::Fn(_) | Item::Mod(_))) => Some(i.clone()),
                            _ => None,
                        })
                        .collect();
                    self.items(&nested, ctx);
                }
                Item::Mod(m) if self.included(&m.attrs) => {
                    let path_attr = path_attr(&m.attrs);
                    let name = m.ident.to_string();
                    match &m.content {
                        Some((_, items)) => {
                            let dir = match &path_attr {
                                Some(p) => ctx.mod_dir.join(p),
                                None => ctx.mod_dir.join(&name),
                            };
                            let inner = Ctx {
                                mod_dir: dir.clone(),
                                path_base: dir,
                            };
                            self.items(items, &inner);
                        }
                        None => {
                            let start = m.ident.span().start();
                            let message =
                                format!("file for module `{name}` not found; azfn skipped it");
                            self.out.events.push(Event::Module {
                                name,
                                path_attr,
                                mod_dir: ctx.mod_dir.clone(),
                                path_base: ctx.path_base.clone(),
                                at: Note {
                                    line: start.line,
                                    column: start.column + 1,
                                    message,
                                },
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// `false` when a `#[cfg(...)]` on the item is known to be off (`test`, unset features).
    fn included(&self, attrs: &[Attribute]) -> bool {
        attrs.iter().all(|a| self.cfg.attr_enabled(a))
    }

    fn function(&mut self, f: &ItemFn) {
        let Some(index) = f.attrs.iter().position(parse::is_trigger) else {
            return;
        };
        let attr = &f.attrs[index];
        let Some(trigger) = parse::attr_name(attr) else {
            return;
        };
        let attr_span = attr.path().span();
        let pound = attr.pound_token.span.start();
        let args = match &attr.meta {
            Meta::List(list) => list.tokens.clone(),
            Meta::Path(_) => TokenStream::new(),
            Meta::NameValue(nv) => {
                let start = nv.eq_token.span.start();
                self.out.events.push(Event::Error(Note {
                    line: start.line,
                    column: start.column + 1,
                    message: format!(
                        "`#[{trigger}]` takes a list of arguments: `#[{trigger}(...)]`"
                    ),
                }));
                return;
            }
        };
        let mut item = f.clone();
        item.attrs = parse::attrs_as_trigger_sees(&f.attrs, index);
        match parse::analyze(&trigger, args, attr_span, &mut item) {
            Ok(analysis) => {
                for (span, message) in analysis.warnings {
                    let start = span.start();
                    let start = if start.line == 0 { pound } else { start };
                    self.out.events.push(Event::Warning(Note {
                        line: start.line.max(1),
                        column: start.column + 1,
                        message,
                    }));
                }
                self.out.events.push(Event::Function {
                    spec: analysis.spec,
                    line: pound.line,
                    column: pound.column + 1,
                });
            }
            Err(e) => self.push_errors(e, Some(attr_span)),
        }
    }

    fn push_errors(&mut self, error: syn::Error, fallback: Option<Span>) {
        for e in error {
            let mut start = e.span().start();
            if start.line == 0
                && let Some(span) = fallback
            {
                start = span.start();
            }
            self.out.events.push(Event::Error(Note {
                line: start.line.max(1),
                column: start.column + 1,
                message: e.to_string(),
            }));
        }
    }
}

/// The value of a `#[path = "..."]` attribute.
fn path_attr(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// A path with `/` separators, for messages.
pub(crate) fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}
