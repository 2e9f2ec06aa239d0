//! The `codegen` command line: exit codes and one-line located errors.

use std::process::Command;

fn codegen(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("mktows-codegen-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn generate_writes_lib_rs() {
    let out = temp_dir("ok");
    let wsdl = concat!(env!("CARGO_MANIFEST_DIR"), "/../wsdl/mktows.wsdl");
    let (ok, _, stderr) = codegen(&[
        "generate",
        "--wsdl",
        wsdl,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(ok, "{stderr}");
    let code = std::fs::read_to_string(out.join("lib.rs")).expect("lib.rs written");
    assert!(code.contains("pub async fn schedule_campaign("));
    assert!(code.contains("headers: &RequestHeaders,"));
}

#[test]
fn bad_wsdl_is_one_located_line_and_a_failure() {
    let dir = temp_dir("bad");
    let wsdl = dir.join("broken.wsdl");
    std::fs::write(
        &wsdl,
        "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\">\n  <types>\n    <oops>\n</definitions>\n",
    )
    .expect("write");
    let (ok, _, stderr) = codegen(&[
        "generate",
        "--wsdl",
        wsdl.to_str().expect("utf-8"),
        "--out",
        dir.join("out").to_str().expect("utf-8"),
    ]);
    assert!(!ok, "must fail");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(
        lines[0].contains("broken.wsdl:4:1: malformed XML"),
        "{stderr}"
    );
    assert!(!dir.join("out/lib.rs").exists(), "nothing written on error");
}

#[test]
fn missing_file_and_bad_usage_fail_cleanly() {
    let (ok, _, stderr) = codegen(&[
        "generate",
        "--wsdl",
        "/nonexistent/x.wsdl",
        "--out",
        "/tmp/x",
    ]);
    assert!(!ok);
    assert!(
        stderr.contains("/nonexistent/x.wsdl: cannot read"),
        "{stderr}"
    );
    let (ok, _, stderr) = codegen(&["generate", "--wsdl"]);
    assert!(!ok);
    assert!(stderr.contains("`--wsdl` needs a value"), "{stderr}");
    let (ok, _, stderr) = codegen(&["frobnicate"]);
    assert!(!ok);
    assert!(stderr.contains("unknown command `frobnicate`"), "{stderr}");
}

#[test]
fn check_reports_drift_with_the_command_to_run() {
    let dir = temp_dir("drift");
    std::fs::write(dir.join("lib.rs"), "// stale\n").expect("write");
    let wsdl = concat!(env!("CARGO_MANIFEST_DIR"), "/../wsdl/mktows.wsdl");
    let out = dir.to_str().expect("utf-8");
    let (ok, _, stderr) = codegen(&["check", "--wsdl", wsdl, "--out", out]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!(
            "regenerate with: cargo run -p mktows-codegen -- generate --wsdl {wsdl} --out {out}"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("--proptest"), "not asked for: {stderr}");
}

#[test]
fn check_without_arguments_finds_the_repository_from_a_subdirectory() {
    let out = Command::new(env!("CARGO_BIN_EXE_codegen"))
        .arg("check")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/render"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("generated/src/lib.rs is up to date"),
        "{stdout}"
    );
}
