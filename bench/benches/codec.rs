//! Decode and encode throughput against bare quick-xml baselines, in the same run.
//!
//! - decode: a `successGetMultipleLeads` envelope of 10,000 leads × 20 attributes (about 22 MB,
//!   written to `target/mktows-bench/`) into `mktows::SuccessGetMultipleLeads` through
//!   `mktows_runtime::soap::read_response`; baseline: a bare `quick_xml::NsReader<&[u8]>` event
//!   loop over the same bytes (the reader type the runtime uses).
//! - encode: `paramsSyncMultipleLeads` with 300 leads × 20 attributes through the generated
//!   `Encode` and the runtime `Writer`; baseline: a bare `quick_xml::Writer` emitting the same
//!   bytes (checked once before timing).

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, Throughput};
use mktows_bench::report::{self, Comparison};
use mktows_bench::{baseline, data};

fn decode(c: &mut Criterion) {
    let path = data::write_leads_file(data::DECODE_LEADS, data::DECODE_ATTRS).expect("write data");
    let bytes = std::fs::read(&path).expect("read data");
    // Sanity, outside the timing: the decode is complete and the scan sees the same document.
    let v = mktows_bench::decode_leads(&bytes).expect("decodes");
    assert_eq!(mktows_bench::lead_count(&v), data::DECODE_LEADS);
    drop(v);
    let (_, events) = baseline::bare_scan(&bytes).expect("well-formed");
    println!(
        "decode input: {} ({} bytes, {events} events); baseline reader: {}",
        path.display(),
        bytes.len(),
        baseline::READER_TYPE
    );

    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(12));
    // The decoded value (27.5 MB in 590,000 heap blocks) is dropped outside the timing: freeing
    // it is the caller's cost, later, and the same for any decoder into owned types.
    g.bench_function("mktows_decode", |b| {
        b.iter_with_large_drop(|| mktows_bench::decode_leads(black_box(&bytes)).expect("decodes"))
    });
    // For reference: the same with the drop inside the timing.
    g.bench_function("mktows_decode_and_drop", |b| {
        b.iter(|| mktows_bench::decode_leads(black_box(&bytes)).expect("decodes"))
    });
    g.bench_function("bare_scan", |b| {
        b.iter(|| baseline::bare_scan(black_box(&bytes)).expect("well-formed"))
    });
    g.finish();
}

fn encode(c: &mut Criterion) -> usize {
    let params = data::sync_params(data::ENCODE_LEADS, data::ENCODE_ATTRS);
    let ours = mktows_bench::encode_sync(&params, Vec::new()).expect("encodes");
    let bare = baseline::bare_write_sync(&params, Vec::new());
    assert!(
        ours == bare,
        "the bare writer must emit the same bytes as the generated Encode"
    );
    let len = ours.len();
    println!("encode output: {len} bytes, identical for both writers");

    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Bytes(len as u64));
    // Both writers append to a reused buffer that is already large enough.
    let mut buf = Vec::with_capacity(len);
    g.bench_function("mktows_encode", |b| {
        b.iter(|| {
            buf.clear();
            buf = mktows_bench::encode_sync(black_box(&params), std::mem::take(&mut buf))
                .expect("encodes");
            black_box(buf.len())
        })
    });
    let mut buf = Vec::with_capacity(len);
    g.bench_function("bare_writer", |b| {
        b.iter(|| {
            buf.clear();
            buf = baseline::bare_write_sync(black_box(&params), std::mem::take(&mut buf));
            black_box(buf.len())
        })
    });
    g.finish();
    len
}

fn main() {
    let since = SystemTime::now();
    let mut c = Criterion::default().configure_from_args();
    decode(&mut c);
    let encoded = encode(&mut c);
    c.final_summary();
    let bytes = data::leads_envelope(data::DECODE_LEADS, data::DECODE_ATTRS);
    let decode_what = format!(
        "decode {} leads × {} attrs",
        data::DECODE_LEADS,
        data::DECODE_ATTRS
    );
    let encode_what = format!(
        "encode {} leads × {} attrs",
        data::ENCODE_LEADS,
        data::ENCODE_ATTRS
    );
    report::print_comparisons(
        "codec",
        since,
        &[
            Comparison {
                what: decode_what.clone(),
                group: "decode".into(),
                ours: "mktows_decode".into(),
                baseline: "bare_scan".into(),
                bytes: Some(bytes.len()),
                min_ratio: Some(0.5),
            },
            Comparison {
                what: format!("{decode_what}, drop of the result included"),
                group: "decode".into(),
                ours: "mktows_decode_and_drop".into(),
                baseline: "bare_scan".into(),
                bytes: Some(bytes.len()),
                min_ratio: None,
            },
            Comparison {
                what: encode_what.clone(),
                group: "encode".into(),
                ours: "mktows_encode".into(),
                baseline: "bare_writer".into(),
                bytes: Some(encoded),
                min_ratio: Some(0.7),
            },
        ],
    );

    // The same comparisons measured in alternation, which the load of a shared machine
    // disturbs far less (see `report::paired`).
    // Skipped by `cargo test --benches`, which only checks that the benchmarks run.
    if !report::is_bench_mode() {
        return;
    }
    let (rounds, encode_iters) = (11, 300);
    let p = report::paired(
        rounds,
        1,
        || mktows_bench::decode_leads(black_box(&bytes)).expect("decodes"),
        || baseline::bare_scan(black_box(&bytes)).expect("well-formed"),
    );
    report::print_paired(&decode_what, &p, Some(bytes.len()), 0.5);
    let params = data::sync_params(data::ENCODE_LEADS, data::ENCODE_ATTRS);
    let mut ours_buf = Vec::with_capacity(encoded);
    let mut base_buf = Vec::with_capacity(encoded);
    let p = report::paired(
        rounds,
        encode_iters,
        || {
            ours_buf.clear();
            ours_buf = mktows_bench::encode_sync(black_box(&params), std::mem::take(&mut ours_buf))
                .expect("encodes");
            ours_buf.len()
        },
        || {
            base_buf.clear();
            base_buf = baseline::bare_write_sync(black_box(&params), std::mem::take(&mut base_buf));
            base_buf.len()
        },
    );
    report::print_paired(&encode_what, &p, Some(encoded), 0.7);
}
