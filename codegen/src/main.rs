//! `codegen`: the command-line front end of `mktows-codegen`.

use mktows_codegen::{Options, Target, generate_file_with};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  codegen generate --wsdl FILE --out DIR [--proptest]
      write DIR/lib.rs generated from FILE; --proptest adds proptest Arbitrary impls behind
      the crate's `proptest` feature (declare it as `proptest = [\"mktows-runtime/proptest\"]`)
  codegen check [--wsdl FILE] [--out DIR]
      fail if DIR/lib.rs differs from what FILE generates (defaults: wsdl/mktows.wsdl,
      generated/src, --proptest on, as the checked-in crate is generated)";

const REGENERATE: &str = "cargo run -p mktows-codegen -- generate --wsdl wsdl/mktows.wsdl --out generated/src --proptest";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Args {
    wsdl: Option<PathBuf>,
    out: Option<PathBuf>,
    proptest: bool,
}

fn options(args: &[String]) -> Result<Args, String> {
    let mut opts = Args {
        wsdl: None,
        out: None,
        proptest: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let slot = match arg.as_str() {
            "--proptest" => {
                opts.proptest = true;
                continue;
            }
            "--wsdl" => &mut opts.wsdl,
            "--out" => &mut opts.out,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        };
        let value = it
            .next()
            .ok_or_else(|| format!("`{arg}` needs a value\n{USAGE}"))?;
        *slot = Some(PathBuf::from(value));
    }
    Ok(opts)
}

fn run(args: &[String]) -> Result<(), String> {
    let (command, rest) = args.split_first().ok_or_else(|| USAGE.to_owned())?;
    let opts = options(rest)?;
    match command.as_str() {
        "generate" => {
            let wsdl = opts
                .wsdl
                .ok_or_else(|| format!("generate needs --wsdl\n{USAGE}"))?;
            let out = opts
                .out
                .ok_or_else(|| format!("generate needs --out\n{USAGE}"))?;
            let generated = generate_file_with(
                &wsdl,
                Options {
                    target: Target::CrateRoot,
                    proptest: opts.proptest,
                },
            )
            .map_err(|e| e.to_string())?;
            for note in &generated.notes {
                eprintln!("note: {note}");
            }
            std::fs::create_dir_all(&out)
                .map_err(|e| format!("{}: cannot create: {e}", out.display()))?;
            let path = out.join("lib.rs");
            std::fs::write(&path, generated.code)
                .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
            eprintln!("wrote {}", path.display());
            Ok(())
        }
        "check" => {
            let wsdl = opts
                .wsdl
                .unwrap_or_else(|| PathBuf::from("wsdl/mktows.wsdl"));
            let out = opts.out.unwrap_or_else(|| PathBuf::from("generated/src"));
            check(&wsdl, &out)
        }
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

fn check(wsdl: &Path, out: &Path) -> Result<(), String> {
    let options = Options {
        target: Target::CrateRoot,
        proptest: true,
    };
    let generated = generate_file_with(wsdl, options).map_err(|e| e.to_string())?;
    let path = out.join("lib.rs");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current == generated.code {
        println!("{} is up to date with {}", path.display(), wsdl.display());
        Ok(())
    } else {
        Err(format!(
            "{} differs from what {} generates; regenerate with: {REGENERATE}",
            path.display(),
            wsdl.display()
        ))
    }
}
