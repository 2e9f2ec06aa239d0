//! Fault injection: make chosen operations misbehave the way networks and gateways do.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

/// One way to misbehave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Injection {
    /// Wait this long before handling the request normally (the call still counts as in flight,
    /// so delays also exercise the concurrency limit).
    Delay(Duration),
    /// Close the connection without answering, after the request has been read and before the
    /// operation runs (nothing changes).
    DropConnection,
    /// Run the operation, then close the connection without answering: the write reached the
    /// server but the reply was lost.
    DropAfterExecute,
    /// Answer HTTP 503 with an HTML page, as a gateway in front of the service would.
    Http503,
    /// Send the real response's headers (with its full `Content-Length`) and only the first half
    /// of its body, then close the connection.
    TruncatedBody,
    /// Answer with the SOAP fault of this error code instead of executing the operation.
    Fault(u32),
    /// Send the real response (headers at once, with its full `Content-Length`) and its body
    /// `chunk` bytes at a time, waiting `every` before each further chunk. A `chunk` of 0 is
    /// taken as 1.
    SlowDrip {
        /// Bytes per chunk.
        chunk: usize,
        /// Pause between chunks.
        every: Duration,
    },
}

impl fmt::Display for Injection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Injection::Delay(d) => write!(f, "delay:{}", d.as_millis()),
            Injection::DropConnection => f.write_str("drop"),
            Injection::DropAfterExecute => f.write_str("drop-after"),
            Injection::Http503 => f.write_str("http503"),
            Injection::TruncatedBody => f.write_str("truncate"),
            Injection::Fault(code) => write!(f, "fault:{code}"),
            Injection::SlowDrip { chunk, every } => {
                write!(f, "drip:{chunk}/{}", every.as_millis())
            }
        }
    }
}

/// The error of parsing an [`Injection`] or [`InjectionRule`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseInjectionError(String);

impl fmt::Display for ParseInjectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid fault injection {:?}: expected delay:MILLIS, drip:BYTES/MILLIS, drop, drop-after, http503, truncate or fault:CODE, optionally followed by *TIMES",
            self.0
        )
    }
}

impl std::error::Error for ParseInjectionError {}

impl FromStr for Injection {
    type Err = ParseInjectionError;

    /// Parses `delay:MILLIS`, `drip:BYTES/MILLIS` (BYTES at least 1), `drop`, `drop-after`,
    /// `http503`, `truncate` or `fault:CODE`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseInjectionError(s.to_owned());
        let (kind, arg) = match s.split_once(':') {
            Some((k, a)) => (k, Some(a)),
            None => (s, None),
        };
        match (kind, arg) {
            ("delay", Some(ms)) => ms
                .parse::<u64>()
                .map(|ms| Injection::Delay(Duration::from_millis(ms)))
                .map_err(|_| err()),
            ("drip", Some(arg)) => {
                let (bytes, ms) = arg.split_once('/').ok_or_else(err)?;
                let chunk = bytes.parse::<usize>().ok().filter(|&n| n > 0);
                let ms = ms.parse::<u64>().ok();
                match (chunk, ms) {
                    (Some(chunk), Some(ms)) => Ok(Injection::SlowDrip {
                        chunk,
                        every: Duration::from_millis(ms),
                    }),
                    _ => Err(err()),
                }
            }
            ("drop", None) => Ok(Injection::DropConnection),
            ("drop-after", None) => Ok(Injection::DropAfterExecute),
            ("http503", None) => Ok(Injection::Http503),
            ("truncate", None) => Ok(Injection::TruncatedBody),
            ("fault", Some(code)) => code.parse().map(Injection::Fault).map_err(|_| err()),
            _ => Err(err()),
        }
    }
}

/// An injection and how many more requests it applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InjectionRule {
    /// What to do.
    pub injection: Injection,
    /// Requests it still applies to; `None` = every request until cleared.
    pub remaining: Option<u32>,
}

impl InjectionRule {
    /// Applies to every matching request until cleared.
    pub fn always(injection: Injection) -> Self {
        InjectionRule {
            injection,
            remaining: None,
        }
    }

    /// Applies to the next `n` matching requests only.
    pub fn times(injection: Injection, n: u32) -> Self {
        InjectionRule {
            injection,
            remaining: Some(n),
        }
    }
}

impl FromStr for InjectionRule {
    type Err = ParseInjectionError;

    /// Parses an [`Injection`] optionally followed by `*TIMES` (`fault:20011*2`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.rsplit_once('*') {
            Some((inj, n)) => Ok(InjectionRule::times(
                inj.parse()?,
                n.parse().map_err(|_| ParseInjectionError(s.to_owned()))?,
            )),
            None => Ok(InjectionRule::always(s.parse()?)),
        }
    }
}

/// The operation name that matches every operation.
pub const ANY_OPERATION: &str = "*";

/// An operation name for fault injection that is neither one of the WSDL's 23 operations
/// (`mktows::operations::ALL`) nor [`ANY_OPERATION`]; a rule under such a name would never fire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOperation {
    name: String,
    suggestion: Option<&'static str>,
}

impl UnknownOperation {
    /// The name as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The operation it matches when case is ignored (`getlead` → `getLead`).
    pub fn suggestion(&self) -> Option<&'static str> {
        self.suggestion
    }

    /// The one-line message, with `context` (e.g. `" in --fault"`) after the name.
    pub fn message(&self, context: &str) -> String {
        let hint = match self.suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "expected `{ANY_OPERATION}` or one of: {}",
                operation_names().collect::<Vec<_>>().join(", ")
            ),
        };
        format!("unknown operation `{}`{context} ({hint})", self.name)
    }
}

impl fmt::Display for UnknownOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(""))
    }
}

impl std::error::Error for UnknownOperation {}

fn operation_names() -> impl Iterator<Item = &'static str> {
    mktows::operations::ALL.iter().map(|op| op.name)
}

/// Checks that `name` is an operation of the WSDL (exact spelling, e.g. `getLead`) or
/// [`ANY_OPERATION`], the names injection rules are looked up by.
pub fn check_operation(name: &str) -> Result<(), UnknownOperation> {
    if name == ANY_OPERATION || operation_names().any(|n| n == name) {
        return Ok(());
    }
    Err(UnknownOperation {
        name: name.to_owned(),
        suggestion: operation_names().find(|n| n.eq_ignore_ascii_case(name)),
    })
}

/// The rules in force, by operation name (WSDL name, e.g. `getLead`, or `*`).
#[derive(Debug, Default)]
pub(crate) struct Injector {
    rules: Mutex<HashMap<String, InjectionRule>>,
}

impl Injector {
    pub(crate) fn set(&self, operation: &str, rule: InjectionRule) {
        lock(&self.rules).insert(operation.to_owned(), rule);
    }

    pub(crate) fn clear(&self, operation: &str) {
        lock(&self.rules).remove(operation);
    }

    pub(crate) fn clear_all(&self) {
        lock(&self.rules).clear();
    }

    /// The injection for one request of `operation`, counting it against the rule.
    pub(crate) fn take(&self, operation: &str) -> Option<Injection> {
        let mut rules = lock(&self.rules);
        let key = if rules.contains_key(operation) {
            operation
        } else if rules.contains_key(ANY_OPERATION) {
            ANY_OPERATION
        } else {
            return None;
        };
        let rule = rules.get_mut(key)?;
        let injection = rule.injection.clone();
        if let Some(n) = rule.remaining.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                rules.remove(key);
            }
        }
        Some(injection)
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: the emulator's state
/// stays usable (every mutation is completed before the lock is released).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules() {
        assert_eq!(
            "delay:250".parse::<InjectionRule>(),
            Ok(InjectionRule::always(Injection::Delay(
                Duration::from_millis(250)
            )))
        );
        assert_eq!(
            "fault:20011*2".parse::<InjectionRule>(),
            Ok(InjectionRule::times(Injection::Fault(20011), 2))
        );
        assert!("explode".parse::<InjectionRule>().is_err());
        assert!("drop*x".parse::<InjectionRule>().is_err());
    }

    #[test]
    fn drip_and_drop_after_parse_and_display_round_trip() {
        assert_eq!(
            "drip:16/100*3".parse::<InjectionRule>(),
            Ok(InjectionRule::times(
                Injection::SlowDrip {
                    chunk: 16,
                    every: Duration::from_millis(100)
                },
                3
            ))
        );
        assert_eq!(
            "drop-after".parse::<InjectionRule>(),
            Ok(InjectionRule::always(Injection::DropAfterExecute))
        );
        for spec in [
            "delay:250",
            "drip:16/100",
            "drip:1/0",
            "drop",
            "drop-after",
            "http503",
            "truncate",
            "fault:20011",
        ] {
            let injection: Injection = spec.parse().expect(spec);
            assert_eq!(injection.to_string(), spec);
        }
        for bad in [
            "drip",
            "drip:16",
            "drip:0/100",
            "drip:16/",
            "drip:/100",
            "drip:x/100",
            "drip:16/100/2",
            "drop-after:1",
            "drop-before",
        ] {
            assert!(bad.parse::<Injection>().is_err(), "{bad}");
        }
        let msg = "nope".parse::<Injection>().unwrap_err().to_string();
        assert!(
            msg.contains("drip:BYTES/MILLIS") && msg.contains("drop-after"),
            "{msg}"
        );
    }

    #[test]
    fn operation_names_are_checked() {
        assert_eq!(mktows::operations::ALL.len(), 23);
        for ok in ["getLead", "scheduleCampaign", "getTags", "*"] {
            assert_eq!(check_operation(ok), Ok(()), "{ok}");
        }
        let e = check_operation("getlead").unwrap_err();
        assert_eq!(e.name(), "getlead");
        assert_eq!(e.suggestion(), Some("getLead"));
        assert_eq!(
            e.to_string(),
            "unknown operation `getlead` (did you mean `getLead`?)"
        );
        let e = check_operation("nope").unwrap_err();
        assert_eq!(e.suggestion(), None);
        let msg = e.message(" in --fault");
        assert!(
            msg.starts_with(
                "unknown operation `nope` in --fault (expected `*` or one of: getLead, "
            ) && msg.ends_with("getTags)")
                && !msg.contains('\n'),
            "{msg}"
        );
        assert!(check_operation("").is_err());
        assert!(check_operation("getLead ").is_err());
    }

    #[test]
    fn counted_rules_expire_and_specific_beats_wildcard() {
        let i = Injector::default();
        i.set("*", InjectionRule::always(Injection::Http503));
        i.set(
            "getLead",
            InjectionRule::times(Injection::DropConnection, 1),
        );
        assert_eq!(i.take("getLead"), Some(Injection::DropConnection));
        assert_eq!(i.take("getLead"), Some(Injection::Http503));
        i.clear_all();
        assert_eq!(i.take("getLead"), None);
    }
}
