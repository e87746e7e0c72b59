#![deny(warnings)]

use azfn_runtime::timer_trigger;

#[timer_trigger(schedule = "00:05:00")]
async fn every_five_minutes() {}

#[timer_trigger(schedule = "1.00:00:00")]
async fn daily() {}

fn main() {}
