//! Shared plumbing of the examples: choosing the target (the embedded emulator, or a real
//! endpoint from the environment) and printing the runtime's raw XML log for `--debug`.

use std::error::Error;
use std::fmt::Write as _;
use std::process::ExitCode;

use mktows_emulator::{Emulator, RunningEmulator};
use mktows_runtime::config::{ENV_ENCRYPTION_KEY, ENV_ENDPOINT, ENV_USER_ID};

/// Where the example's calls go.
pub struct Target {
    /// The typed client.
    pub client: mktows::Client,
    /// The embedded emulator, when no real endpoint is configured; its state shows what the
    /// calls did.
    pub emulator: Option<RunningEmulator>,
}

impl Target {
    /// One line naming the target.
    pub fn describe(&self) -> String {
        match &self.emulator {
            Some(e) => format!("embedded emulator at {}", e.url()),
            None => format!("{} (from {ENV_ENDPOINT})", self.client.runtime().endpoint()),
        }
    }
}

/// The command-line arguments after the program name.
pub fn args() -> Vec<String> {
    std::env::args().skip(1).collect()
}

/// Whether `--debug` is among `args`.
pub fn debug_flag(args: &[String]) -> bool {
    args.iter().any(|a| a == "--debug")
}

/// Whether `-h` or `--help` is among `args`.
pub fn help_flag(args: &[String]) -> bool {
    args.iter().any(|a| a == "-h" || a == "--help")
}

/// Checks the arguments of an example that takes only `--debug` (and `-h`/`--help`).
pub fn only_debug_flag(args: &[String]) -> Result<(), String> {
    match args
        .iter()
        .find(|a| !matches!(a.as_str(), "--debug" | "-h" | "--help"))
    {
        Some(other) => Err(format!("unknown argument {other:?}")),
        None => Ok(()),
    }
}

/// Prints `program: message (usage: usage)` to stderr and returns the usage-error exit code, 2.
pub fn usage_error(program: &str, message: &str, usage: &str) -> ExitCode {
    eprintln!("{program}: {message} (usage: {usage})");
    ExitCode::from(2)
}

/// Where the environment says the calls go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvTarget {
    /// None of the three variables is set: the embedded emulator.
    Emulator,
    /// All three are set: the real endpoint they name.
    Endpoint,
}

/// Decides the target from the three variables as `lookup` reports them (an empty value counts
/// as unset): none set → the emulator, all set → the endpoint; some but not all is an error
/// naming the missing ones, rather than silently using the emulator.
pub fn env_target(lookup: impl Fn(&str) -> Option<String>) -> Result<EnvTarget, String> {
    let vars = [ENV_ENDPOINT, ENV_USER_ID, ENV_ENCRYPTION_KEY];
    let missing: Vec<&str> = vars
        .iter()
        .copied()
        .filter(|v| lookup(v).is_none_or(|s| s.is_empty()))
        .collect();
    match missing.len() {
        0 => Ok(EnvTarget::Endpoint),
        n if n == vars.len() => Ok(EnvTarget::Emulator),
        _ => Err(format!(
            "{} not set: set all of {ENV_ENDPOINT}, {ENV_USER_ID} and {ENV_ENCRYPTION_KEY} \
             for a real endpoint, or none of them for the embedded emulator",
            missing.join(", ")
        )),
    }
}

/// A real endpoint when `MARKETO_SOAP_ENDPOINT`, `MARKETO_USER_ID` and `MARKETO_ENCRYPTION_KEY`
/// are all set; an emulator started in this process with the demo data and freshly generated
/// credentials when none is set; an error naming the missing ones when only some are set. With
/// `debug`, every request and response is printed (signature and user id masked by the runtime).
pub async fn connect(debug: bool) -> Result<Target, Box<dyn Error>> {
    let choice = env_target(|v| std::env::var(v).ok())?;
    if debug {
        // Only fails if a subscriber is already installed, which is then used instead.
        let _ = tracing::subscriber::set_global_default(RawXmlPrinter);
    }
    if choice == EnvTarget::Endpoint {
        let runtime = mktows_runtime::ClientBuilder::from_env()?
            .log_raw_xml(debug)
            .build()?;
        return Ok(Target {
            client: mktows::Client::new(runtime),
            emulator: None,
        });
    }
    embedded(debug).await
}

/// Always the embedded emulator (demo data, generated credentials), whatever the environment.
pub async fn embedded(debug: bool) -> Result<Target, Box<dyn Error>> {
    let emulator = Emulator::builder().start().await?;
    let runtime = emulator.client_builder().log_raw_xml(debug).build()?;
    Ok(Target {
        client: mktows::Client::new(runtime),
        emulator: Some(emulator),
    })
}

/// Quotes a CSV field when it needs it (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// A minimal `tracing` subscriber that prints the runtime's "RAW request" / "RAW response"
/// events (target `mktows_runtime::raw`) to stdout and ignores everything else.
struct RawXmlPrinter;

#[derive(Default)]
struct RawFields {
    message: String,
    xml: String,
    status: String,
}

impl tracing::field::Visit for RawFields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => {
                let _ = write!(self.message, "{value:?}");
            }
            "xml" => {
                let _ = write!(self.xml, "{value:?}");
            }
            "status" => {
                let _ = write!(self.status, "{value:?}");
            }
            _ => {}
        }
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        match field.name() {
            "message" => self.message.push_str(value),
            "xml" => self.xml.push_str(value),
            _ => {}
        }
    }
}

impl tracing::Subscriber for RawXmlPrinter {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.is_event() && metadata.target() == "mktows_runtime::raw"
    }

    fn new_span(&self, _span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        // Never called for spans (enabled() refuses them); any id will do.
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _span: &tracing::span::Id, _values: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _span: &tracing::span::Id, _follows: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut f = RawFields::default();
        event.record(&mut f);
        if f.status.is_empty() {
            println!("{}:\n{}\n", f.message, f.xml);
        } else {
            println!("{} (HTTP {}):\n{}\n", f.message, f.status, f.xml);
        }
    }

    fn enter(&self, _span: &tracing::span::Id) {}

    fn exit(&self, _span: &tracing::span::Id) {}
}
