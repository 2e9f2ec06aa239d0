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
    /// Target for `baseline time / our time` (our share of the baseline's throughput).
    pub min_ratio: f64,
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
        println!(
            "{}: ours {}{} | baseline {} {}{} | ratio {:.2}× (target ≥ {:.2}×: {})",
            r.what,
            fmt_ns(ours),
            speed(ours),
            r.baseline,
            fmt_ns(base),
            speed(base),
            ratio,
            r.min_ratio,
            if ratio >= r.min_ratio {
                "met"
            } else {
                "MISSED"
            },
        );
    }
}

/// Prints an absolute target line: median of `group/id` against `max_ns`.
pub fn print_absolute(what: &str, group: &str, id: &str, since: SystemTime, max_ns: f64) {
    match median_ns(group, id, since) {
        Some(ns) => println!(
            "{what}: {} (target ≤ {}: {})",
            fmt_ns(ns),
            fmt_ns(max_ns),
            if ns <= max_ns { "met" } else { "MISSED" }
        ),
        None => println!("{what}: not measured in this run"),
    }
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
    fn formats() {
        assert_eq!(fmt_ns(1500.0), "1.50 µs");
        assert_eq!(fmt_ns(2.5e7), "25.00 ms");
        assert!((mb_per_s(1_000_000, 1e9) - 1.0).abs() < 1e-9);
    }
}
