//! Reads a large response: a `getSession_V3` answer of about 100 MB (a report with many session
//! rows), built in memory, parsed with the generated types, with the time taken and the peak
//! memory (`VmHWM` from `/proc/self/status`, Linux only).
//!
//! ```sh
//! cargo run --release --example large_response          # about 100 MB
//! cargo run --release --example large_response -- 250   # about 250 MB
//! ```
//!
//! Over HTTP the same body would need `SoapClientBuilder::max_response_bytes` raised above its
//! 32 MiB default; the client holds the whole body in memory and parses it in place, as here.

use std::error::Error;
use std::time::Instant;

use wsclient::logmein_rescue::api::{
    self, ArrayOfSessionV3, GetSessionRet, GetSessionV3Response, SessionStatus, SessionV3,
};
use wsclient::soap::{read_response, write_request, SoapVersion};
use wsclient::xml::Field;

const RESPONSE: Field = Field::new(api::NS1, "getSession_V3Response");
const MIB: f64 = 1024.0 * 1024.0;

/// A `VmXxx:` figure of `/proc/self/status`, in bytes.
fn vm(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Resets `VmHWM` to the current resident size (Linux 4.0 and later).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn session(i: usize) -> SessionV3 {
    const STATUSES: [SessionStatus; 4] = [
        SessionStatus::Waiting,
        SessionStatus::Pickedup,
        SessionStatus::Closedbycustomer,
        SessionStatus::Onhold,
    ];
    let n = i as i32;
    SessionV3 {
        i_id: 81_000_000 + n,
        b_status: STATUSES[i % 4].clone(),
        s_status: Some(STATUSES[i % 4].as_str().to_owned()),
        i_entry: 1_234_567,
        s_entry: Some("Channel 3 - Password protected".into()),
        i_technician: 4_000 + n % 50,
        s_technician: Some(format!("Technician {:02}", i % 50)),
        s_start_time: Some(format!(
            "2024-03-{:02}T{:02}:{:02}:00",
            1 + i % 28,
            i % 24,
            i % 60
        )),
        i_waiting_time_in_sec: (n * 13) % 900,
        s_custom_field0: Some(format!("Customer {i}")),
        s_custom_field1: Some(format!("customer{i}@example.com")),
        s_custom_field2: Some("Printer & scanner not found".into()),
        s_custom_field3: Some(format!("+1 555 {:04}", i % 10_000)),
        s_custom_field4: None,
        s_custom_field5: None,
        s_language: Some("en".into()),
        s_transferred_to: (i % 5 == 0).then(|| "Tier 2".to_owned()),
        s_transferred_comment: (i % 5 == 0).then(|| "Needs a <remote> reinstall".to_owned()),
        b_is_lead: i % 3 == 0,
        b_handing_off: false,
    }
}

/// Builds a response envelope of about `target` bytes: 1,000 distinct rows written by the
/// generated code, repeated.
fn build(target: usize) -> Result<(Vec<u8>, usize), Box<dyn Error>> {
    const DISTINCT: usize = 1000;
    let sample = GetSessionV3Response {
        get_session_v3_result: GetSessionRet::Ok,
        a_sessions: Some(ArrayOfSessionV3 {
            session_v3: (0..DISTINCT).map(session).collect(),
        }),
    };
    let sample = write_request(SoapVersion::V11, RESPONSE, &sample, &[])?;
    let find = |needle: &[u8]| {
        sample
            .windows(needle.len())
            .position(|w| w == needle)
            .ok_or("the sample lacks aSessions")
    };
    let rows_start = find(b"<aSessions>")? + b"<aSessions>".len();
    let rows_end = find(b"</aSessions>")?;
    let (head, rows, tail) = (
        &sample[..rows_start],
        &sample[rows_start..rows_end],
        &sample[rows_end..],
    );
    let repeats = (target / rows.len()).max(1);
    let mut body = Vec::with_capacity(head.len() + rows.len() * repeats + tail.len());
    body.extend_from_slice(head);
    for _ in 0..repeats {
        body.extend_from_slice(rows);
    }
    body.extend_from_slice(tail);
    Ok((body, repeats * DISTINCT))
}

/// The heap bytes the parsed value holds (vector and string capacities).
fn heap_bytes(response: &GetSessionV3Response) -> usize {
    let Some(sessions) = &response.a_sessions else {
        return 0;
    };
    let strings: usize = sessions
        .session_v3
        .iter()
        .map(|s| {
            [
                &s.s_status,
                &s.s_entry,
                &s.s_technician,
                &s.s_start_time,
                &s.s_custom_field0,
                &s.s_custom_field1,
                &s.s_custom_field2,
                &s.s_custom_field3,
                &s.s_custom_field4,
                &s.s_custom_field5,
                &s.s_language,
                &s.s_transferred_to,
                &s.s_transferred_comment,
            ]
            .iter()
            .map(|f| f.as_ref().map_or(0, String::capacity))
            .sum::<usize>()
        })
        .sum();
    sessions.session_v3.capacity() * std::mem::size_of::<SessionV3>() + strings
}

fn main() -> Result<(), Box<dyn Error>> {
    let target_mb: usize = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 100,
    };
    let started = Instant::now();
    let (body, rows) = build(target_mb * 1_000_000)?;
    println!(
        "built a getSession_V3 response of {:.1} MiB ({} bytes, {rows} sessions) in {:.2} s",
        body.len() as f64 / MIB,
        body.len(),
        started.elapsed().as_secs_f64()
    );

    let peak_resettable = reset_peak();
    let rss_before = vm("VmRSS:").unwrap_or(0);
    let started = Instant::now();
    let response: GetSessionV3Response = read_response(&body, RESPONSE)?;
    let elapsed = started.elapsed();
    let peak = vm("VmHWM:").unwrap_or(0);
    let parsed = response
        .a_sessions
        .as_ref()
        .map_or(0, |a| a.session_v3.len());
    assert_eq!(parsed, rows, "every row is read");

    let secs = elapsed.as_secs_f64();
    println!(
        "parsed {parsed} sessions in {:.3} s ({:.0} MiB/s)",
        secs,
        body.len() as f64 / MIB / secs
    );
    let value = heap_bytes(&response);
    println!(
        "parsed value: {:.1} MiB ({:.2}x the body; {} bytes per SessionV3 plus its strings)",
        value as f64 / MIB,
        value as f64 / body.len() as f64,
        std::mem::size_of::<SessionV3>()
    );
    if peak_resettable {
        println!(
            "resident before parsing: {:.1} MiB (the body and the program); peak while parsing: {:.1} MiB",
            rss_before as f64 / MIB,
            peak as f64 / MIB
        );
        println!(
            "peak memory = {:.2}x the body size; the parse itself added {:.2}x the body",
            peak as f64 / body.len() as f64,
            peak.saturating_sub(rss_before) as f64 / body.len() as f64
        );
    } else {
        println!(
            "peak resident memory of the whole run (VmHWM could not be reset): {:.1} MiB, {:.2}x the body",
            peak as f64 / MIB,
            peak as f64 / body.len() as f64
        );
    }
    Ok(())
}
