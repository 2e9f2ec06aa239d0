//! Code generation: `wsdl/mktows.wsdl` → formatted Rust through `mktows_codegen::generate`,
//! end to end, beside its stages (WSDL parse; parse + model) as the baselines that show where
//! the time goes.

use std::hint::black_box;
use std::path::Path;
use std::time::SystemTime;

use criterion::Criterion;
use mktows_bench::report;
use mktows_codegen::{Target, model, parse};

fn main() {
    let since = SystemTime::now();
    let mut c = Criterion::default().configure_from_args();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../wsdl/mktows.wsdl");
    let bytes = std::fs::read(&path).expect("read wsdl/mktows.wsdl");
    let file = "wsdl/mktows.wsdl";
    let out = mktows_codegen::generate(file, &bytes, Target::CrateRoot).expect("generates");
    println!(
        "codegen input: {} ({} bytes) → {} bytes of Rust",
        path.display(),
        bytes.len(),
        out.code.len()
    );

    let mut g = c.benchmark_group("codegen");
    g.sample_size(20);
    g.bench_function("generate_end_to_end", |b| {
        b.iter(|| {
            mktows_codegen::generate(file, black_box(&bytes), Target::CrateRoot).expect("generates")
        })
    });
    g.bench_function("parse_wsdl", |b| {
        b.iter(|| parse::parse_wsdl_bytes(file, black_box(&bytes)).expect("parses"))
    });
    g.bench_function("parse_and_model", |b| {
        b.iter(|| {
            let wsdl = parse::parse_wsdl_bytes(file, black_box(&bytes)).expect("parses");
            model::build(file, &wsdl).expect("models")
        })
    });
    g.finish();
    c.final_summary();

    println!();
    report::print_absolute(
        "codegen, wsdl/mktows.wsdl → formatted Rust (release)",
        "codegen",
        "generate_end_to_end",
        since,
        100e6,
    );
    for stage in ["parse_wsdl", "parse_and_model"] {
        if let Some(ns) = report::median_ns("codegen", stage, since) {
            println!("  of which {stage}: {}", report::fmt_ns(ns));
        }
    }
}
