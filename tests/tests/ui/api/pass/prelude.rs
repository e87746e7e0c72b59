#![deny(warnings)]

// `use azfn_runtime::prelude::*;` is the only import a typical app needs: the attributes,
// `#[derive(Outputs)]`, `App`, `Context`, `Error`, `HttpRequest`, `HttpResponse`, `Json`, `State`.

use azfn_runtime::prelude::*;

#[derive(serde::Deserialize, serde::Serialize)]
struct Order {
    id: u64,
}

struct Limits {
    max: u64,
}

#[derive(Outputs)]
struct Queued {
    res: HttpResponse,
    order: Option<Json<Order>>,
}

#[http_trigger(route = "orders", methods = ["post"], auth_level = "anonymous")]
#[queue_output(name = "order", queue_name = "orders")]
async fn create(req: HttpRequest, limits: State<Limits>, ctx: Context) -> Result<Queued, Error> {
    let order: Order = req.json()?;
    if order.id > limits.max {
        return Err(Error::msg("id too large").with_status(400));
    }
    ctx.log(format_args!("order {}", order.id));
    Ok(Queued { res: HttpResponse::new(202), order: Some(Json(order)) })
}

#[queue_trigger(queue_name = "orders")]
async fn process(order: Json<Order>, ctx: Context) {
    ctx.log(format_args!("processing {}", order.id));
}

fn main() {
    let _app: App = App::new().state(Limits { max: 100 });
}
