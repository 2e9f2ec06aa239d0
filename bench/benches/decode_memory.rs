//! Peak heap while decoding, against the deep size of the decoded value (issue 5: peak ≤ 2 ×
//! the final size of the decoded data, and never a DOM of the body).
//!
//! A counting global allocator tracks the bytes currently allocated and their peak. The input
//! is read before counting starts and stays alive throughout, so it is not part of the peak.
//! `realloc` is counted as "allocate the new block, then free the old one" (the old and the new
//! block both exist for a moment when the allocator has to move it): an upper bound.

#![allow(unsafe_code)] // `unsafe impl GlobalAlloc`, only here (see Cargo.toml).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use mktows_bench::deep_size::{DeepSize, deep_size};
use mktows_bench::{baseline, data, report};

/// The system allocator, counting.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

fn grow(by: usize) {
    let now = CURRENT.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the
// counters are plain atomics and never affect what is returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        grow(layout.size());
        // SAFETY: forwarded from the caller, who upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        grow(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `ptr` was allocated by `System` with `layout` (all allocations go through
        // this type).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        // Upper bound: both blocks at once, then the old one goes.
        grow(new_size);
        CURRENT.fetch_sub(layout.size(), Relaxed);
        // SAFETY: as for `dealloc`; `new_size` comes from the caller under `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap use of one measured section.
struct Section {
    /// Peak bytes above the level at the start of the section.
    peak: usize,
    /// Allocation calls (alloc + realloc) in the section.
    allocs: usize,
}

fn measure<R>(f: impl FnOnce() -> R) -> (R, Section) {
    let base = CURRENT.load(Relaxed);
    PEAK.store(base, Relaxed);
    let allocs = ALLOCS.load(Relaxed);
    let r = f();
    let section = Section {
        peak: PEAK.load(Relaxed) - base,
        allocs: ALLOCS.load(Relaxed) - allocs,
    };
    (r, section)
}

fn mib(b: usize) -> String {
    format!("{:.2} MiB", b as f64 / (1024.0 * 1024.0))
}

fn decode_case(leads: usize) -> bool {
    let bytes = data::leads_envelope(leads, data::DECODE_ATTRS);
    let (v, dec) = measure(|| mktows_bench::decode_leads(&bytes).expect("decodes"));
    assert_eq!(mktows_bench::lead_count(&v), leads);
    let size = deep_size(&v);
    let blocks = v.heap_blocks();
    let ratio = dec.peak as f64 / size as f64;
    let met = ratio <= 2.0;
    println!(
        "decode {leads} leads × {} attrs: input {} | peak heap during decode {} | deep size of the result {} | peak / result {ratio:.3} (target ≤ 2: {}) | transient above the result {} | allocations {} for {} blocks owned by the result",
        data::DECODE_ATTRS,
        mib(bytes.len()),
        mib(dec.peak),
        mib(size),
        if met { "met" } else { "MISSED" },
        mib(dec.peak.saturating_sub(size)),
        dec.allocs,
        blocks,
    );
    black_box(v);
    met
}

fn main() {
    // `cargo test --benches` runs this too: keep that quick with the small case only.
    let sizes: &[usize] = if report::is_bench_mode() {
        &[1_000, data::DECODE_LEADS]
    } else {
        &[1_000]
    };
    println!("== decode memory (counting global allocator; input excluded) ==");
    let mut all_met = true;
    for &leads in sizes {
        all_met &= decode_case(leads);
    }
    let bytes = data::leads_envelope(sizes[sizes.len() - 1], data::DECODE_ATTRS);
    let (_, scan) = measure(|| baseline::bare_scan(&bytes).expect("well-formed"));
    println!(
        "baseline bare quick-xml scan of the same input: peak heap {} in {} allocations",
        mib(scan.peak),
        scan.allocs
    );
    println!(
        "decode memory target: {}",
        if all_met { "met" } else { "MISSED" }
    );
}
