//! Emulator throughput: requests per second for getLead and syncLead through `mktows::Client`
//! (reqwest, HTTP/1.1 keep-alive) against the in-process emulator over loopback, with 1 and 16
//! concurrent clients (each its own client and so its own connection).
//!
//! Baseline, in the same run: the same clients against a bare hyper HTTP/1.1 server on
//! loopback that answers every request with the emulator's own response bytes for that
//! operation (captured once), without reading the request: the floor of the HTTP stack and
//! the client, so the ratio shows what the emulator's work (decode, authenticate, limits,
//! state, encode) costs on top.
//!
//! Client and server share one tokio runtime with a worker per core (2 here), so the numbers
//! are a whole-system figure for this machine. Runs under `cargo bench`; under
//! `cargo test --benches` it only makes a few calls.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use mktows::{
    ArrayOfAttribute, Attribute, LeadKey, LeadKeyRef, LeadRecord, ParamsGetLead, ParamsSyncLead,
};
use mktows_bench::report;
use mktows_emulator::{Emulator, RunningEmulator};
use mktows_runtime::limit::Limits;
use mktows_runtime::transport::{HttpOptions, HttpTransport, Transport, transport_fn};
use mktows_runtime::{ClientBuilder, Nillable, RetryPolicy};
use tokio::net::TcpListener;

const EMAIL: &str = "lead1@example.invalid";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    GetLead,
    SyncLead,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::GetLead => "getLead",
            Op::SyncLead => "syncLead",
        }
    }
}

fn get_params() -> ParamsGetLead {
    ParamsGetLead::new(LeadKey::new(LeadKeyRef::Email, EMAIL))
}

/// Updates the same demo lead every time (an upsert that does not grow the emulator's state).
fn sync_params() -> ParamsSyncLead {
    let mut lead = LeadRecord::new();
    lead.email = Nillable::Value(EMAIL.to_owned());
    let mut attrs = ArrayOfAttribute::new();
    attrs.attribute = vec![
        Attribute::new("FirstName", "Example"),
        Attribute::new("Company", "Example Company"),
    ];
    lead.lead_attribute_list = Nillable::Value(attrs);
    ParamsSyncLead::new(lead, false)
}

/// Client settings for every benchmark client: no client-side rate limit (the default 100 calls
/// per 20 s would throttle at once), no retries.
fn configure(b: ClientBuilder) -> ClientBuilder {
    b.retry_policy(RetryPolicy::never()).limits(Limits {
        max_in_flight: 64,
        max_calls_per_window: 1024,
        window: Duration::from_nanos(1),
    })
}

async fn call<T: Transport>(client: &mktows::Client<T>, op: Op) {
    match op {
        Op::GetLead => {
            let r = client.get_lead(&get_params()).await.expect("getLead");
            assert!(r.result.count >= 1);
        }
        Op::SyncLead => {
            client
                .sync_lead(&sync_params(), None)
                .await
                .expect("syncLead");
        }
    }
}

/// Calls `op` from `clients` concurrent clients (each with its own connection) for `secs`
/// after a short warm-up; returns requests per second.
async fn measure(make: impl Fn() -> ClientBuilder, op: Op, clients: usize, secs: f64) -> f64 {
    let clients: Vec<_> = (0..clients)
        .map(|_| mktows::Client::new(configure(make()).build().expect("client")))
        .collect();
    // Warm-up: open every connection.
    for c in &clients {
        call(c, op).await;
    }
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|c| {
            tokio::spawn(async move {
                let mut n = 0u64;
                while Instant::now() < deadline {
                    call(&c, op).await;
                    n += 1;
                }
                n
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("client task");
    }
    total as f64 / start.elapsed().as_secs_f64()
}

/// The emulator's response body for one call of `op`, captured through a recording transport.
async fn capture(emu: &RunningEmulator, op: Op) -> Bytes {
    let http = HttpTransport::new(&HttpOptions::default()).expect("transport");
    let seen: Arc<Mutex<Option<Vec<u8>>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let recording = transport_fn(move |req| {
        let http = http.clone();
        let sink = Arc::clone(&sink);
        async move {
            let resp = http.send(req).await?;
            *sink.lock().expect("lock") = Some(resp.body.clone());
            Ok(resp)
        }
    });
    let client = mktows::Client::new(
        configure(emu.client_builder())
            .build_with_transport(recording)
            .expect("client"),
    );
    call(&client, op).await;
    let body = seen.lock().expect("lock").take().expect("a response");
    Bytes::from(body)
}

/// A bare hyper HTTP/1.1 server (keep-alive) answering every request with `body`.
async fn floor_server(body: Bytes) -> SocketAddr {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let body = body.clone();
                    async move {
                        // Drain the request so the connection can be reused.
                        let _ = req.into_body().collect().await;
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("content-type", "text/xml; charset=utf-8")
                                .body(Full::new(body))
                                .expect("response"),
                        )
                    }
                });
                let _ = http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

fn main() {
    let bench = report::is_bench_mode();
    let secs = if bench { 3.0 } else { 0.05 };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let emu = Emulator::builder()
            .limits_off()
            .start()
            .await
            .expect("emulator starts");
        println!(
            "== emulator: requests/s over loopback with keep-alive ({} s per case, {} worker threads shared by clients and server) ==",
            secs,
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        for op in [Op::GetLead, Op::SyncLead] {
            let canned = capture(&emu, op).await;
            let floor = floor_server(canned.clone()).await;
            let floor_url = format!("http://{floor}/soap/mktows/2_3");
            for clients in [1usize, 16] {
                let ours = measure(|| emu.client_builder(), op, clients, secs).await;
                let base = measure(
                    || {
                        ClientBuilder::new()
                            .endpoint(floor_url.clone())
                            .user_id("bench_user_0001")
                            .encryption_key("bench-encryption-key-0001")
                    },
                    op,
                    clients,
                    secs,
                )
                .await;
                println!(
                    "{:<8} {:>2} client{}: emulator {:>8.0} req/s | baseline bare hyper server with the same {}-byte response {:>8.0} req/s | ratio {:.2}×",
                    op.name(),
                    clients,
                    if clients == 1 { " " } else { "s" },
                    ours,
                    canned.len(),
                    base,
                    ours / base
                );
            }
        }
        emu.shutdown().await;
    });
}
