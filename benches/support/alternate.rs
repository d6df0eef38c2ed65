//! The generated code and hand-written code for the same work, timed in alternating rounds, for
//! benches whose figure is their ratio: on a machine shared with other work, criterion's
//! measurements of two ways, taken one after the other, can drift apart for reasons that have
//! nothing to do with them; a burst of outside load during alternating rounds hits both alike.
//!
//! Included by path (`#[path = ...] mod alternate;`) from the benches that use it.

use std::time::{Duration, Instant};

/// How many rounds; each runs both ways, in turns first.
const ROUNDS: usize = 15;

/// How long one way runs in a round.
const ROUND: Duration = Duration::from_millis(20);

/// Times the generated code and the hand-written code in alternating rounds, and prints under
/// `label` the median time per call of each and the median of the per-round ratios.
pub fn alternate(label: &str, mut generated: impl FnMut(), mut by_hand: impl FnMut()) {
    // Calls per round: as many as the generated code makes in `ROUND`.
    let started = Instant::now();
    let mut calls = 0u32;
    while started.elapsed() < ROUND {
        generated();
        calls += 1;
    }
    let time = |f: &mut dyn FnMut()| {
        let started = Instant::now();
        for _ in 0..calls {
            f();
        }
        started.elapsed() / calls
    };
    let (mut a, mut b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (x, y) = if round % 2 == 0 {
            let x = time(&mut generated);
            (x, time(&mut by_hand))
        } else {
            let y = time(&mut by_hand);
            (time(&mut generated), y)
        };
        a.push(x);
        b.push(y);
        ratios.push(x.as_secs_f64() / y.as_secs_f64());
    }
    a.sort();
    b.sort();
    ratios.sort_by(f64::total_cmp);
    println!(
        "{label}: generated {:?}, by hand {:?}, generated / by hand {:.2}x (medians of {ROUNDS} alternating rounds)",
        a[ROUNDS / 2],
        b[ROUNDS / 2],
        ratios[ROUNDS / 2]
    );
}
