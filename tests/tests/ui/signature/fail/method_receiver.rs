use azfn_runtime::{http_trigger, queue_output, http::{HttpRequest, HttpResponse}};

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
