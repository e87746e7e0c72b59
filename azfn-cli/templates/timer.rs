//! An Azure Functions app in Rust: `tick` runs every five minutes. `cargo build` writes
//! `host.json` and `tick/function.json` next to `Cargo.toml`.

use azfn_runtime::triggers::TimerInfo;
use azfn_runtime::{Context, timer_trigger};

/// Every five minutes (an NCRONTAB schedule: second, minute, hour, day, month, day of week).
#[timer_trigger(schedule = "0 */5 * * * *")]
async fn tick(timer: TimerInfo, ctx: Context) {
    if timer.is_past_due {
        ctx.warn("tick (late: the previous run was missed)");
    } else {
        ctx.log("tick");
    }
}

/// The handler the Functions host starts: serves every function of this crate.
fn main() -> std::process::ExitCode {
    azfn_runtime::app!().run()
}

#[cfg(test)]
mod tests {
    use azfn_runtime::Error;
    use azfn_runtime::testing::TestApp;
    use azfn_runtime::testing::host::payload::TimerInfo;

    #[tokio::test]
    async fn the_generated_app_agrees_with_the_functions() -> Result<(), Error> {
        // The files `cargo build` wrote, checked as the handler checks them when it starts.
        TestApp::from(azfn_runtime::app!()).check()
    }

    #[tokio::test]
    async fn tick_runs_on_schedule() -> Result<(), Error> {
        let run = TestApp::new().timer("tick").await?;
        assert!(run.is_success(), "{:?}", run.error());
        assert_eq!(run.logs(), ["tick"]);
        Ok(())
    }

    #[tokio::test]
    async fn tick_says_when_it_is_late() -> Result<(), Error> {
        let late = TimerInfo {
            is_past_due: true,
            ..TimerInfo::default()
        };
        let run = TestApp::new().timer_with("tick", late).await?;
        assert!(run.is_success(), "{:?}", run.error());
        assert_eq!(
            run.logs(),
            ["WARN: tick (late: the previous run was missed)"]
        );
        Ok(())
    }
}
