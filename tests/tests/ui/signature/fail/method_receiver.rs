use azfn_runtime::{HttpRequest, HttpResponse, http_trigger, queue_output};

struct Api;

impl Api {
    #[http_trigger]
    #[queue_output(name = "message", queue_name = "orders")]
    async fn hello(&self, req: HttpRequest) -> HttpResponse {
        let _ = req;
        HttpResponse::ok()
    }
}

fn main() {}
