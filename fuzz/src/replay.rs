//! The fuzz target on a stable toolchain: runs it over the seed corpus, then over random
//! mutations of the corpus drawn from a fixed seed, for a bounded time (or number of runs).
//! Without coverage feedback it finds less than libFuzzer, but it needs nothing beyond cargo
//! and is reproducible: the same seed gives the same inputs.
//!
//! ```text
//! cargo run --release --no-default-features --bin replay -- [--seconds N] [--runs N]
//!     [--seed N] [--dict FILE] [--artifacts DIR] [CORPUS_DIR_OR_FILE...]
//! ```
//!
//! A panic saves the input as `crash-<hash>` in the artifacts directory and exits with status
//! 1; an input that runs for more than 10 seconds is saved as `timeout-<hash>` and exits with
//! status 2. A saved input replays by passing its path as the corpus.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A single input that takes longer than this has hung.
const HANG: Duration = Duration::from_secs(10);
/// Mutated inputs are kept below this size.
const MAX_LEN: usize = 1 << 20;

struct Options {
    seconds: u64,
    runs: Option<u64>,
    seed: u64,
    dict: PathBuf,
    artifacts: PathBuf,
    corpus: Vec<PathBuf>,
}

fn options() -> Result<Options, String> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut o = Options {
        seconds: 20,
        runs: None,
        seed: 0x5EED_F00D,
        dict: here.join("response_parser.dict"),
        artifacts: here.join("artifacts/response_parser"),
        corpus: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--seconds" => o.seconds = value("--seconds")?.parse().map_err(|e| format!("{e}"))?,
            "--runs" => o.runs = Some(value("--runs")?.parse().map_err(|e| format!("{e}"))?),
            "--seed" => o.seed = value("--seed")?.parse().map_err(|e| format!("{e}"))?,
            "--dict" => o.dict = value("--dict")?.into(),
            "--artifacts" => o.artifacts = value("--artifacts")?.into(),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            path => o.corpus.push(path.into()),
        }
    }
    if o.corpus.is_empty() {
        o.corpus.push(here.join("corpus/response_parser"));
    }
    Ok(o)
}

/// Reads the files of the corpus (directories one level deep), sorted by name.
fn load_corpus(paths: &[PathBuf]) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            entries.sort();
            for entry in entries {
                inputs.push((entry.display().to_string(), std::fs::read(&entry)?));
            }
        } else {
            inputs.push((path.display().to_string(), std::fs::read(path)?));
        }
    }
    Ok(inputs)
}

/// Reads a libFuzzer dictionary: one `"token"` per line (optionally `name="token"`), with
/// `\\`, `\"` and `\xNN` escapes.
fn load_dict(path: &Path) -> Vec<Vec<u8>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.starts_with('#') {
                return None;
            }
            let start = line.find('"')?;
            let end = line.rfind('"')?;
            (end > start).then(|| unescape(&line[start + 1..end]))
        })
        .collect()
}

fn unescape(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'\\', Some(b'x')) if i + 4 <= bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 4;
                    }
                    None => {
                        out.push(b'\\');
                        i += 1;
                    }
                }
            }
            (b'\\', Some(&c)) => {
                out.push(c);
                i += 2;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Applies one random edit to `data`.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>, dict: &[Vec<u8>], corpus: &[(String, Vec<u8>)]) {
    let len = data.len();
    match rng.below(10) {
        0 if len > 0 => {
            let at = rng.below(len);
            data[at] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let at = rng.below(len);
            data[at] = rng.next() as u8;
        }
        2 | 3 if !dict.is_empty() => {
            let token = &dict[rng.below(dict.len())];
            let at = rng.below(len + 1);
            data.splice(at..at, token.iter().copied());
        }
        4 => {
            let at = rng.below(len + 1);
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            data.splice(at..at, bytes);
        }
        5 if len > 0 => {
            let at = rng.below(len);
            let end = (at + 1 + rng.below(32)).min(len);
            data.drain(at..end);
        }
        6 if len > 0 => {
            // Repeat a short chunk: nesting and size amplification.
            let at = rng.below(len);
            let end = (at + 1 + rng.below(16)).min(len);
            let chunk = data[at..end].to_vec();
            let most = if rng.below(8) == 0 { 5_000 } else { 8 };
            let times = 1 + rng.below(most);
            let insert_at = rng.below(len + 1);
            let repeated: Vec<u8> = chunk
                .iter()
                .copied()
                .cycle()
                .take(chunk.len() * times)
                .collect();
            data.splice(insert_at..insert_at, repeated);
        }
        7 if len > 0 => data.truncate(rng.below(len)),
        8 if !corpus.is_empty() => {
            // Splice: our head, another input's tail.
            let other = &corpus[rng.below(corpus.len())].1;
            let cut = rng.below(len + 1);
            let from = rng.below(other.len() + 1);
            data.truncate(cut);
            data.extend_from_slice(&other[from..]);
        }
        _ => {
            // Swap two bytes.
            if len > 1 {
                let (a, b) = (rng.below(len), rng.below(len));
                data.swap(a, b);
            }
        }
    }
    data.truncate(MAX_LEN);
}

/// FNV-1a, for artifact names.
fn hash(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn save(dir: &Path, kind: &str, data: &[u8]) -> PathBuf {
    let path = dir.join(format!("{kind}-{:016x}", hash(data)));
    if let Err(e) = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, data)) {
        eprintln!("replay: could not save {}: {e}", path.display());
    }
    path
}

/// What the watchdog looks at: the input running now and when it started.
struct Current {
    input: Vec<u8>,
    started: Instant,
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("replay: {e}");
            return ExitCode::from(64);
        }
    };
    let corpus = match load_corpus(&options.corpus) {
        Ok(c) if !c.is_empty() => c,
        Ok(_) => {
            eprintln!("replay: the corpus is empty");
            return ExitCode::from(66);
        }
        Err(e) => {
            eprintln!("replay: cannot read the corpus: {e}");
            return ExitCode::from(66);
        }
    };
    let dict = load_dict(&options.dict);

    // The watchdog: an input that runs too long is saved, and the run fails.
    let current = Arc::new(Mutex::new(Current {
        input: Vec::new(),
        started: Instant::now(),
    }));
    let done = Arc::new(AtomicBool::new(false));
    {
        let (current, done, artifacts) = (
            Arc::clone(&current),
            Arc::clone(&done),
            options.artifacts.clone(),
        );
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(250));
                let Ok(now) = current.lock() else { return };
                if now.started.elapsed() > HANG {
                    let path = save(&artifacts, "timeout", &now.input);
                    eprintln!(
                        "replay: an input ran for more than {HANG:?}; saved as {}",
                        path.display()
                    );
                    std::process::exit(2);
                }
            }
        });
    }

    let run = |input: &[u8]| -> Result<(), ()> {
        if let Ok(mut now) = current.lock() {
            now.input.clear();
            now.input.extend_from_slice(input);
            now.started = Instant::now();
        }
        let outcome =
            panic::catch_unwind(AssertUnwindSafe(|| wsclient_fuzz::response_parser(input)));
        if let Ok(mut now) = current.lock() {
            now.started = Instant::now();
        }
        outcome.map_err(|_| ())
    };
    let fail = |input: &[u8]| {
        let path = save(&options.artifacts, "crash", input);
        eprintln!(
            "replay: the target panicked; the input is saved as {}",
            path.display()
        );
        ExitCode::from(1)
    };

    let started = Instant::now();
    for (name, input) in &corpus {
        if run(input).is_err() {
            eprintln!("replay: corpus input {name}");
            return fail(input);
        }
    }
    println!(
        "replay: {} corpus inputs and {} dictionary tokens, seed {}",
        corpus.len(),
        dict.len(),
        options.seed
    );

    let budget = Duration::from_secs(options.seconds);
    let mut rng = Rng(options.seed);
    // Recent mutants, mutated further: edits stack up.
    let mut pool: Vec<Vec<u8>> = Vec::new();
    let mut runs: u64 = 0;
    let mut last_report = Instant::now();
    loop {
        if options.runs.is_some_and(|max| runs >= max)
            || (options.runs.is_none() && started.elapsed() >= budget)
        {
            break;
        }
        let mut input = if !pool.is_empty() && rng.below(4) == 0 {
            pool[rng.below(pool.len())].clone()
        } else {
            corpus[rng.below(corpus.len())].1.clone()
        };
        for _ in 0..1 + rng.below(8) {
            mutate(&mut rng, &mut input, &dict, &corpus);
        }
        if run(&input).is_err() {
            return fail(&input);
        }
        runs += 1;
        if pool.len() < 256 {
            pool.push(input);
        } else {
            let slot = rng.below(pool.len());
            pool[slot] = input;
        }
        if last_report.elapsed() >= Duration::from_secs(5) {
            println!(
                "replay: {runs} mutated inputs after {:.0?}",
                started.elapsed()
            );
            last_report = Instant::now();
        }
    }
    done.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    println!(
        "replay: done, {} executions ({} corpus, {runs} mutated) in {:.1} s, {:.0} exec/s, no failure",
        corpus.len() as u64 + runs,
        corpus.len(),
        elapsed.as_secs_f64(),
        (corpus.len() as u64 + runs) as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    ExitCode::SUCCESS
}
