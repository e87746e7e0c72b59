use azfn_runtime::{event_hub_trigger, http_trigger, table_output};

#[http_trigger]
#[table_output(name = "row", table_name = "ab")]
async fn short_table(req: azfn_runtime::http::HttpRequest) -> Option<azfn_runtime::Json<u8>> {
    let _ = req;
    None
}

#[event_hub_trigger(event_hub_name = "tele metry", consumer_group = "-bad")]
async fn hubs(events: String) {
    let _ = events;
}

fn main() {}
