//! An emulator of the Marketo SOAP API ("mktows"), for tests, examples and local development.
//!
//! It serves the 23 operations of `wsdl/mktows.wsdl` over HTTP by implementing the generated
//! [`mktows::server::Service`] trait: requests are decoded by [`mktows::server::decode_request`]
//! and answered through [`mktows::server::handle`] and `Response::to_envelope`, so the wire
//! format is the generated one, not a second copy. Around it the emulator adds what the real
//! service does: HMAC authentication, the timestamp window, the daily quota and the rate and
//! concurrency limits, documented fault codes, and in-memory state that tests can inspect.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use mktows_emulator::Emulator;
//!
//! let emulator = Emulator::builder().start().await?; // demo data, a free 127.0.0.1 port
//! let client = mktows::Client::new(emulator.client_builder().build()?);
//! let params = mktows::ParamsScheduleCampaign::new("Trav-Demo-Program", "Batch Campaign Example");
//! client.schedule_campaign(&params).await?;
//! assert_eq!(emulator.state().campaign_runs().len(), 1);
//! # Ok(()) }
//! ```
//!
//! See `emulator/README.md` for the command-line tool, the seed format, fault injection and
//! which error codes arise when.

mod auth;
mod clock;
mod config;
mod csv;
mod faults;
mod http;
mod inject;
mod limits;
mod model;
mod objects;
mod paging;
mod seed;
mod service;
mod store;
mod wsdl;

use std::collections::BTreeMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mktows_runtime::sign::Signer;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{RateLimit, ServiceLimits};
pub use faults::{ServiceError, short_message};
pub use http::ENDPOINT_PATH;
pub use inject::{
    ANY_OPERATION, Injection, InjectionRule, ParseInjectionError, UnknownOperation, check_operation,
};
pub use model::{
    Activity, Campaign, CampaignKind, CampaignRun, Channel, ChannelStatus, Cost,
    CustomObjectRecord, CustomObjectType, FieldDef, ImportJob, ImportStatus, Lead, MObjectRecord,
    Outcome, Program, RecordedRequest, RunOrigin, StaticList, TagType, Token,
};
pub use seed::{DEMO_JSON, Seed, SeedError};
pub use wsdl::{WSDL, with_location as wsdl_with_location};

use crate::config::Config;
use crate::http::{Recorder, Shared};
use crate::inject::{Injector, lock};
use crate::limits::Throttle;
use crate::service::Engine;

/// Entry point: `Emulator::builder()`.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// A builder with the demo dataset, generated credentials, the documented limits and a free
    /// port on 127.0.0.1.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configures an emulator before it starts.
pub struct EmulatorBuilder {
    config: Config,
    limits: ServiceLimits,
    seed: Option<Seed>,
    clock: Option<Arc<dyn Clock>>,
    addr: SocketAddr,
    injections: Vec<(String, InjectionRule)>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            config: Config::default(),
            limits: ServiceLimits::default(),
            seed: None,
            clock: None,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            injections: Vec::new(),
        }
    }
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("addr", &self.addr)
            .field("limits", &self.limits)
            .field("timestamp_window", &self.config.timestamp_window)
            .finish_non_exhaustive()
    }
}

/// Why the emulator could not start.
#[derive(Debug)]
pub enum StartError {
    /// The listening socket could not be opened.
    Bind(std::io::Error),
    /// The seed data is invalid.
    Seed(SeedError),
    /// The credentials are not usable.
    Credentials(String),
    /// A fault injection names no operation of the WSDL (see [`check_operation`]).
    UnknownOperation(UnknownOperation),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::Seed(e) => e.fmt(f),
            StartError::Credentials(e) => write!(f, "invalid credentials: {e}"),
            StartError::UnknownOperation(e) => f.write_str(&e.message(" in an injection rule")),
        }
    }
}

impl std::error::Error for StartError {}

impl EmulatorBuilder {
    /// The user id (`mktowsUserId`) and encryption key requests must be signed with. Without
    /// them, a random pair is generated (see [`RunningEmulator::user_id`]).
    pub fn credentials(
        mut self,
        user_id: impl Into<String>,
        encryption_key: impl Into<String>,
    ) -> Self {
        self.config.user_id = user_id.into();
        self.config.encryption_key = encryption_key.into();
        self
    }

    /// The data to start with (default: the demo dataset, [`Seed::demo`]).
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Starts with no data at all.
    pub fn empty(self) -> Self {
        self.seed(Seed::default())
    }

    /// The throttles (default: the documented 10,000 a day, 100 per 20 s, 10 at once).
    pub fn limits(mut self, limits: ServiceLimits) -> Self {
        self.limits = limits;
        self
    }

    /// No quota, rate or concurrency limit.
    pub fn limits_off(self) -> Self {
        self.limits(ServiceLimits::off())
    }

    /// Largest accepted distance between `requestTimestamp` and the emulator's clock, either
    /// way (default 15 minutes); beyond it, 20016.
    pub fn timestamp_window(mut self, window: Duration) -> Self {
        self.config.timestamp_window = window;
        self
    }

    /// Also accept the legacy timestamp form `YYYY-MM-DD hh:mm:ss ±hhmm` (default off).
    pub fn lenient_timestamps(mut self, on: bool) -> Self {
        self.config.lenient_timestamps = on;
        self
    }

    /// scheduleCampaign calls with `cloneToProgramName` allowed per day (default 10); the next
    /// one faults with 20114.
    pub fn clone_calls_per_day(mut self, n: u32) -> Self {
        self.config.clone_calls_per_day = n;
        self
    }

    /// getMultipleLeads: the default and largest `batchSize` (default 1000).
    pub fn max_lead_batch(mut self, n: u32) -> Self {
        self.config.max_lead_batch = i32::try_from(n.max(1)).unwrap_or(i32::MAX);
        self
    }

    /// How many getImportToListStatus calls report PROCESSING before an import is COMPLETE
    /// (default 1).
    pub fn import_processing_polls(mut self, n: u32) -> Self {
        self.config.import_processing_polls = n;
        self
    }

    /// Offset, in minutes east of UTC, of the dateTimes the instance writes (default -360,
    /// US Central standard time).
    pub fn utc_offset_minutes(mut self, minutes: i32) -> Self {
        self.config.utc_offset_minutes = minutes.clamp(-14 * 60, 14 * 60);
        self
    }

    /// The clock for timestamps, windows and record times (default: the system clock). Share a
    /// [`ManualClock`] with the client to test time windows without waiting.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The address to listen on (default 127.0.0.1 with a free port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Listen on 127.0.0.1:`port` (0 = a free port).
    pub fn port(mut self, port: u16) -> Self {
        self.addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        self
    }

    /// Injects a misbehaviour for `operation` (WSDL name such as `getLead`, or
    /// [`ANY_OPERATION`]) from the start; see also [`EmulatorHandle::inject`].
    /// [`start`](Self::start) fails with [`StartError::UnknownOperation`] for any other name.
    pub fn inject(mut self, operation: impl Into<String>, rule: InjectionRule) -> Self {
        self.injections.push((operation.into(), rule));
        self
    }

    /// Largest request body accepted (default 32 MiB); larger ones get HTTP 413.
    pub fn max_request_bytes(mut self, n: usize) -> Self {
        self.config.max_request_bytes = n;
        self
    }

    /// Most requests kept in the request log (default 10,000; the oldest go first).
    pub fn max_recorded_requests(mut self, n: usize) -> Self {
        self.config.max_recorded_requests = n;
        self
    }

    /// Binds and starts serving; returns once the port is open.
    pub async fn start(mut self) -> Result<RunningEmulator, StartError> {
        for (op, _) in &self.injections {
            check_operation(op).map_err(StartError::UnknownOperation)?;
        }
        if self.config.user_id.is_empty() || self.config.encryption_key.is_empty() {
            let (user, key) = demo_credentials();
            if self.config.user_id.is_empty() {
                self.config.user_id = user;
            }
            if self.config.encryption_key.is_empty() {
                self.config.encryption_key = key;
            }
        }
        let signer = Signer::new(&self.config.user_id, self.config.encryption_key.as_bytes())
            .map_err(|e| StartError::Credentials(e.to_string()))?;
        let clock: Arc<dyn Clock> = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let now = clock::unix_seconds(clock.now());
        let store = self
            .seed
            .unwrap_or_else(Seed::demo)
            .build(now)
            .map_err(StartError::Seed)?;
        let listener = TcpListener::bind(self.addr)
            .await
            .map_err(StartError::Bind)?;
        let local_addr = listener.local_addr().map_err(StartError::Bind)?;
        let injector = Injector::default();
        for (op, rule) in self.injections {
            injector.set(&op, rule);
        }
        let shared = Arc::new(Shared {
            engine: Engine {
                store: Mutex::new(store),
                config: self.config.clone(),
                clock: Arc::clone(&clock),
            },
            throttle: Throttle::new(self.limits),
            injector,
            recorder: Mutex::new(Recorder {
                cap: self.config.max_recorded_requests,
                ..Recorder::default()
            }),
            signer,
            clock,
            config: self.config.clone(),
            local_addr,
        });
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(http::serve(Arc::clone(&shared), listener, rx));
        Ok(RunningEmulator {
            url: format!("http://{local_addr}{ENDPOINT_PATH}"),
            local_addr,
            handle: EmulatorHandle { shared },
            shutdown: Some(tx),
            task: Some(task),
        })
    }
}

/// A random user id and key, so a demo instance is never reachable with guessable values.
fn demo_credentials() -> (String, String) {
    let s = RandomState::new();
    let a = s.hash_one(1u8);
    let b = s.hash_one(2u8);
    let c = s.hash_one(3u8);
    (
        format!("demo_user_{a:016x}"),
        format!("demo-key-{b:016x}{c:016x}"),
    )
}

/// A running emulator. Dropping it stops the server and closes its connections.
pub struct RunningEmulator {
    url: String,
    local_addr: SocketAddr,
    handle: EmulatorHandle,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl RunningEmulator {
    /// The SOAP endpoint, `http://127.0.0.1:PORT/soap/mktows/2_3`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The WSDL address, `<endpoint>?WSDL`.
    pub fn wsdl_url(&self) -> String {
        format!("{}?WSDL", self.url)
    }

    /// The socket address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The state handle: inspect data and recorded requests, inject faults, change limits.
    pub fn state(&self) -> &EmulatorHandle {
        &self.handle
    }

    /// The user id requests must carry.
    pub fn user_id(&self) -> &str {
        &self.handle.shared.config.user_id
    }

    /// The encryption key requests must be signed with.
    pub fn encryption_key(&self) -> &str {
        &self.handle.shared.config.encryption_key
    }

    /// A runtime client builder aimed at this emulator with its credentials.
    pub fn client_builder(&self) -> mktows_runtime::ClientBuilder {
        mktows_runtime::Client::builder()
            .endpoint(self.url.clone())
            .user_id(self.user_id())
            .encryption_key(self.encryption_key())
    }

    /// Stops accepting connections, closes the open ones and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// A cheap, cloneable view of a running emulator's state.
#[derive(Clone)]
pub struct EmulatorHandle {
    shared: Arc<Shared>,
}

impl fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("addr", &self.shared.local_addr)
            .finish_non_exhaustive()
    }
}

impl EmulatorHandle {
    fn store(&self) -> std::sync::MutexGuard<'_, store::Store> {
        lock(&self.shared.engine.store)
    }

    /// Every request received (up to the recording limit), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.recorder)
            .entries
            .iter()
            .cloned()
            .collect()
    }

    /// How many requests have been received in total.
    pub fn request_count(&self) -> u64 {
        lock(&self.shared.recorder).next_seq
    }

    /// Forgets the recorded requests (the count keeps running).
    pub fn clear_requests(&self) {
        lock(&self.shared.recorder).entries.clear();
    }

    /// Campaign runs created by scheduleCampaign and requestCampaign, in order.
    pub fn campaign_runs(&self) -> Vec<CampaignRun> {
        self.store().runs.clone()
    }

    /// A program by name (case-insensitive), with its tokens.
    pub fn program(&self, name: &str) -> Option<Program> {
        let s = self.store();
        s.find_program(name)
            .and_then(|id| s.programs.get(&id).cloned())
    }

    /// Every program, by id.
    pub fn programs(&self) -> Vec<Program> {
        self.store().programs.values().cloned().collect()
    }

    /// Every smart campaign, by id.
    pub fn campaigns(&self) -> Vec<Campaign> {
        self.store().campaigns.values().cloned().collect()
    }

    /// A lead by id.
    pub fn lead(&self, id: i32) -> Option<Lead> {
        self.store().leads.get(&id).cloned()
    }

    /// Leads with this email (case-insensitive), oldest first.
    pub fn leads_by_email(&self, email: &str) -> Vec<Lead> {
        let s = self.store();
        s.leads_by_email(email)
            .into_iter()
            .filter_map(|id| s.leads.get(&id).cloned())
            .collect()
    }

    /// Every lead, by id.
    pub fn leads(&self) -> Vec<Lead> {
        self.store().leads.values().cloned().collect()
    }

    /// Number of leads.
    pub fn lead_count(&self) -> usize {
        self.store().leads.len()
    }

    /// The activity log of a lead, oldest first.
    pub fn activities(&self, lead_id: i32) -> Vec<Activity> {
        self.store()
            .activities
            .iter()
            .filter(|a| a.lead_id == lead_id)
            .cloned()
            .collect()
    }

    /// A static list by name (`List` or `Program.List`).
    pub fn static_list(&self, name: &str) -> Option<StaticList> {
        let s = self.store();
        s.find_list(name).and_then(|id| s.lists.get(&id).cloned())
    }

    /// importToList jobs, in order.
    pub fn import_jobs(&self) -> Vec<ImportJob> {
        self.store().imports.clone()
    }

    /// importToList per-lead tokens still waiting for a campaign's next run:
    /// `(program, campaign)` → lead id → token → value.
    pub fn pending_lead_tokens(
        &self,
    ) -> BTreeMap<(String, String), BTreeMap<i32, BTreeMap<String, String>>> {
        let s = self.store();
        s.pending_lead_tokens
            .iter()
            .filter_map(|(cid, leads)| {
                let c = s.campaigns.get(cid)?;
                Some(((c.program.clone(), c.name.clone()), leads.clone()))
            })
            .collect()
    }

    /// Opportunities and OpportunityPersonRoles, by id.
    pub fn mobjects(&self) -> Vec<MObjectRecord> {
        self.store().mobjects.values().cloned().collect()
    }

    /// Records of a custom object type (case-insensitive name), in insertion order.
    pub fn custom_objects(&self, type_name: &str) -> Vec<CustomObjectRecord> {
        self.store()
            .custom_records
            .get(&type_name.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default()
    }

    /// Calls admitted so far in the current quota day.
    pub fn calls_today(&self) -> u64 {
        self.shared.throttle.calls_today(self.shared.clock.now())
    }

    /// The throttles in force.
    pub fn limits(&self) -> ServiceLimits {
        self.shared.throttle.limits()
    }

    /// Replaces the throttles (counts so far are kept).
    pub fn set_limits(&self, limits: ServiceLimits) {
        self.shared.throttle.set_limits(limits);
    }

    /// Makes `operation` (WSDL name, or [`ANY_OPERATION`]) misbehave; replaces an earlier rule
    /// for the same name. A rule for a specific operation wins over the wildcard.
    ///
    /// # Panics
    ///
    /// If `operation` is neither a WSDL operation name (exact case) nor [`ANY_OPERATION`]: such a
    /// rule would never fire (see [`check_operation`]).
    pub fn inject(&self, operation: &str, rule: InjectionRule) {
        if let Err(e) = check_operation(operation) {
            panic!("EmulatorHandle::inject: {e}");
        }
        self.shared.injector.set(operation, rule);
    }

    /// Removes the rule for `operation`.
    pub fn clear_injection(&self, operation: &str) {
        self.shared.injector.clear(operation);
    }

    /// Removes every injection rule.
    pub fn clear_injections(&self) {
        self.shared.injector.clear_all();
    }
}
