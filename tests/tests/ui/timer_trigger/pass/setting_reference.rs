#![deny(warnings)]

use azfn_runtime::timer_trigger;

// The schedule is read from the app setting `CleanupSchedule` when the host starts.
#[timer_trigger(schedule = "%CleanupSchedule%")]
async fn cleanup() {}

fn main() {}
