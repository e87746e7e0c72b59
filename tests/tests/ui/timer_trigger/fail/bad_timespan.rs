use azfn_runtime::timer_trigger;

#[timer_trigger(schedule = "01:60:00")]
async fn tick() {}

fn main() {}
