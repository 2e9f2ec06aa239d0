//! The client-side limiter under load, on tokio's paused clock (no wall-clock waiting).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use mktows_runtime::transport::{HttpResponse, transport_fn};
use mktows_runtime::{Client, Limiter, Limits, RetryPolicy};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn concurrent_calls_respect_in_flight_and_rolling_window() {
    let starts = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_in_flight = Arc::new(AtomicUsize::new(0));
    let transport = {
        let (starts, in_flight, max_in_flight) =
            (starts.clone(), in_flight.clone(), max_in_flight.clone());
        transport_fn(move |_req| {
            let (starts, in_flight, max_in_flight) =
                (starts.clone(), in_flight.clone(), max_in_flight.clone());
            async move {
                starts.lock().unwrap().push(Instant::now());
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                max_in_flight.fetch_max(now, Ordering::SeqCst);
                // Each call takes one (virtual) second.
                tokio::time::sleep(Duration::from_secs(1)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok(HttpResponse::xml(200, SUCCESS))
            }
        })
    };
    let client = Client::builder()
        .endpoint("http://mktows.example.invalid/soap/mktows/2_3")
        .user_id(USER_ID)
        .encryption_key(KEY)
        .retry_policy(RetryPolicy::never())
        .build_with_transport(transport)
        .unwrap();

    let t0 = Instant::now();
    let body = Arc::new(body());
    let calls: Vec<_> = (0..250)
        .map(|_| {
            let (client, body) = (client.clone(), body.clone());
            tokio::spawn(async move { client.call::<Outcome>(&READ_OP, b"", &body).await })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap(), Outcome { success: true });
    }

    let starts = starts.lock().unwrap().clone();
    assert_eq!(starts.len(), 250);
    assert_eq!(max_in_flight.load(Ordering::SeqCst), 10);
    // No 20 s window holds more than 100 starts: the 101st start after any start is at least
    // 20 s later.
    for w in starts.windows(101) {
        assert!(
            w[100] - w[0] >= Duration::from_secs(20),
            "{:?}",
            w[100] - w[0]
        );
    }
    // And the limiter is not slower than it needs to be: 10 at a time for one second each, so
    // the first 100 start within 10 s, the next batch exactly when the window allows.
    assert_eq!(starts[99] - t0, Duration::from_secs(9));
    assert_eq!(starts[100] - t0, Duration::from_secs(20));
    assert_eq!(starts[200] - t0, Duration::from_secs(40));
    assert_eq!(client.limiter().in_flight(), 0);
}

#[tokio::test(start_paused = true)]
async fn clones_and_shared_limiters_share_one_budget() {
    let limiter = Limiter::new(Limits {
        max_in_flight: 2,
        max_calls_per_window: 3,
        window: Duration::from_secs(20),
    })
    .unwrap();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_seen = Arc::new(AtomicUsize::new(0));
    let make = |limiter: Limiter| {
        let (in_flight, max_seen) = (in_flight.clone(), max_seen.clone());
        Client::builder()
            .endpoint("http://mktows.example.invalid/soap/mktows/2_3")
            .user_id(USER_ID)
            .encryption_key(KEY)
            .limiter(limiter)
            .build_with_transport(transport_fn(move |_| {
                let (in_flight, max_seen) = (in_flight.clone(), max_seen.clone());
                async move {
                    max_seen.fetch_max(
                        in_flight.fetch_add(1, Ordering::SeqCst) + 1,
                        Ordering::SeqCst,
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    Ok(HttpResponse::xml(200, SUCCESS))
                }
            }))
            .unwrap()
    };
    let (a, b) = (make(limiter.clone()), make(limiter.clone()));
    let t0 = Instant::now();
    let body = Arc::new(body());
    let calls: Vec<_> = (0..6)
        .map(|i| {
            let c = if i % 2 == 0 { a.clone() } else { b.clone() };
            let body = body.clone();
            tokio::spawn(async move { c.call::<Outcome>(&READ_OP, b"", &body).await })
        })
        .collect();
    for c in calls {
        c.await.unwrap().unwrap();
    }
    assert_eq!(max_seen.load(Ordering::SeqCst), 2);
    // Three per 20 s, two at a time, 100 ms each: starts at 0, 0, 0.1 s; then the window
    // frees the 4th and 5th at 20 s and the 6th at 20.1 s, which ends at 20.2 s.
    assert_eq!(Instant::now() - t0, Duration::from_millis(20_200));
}
