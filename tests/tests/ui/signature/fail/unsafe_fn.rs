use azfn_runtime::timer_trigger;

#[timer_trigger(schedule = "0 0 * * * *")]
async unsafe fn tick() {}

fn main() {}
