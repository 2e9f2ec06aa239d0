//! `mktows-emulator`: runs the emulator as a standalone server. `--help` lists the options.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use mktows_emulator::{Emulator, InjectionRule, RateLimit, Seed, ServiceLimits, check_operation};

const HELP: &str = "\
mktows-emulator: a local Marketo SOAP API (mktows) service

USAGE:
    mktows-emulator [OPTIONS]

OPTIONS:
    --host ADDR              address to listen on (default 127.0.0.1)
    --port N                 port to listen on (default 8080; 0 picks a free one)
    --data FILE              JSON seed file (default: the built-in demo dataset)
    --empty                  start with no data at all
    --user-id ID             mktowsUserId to accept (env MARKETO_USER_ID; default: generated)
    --encryption-key KEY     encryption key (env MARKETO_ENCRYPTION_KEY; default: generated)
    --no-limits              switch off the daily quota, the rate and the concurrency limits
    --daily-quota N|off      calls per day, N >= 1 (default 10000) -> 20015
    --rate-limit N/SECS|off  calls per rolling window, N and SECS >= 1 (default 100/20) -> 20023
    --max-concurrent N|off   calls at once, N >= 1 (default 10) -> 20024
    --timestamp-window SECS  allowed requestTimestamp skew (default 900) -> 20016
    --lenient-timestamps     also accept `YYYY-MM-DD hh:mm:ss +hhmm` timestamps
    --clone-limit N          scheduleCampaign clones per day (default 10) -> 20114
    --import-polls N         status polls an import stays PROCESSING (default 1)
    --utc-offset +hh:mm      offset of the dateTimes the instance writes (default -06:00)
    --fault OP=SPEC          inject a fault; OP is an operation name (exact case, e.g.
                             getLead) or *, SPEC is
                             delay:MILLIS, drip:BYTES/MILLIS, drop, drop-after,
                             http503, truncate or fault:CODE, optionally followed
                             by *TIMES (repeatable)
    -h, --help               print this help
";

struct Options {
    host: IpAddr,
    port: u16,
    data: Option<PathBuf>,
    empty: bool,
    user_id: Option<String>,
    key: Option<String>,
    limits: ServiceLimits,
    window: Option<Duration>,
    lenient: bool,
    clone_limit: Option<u32>,
    import_polls: Option<u32>,
    utc_offset: Option<i32>,
    faults: Vec<(String, InjectionRule)>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut o = Options {
        host: IpAddr::from([127, 0, 0, 1]),
        port: 8080,
        data: None,
        empty: false,
        user_id: std::env::var("MARKETO_USER_ID")
            .ok()
            .filter(|s| !s.is_empty()),
        key: std::env::var("MARKETO_ENCRYPTION_KEY")
            .ok()
            .filter(|s| !s.is_empty()),
        limits: ServiceLimits::default(),
        window: None,
        lenient: false,
        clone_limit: None,
        import_polls: None,
        utc_offset: None,
        faults: Vec::new(),
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") && n != "--fault" => {
                (n.to_owned(), Some(v.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs {what}"))
        };
        let number = |v: String, name: &str| -> Result<u64, String> {
            v.parse::<u64>()
                .map_err(|_| format!("{name}: {v:?} is not a number"))
        };
        // A zero limit would refuse every call; `off` is the way to switch a limit off.
        let positive = |v: String, name: &str| -> Result<u64, String> {
            match number(v, name)? {
                0 => Err(format!(
                    "{name}: 0 would refuse every call (use at least 1, or off)"
                )),
                n => Ok(n),
            }
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--host" => {
                let v = value("an address")?;
                o.host = v
                    .parse()
                    .map_err(|_| format!("--host: {v:?} is not an IP address"))?;
            }
            "--port" => {
                let v = value("a port")?;
                o.port = v
                    .parse()
                    .map_err(|_| format!("--port: {v:?} is not a port"))?;
            }
            "--data" => o.data = Some(PathBuf::from(value("a file")?)),
            "--empty" => o.empty = true,
            "--user-id" => o.user_id = Some(value("a user id")?),
            "--encryption-key" => o.key = Some(value("a key")?),
            "--no-limits" => o.limits = ServiceLimits::off(),
            "--daily-quota" => {
                let v = value("a number or off")?;
                o.limits.daily_quota = if v == "off" {
                    None
                } else {
                    Some(positive(v, &name)?)
                };
            }
            "--rate-limit" => {
                let v = value("N/SECONDS or off")?;
                o.limits.rate = if v == "off" {
                    None
                } else {
                    let (n, secs) = v
                        .split_once('/')
                        .ok_or_else(|| format!("--rate-limit: expected N/SECONDS, got {v:?}"))?;
                    Some(RateLimit {
                        max_calls: usize::try_from(positive(n.to_owned(), &name)?)
                            .map_err(|_| "--rate-limit: too large".to_owned())?,
                        window: Duration::from_secs(positive(secs.to_owned(), &name)?),
                    })
                };
            }
            "--max-concurrent" => {
                let v = value("a number or off")?;
                o.limits.max_concurrent = if v == "off" {
                    None
                } else {
                    Some(
                        usize::try_from(positive(v, &name)?)
                            .map_err(|_| "--max-concurrent: too large".to_owned())?,
                    )
                };
            }
            "--timestamp-window" => {
                o.window = Some(Duration::from_secs(number(value("seconds")?, &name)?));
            }
            "--lenient-timestamps" => o.lenient = true,
            "--clone-limit" => {
                o.clone_limit = Some(
                    u32::try_from(number(value("a number")?, &name)?)
                        .map_err(|_| "--clone-limit: too large".to_owned())?,
                );
            }
            "--import-polls" => {
                o.import_polls = Some(
                    u32::try_from(number(value("a number")?, &name)?)
                        .map_err(|_| "--import-polls: too large".to_owned())?,
                );
            }
            "--utc-offset" => {
                let v = value("an offset")?;
                let off: mktows_runtime::sign::UtcOffset =
                    v.parse().map_err(|e| format!("--utc-offset: {e}"))?;
                o.utc_offset = Some(off.minutes());
            }
            "--fault" => {
                let v = value("OP=SPEC")?;
                let (op, spec) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--fault: expected OP=SPEC, got {v:?}"))?;
                check_operation(op).map_err(|e| e.message(" in --fault"))?;
                let rule: InjectionRule = spec.parse().map_err(|e| format!("--fault: {e}"))?;
                o.faults.push((op.to_owned(), rule));
            }
            other => return Err(format!("unknown option {other:?} (see --help)")),
        }
    }
    Ok(Some(o))
}

/// The `export NAME=value` lines printed on start, ready to paste into a POSIX shell so that
/// `Client::from_env()` sees them. The key is passed (and printed) only when it was generated:
/// a key the user chose is not echoed.
fn env_lines(endpoint: &str, user_id: &str, generated_key: Option<&str>) -> Vec<String> {
    let mut lines = vec![
        format!("export MARKETO_SOAP_ENDPOINT={}", shell_word(endpoint)),
        format!("export MARKETO_USER_ID={}", shell_word(user_id)),
    ];
    if let Some(key) = generated_key {
        lines.push(format!("export MARKETO_ENCRYPTION_KEY={}", shell_word(key)));
    }
    lines
}

/// `s` as one shell word: as is when it needs no quoting, otherwise in single quotes.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/@%+=".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(o)) => o,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mktows-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    let seed = if options.empty {
        Seed::default()
    } else if let Some(path) = &options.data {
        match Seed::from_file(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("mktows-emulator: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        Seed::demo()
    };
    let key_generated = options.key.is_none();
    let mut builder = Emulator::builder()
        .bind(SocketAddr::new(options.host, options.port))
        .seed(seed)
        .limits(options.limits)
        .lenient_timestamps(options.lenient)
        .credentials(
            options.user_id.unwrap_or_default(),
            options.key.unwrap_or_default(),
        );
    if let Some(w) = options.window {
        builder = builder.timestamp_window(w);
    }
    if let Some(n) = options.clone_limit {
        builder = builder.clone_calls_per_day(n);
    }
    if let Some(n) = options.import_polls {
        builder = builder.import_processing_polls(n);
    }
    if let Some(m) = options.utc_offset {
        builder = builder.utc_offset_minutes(m);
    }
    for (op, rule) in options.faults {
        builder = builder.inject(op, rule);
    }
    let emulator = match builder.start().await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("mktows-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("mktows emulator listening on {}", emulator.url());
    println!("WSDL: {}", emulator.wsdl_url());
    for line in env_lines(
        emulator.url(),
        emulator.user_id(),
        key_generated.then(|| emulator.encryption_key()),
    ) {
        println!("{line}");
    }
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Options>, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    fn error(args: &[&str]) -> String {
        match parse(args) {
            Err(e) => e,
            Ok(_) => panic!("{args:?} was accepted"),
        }
    }

    #[test]
    fn fault_needs_a_known_operation() {
        let o = parse(&["--fault", "getLead=drop", "--fault", "*=http503*2"])
            .expect("valid")
            .expect("not help");
        assert_eq!(o.faults.len(), 2);
        assert_eq!(o.faults[0].0, "getLead");
        assert_eq!(o.faults[1].0, "*");
        assert_eq!(
            error(&["--fault", "getlead=drop"]),
            "unknown operation `getlead` in --fault (did you mean `getLead`?)"
        );
        assert_eq!(
            error(&["--fault", "SCHEDULECAMPAIGN=fault:20011"]),
            "unknown operation `SCHEDULECAMPAIGN` in --fault (did you mean `scheduleCampaign`?)"
        );
        let e = error(&["--fault", "nope=drop"]);
        assert!(
            e.starts_with("unknown operation `nope` in --fault (expected `*` or one of: getLead,")
                && !e.contains('\n'),
            "{e}"
        );
        assert!(error(&["--fault", "getLead=explode"]).starts_with("--fault: invalid"));
        assert!(error(&["--fault", "getLead"]).contains("expected OP=SPEC"));
    }

    #[test]
    fn zero_limits_are_refused() {
        for args in [
            &["--rate-limit", "0/0"][..],
            &["--rate-limit", "0/20"],
            &["--rate-limit", "100/0"],
            &["--rate-limit=0/20"],
            &["--max-concurrent", "0"],
            &["--daily-quota", "0"],
            &["--daily-quota=0"],
        ] {
            let e = error(args);
            assert!(e.contains("0 would refuse every call"), "{args:?}: {e}");
            assert!(e.starts_with("--"), "{e}");
        }
        let o = parse(&[
            "--rate-limit",
            "5/1",
            "--max-concurrent",
            "1",
            "--daily-quota",
            "1",
        ])
        .expect("valid")
        .expect("not help");
        assert_eq!(
            o.limits.rate,
            Some(RateLimit {
                max_calls: 5,
                window: Duration::from_secs(1)
            })
        );
        assert_eq!(o.limits.max_concurrent, Some(1));
        assert_eq!(o.limits.daily_quota, Some(1));
        let o = parse(&[
            "--rate-limit",
            "off",
            "--max-concurrent",
            "off",
            "--daily-quota",
            "off",
        ])
        .expect("valid")
        .expect("not help");
        assert_eq!(o.limits, ServiceLimits::off());
    }

    #[test]
    fn unknown_options_are_refused() {
        assert!(error(&["--bogus"]).starts_with("unknown option"));
        assert!(parse(&["--help"]).expect("ok").is_none());
    }

    #[test]
    fn credential_lines_are_exported() {
        let url = "http://127.0.0.1:8080/soap/mktows/2_3";
        assert_eq!(
            env_lines(url, "demo_user_1", Some("demo-key-2")),
            [
                "export MARKETO_SOAP_ENDPOINT=http://127.0.0.1:8080/soap/mktows/2_3",
                "export MARKETO_USER_ID=demo_user_1",
                "export MARKETO_ENCRYPTION_KEY=demo-key-2",
            ]
        );
        // A key the user chose is not echoed.
        let lines = env_lines(url, "me", None);
        assert_eq!(lines.len(), 2);
        assert!(!lines.iter().any(|l| l.contains("ENCRYPTION_KEY")));
        assert_eq!(
            env_lines(url, "it's me", None)[1],
            r"export MARKETO_USER_ID='it'\''s me'"
        );
    }
}
