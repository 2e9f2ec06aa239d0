//! Call overhead: sign + encode + decode of `scheduleCampaign` through `mktows::Client` over
//! an in-memory transport (no network), on a current-thread tokio runtime.
//!
//! Baseline: the same timestamp, HMAC signature, header, body, envelope and response decode
//! done by direct calls, so the difference is what the client adds (async runtime, limiter,
//! tracing spans, timeout, retry bookkeeping).

use std::hint::black_box;
use std::time::SystemTime;

use criterion::Criterion;
use mktows_bench::call::{Direct, bench_client, schedule_params};
use mktows_bench::report::{self, Comparison};

fn main() {
    let since = SystemTime::now();
    let mut c = Criterion::default().configure_from_args();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let client = bench_client();
    let params = schedule_params();
    let direct = Direct::new();
    assert!(
        rt.block_on(client.schedule_campaign(&params))
            .expect("call")
            .result
            .success
    );

    let mut g = c.benchmark_group("call");
    g.bench_function("client_schedule_campaign", |b| {
        b.iter(|| {
            rt.block_on(client.schedule_campaign(black_box(&params)))
                .expect("call")
        })
    });
    g.bench_function("direct_sign_encode_decode", |b| {
        b.iter(|| direct.call(black_box(&params)))
    });
    g.finish();
    c.final_summary();

    println!();
    report::print_absolute(
        "call overhead, scheduleCampaign through mktows::Client (in-memory transport)",
        "call",
        "client_schedule_campaign",
        since,
        20_000.0,
    );
    report::print_comparisons(
        "call",
        since,
        &[Comparison {
            what: "client call vs. the same work by direct calls".into(),
            group: "call".into(),
            ours: "client_schedule_campaign".into(),
            baseline: "direct_sign_encode_decode".into(),
            bytes: None,
            // Informational: the target is the absolute one above.
            min_ratio: None,
        }],
    );
}
