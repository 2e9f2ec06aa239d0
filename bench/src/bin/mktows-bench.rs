//! Command-line helpers around the benchmarks.
//!
//! ```text
//! mktows-bench gen [LEADS [ATTRS]]        write the decode input under target/mktows-bench/, print its path
//! mktows-bench decode-mbps FILE [SECS]    MB/s of our decode and of the bare scan on FILE (for bench/peers)
//! mktows-bench profile WHAT [ITERS [LEADS]]
//!                                         run one workload ITERS times, for callgrind:
//!                                         WHAT = decode | scan | encode | write | codegen
//! ```

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use mktows_bench::{baseline, data};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, default: usize| -> usize {
        args.get(i)
            .map(|s| {
                s.parse()
                    .unwrap_or_else(|_| usage(&format!("not a number: {s}")))
            })
            .unwrap_or(default)
    };
    match args.first().map(String::as_str) {
        Some("gen") => {
            let path =
                data::write_leads_file(num(1, data::DECODE_LEADS), num(2, data::DECODE_ATTRS))
                    .unwrap_or_else(|e| fail(&format!("cannot write the data file: {e}")));
            println!("{}", path.display());
        }
        Some("decode-mbps") => {
            let file = args
                .get(1)
                .unwrap_or_else(|| usage("decode-mbps needs a FILE"));
            let secs = num(2, 3);
            decode_mbps(file, Duration::from_secs(secs as u64));
        }
        Some("profile") => {
            let what = args.get(1).map(String::as_str).unwrap_or("decode");
            profile(what, num(2, 3), num(3, 1000));
        }
        _ => usage("unknown or missing command"),
    }
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ! {
    eprintln!("{problem}");
    eprintln!(
        "usage: mktows-bench gen [LEADS [ATTRS]] | decode-mbps FILE [SECS] | profile decode|scan|encode|write|codegen [ITERS [LEADS]]"
    );
    std::process::exit(2)
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1)
}

/// Best-of-runs MB/s of `f` over `bytes` within `budget` (at least 3 runs). What `f` returns
/// is dropped after the clock stops, as the Python peers do (`del result` after timing).
fn best_mbps<T>(bytes: usize, budget: Duration, mut f: impl FnMut() -> T) -> (f64, usize) {
    let start = Instant::now();
    let mut best = f64::INFINITY;
    let mut runs = 0;
    while runs < 3 || start.elapsed() < budget {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed().as_secs_f64());
        drop(black_box(out));
        runs += 1;
    }
    (bytes as f64 / best / 1e6, runs)
}

/// Prints `name<TAB>MB/s<TAB>runs` lines for our decode and the bare scan.
fn decode_mbps(file: &str, budget: Duration) {
    let bytes = std::fs::read(file).unwrap_or_else(|e| fail(&format!("cannot read {file}: {e}")));
    let v = mktows_bench::decode_leads(&bytes).unwrap_or_else(|e| fail(&e));
    let leads = mktows_bench::lead_count(&v);
    drop(v);
    let (ours, n1) = best_mbps(bytes.len(), budget, || {
        mktows_bench::decode_leads(black_box(&bytes)).expect("decodes")
    });
    let (scan, n2) = best_mbps(bytes.len(), budget, || {
        baseline::bare_scan(black_box(&bytes)).expect("well-formed")
    });
    println!("bytes\t{}\tleads\t{leads}", bytes.len());
    println!("mktows-rs decode (generated types)\t{ours:.1}\t{n1}");
    println!("bare quick-xml scan (no decoding)\t{scan:.1}\t{n2}");
}

/// Runs one workload `iters` times on `leads` leads (decode/scan) or `leads` records (encode,
/// write), 20 attributes each.
fn profile(what: &str, iters: usize, leads: usize) {
    match what {
        "decode" | "scan" => {
            let bytes = data::leads_envelope(leads, data::DECODE_ATTRS);
            for _ in 0..iters {
                if what == "decode" {
                    black_box(mktows_bench::decode_leads(black_box(&bytes)).expect("decodes"));
                } else {
                    black_box(baseline::bare_scan(black_box(&bytes)).expect("well-formed"));
                }
            }
            println!("{what}: {iters} × {} bytes", bytes.len());
        }
        "encode" | "write" => {
            let params = data::sync_params(leads, data::ENCODE_ATTRS);
            let mut buf = Vec::new();
            for _ in 0..iters {
                buf.clear();
                buf = if what == "encode" {
                    mktows_bench::encode_sync(black_box(&params), buf).expect("encodes")
                } else {
                    baseline::bare_write_sync(black_box(&params), buf)
                };
                black_box(buf.len());
            }
            println!("{what}: {iters} × {} bytes", buf.len());
        }
        "codegen" => {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../wsdl/mktows.wsdl");
            let wsdl = std::fs::read(&path)
                .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", path.display())));
            let mut len = 0;
            for _ in 0..iters {
                let out = mktows_codegen::generate(
                    "wsdl/mktows.wsdl",
                    black_box(&wsdl),
                    mktows_codegen::Target::CrateRoot,
                )
                .unwrap_or_else(|e| fail(&e.to_string()));
                len = black_box(out.code.len());
            }
            println!("codegen: {iters} × {len} bytes of Rust");
        }
        other => usage(&format!("unknown workload {other}")),
    }
}
