//! A timer schedule: azfn-model's NCRONTAB checker and azfn-host's scheduler never panic, an
//! expression azfn-model accepts is one the host's side accepts too, and the next occurrence
//! the host's side computes is an instant azfn-model's expression matches.
#![no_main]

use azfn_host::Schedule as HostSchedule;
use azfn_model::ncrontab::{Schedule, parse_schedule};
use chrono::{DateTime, Datelike, Timelike, Utc};

libfuzzer_sys::fuzz_target!(|text: &str| {
    let model = parse_schedule(text);
    let host = HostSchedule::parse(text, |_| None);
    let (Ok(Schedule::Cron(cron)), host) = (model, host) else {
        return;
    };
    let host = match host {
        Ok(host) => host,
        Err(e) => panic!("azfn-model accepts `{text}`, azfn-host refuses it: {e}"),
    };
    // 2024-02-29T12:34:56Z, a leap day.
    let Some(start) = DateTime::<Utc>::from_timestamp(1_709_210_096, 0) else {
        return;
    };
    if let Some(next) = host.next_after(start) {
        let weekday = next.weekday().num_days_from_sunday();
        assert!(
            cron.matches(
                next.second(),
                next.minute(),
                next.hour(),
                next.day(),
                next.month(),
                weekday
            ),
            "`{text}`: the host's next occurrence {next} does not match azfn-model's expression"
        );
    }
});
