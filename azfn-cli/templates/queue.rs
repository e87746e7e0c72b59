//! An Azure Functions app in Rust: `process_task` runs for every message on the `tasks`
//! storage queue. `cargo build` writes `host.json` and `process_task/function.json` next to
//! `Cargo.toml`.

use azfn_runtime::{Context, Error, Json, queue_trigger};
use serde::{Deserialize, Serialize};

/// A message of the `tasks` queue: `{"id": 1, "text": "write the docs"}`.
#[derive(Debug, Serialize, Deserialize)]
struct Task {
    id: u64,
    text: String,
}

/// Processes one task. An error fails the invocation: the host retries the message and
/// finally moves it to the `tasks-poison` queue.
#[queue_trigger(queue_name = "tasks")]
async fn process_task(task: Json<Task>, ctx: Context) -> Result<(), Error> {
    let Json(task) = task;
    if task.text.trim().is_empty() {
        return Err(Error::msg(format!("task {}: the text is empty", task.id)));
    }
    ctx.log(format_args!("processing task {}: {}", task.id, task.text));
    Ok(())
}

/// The handler the Functions host starts: serves every function of this crate.
fn main() -> std::process::ExitCode {
    azfn_runtime::app!().run()
}

#[cfg(test)]
mod tests {
    use super::Task;
    use azfn_runtime::Error;
    use azfn_runtime::testing::{TestApp, TestMessage};

    fn task(text: &str) -> TestMessage {
        TestMessage::json(&Task {
            id: 7,
            text: text.to_owned(),
        })
    }

    #[tokio::test]
    async fn the_generated_app_agrees_with_the_functions() -> Result<(), Error> {
        // The files `cargo build` wrote, checked as the handler checks them when it starts.
        TestApp::from(azfn_runtime::app!()).check()
    }

    #[tokio::test]
    async fn a_task_is_processed() -> Result<(), Error> {
        let done = TestApp::new()
            .queue("process_task", task("write the docs"))
            .await?;
        assert!(done.is_success(), "{:?}", done.error());
        assert_eq!(done.logs(), ["processing task 7: write the docs"]);
        Ok(())
    }

    #[tokio::test]
    async fn an_empty_task_fails_so_the_host_retries_it() -> Result<(), Error> {
        let failed = TestApp::new().queue("process_task", task(" ")).await?;
        assert!(!failed.is_success());
        assert!(
            failed
                .error()
                .is_some_and(|e| e.contains("task 7: the text is empty")),
            "{:?}",
            failed.error()
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_message_that_is_not_a_task_fails() -> Result<(), Error> {
        let failed = TestApp::new()
            .queue("process_task", TestMessage::text("not json"))
            .await?;
        assert!(!failed.is_success());
        Ok(())
    }
}
