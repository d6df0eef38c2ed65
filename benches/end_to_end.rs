//! Calls per second through one shared generated client against a minimal local server, next to
//! a bare `reqwest` POST of a pre-built body to the same server, in the same run.
//!
//! ```sh
//! cargo bench --bench end_to_end
//! ```
//!
//! The server is a minimal hyper HTTP/1.1 server on 127.0.0.1 that reads the request body and
//! answers every request with the same `setGroup_v2Response` envelope. It runs in this process
//! on a thread and a single-threaded runtime of its own; the clients run on another runtime with
//! one worker thread, so that on a 2-core machine client and server each have a core.
//!
//! For each concurrency (1, 16, 256) one measured iteration is that many calls in flight at
//! once, so criterion's throughput figure (`elem/s`) is calls per second:
//!
//! - `generated`: `ApiSoap::set_group_v2` on one `ApiSoap` (one `SoapClient`, its connection
//!   pool and cookie jar) shared by all tasks: writes the request envelope, posts it, reads the
//!   body, checks status, content type and fault, and reads the typed response;
//! - `bare_post`: `reqwest::Client::post` of the already written request bytes with the same
//!   headers, reading the response body into `Bytes` and nothing else.
//!
//! Before the criterion measurements, the bench runs the two ways and a third,
//! `bare_post_xml` (the bare POST plus `write_request` and `read_response`), in alternating
//! rounds and prints their medians and CPU time per call: on a machine shared with other work
//! the criterion figures of the ways, measured one after the other, can drift apart for reasons
//! that have nothing to do with them, and the alternating rounds show which part of the
//! difference is the XML work and which the client's plumbing.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

use wsclient::logmein_rescue::api::{
    self, ApiSoap, NodeStatus, SetGroupRetV2, SetGroupV2, SetGroupV2Response,
};
use wsclient::soap::{read_response, write_request, SoapClient, SoapVersion};
use wsclient::xml::Field;

const SOAP_ACTION: &str = "\"https://secure.logmeinrescue.com/API/API.asmx/setGroup_v2\"";

fn request() -> SetGroupV2 {
    SetGroupV2 {
        i_node_id: 337366,
        s_name: Some("Tier 2 & Escalations".into()),
        e_node_status: NodeStatus::Enabled,
        s_description: Some("Second-line technicians, EMEA".into()),
        a_permissions: None,
        a_locked_permissions: None,
        i_standard_concurrent_limit: 25,
        i_mobile_concurrent_limit: 5,
        i_rpat_concurrent_limit: 3,
        s_auth_code: Some("9f8e7d6c5b4a39281706f5e4d3c2b1a0".into()),
    }
}

/// Starts the server on its own thread and runtime; it lives as long as the process.
fn start_server(response: Bytes) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
            tx.send(listener.local_addr().expect("address"))
                .expect("sends the address");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let response = response.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: Request<Incoming>| {
                        let response = response.clone();
                        async move {
                            let _ = req.into_body().collect().await;
                            Ok::<_, Infallible>(
                                Response::builder()
                                    .header("content-type", "text/xml; charset=utf-8")
                                    .body(Full::new(response))
                                    .expect("response"),
                            )
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv().expect("the server starts")
}

/// Runs `concurrency` tasks that each make `calls` calls, and returns the time taken.
async fn run<F, Fut>(concurrency: usize, calls: u64, call: F) -> Duration
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let call = Arc::new(call);
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let call = Arc::clone(&call);
            tokio::spawn(async move {
                for _ in 0..calls {
                    call().await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    started.elapsed()
}

fn end_to_end(c: &mut Criterion) {
    let response = write_request(
        SoapVersion::V11,
        Field::new(api::NS1, "setGroup_v2Response"),
        &SetGroupV2Response {
            set_group_v2_result: SetGroupRetV2::Ok,
        },
        &[],
    )
    .expect("writes");
    let addr = start_server(Bytes::from(response.clone()));
    let url = format!("http://{addr}/API/API.asmx");

    let rt: Runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("client runtime");

    let req = Arc::new(request());
    let generated = ApiSoap::new(SoapClient::builder(&url).build().expect("client"));
    let body = Bytes::from(
        write_request(
            SoapVersion::V11,
            Field::new(api::NS1, "setGroup_v2"),
            &*req,
            &[],
        )
        .expect("writes"),
    );
    let bare = reqwest::Client::new();
    let bare_url = reqwest::Url::parse(&url).expect("url");

    // Both ways work and get the same answer before anything is measured.
    rt.block_on(async {
        let typed = generated.set_group_v2(&req).await.expect("generated call");
        assert_eq!(typed.set_group_v2_result, SetGroupRetV2::Ok);
        let raw = bare
            .post(bare_url.clone())
            .header("content-type", "text/xml; charset=utf-8")
            .header("soapaction", SOAP_ACTION)
            .body(body.clone())
            .send()
            .await
            .expect("bare post")
            .bytes()
            .await
            .expect("body");
        assert_eq!(raw, response);
    });

    interleaved(&rt, &generated, &req, &bare, &bare_url, &body);

    let mut group = c.benchmark_group("end_to_end/setGroup_v2");
    for concurrency in [1usize, 16, 256] {
        group.throughput(Throughput::Elements(concurrency as u64));
        group.bench_with_input(
            BenchmarkId::new("generated", concurrency),
            &concurrency,
            |b, &concurrency| {
                b.iter_custom(|iters| {
                    let client = generated.clone();
                    let req = Arc::clone(&req);
                    rt.block_on(run(concurrency, iters, move || {
                        let client = client.clone();
                        let req = Arc::clone(&req);
                        async move {
                            let resp = client.set_group_v2(&req).await.expect("call");
                            std::hint::black_box(resp);
                        }
                    }))
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("bare_post", concurrency),
            &concurrency,
            |b, &concurrency| {
                b.iter_custom(|iters| {
                    let http = bare.clone();
                    let url = bare_url.clone();
                    let body = body.clone();
                    rt.block_on(run(concurrency, iters, move || {
                        let request = http
                            .post(url.clone())
                            .header("content-type", "text/xml; charset=utf-8")
                            .header("soapaction", SOAP_ACTION)
                            .body(body.clone());
                        async move {
                            let bytes = request
                                .send()
                                .await
                                .expect("post")
                                .bytes()
                                .await
                                .expect("body");
                            std::hint::black_box(bytes);
                        }
                    }))
                })
            },
        );
    }
    group.finish();
}

/// The process's CPU time (user and system, all threads) in seconds, from `/proc/self/stat`
/// (in clock ticks of 10 ms); 0 where it cannot be read.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// The three ways in alternating rounds, so that a machine shared with other work disturbs
/// them alike: the median calls per second of each, and the CPU time per call (client and
/// server together). The third way, `bare_post_xml`, is the bare POST plus the envelope work
/// done with the same functions the client uses (`write_request` before, `read_response`
/// after): what it costs more than `bare_post` is the XML, what `generated` costs more than it
/// is the client's own plumbing.
fn interleaved(
    rt: &Runtime,
    generated: &ApiSoap,
    req: &Arc<SetGroupV2>,
    bare: &reqwest::Client,
    bare_url: &reqwest::Url,
    body: &Bytes,
) {
    const ROUNDS: usize = 7;
    const WAYS: [&str; 3] = ["generated", "bare_post", "bare_post_xml"];
    println!("interleaved rounds ({ROUNDS} per way, medians):");
    for concurrency in [1usize, 16, 256] {
        let calls_per_task = (8_000 / concurrency as u64).max(40);
        let calls = calls_per_task as f64 * concurrency as f64;
        let mut rates = [Vec::new(), Vec::new(), Vec::new()];
        let mut cpu = [Vec::new(), Vec::new(), Vec::new()];
        for _ in 0..ROUNDS {
            for (way, (rate, cpu)) in rates.iter_mut().zip(cpu.iter_mut()).enumerate() {
                let cpu_before = cpu_seconds();
                let elapsed = match way {
                    0 => {
                        let client = generated.clone();
                        let req = Arc::clone(req);
                        rt.block_on(run(concurrency, calls_per_task, move || {
                            let client = client.clone();
                            let req = Arc::clone(&req);
                            async move {
                                let resp = client.set_group_v2(&req).await.expect("call");
                                std::hint::black_box(resp);
                            }
                        }))
                    }
                    1 => {
                        let http = bare.clone();
                        let url = bare_url.clone();
                        let body = body.clone();
                        rt.block_on(run(concurrency, calls_per_task, move || {
                            let request = http
                                .post(url.clone())
                                .header("content-type", "text/xml; charset=utf-8")
                                .header("soapaction", SOAP_ACTION)
                                .body(body.clone());
                            async move {
                                let response = request.send().await.expect("post");
                                std::hint::black_box(response.bytes().await.expect("body"));
                            }
                        }))
                    }
                    _ => {
                        let http = bare.clone();
                        let url = bare_url.clone();
                        let req = Arc::clone(req);
                        rt.block_on(run(concurrency, calls_per_task, move || {
                            let body = write_request(
                                SoapVersion::V11,
                                Field::new(api::NS1, "setGroup_v2"),
                                &*req,
                                &[],
                            )
                            .expect("writes");
                            let request = http
                                .post(url.clone())
                                .header("content-type", "text/xml; charset=utf-8")
                                .header("soapaction", SOAP_ACTION)
                                .body(body);
                            async move {
                                let response = request.send().await.expect("post");
                                let bytes = response.bytes().await.expect("body");
                                let resp: SetGroupV2Response = read_response(
                                    &bytes,
                                    Field::new(api::NS1, "setGroup_v2Response"),
                                )
                                .expect("reads");
                                std::hint::black_box(resp);
                            }
                        }))
                    }
                };
                rate.push(calls / elapsed.as_secs_f64());
                cpu.push((cpu_seconds() - cpu_before) / calls * 1e6);
            }
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let line: Vec<String> = WAYS
            .iter()
            .zip(rates.iter_mut().zip(cpu.iter_mut()))
            .map(|(way, (rate, cpu))| {
                format!(
                    "{way} {:.0} calls/s ({:.1} µs CPU)",
                    median(rate),
                    median(cpu)
                )
            })
            .collect();
        println!(
            "  concurrency {concurrency:>3}: {}; bare_post/generated {:.2}x",
            line.join(", "),
            median(&mut rates[1]) / median(&mut rates[0])
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(10);
    targets = end_to_end
}
criterion_main!(benches);
