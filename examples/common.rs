//! Shared plumbing of the examples: choosing the target (the embedded emulator, or a real
//! endpoint from the environment) and printing the runtime's raw XML log for `--debug`.

use std::error::Error;
use std::fmt::Write as _;

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

/// A real endpoint when `MARKETO_SOAP_ENDPOINT`, `MARKETO_USER_ID` and `MARKETO_ENCRYPTION_KEY`
/// are all set; otherwise an emulator started in this process with the demo data and freshly
/// generated credentials. With `debug`, every request and response is printed (signature and
/// user id masked by the runtime).
pub async fn connect(debug: bool) -> Result<Target, Box<dyn Error>> {
    if debug {
        // Only fails if a subscriber is already installed, which is then used instead.
        let _ = tracing::subscriber::set_global_default(RawXmlPrinter);
    }
    let configured = [ENV_ENDPOINT, ENV_USER_ID, ENV_ENCRYPTION_KEY]
        .iter()
        .all(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
    if configured {
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
