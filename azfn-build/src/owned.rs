//! `.azfn-manifest.json`: what azfn generated in the app folder, so that later builds prune only
//! that.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Value as Json, json};

use crate::error::Error;

/// The ownership file's name, in the app folder.
pub(crate) const FILE_NAME: &str = ".azfn-manifest.json";
const FORMAT_VERSION: u64 = 1;

/// The content of `.azfn-manifest.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Owned {
    /// Function folders azfn generated (`<name>/function.json`).
    pub(crate) functions: BTreeSet<String>,
    /// Every file azfn created, relative to the app folder, with `/`.
    pub(crate) files: BTreeSet<String>,
    /// azfn added `extensionBundle` to `host.json` (so it may remove it again).
    pub(crate) extension_bundle: bool,
}

impl Owned {
    /// Reads the file; a missing file is an empty manifest.
    pub(crate) fn read(path: &Path) -> Result<Self, Error> {
        let Some(bytes) = crate::fsutil::read_if_exists(path)? else {
            return Ok(Self::default());
        };
        let bad = |m: &str| {
            Error::json(
                path,
                format!(
                    "{m}; delete it and rebuild (azfn then adopts the folders whose `function.json` it would write identically)"
                ),
            )
        };
        let doc: Json = serde_json::from_slice(&bytes).map_err(|e| bad(&e.to_string()))?;
        let strings = |key: &str| -> Result<BTreeSet<String>, Error> {
            match doc.get(key) {
                None => Ok(BTreeSet::new()),
                Some(Json::Array(items)) => items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| bad(&format!("`{key}` must be an array of strings")))
                    })
                    .collect(),
                Some(_) => Err(bad(&format!("`{key}` must be an array of strings"))),
            }
        };
        Ok(Self {
            functions: strings("functions")?,
            files: strings("files")?,
            extension_bundle: doc
                .get("extensionBundle")
                .and_then(Json::as_bool)
                .unwrap_or(false),
        })
    }

    /// `true` if azfn generated the folder of this function (compared case-insensitively, as
    /// the host and case-insensitive file systems do).
    pub(crate) fn owns_function(&self, name: &str) -> bool {
        self.functions.iter().any(|f| f.eq_ignore_ascii_case(name))
    }

    /// The file's text: pretty JSON, sorted lists, trailing newline.
    pub(crate) fn render(&self) -> String {
        let mut doc = json!({
            "generatedBy": "azfn-build",
            "about": "The function folders and files azfn generated here; azfn prunes only these. Do not edit.",
            "version": FORMAT_VERSION,
            "functions": self.functions,
            "files": self.files,
        });
        if self.extension_bundle {
            doc["extensionBundle"] = true.into();
        }
        azfn_model::json::to_pretty_string(&doc)
    }
}
