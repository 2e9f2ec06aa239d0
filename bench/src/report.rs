//! Ratio tables printed at the end of each bench binary, from the estimates criterion wrote
//! in this run.
//!
//! Criterion prints every benchmark on its own; the targets of issue 5 are ratios between a
//! benchmark and its baseline measured in the same run. These helpers read the medians back
//! from `target/criterion/<group>/<id>/new/estimates.json`, ignoring files older than the
//! start of the run (so a filtered run never mixes in stale numbers).

use std::path::PathBuf;
use std::time::SystemTime;

/// Whether the binary runs as a benchmark (`cargo bench` passes `--bench`), rather than as a
/// quick smoke test (`cargo test --benches`).
pub fn is_bench_mode() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Where criterion keeps its estimates (`$CRITERION_HOME`, else `target/criterion`).
fn criterion_dir() -> PathBuf {
    match std::env::var_os("CRITERION_HOME") {
        Some(d) => PathBuf::from(d),
        None => crate::data::target_dir().join("criterion"),
    }
}

/// The median time per iteration, in nanoseconds, of benchmark `group/id`, if criterion wrote
/// it after `since`.
pub fn median_ns(group: &str, id: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(id)
        .join("new")
        .join("estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let json = std::fs::read_to_string(&path).ok()?;
    point_estimate(&json, "median")
}

/// The fastest sample of benchmark `group/id` (time per iteration, nanoseconds), if criterion
/// wrote it after `since`: on a shared machine the least-disturbed estimate.
pub fn best_ns(group: &str, id: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(id)
        .join("new")
        .join("sample.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let json = std::fs::read_to_string(&path).ok()?;
    let iters = number_array(&json, "iters")?;
    let times = number_array(&json, "times")?;
    iters
        .iter()
        .zip(&times)
        .filter(|(i, _)| **i > 0.0)
        .map(|(i, t)| t / i)
        .min_by(f64::total_cmp)
}

/// The array of numbers under `key` in a flat JSON object.
fn number_array(json: &str, key: &str) -> Option<Vec<f64>> {
    let key = format!("\"{key}\":[");
    let rest = json.get(json.find(&key)? + key.len()..)?;
    let body = rest.get(..rest.find(']')?)?;
    body.split(',').map(|n| n.trim().parse().ok()).collect()
}

/// `point_estimate` of the statistic `stat` in criterion's `estimates.json`.
fn point_estimate(json: &str, stat: &str) -> Option<f64> {
    let key = format!("\"{stat}\":");
    let after = json.get(json.find(&key)? + key.len()..)?;
    let pe = "\"point_estimate\":";
    let num = after.get(after.find(pe)? + pe.len()..)?;
    let end = num.find([',', '}'])?;
    num.get(..end)?.trim().parse().ok()
}

/// Formats nanoseconds with a fitting unit.
pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// MB/s (10^6 bytes per second) for `bytes` processed in `ns`.
pub fn mb_per_s(bytes: usize, ns: f64) -> f64 {
    bytes as f64 / ns * 1e3
}

/// One benchmark compared with its baseline in the same run.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// What is measured, e.g. `decode 10,000 leads × 20 attrs`.
    pub what: String,
    /// Criterion group.
    pub group: String,
    /// Benchmark id of ours.
    pub ours: String,
    /// Benchmark id of the baseline.
    pub baseline: String,
    /// Bytes processed per iteration (for MB/s), if meaningful.
    pub bytes: Option<usize>,
    /// Target for `baseline time / our time` (our share of the baseline's throughput);
    /// `None` for a comparison that is only informational.
    pub min_ratio: Option<f64>,
}

/// Prints one line per comparison: both medians, MB/s, the ratio and whether the target is
/// met. Comparisons not measured in this run say so.
pub fn print_comparisons(title: &str, since: SystemTime, rows: &[Comparison]) {
    println!();
    println!("== {title}: ours vs. baseline, same run (median) ==");
    for r in rows {
        let ours = median_ns(&r.group, &r.ours, since);
        let base = median_ns(&r.group, &r.baseline, since);
        let (Some(ours), Some(base)) = (ours, base) else {
            println!("{}: not measured in this run", r.what);
            continue;
        };
        let ratio = base / ours;
        let speed = |ns| match r.bytes {
            Some(b) => format!(" ({:.1} MB/s)", mb_per_s(b, ns)),
            None => String::new(),
        };
        let verdict = match r.min_ratio {
            Some(min) => format!(
                " (target ≥ {min:.2}×: {})",
                if ratio >= min { "met" } else { "MISSED" }
            ),
            None => String::new(),
        };
        println!(
            "{}: ours {}{} | baseline {} {}{} | ratio {ratio:.2}×{verdict}",
            r.what,
            fmt_ns(ours),
            speed(ours),
            r.baseline,
            fmt_ns(base),
            speed(base),
        );
    }
}

/// Prints an absolute target line: the median of `group/id`, and its fastest sample, against
/// `max_ns`. The verdict goes by the median.
pub fn print_absolute(what: &str, group: &str, id: &str, since: SystemTime, max_ns: f64) {
    match median_ns(group, id, since) {
        Some(ns) => {
            let best = best_ns(group, id, since)
                .map(|b| format!(", fastest sample {}", fmt_ns(b)))
                .unwrap_or_default();
            println!(
                "{what}: median {}{best} (target ≤ {}: {})",
                fmt_ns(ns),
                fmt_ns(max_ns),
                if ns <= max_ns { "met" } else { "MISSED" }
            )
        }
        None => println!("{what}: not measured in this run"),
    }
}

/// Timings of two workloads measured in alternation (see [`paired`]).
#[derive(Debug, Clone)]
pub struct Paired {
    /// Rounds measured.
    pub rounds: usize,
    /// Fastest round of ours, nanoseconds per iteration.
    pub ours_best: f64,
    /// Fastest round of the baseline, nanoseconds per iteration.
    pub base_best: f64,
    /// Median over rounds of `baseline time / our time` within the round.
    pub median_ratio: f64,
}

/// Measures `ours` and `base` in alternation, `rounds` times, each `iters` iterations per
/// round (the order flips every round). Load on a shared machine changes over seconds; a
/// ratio taken within each round, between two measurements a fraction of a second apart, is
/// far steadier than one between two benchmarks measured minutes apart. What the closures
/// return is dropped after the clock stops (like criterion's `iter_with_large_drop`).
pub fn paired<A, B>(
    rounds: usize,
    iters: usize,
    mut ours: impl FnMut() -> A,
    mut base: impl FnMut() -> B,
) -> Paired {
    fn time<T>(iters: usize, f: &mut dyn FnMut() -> T) -> f64 {
        let mut outputs = Vec::with_capacity(iters);
        let t = std::time::Instant::now();
        for _ in 0..iters {
            outputs.push(f());
        }
        let ns = t.elapsed().as_nanos() as f64 / iters as f64;
        drop(std::hint::black_box(outputs));
        ns
    }
    let mut ratios = Vec::with_capacity(rounds);
    let (mut ours_best, mut base_best) = (f64::INFINITY, f64::INFINITY);
    for round in 0..rounds.max(1) {
        let (o, b) = if round % 2 == 0 {
            let o = time(iters, &mut ours);
            (o, time(iters, &mut base))
        } else {
            let b = time(iters, &mut base);
            (time(iters, &mut ours), b)
        };
        ours_best = ours_best.min(o);
        base_best = base_best.min(b);
        ratios.push(b / o);
    }
    ratios.sort_by(f64::total_cmp);
    Paired {
        rounds: ratios.len(),
        ours_best,
        base_best,
        median_ratio: ratios[ratios.len() / 2],
    }
}

/// Prints a [`paired`] result with its target.
pub fn print_paired(what: &str, p: &Paired, bytes: Option<usize>, min_ratio: f64) {
    let speed = |ns| match bytes {
        Some(b) => format!(" ({:.1} MB/s)", mb_per_s(b, ns)),
        None => String::new(),
    };
    println!(
        "{what} [interleaved, {} rounds]: ours best {}{} | baseline best {}{} | ratio of bests {:.2}× | median per-round ratio {:.2}× (target ≥ {min_ratio:.2}×: {})",
        p.rounds,
        fmt_ns(p.ours_best),
        speed(p.ours_best),
        fmt_ns(p.base_best),
        speed(p.base_best),
        p.base_best / p.ours_best,
        p.median_ratio,
        if p.median_ratio >= min_ratio {
            "met"
        } else {
            "MISSED"
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_point_estimates() {
        let json = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.5,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.25,"standard_error":0.1}}"#;
        assert_eq!(point_estimate(json, "median"), Some(2.25));
        assert_eq!(point_estimate(json, "mean"), Some(2.5));
        assert_eq!(point_estimate(json, "slope"), None);
    }

    #[test]
    fn reads_samples() {
        let json = r#"{"sampling_mode":"Flat","iters":[2.0,4.0],"times":[10.0,12.0]}"#;
        assert_eq!(number_array(json, "iters"), Some(vec![2.0, 4.0]));
        assert_eq!(number_array(json, "times"), Some(vec![10.0, 12.0]));
        assert_eq!(number_array(json, "none"), None);
    }

    #[test]
    fn pairs_alternate() {
        let work = || std::hint::black_box((0..1000u64).sum::<u64>());
        let p = paired(3, 2, work, work);
        assert_eq!(p.rounds, 3);
        assert!(p.ours_best >= 0.0 && p.base_best >= 0.0);
    }

    #[test]
    fn formats() {
        assert_eq!(fmt_ns(1500.0), "1.50 µs");
        assert_eq!(fmt_ns(2.5e7), "25.00 ms");
        assert!((mb_per_s(1_000_000, 1e9) - 1.0).abs() < 1e-9);
    }
}
