#![deny(warnings)]

// The timer extension reads five-field cron (`CronSchedule.HasSeconds`); azfn writes the
// six-field form `0 */5 * * * *`, which every host reads.

use azfn_runtime::timer_trigger;

#[timer_trigger(schedule = "*/5 * * * *")]
async fn tick() {}

fn main() {}
