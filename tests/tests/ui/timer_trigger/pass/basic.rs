#![deny(warnings)]

use azfn_runtime::triggers::TimerInfo;
use azfn_runtime::{Context, timer_trigger};

#[timer_trigger(schedule = "0 */5 * * * *", run_on_startup = true, use_monitor = false)]
async fn every_five_minutes(timer: TimerInfo, ctx: Context) {
    let _ = (timer, ctx);
}

#[timer_trigger(schedule = "0 30 9 * * Mon-Fri")]
async fn weekdays() {}

fn main() {}
