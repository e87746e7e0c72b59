#![deny(warnings)]

// The storage extension lowercases queue names: `Orders` builds, is written `orders`, and the
// build helper warns (azfn-build's tests check the warning).

use azfn_runtime::queue_trigger;

#[queue_trigger(queue_name = "Orders")]
async fn process(msg: String) {
    let _ = msg;
}

fn main() {}
