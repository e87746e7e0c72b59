use azfn_runtime::{cosmos_db_trigger, http_trigger};

#[cosmos_db_trigger(database_name = "shop", container_name = "c", start_from_beginning = "yes", max_items_per_invocation = "10")]
async fn changes(documents: String) {
    let _ = documents;
}

#[http_trigger(methods = ["get", "fetch"])]
async fn methods(req: azfn_runtime::http::HttpRequest) -> azfn_runtime::http::HttpResponse {
    let _ = req;
    azfn_runtime::http::HttpResponse::ok()
}

fn main() {}
