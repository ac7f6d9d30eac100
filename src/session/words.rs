//! Every sentence the page shows that is not a chart's: what happened (a run finished or
//! diverged, a file was loaded, a link could not be used, the trainer failed), why a request was
//! refused, and the page's own messages (a file refused before it is read, a link copied, the
//! trainer restarted), which the page asks the wasm for (`web::words`). The charts' lines are
//! written by their views (session/views/), a rule's refusal next to its rule (a knob's limits in
//! settings.rs, a link's parts in link.rs, a names file's faults in data/, a weights file's in
//! export/), and the keyboard's help by its table (keys.rs). Numbers are written by
//! `crate::format`.

use crate::data::{hidden_char, Hidden};
use crate::export::fold::Folded;
use crate::format;
use crate::sample::Novelty;
use crate::train::{DivergeCause, StepError};

/// Most characters of a value a message quotes back (a link's part, a typed setting); the rest
/// is cut, with "…".
pub const ECHO_CHARS: usize = 40;

/// A value the page was given, as a message quotes it: its first `ECHO_CHARS` characters (then
/// "…"), each control character, direction control and invisible format character written as
/// its code point ("[U+202E]"), so that no value can reorder, hide or run on the sentence
/// around it (a link could otherwise write its own sentence into the page's red notice).
pub fn echo(value: &str) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == ECHO_CHARS {
            out.push('…');
            break;
        }
        let hidden = matches!(
            hidden_char(c),
            Some(Hidden::Direction(_) | Hidden::Invisible(_))
        );
        if c.is_control() || hidden {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Exercise E02's answer: the folded first Linear (its shapes and first values), the parameter
/// counts and the val loss in eval mode before and after folding, at `step`.
pub fn folded(f: &Folded, step: usize) -> String {
    let l = f.first_linear();
    let firsts = |v: &[f32]| {
        let mut s: Vec<String> = v
            .iter()
            .take(FOLD_VALUES)
            .map(|&x| format::signed(x))
            .collect();
        if v.len() > FOLD_VALUES {
            s.push("…".into());
        }
        s.join(", ")
    };
    let bias = l.bias.as_ref().map_or(&[][..], |b| &b.data[..]);
    let after = f.model.n_params();
    format!(
        "BatchNorm folded into the Linear before it, at step {step}: the first Linear's W' = W · \
         γ / σ per output column is {rows} × {cols} ({w}) and its b' = (b − running mean) · γ / σ \
         + β has {cols} values ({b}). Parameters: {before} before, {after} after (each \
         BatchNorm's γ and β are now in W' and b'). Val loss in eval mode: {vb} before, {va} \
         after (they differ by {diff}).",
        step = format::count(step),
        rows = format::count(l.n_in),
        cols = format::count(l.n_out),
        w = firsts(&l.weight.data),
        b = firsts(bias),
        before = format::count(f.params_before),
        after = format::count(after),
        vb = format::loss(f.val_before),
        va = format::loss(f.val_after),
        diff = format::sci((f.val_after - f.val_before).abs()),
    )
}

/// How many of the folded W' and b' values `folded` quotes (the first row's first ones).
pub const FOLD_VALUES: usize = 3;

/// The run did all its steps.
pub fn finished(steps: usize) -> String {
    format!("finished: {} steps done", format::count(steps))
}

/// Training stopped at `error` (a `StepError::Diverged`), the weights after step `kept` kept.
pub fn diverged(error: &StepError, kept: usize) -> String {
    let StepError::Diverged {
        step,
        lr,
        loss,
        cause,
    } = error
    else {
        return error.to_string();
    };
    let rolled_back = kept < *step;
    if matches!(cause, DivergeCause::ZeroSpread { .. }) {
        error.to_string()
    } else if loss.is_finite() && rolled_back {
        format!(
            "training stopped at step {}: the loss jumped to {} after a step at learning rate \
             {}, so the learning rate is too high; the last good weights (after step {kept}) are \
             kept. Lower the learning rate and train on.",
            step + 1,
            format::whole(*loss),
            format::exact(*lr),
        )
    } else {
        format!("{error}; the run goes on from step {kept}. Lower the learning rate and train on.")
    }
}

/// Train or Step when the budget is spent.
pub fn budget_done(steps: usize) -> String {
    format!(
        "the run has done all its {} steps; raise the step budget or reset",
        format::count(steps)
    )
}

/// Step while training.
pub const PAUSE_FIRST: &str = "pause training first";

/// A learning rate typed while training.
pub const PAUSE_FOR_LR: &str = "pause training to change the learning rate";

/// A learning rate that is not a number above 0.
pub fn bad_lr(typed: &str) -> String {
    format!(
        "the learning rate must be a number above 0, not “{}”",
        echo(typed.trim())
    )
}

/// A budget below the steps done.
pub fn budget_below_steps(done: usize) -> String {
    format!(
        "the run has already done {} steps; reset it for a smaller budget",
        format::count(done)
    )
}

/// A comparison with a run the session does not keep.
pub fn no_earlier_run(run: u32) -> String {
    format!("there is no earlier run {run} to compare with")
}

/// A break-it experiment, as the run's description says it.
pub fn experiment(change: &str, chart: &str, symptom: &str, fix: &str, fix_how: &str) -> String {
    format!("{change} Look at {chart}: {symptom} The fix: {fix}. {fix_how}")
}

// ---- the lab's notices --------------------------------------------------------------------

/// A link that cannot be used (`fault` names the part at fault).
pub fn link_unusable(fault: &str) -> String {
    format!("This link could not be used: {fault}. The page starts with the first chapter.")
}

/// A second init.
pub const ALREADY_RUNNING: &str = "the trainer is already running";

/// Settings the lab refused.
pub fn not_applied(fault: &str) -> String {
    format!("not applied: {fault}")
}

/// A names file loaded (`data_line`: "32,033 names, vocabulary 27").
pub fn names_loaded(name: &str, data_line: &str) -> String {
    let name = echo(name);
    format!(
        "Loaded “{name}”: {data_line}. The model was reset for the new data (new vocabulary, new \
         initial weights)."
    )
}

/// A names file refused (by the worker, or by its size before it is read).
pub fn names_refused(name: &str, fault: &str) -> String {
    let name = echo(name);
    format!("“{name}” was not loaded: {fault}. The data, model and plots in use are unchanged.")
}

/// Saved weights loaded into run `run`.
pub fn weights_loaded(name: &str, run: u32) -> String {
    let name = echo(name);
    format!("Loaded the weights of “{name}”: run {run} starts from them (sample, or train on).")
}

/// A weights file refused.
pub fn weights_refused(name: &str, fault: &str) -> String {
    let name = echo(name);
    format!("“{name}” was not loaded: {fault}. The model in use is unchanged.")
}

/// The line under the sampled names.
pub fn sampled(
    names: usize,
    step: usize,
    temperature: &str,
    [train, val, new]: [usize; 3],
) -> String {
    let mut line = format!(
        "{names} names at step {}, temperature {}: {new} {}, {train} {}, {val} {}",
        format::count(step),
        temperature.trim(),
        novelty(Novelty::New),
        novelty(Novelty::Train),
        novelty(Novelty::Val)
    );
    if step == 0 {
        line.push_str(UNTRAINED);
    }
    line
}

/// After the samples of a model that has not taken a step.
const UNTRAINED: &str = ". The model has not been trained yet: these are close to random letters";

/// A sampled name's tag: where it is in the names file, never a judgement (a name of an
/// untrained model is "not in the list" because it is gibberish, not because it is new).
pub fn novelty(n: Novelty) -> &'static str {
    match n {
        Novelty::Train => "in train",
        Novelty::Val => "in val",
        Novelty::New => "not in the list",
    }
}

/// A message from the page the worker cannot read.
pub fn not_understood(fault: &str) -> String {
    format!("the trainer did not understand a message from the page: {fault}")
}

/// Where the default names come from, and an upload's name when it has none.
pub const DEFAULT_SOURCE: &str = "names.txt, the default 32k names";
pub const UNNAMED_FILE: &str = "your file";

// ---- a chart's figure ---------------------------------------------------------------------

/// The words of a chart's figure around its canvas: its buttons and the names a screen reader
/// says (`chart` is its id, "loss").
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FigureWords {
    pub png: &'static str,
    pub png_title: &'static str,
    pub png_label: String,
    pub csv: &'static str,
    pub csv_title: &'static str,
    pub csv_label: String,
    pub readout_label: String,
    /// A note that says why the chart's thresholds and numbers are what they are (the page shows
    /// it as the last line of the chart's text).
    pub note: Option<String>,
}

pub fn figure_words(chart: &str) -> FigureWords {
    FigureWords {
        png: "PNG",
        png_title: "save this chart as a PNG picture, with its numbers",
        png_label: format!("save the {chart} chart as PNG"),
        csv: "CSV",
        csv_title: "save the numbers as CSV",
        csv_label: format!("save the {chart} numbers as CSV"),
        readout_label: format!("{chart} chart in numbers"),
        note: figure_note(chart),
    }
}

/// The note under a chart: how to read the loss's log10 axis, why the saturation threshold (the
/// charts that count saturated units) and why the layers' numbers (the per-layer charts).
fn figure_note(chart: &str) -> Option<String> {
    use crate::charts::ChartId;
    use crate::session::views::why;
    match ChartId::from_name(chart)? {
        ChartId::Loss => Some(why::log10_note()),
        ChartId::Preact | ChartId::Map => Some(why::thresholds()),
        ChartId::Acts => Some(format!("{} {}", why::LAYER_NUMBERS, why::thresholds())),
        ChartId::Grads => Some(why::LAYER_NUMBERS.into()),
        _ => None,
    }
}

/// A chart the page could not draw, or save as a picture (under it, in place of its numbers).
pub fn chart_not_drawn(fault: &str) -> String {
    format!("this chart could not be drawn: {fault}")
}

pub fn chart_not_saved(fault: &str) -> String {
    format!("this chart could not be saved: {fault}")
}

// ---- the page's own messages (before, or without, the worker) -----------------------------

/// A file chosen while the page's module is not there (still loading, or restarting after a
/// fault).
pub fn still_starting(name: &str) -> String {
    format!("“{name}” was not loaded: the page is still starting; try again in a moment.")
}

/// The build that trains, as the training panel says it (`kernels`: the worker's description).
pub fn kernels_line(kernels: &str) -> String {
    format!("kernels: {kernels}")
}

/// A choice of the "compare" list: an earlier run and its setup, or none.
pub fn compare_choice(run: Option<u32>, setup: &str) -> String {
    match run {
        Some(run) => format!("run {run}: {setup}"),
        None => "none".into(),
    }
}

/// "Compare with the previous chapter": the run it chooses, or why there is none.
pub fn previous_chapter(run: Option<u32>, current: &str, before: Option<&str>) -> String {
    match (run, before) {
        (Some(run), Some(before)) => format!("compare with run {run}, the newest of {before}"),
        (_, Some(before)) => {
            format!("no run of {before} in this session yet: run it first to compare with it")
        }
        (_, None) => format!("{current} is the first chapter: there is none before it"),
    }
}

/// The loss chart zoomed on the first `first` steps.
pub fn loss_zoomed(first: usize) -> String {
    format!("zoomed on the first {} steps", format::count(first))
}

/// The embedding's path slider: its label and what it does.
pub const PATH_LABEL: &str = "Path";
pub const PATH_TITLE: &str =
    "snapshots of the embedding over the run: move back to see where the letters were";

/// A file being read.
pub fn reading(name: &str) -> String {
    format!("reading “{name}”…")
}

/// A file the browser could not read.
pub fn unreadable(name: &str, fault: &str) -> String {
    format!("“{name}” could not be read: {fault}")
}

/// The link is on the clipboard.
pub const LINK_COPIED: &str = "link copied";

/// The clipboard refused the link.
pub fn copy_this_link(url: &str) -> String {
    format!("copy this link: {url}")
}

/// The trainer was restarted after a crash: the first time with the data and the settings, the
/// second with the chapter's own settings, then with the default names and the first chapter.
pub fn restarted(times: u32) -> &'static str {
    match times {
        0 => "The trainer was restarted; the data are the same and the model starts again.",
        1 => "The trainer failed again: it was restarted with the chapter's own settings.",
        _ => "The trainer failed again: it was restarted with the default names and the first chapter.",
    }
}

/// The fatal message: what went wrong, as a sentence, and what stays.
pub fn fatal(fault: &str) -> String {
    let sentence = if fault.ends_with(['.', '?', '!']) {
        fault.to_string()
    } else {
        format!("{fault}.")
    };
    format!("{sentence} The last charts stay on the page.")
}

/// The fatal message's button: a broken page reloads, a broken trainer restarts.
pub fn restart_button(page_broken: bool) -> &'static str {
    if page_broken {
        "Reload the page"
    } else {
        "Restart the trainer"
    }
}

/// The worker script failed (`fault` empty: the browser did not say why).
pub fn trainer_failed(fault: &str) -> String {
    let fault = if fault.trim().is_empty() {
        "an error in the worker"
    } else {
        fault
    };
    format!("The trainer failed: {fault}.")
}

/// A message from the worker the page could not read.
pub const TRAINER_UNREADABLE: &str = "A message from the trainer could not be read.";

/// The page's chart module could not be loaded again after a trap.
pub fn charts_not_restarted(fault: &str) -> String {
    format!("The page's charts could not be restarted: {fault}")
}

/// A panic on the page outside a chart's draw.
pub fn page_internal_error(fault: &str) -> String {
    format!("The page hit an internal error: {fault}.")
}

/// A promise of the page's that failed.
pub fn page_error(fault: &str) -> String {
    format!("The page hit an error: {fault}.")
}

/// A crash of the trainer in words: what a wasm trap means for the user.
pub fn crash(fault: &str) -> String {
    let lower = fault.to_lowercase();
    let memory = [
        "unreachable",
        "memory access out of bounds",
        "out of memory",
        "allocation failed",
        "array buffer allocation",
        "could not allocate",
    ];
    if memory.iter().any(|m| lower.contains(m)) {
        format!(
            "the trainer ran out of memory or hit an internal error ({fault}); try smaller \
             settings or a smaller names file"
        )
    } else {
        fault.to_string()
    }
}

/// A pace outside its limits.
pub fn pace_out_of_range(n: u32, (lo, hi): (u32, u32)) -> String {
    format!(
        "a pace of {} steps a second is outside {}..{}",
        format::count(n as usize),
        format::count(lo as usize),
        format::count(hi as usize)
    )
}

// ---- the questions (the quiz's lines are written by views/quiz.rs) ---------------------------

/// A guess after its answer is out.
pub const GUESS_TOO_LATE: &str =
    "the run has shown this answer already: guess again on the next run (Reset)";

/// A question the run does not ask.
pub fn no_question(i: usize) -> String {
    format!("this run asks no question {}", i + 1)
}

/// A guess that is not a number.
pub fn not_a_guess(text: &str) -> String {
    if text.trim().is_empty() {
        "type a number first".into()
    } else {
        format!("“{}” is not a number: type one, such as 3.5", echo(text))
    }
}

/// A choice outside the question's.
pub fn pick_one(n: usize) -> String {
    format!("pick one of the {n} answers")
}

/// The runs table's cell: guesses judged against the run's answers.
pub fn guesses_summary(right: usize, judged: usize, guessed: usize) -> String {
    match (judged, guessed) {
        (0, 0) => "–".into(),
        (0, g) => format!("{g} guessed, not yet shown"),
        (j, g) if g > j => format!("{right} of {j} right, {} not yet shown", g - j),
        (j, _) => format!("{right} of {j} right"),
    }
}

// ---- one step in slow motion ------------------------------------------------------------

/// A neuron or example number that is not one.
pub fn not_an_index(what: &str, text: &str) -> String {
    format!(
        "the {what} is a whole number from 0: “{}” is not one",
        echo(text)
    )
}

/// Why a neuron cannot be shown in slow motion.
pub fn neuron_problem(fault: &crate::diagnostics::NeuronError) -> String {
    use crate::diagnostics::NeuronError;
    match fault {
        NeuronError::NoTanhLayer => {
            "slow motion follows a neuron of the first hidden layer through its tanh: this \
             model has none"
                .into()
        }
        NeuronError::Neuron(j, n) => {
            format!(
                "there is no neuron {j}: the first hidden layer has {n} (0 to {})",
                n - 1
            )
        }
        NeuronError::Example(e, b) => {
            format!(
                "there is no example {e}: a batch holds {b} (0 to {})",
                b.saturating_sub(1)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_charts_that_count_saturation_or_number_layers_say_why() {
        for chart in ["preact", "map", "acts"] {
            let note = figure_words(chart).note.unwrap();
            assert!(
                note.contains("0.97 in the deep network's"),
                "{chart}: {note}"
            );
        }
        for chart in ["acts", "grads"] {
            let note = figure_words(chart).note.unwrap();
            assert!(
                note.contains("places in the notebook's `layers` list"),
                "{chart}: {note}"
            );
        }
        assert!(figure_words("loss")
            .note
            .unwrap()
            .contains("0.35 is a loss of 2.24"));
        assert_eq!(figure_words("lr").note, None);
    }

    #[test]
    fn an_untrained_models_samples_are_not_praised() {
        let at_0 = sampled(10, 0, "1", [0, 0, 10]);
        assert_eq!(
            at_0,
            "10 names at step 0, temperature 1: 10 not in the list, 0 in train, 0 in val. The \
             model has not been trained yet: these are close to random letters"
        );
        let later = sampled(10, 500, "1", [3, 1, 6]);
        assert!(!later.contains("random"), "{later}");
        for (n, count) in [(Novelty::New, 6), (Novelty::Train, 3), (Novelty::Val, 1)] {
            assert!(
                later.contains(&format!("{count} {}", novelty(n))),
                "{later}"
            );
        }
        for n in [Novelty::New, Novelty::Train, Novelty::Val] {
            assert!(!novelty(n).contains("new"), "{}", novelty(n));
            // The worker sends the name, the page module says it in words.
            assert_eq!(Novelty::from_name(n.name()), Some(n));
        }
    }

    #[test]
    fn a_fatal_message_is_one_sentence_and_a_trap_is_said_in_words() {
        assert_eq!(
            fatal("out of memory"),
            "out of memory. The last charts stay on the page."
        );
        assert_eq!(fatal("Gone!"), "Gone! The last charts stay on the page.");
        assert!(crash("RuntimeError: Unreachable executed").contains("ran out of memory"));
        assert_eq!(crash("a panic"), "a panic");
        assert_eq!(restarted(7), restarted(2));
    }

    #[test]
    fn a_file_name_is_quoted_cut_and_with_its_direction_controls_shown() {
        // A name that would reverse the sentence around it, or run on for a screen.
        let bidi = "names\u{202E}txt.exe";
        for said in [
            names_loaded(bidi, "3 names"),
            names_refused(bidi, "empty"),
            weights_loaded(bidi, 2),
            weights_refused(bidi, "bad"),
        ] {
            assert!(said.contains("names[U+202E]txt.exe"), "{said}");
            assert!(!said.contains('\u{202E}'), "{said}");
        }
        let long = "x".repeat(5000);
        assert!(names_refused(&long, "empty").chars().count() < 200);
    }
}
