use azfn_runtime::http_trigger;

#[http_trigger]
struct Hello;

fn main() {}
