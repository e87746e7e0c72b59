use azfn_runtime::timer_trigger;

#[timer_trigger(schedule = "*/5 * * * *")]
async fn tick() {}

fn main() {}
