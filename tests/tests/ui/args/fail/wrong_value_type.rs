use azfn_runtime::timer_trigger;

#[timer_trigger(schedule = "0 */5 * * * *", run_on_startup = "yes")]
async fn tick() {}

fn main() {}
