//! The front end's policies, as Core Tools sets them up: CORS (`--cors`, `Host.CORS`) and
//! function keys (`--enforce-keys`; off by default, as `func start` does not check keys).

use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use azfn_host::config::{AuthLevel, LocalSettings, split_origins};

use crate::error::CliError;

/// The policies of the front end.
#[derive(Debug, Clone, Default)]
pub(crate) struct Front {
    pub(crate) cors: Cors,
    /// `Some` with `--enforce-keys`.
    pub(crate) keys: Option<Keys>,
}

/// The allowed cross-origin callers (ASP.NET Core's CORS policy with any header and method).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Cors {
    /// Allowed origins (compared ignoring case); empty means CORS is off.
    origins: Vec<String>,
    /// `*` was given: any origin.
    any: bool,
    /// `Access-Control-Allow-Credentials: true`.
    credentials: bool,
}

impl Cors {
    /// `--cors` (comma-separated) wins over `Host.CORS`; credentials come from
    /// `--cors-credentials` or `Host.CORSCredentials`.
    pub(crate) fn new(
        flag: Option<&str>,
        flag_credentials: bool,
        settings: &LocalSettings,
    ) -> Result<Cors, CliError> {
        let origins = match flag {
            Some(list) => split_origins(list),
            None => settings.cors.clone(),
        };
        let credentials = flag_credentials || settings.cors_credentials;
        let any = origins.iter().any(|o| o == "*");
        if any && credentials {
            return Err(CliError::new(
                "CORS with credentials cannot allow any origin ('*'): browsers refuse it; list the allowed origins instead (--cors or Host.CORS in local.settings.json)",
            ));
        }
        Ok(Cors {
            origins: origins.into_iter().filter(|o| o != "*").collect(),
            any,
            credentials,
        })
    }

    /// True when some origin is allowed.
    pub(crate) fn enabled(&self) -> bool {
        self.any || !self.origins.is_empty()
    }

    /// A one-line description for the start output.
    pub(crate) fn describe(&self) -> String {
        let origins = if self.any {
            "any origin".to_owned()
        } else {
            self.origins.join(", ")
        };
        let credentials = if self.credentials {
            ", with credentials"
        } else {
            ""
        };
        format!("CORS: allowing {origins}{credentials}")
    }

    fn allows(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.any
            || self
                .origins
                .iter()
                .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(origin))
    }

    /// The `Access-Control-Allow-Origin` (and credentials) headers for a request from `origin`.
    fn origin_headers(&self, origin: &str, out: &mut HeaderMap) {
        let value = if self.any && !self.credentials {
            HeaderValue::from_static("*")
        } else {
            match HeaderValue::from_str(origin) {
                Ok(v) => v,
                Err(_) => return,
            }
        };
        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        if self.credentials {
            out.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        if !self.any {
            out.append(header::VARY, HeaderValue::from_static("Origin"));
        }
    }

    /// The answer to a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`):
    /// `None` when the request is no preflight or CORS is off. A preflight from an origin that
    /// is not allowed gets 204 without CORS headers, as ASP.NET Core answers.
    pub(crate) fn preflight(
        &self,
        method: &Method,
        headers: &HeaderMap,
    ) -> Option<(StatusCode, HeaderMap)> {
        if !self.enabled() || method != Method::OPTIONS {
            return None;
        }
        let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
        let requested = headers.get(header::ACCESS_CONTROL_REQUEST_METHOD)?;
        let mut out = HeaderMap::new();
        if self.allows(origin) {
            self.origin_headers(origin, &mut out);
            out.insert(header::ACCESS_CONTROL_ALLOW_METHODS, requested.clone());
            if let Some(h) = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
                out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, h.clone());
            }
        }
        Some((StatusCode::NO_CONTENT, out))
    }

    /// Adds the CORS headers of an actual cross-origin request to its response.
    pub(crate) fn apply(&self, request: &HeaderMap, response: &mut HeaderMap) {
        if !self.enabled() {
            return;
        }
        if let Some(origin) = request.get(header::ORIGIN).and_then(|o| o.to_str().ok())
            && self.allows(origin)
        {
            self.origin_headers(origin, response);
        }
    }
}

/// The keys of `--enforce-keys`: random per run, printed at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Keys {
    /// The function key (`default`): accepted for `function`-level functions.
    pub(crate) function: String,
    /// The master key: accepted for every level.
    pub(crate) master: String,
}

impl Keys {
    pub(crate) fn random() -> Keys {
        let key = || {
            format!(
                "{}{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            )
        };
        Keys {
            function: key(),
            master: key(),
        }
    }

    /// Whether a request with these headers and query may call a function of `level`: the key
    /// comes from the `x-functions-key` header or the `code` query parameter.
    pub(crate) fn admits(
        &self,
        level: AuthLevel,
        headers: &HeaderMap,
        query: Option<&str>,
    ) -> bool {
        let given = headers
            .get("x-functions-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| {
                query.and_then(|q| {
                    url_query_pairs(q)
                        .find(|(k, _)| k.eq_ignore_ascii_case("code"))
                        .map(|(_, v)| v)
                })
            });
        let is = |key: &str| given.as_deref() == Some(key);
        match level {
            AuthLevel::Anonymous => true,
            AuthLevel::Function | AuthLevel::User => is(&self.function) || is(&self.master),
            AuthLevel::Admin | AuthLevel::System => is(&self.master),
        }
    }
}

fn url_query_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            let s = s.replace('+', " ");
            azfn_host::routing::decode_path(&s)
        };
        (decode(k), decode(v))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn flag_wins_over_settings_and_star_with_credentials_is_refused() {
        let settings = LocalSettings {
            cors: vec!["http://a".into()],
            ..LocalSettings::default()
        };
        let c = Cors::new(Some("http://b, http://c"), false, &settings).unwrap();
        assert!(c.allows("http://B") && !c.allows("http://a"));
        let c = Cors::new(None, false, &settings).unwrap();
        assert!(c.allows("http://a"));
        assert!(Cors::new(Some("*"), true, &settings).is_err());
        assert!(
            !Cors::new(None, false, &LocalSettings::default())
                .unwrap()
                .enabled()
        );
    }

    #[test]
    fn preflight_echoes_method_and_headers() {
        let c = Cors::new(Some("http://a"), true, &LocalSettings::default()).unwrap();
        let request = headers(&[
            ("origin", "http://a"),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "x-one"),
        ]);
        let (status, h) = c.preflight(&Method::OPTIONS, &request).unwrap();
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(h["access-control-allow-origin"], "http://a");
        assert_eq!(h["access-control-allow-methods"], "PUT");
        assert_eq!(h["access-control-allow-headers"], "x-one");
        assert_eq!(h["access-control-allow-credentials"], "true");
        let other = headers(&[
            ("origin", "http://z"),
            ("access-control-request-method", "PUT"),
        ]);
        let (_, h) = c.preflight(&Method::OPTIONS, &other).unwrap();
        assert!(h.is_empty());
        assert!(c.preflight(&Method::GET, &request).is_none());
    }

    #[test]
    fn keys_follow_the_auth_level() {
        let keys = Keys::random();
        let none = HeaderMap::new();
        assert!(keys.admits(AuthLevel::Anonymous, &none, None));
        assert!(!keys.admits(AuthLevel::Function, &none, None));
        let q = format!("a=1&code={}", keys.function);
        assert!(keys.admits(AuthLevel::Function, &none, Some(&q)));
        assert!(!keys.admits(AuthLevel::Admin, &none, Some(&q)));
        let h = headers(&[("x-functions-key", &keys.master)]);
        assert!(keys.admits(AuthLevel::Admin, &h, None));
        assert!(keys.admits(AuthLevel::Function, &h, None));
    }
}
