//! `codegen`: the command-line front end of `mktows-codegen`.

use mktows_codegen::{Options, Target, generate_file_with};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  codegen generate --wsdl FILE --out DIR [--proptest]
      write DIR/lib.rs generated from FILE; --proptest adds proptest Arbitrary impls behind
      the crate's `proptest` feature (declare it as `proptest = [\"mktows-runtime/proptest\"]`)
  codegen check [--wsdl FILE --out DIR [--proptest]]
      fail if DIR/lib.rs differs from what FILE generates; without arguments, checks the
      repository's generated/ against wsdl/mktows.wsdl (with --proptest, as it is generated)";

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
        "check" => match (opts.wsdl, opts.out) {
            // The project's own check: found from any directory inside the repository, with the
            // options the checked-in crate is generated with.
            (None, None) => {
                let root = project_root()?;
                check(
                    &root.join("wsdl/mktows.wsdl"),
                    &root.join("generated/src"),
                    true,
                    REGENERATE,
                )
            }
            (Some(wsdl), Some(out)) => {
                let command = format!(
                    "cargo run -p mktows-codegen -- generate --wsdl {} --out {}{}",
                    wsdl.display(),
                    out.display(),
                    if opts.proptest { " --proptest" } else { "" }
                );
                check(&wsdl, &out, opts.proptest, &command)
            }
            _ => Err(format!(
                "check takes both --wsdl and --out, or neither\n{USAGE}"
            )),
        },
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

/// The nearest directory upwards from here that holds `wsdl/mktows.wsdl` and `generated/`.
fn project_root() -> Result<PathBuf, String> {
    let here =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    here.ancestors()
        .find(|d| d.join("wsdl/mktows.wsdl").is_file() && d.join("generated").is_dir())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "{}: not inside the mktows-rs repository (no wsdl/mktows.wsdl above); pass --wsdl and --out",
                here.display()
            )
        })
}

fn check(wsdl: &Path, out: &Path, proptest: bool, regenerate: &str) -> Result<(), String> {
    let options = Options {
        target: Target::CrateRoot,
        proptest,
    };
    let generated = generate_file_with(wsdl, options).map_err(|e| e.to_string())?;
    let path = out.join("lib.rs");
    let current = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: cannot read: {e}; generate it with: {regenerate}",
            path.display()
        )
    })?;
    if current == generated.code {
        println!("{} is up to date with {}", path.display(), wsdl.display());
        Ok(())
    } else {
        Err(format!(
            "{} differs from what {} generates; regenerate with: {regenerate}",
            path.display(),
            wsdl.display()
        ))
    }
}
