//! The runs table: every earlier run kept, then the current one, each cell as text; and the
//! run "compare with the previous chapter" chooses.

use crate::format;
use crate::lesson::ChapterId;
use crate::session::protocol::RunRow;
use crate::session::{words, RunRecord, Session};

/// The runs table: every earlier run kept, then the current one.
pub fn run_rows(s: &Session) -> Vec<RunRow> {
    let current = s.record(2);
    s.runs()
        .list()
        .iter()
        .chain(std::iter::once(&current))
        .filter(|r| r.steps > 0 || r.run == current.run)
        .map(run_row)
        .collect()
}

/// The newest earlier run of the chapter before this one in the lesson (if any), and a sentence
/// saying which, or why there is none.
pub fn previous_chapter(s: &Session) -> (Option<u32>, String) {
    let current = s.chapter();
    let before = ChapterId::ALL
        .iter()
        .position(|&c| c == current)
        .and_then(|i| i.checked_sub(1))
        .map(|i| ChapterId::ALL[i]);
    let run = before.and_then(|b| s.runs().newest_of(b)).map(|r| r.run);
    let title = |c: ChapterId| c.chapter().title;
    let note = words::previous_chapter(run, title(current), before.map(title));
    (run, note)
}

fn run_row(r: &RunRecord) -> RunRow {
    let secs = r.train_ms / 1000.0;
    RunRow {
        run: r.run,
        setup: r.setup.clone(),
        seed: r.seed.to_string(),
        params: format::count(r.params),
        first_loss: match r.first_loss {
            Some(l) => format!(
                "{} (uniform {})",
                format::plain(l),
                format::plain(r.uniform)
            ),
            None => "–".into(),
        },
        at_init: match r.at_init {
            Some((frac, dead, cols)) => {
                format!("{} saturated, {dead} of {cols} dead", format::pct(frac))
            }
            None => "–".into(),
        },
        steps: format::count(r.steps),
        train_val: match r.last_eval {
            Some(e) => format!(
                "{} / {} (step {})",
                format::loss(e.train),
                format::loss(e.val),
                format::count(e.step)
            ),
            None => "–".into(),
        },
        time: if secs > 0.0 {
            format::duration(secs)
        } else {
            "–".into()
        },
        speed: if secs > 0.0 {
            format::speed(r.steps as f64 / secs)
        } else {
            "–".into()
        },
        guesses: r.guesses.clone(),
    }
}
