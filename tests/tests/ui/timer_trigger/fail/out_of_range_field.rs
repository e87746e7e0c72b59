use azfn_runtime::timer_trigger;

#[timer_trigger(schedule = "0 60 * * * *")]
async fn tick() {}

fn main() {}
