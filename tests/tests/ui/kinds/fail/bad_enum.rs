use azfn_runtime::event_hub_trigger;

#[event_hub_trigger(event_hub_name = "telemetry", cardinality = "several")]
async fn hubs(events: String) {
    let _ = events;
}

fn main() {}
