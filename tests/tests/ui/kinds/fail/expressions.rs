use azfn_runtime::{http_trigger, queue_output, timer_trigger, triggers::TimerInfo};

#[timer_trigger(schedule = "0 */5 * * * *")]
#[queue_output(queue_name = "out-{name}")]
async fn tick(timer: TimerInfo) -> Option<String> {
    let _ = timer;
    None
}

#[http_trigger(route = "x")]
#[queue_output(name = "copy", queue_name = "{queueTrigger}")]
async fn copy(req: azfn_runtime::http::HttpRequest) -> Result<Out, azfn_runtime::Error> {
    let _ = req;
    Ok(Out { res: azfn_runtime::http::HttpResponse::ok(), copy: None })
}

#[derive(azfn_runtime::Outputs)]
struct Out {
    res: azfn_runtime::http::HttpResponse,
    copy: Option<String>,
}

fn main() {}
