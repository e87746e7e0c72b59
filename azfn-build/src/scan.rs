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
/// file) and every module file reached from them.
pub(crate) fn scan_dir(src: &Path, cfg: &CfgEnv) -> Result<Scan, Error> {
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
    seen: HashSet<PathBuf>,
    scan: Scan,
}

/// Where a list of items lives.
struct Ctx<'p> {
    /// The file the items are in.
    file: &'p Path,
    /// Where `mod foo;` looks for `foo.rs` and `foo/mod.rs`.
    mod_dir: PathBuf,
    /// What a `#[path = "..."]` on a `mod foo;` is relative to.
    path_base: PathBuf,
}

impl Scanner<'_> {
    /// Reads and scans one file; `mod_dir` is where its child modules live.
    fn file(&mut self, path: &Path, mod_dir: PathBuf) -> Result<(), Error> {
        if !self.seen.insert(path.to_path_buf()) {
            return Ok(());
        }
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read", e))?;
        self.scan.files.push(path.to_path_buf());
        let file = match syn::parse_file(&text) {
            Ok(file) => file,
            Err(e) => {
                self.push_errors(path, e, None);
                return Ok(());
            }
        };
        let path_base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let ctx = Ctx {
            file: path,
            mod_dir,
            path_base,
        };
        self.items(&file.items, &ctx)
    }

    fn items(&mut self, items: &[Item], ctx: &Ctx<'_>) -> Result<(), Error> {
        for item in items {
            match item {
                Item::Fn(f) if self.included(&f.attrs) => {
                    self.function(f, ctx.file);
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
                    self.items(&nested, ctx)?;
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
                                file: ctx.file,
                                mod_dir: dir.clone(),
                                path_base: dir,
                            };
                            self.items(items, &inner)?;
                        }
                        None => self.module_file(m, &name, path_attr, ctx)?,
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Follows `mod name;` to `name.rs`, `name/mod.rs` or its `#[path]`.
    fn module_file(
        &mut self,
        m: &syn::ItemMod,
        name: &str,
        path_attr: Option<String>,
        ctx: &Ctx<'_>,
    ) -> Result<(), Error> {
        let found = match path_attr {
            // A file named by `#[path]` owns its directory, as `mod.rs` does.
            Some(p) => {
                let file = ctx.path_base.join(p);
                file.is_file().then(|| {
                    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
                    (file, dir)
                })
            }
            None => {
                let flat = ctx.mod_dir.join(format!("{name}.rs"));
                let nested = ctx.mod_dir.join(name).join("mod.rs");
                if flat.is_file() {
                    Some((flat, ctx.mod_dir.join(name)))
                } else if nested.is_file() {
                    Some((nested, ctx.mod_dir.join(name)))
                } else {
                    None
                }
            }
        };
        match found {
            Some((file, dir)) => self.file(&file, dir),
            None => {
                let start = m.ident.span().start();
                self.scan.warnings.push(Diagnostic {
                    file: ctx.file.to_path_buf(),
                    line: start.line,
                    column: start.column + 1,
                    message: format!("file for module `{name}` not found; azfn skipped it"),
                });
                Ok(())
            }
        }
    }

    /// `false` when a `#[cfg(...)]` on the item is known to be off (`test`, unset features).
    fn included(&self, attrs: &[Attribute]) -> bool {
        attrs.iter().all(|a| self.cfg.attr_enabled(a))
    }

    fn function(&mut self, f: &ItemFn, file: &Path) {
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
                self.scan.errors.push(Diagnostic {
                    file: file.to_path_buf(),
                    line: start.line,
                    column: start.column + 1,
                    message: format!(
                        "`#[{trigger}]` takes a list of arguments: `#[{trigger}(...)]`"
                    ),
                });
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
                    self.scan.warnings.push(Diagnostic {
                        file: file.to_path_buf(),
                        line: start.line.max(1),
                        column: start.column + 1,
                        message,
                    });
                }
                self.scan.functions.push(ScannedFunction {
                    spec: analysis.spec,
                    file: file.to_path_buf(),
                    line: pound.line,
                    column: pound.column + 1,
                });
            }
            Err(e) => self.push_errors(file, e, Some(attr_span)),
        }
    }

    fn push_errors(&mut self, file: &Path, error: syn::Error, fallback: Option<Span>) {
        for e in error {
            let mut start = e.span().start();
            if start.line == 0
                && let Some(span) = fallback
            {
                start = span.start();
            }
            self.scan.errors.push(Diagnostic {
                file: file.to_path_buf(),
                line: start.line.max(1),
                column: start.column + 1,
                message: e.to_string(),
            });
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
