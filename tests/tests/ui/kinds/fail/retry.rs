use azfn_runtime::{retry, timer_trigger, triggers::TimerInfo};

#[timer_trigger(schedule = "0 */5 * * * *")]
#[retry(strategy = "exponentialBackoff", max_retry_count = 3, minimum_interval = "00:00:04")]
async fn missing_max(timer: TimerInfo) {
    let _ = timer;
}

#[timer_trigger(schedule = "0 */5 * * * *")]
#[retry(strategy = "linear", max_retry_count = 3)]
async fn bad_strategy(timer: TimerInfo) {
    let _ = timer;
}

#[timer_trigger(schedule = "0 */5 * * * *")]
#[retry(strategy = "fixedDelay", max_retry_count = 3, delay_interval = "10s")]
async fn bad_interval(timer: TimerInfo) {
    let _ = timer;
}

fn main() {}
