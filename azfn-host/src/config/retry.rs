//! The `retry` policy of host.json and function.json.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::AppError;
use super::json::{as_object, non_null, opt_string, opt_timespan};

/// A retry policy from host.json or function.json `retry`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How long to wait between attempts.
    pub strategy: RetryStrategy,
    /// `maxRetryCount`: retries after the first attempt; `-1` retries forever.
    pub max_retry_count: i32,
}

/// The delay rule of a [`RetryPolicy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryStrategy {
    /// `fixedDelay` with `delayInterval`.
    FixedDelay {
        /// The wait between attempts.
        delay: Duration,
    },
    /// `exponentialBackoff` with `minimumInterval` and `maximumInterval`.
    ExponentialBackoff {
        /// The first wait.
        minimum: Duration,
        /// The longest wait.
        maximum: Duration,
    },
}

impl RetryPolicy {
    pub(super) fn parse(value: &Value, path: &Path) -> Result<RetryPolicy, AppError> {
        let map = as_object(value, path, "retry")?;
        let max_retry_count = match non_null(map, "maxRetryCount") {
            Some(Value::Number(n)) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|n| *n >= -1)
        .ok_or_else(|| {
            AppError::new(
                path,
                "'retry.maxRetryCount' is required and must be an integer (-1 = forever)",
            )
        })?;
        let strategy = opt_string(map, "strategy", path, "retry.strategy")?.ok_or_else(|| {
            AppError::new(
                path,
                "'retry.strategy' is required: fixedDelay or exponentialBackoff",
            )
        })?;
        let strategy = if strategy.eq_ignore_ascii_case("fixedDelay") {
            let delay = opt_timespan(map, "delayInterval", path, "retry.delayInterval")?
                .ok_or_else(|| {
                    AppError::new(
                        path,
                        "'retry.delayInterval' is required for the fixedDelay strategy",
                    )
                })?;
            RetryStrategy::FixedDelay { delay }
        } else if strategy.eq_ignore_ascii_case("exponentialBackoff") {
            let minimum = opt_timespan(map, "minimumInterval", path, "retry.minimumInterval")?;
            let maximum = opt_timespan(map, "maximumInterval", path, "retry.maximumInterval")?;
            match (minimum, maximum) {
                (Some(minimum), Some(maximum)) => {
                    RetryStrategy::ExponentialBackoff { minimum, maximum }
                }
                _ => {
                    return Err(AppError::new(
                        path,
                        "'retry.minimumInterval' and 'retry.maximumInterval' are required for exponentialBackoff",
                    ));
                }
            }
        } else {
            return Err(AppError::new(
                path,
                format!(
                    "'retry.strategy' value '{strategy}' is not fixedDelay or exponentialBackoff"
                ),
            ));
        };
        Ok(RetryPolicy {
            strategy,
            max_retry_count,
        })
    }

    /// The wait before retry number `retry` (1 for the first retry).
    pub fn delay(&self, retry: u32) -> Duration {
        match &self.strategy {
            RetryStrategy::FixedDelay { delay } => *delay,
            RetryStrategy::ExponentialBackoff { minimum, maximum } => {
                let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(30));
                minimum.saturating_mul(factor).min(*maximum)
            }
        }
    }
}
