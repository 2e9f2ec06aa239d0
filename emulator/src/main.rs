//! `mktows-emulator`: runs the emulator as a standalone server. `--help` lists the options.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use mktows_emulator::{Emulator, InjectionRule, RateLimit, Seed, ServiceLimits};

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
    --daily-quota N|off      calls per day (default 10000) -> 20015
    --rate-limit N/SECS|off  calls per rolling window (default 100/20) -> 20023
    --max-concurrent N|off   calls at once (default 10) -> 20024
    --timestamp-window SECS  allowed requestTimestamp skew (default 900) -> 20016
    --lenient-timestamps     also accept `YYYY-MM-DD hh:mm:ss +hhmm` timestamps
    --clone-limit N          scheduleCampaign clones per day (default 10) -> 20114
    --import-polls N         status polls an import stays PROCESSING (default 1)
    --utc-offset +hh:mm      offset of the dateTimes the instance writes (default -06:00)
    --fault OP=SPEC          inject a fault; OP is an operation name or *, SPEC is
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
                    Some(number(v, &name)?)
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
                        max_calls: usize::try_from(number(n.to_owned(), &name)?)
                            .map_err(|_| "--rate-limit: too large".to_owned())?,
                        window: Duration::from_secs(number(secs.to_owned(), &name)?),
                    })
                };
            }
            "--max-concurrent" => {
                let v = value("a number or off")?;
                o.limits.max_concurrent = if v == "off" {
                    None
                } else {
                    Some(
                        usize::try_from(number(v, &name)?)
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
                let rule: InjectionRule = spec.parse().map_err(|e| format!("--fault: {e}"))?;
                o.faults.push((op.to_owned(), rule));
            }
            other => return Err(format!("unknown option {other:?} (see --help)")),
        }
    }
    Ok(Some(o))
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
    println!("MARKETO_SOAP_ENDPOINT={}", emulator.url());
    println!("MARKETO_USER_ID={}", emulator.user_id());
    // A key the user chose is not echoed; a generated one must be shown to be usable.
    if key_generated {
        println!("MARKETO_ENCRYPTION_KEY={}", emulator.encryption_key());
    }
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
