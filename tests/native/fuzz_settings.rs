//! A bounded, deterministic fuzz of the settings parsers: the custom form's knobs
//! (`Settings::set`) and the page's links (`Link::parse`, then the lab that opens it), fed real
//! links and hostile ones, mutated with the project's own RNG. Whatever the text: no panic; a
//! knob either takes the value (and reads it back exactly) or refuses it with a message that
//! names the knob; a link either sets up a run whose settings pass `validate`, or the lab starts
//! with the defaults and says why.

use crate::support::few_names;
use makemore_lab::data::{hidden_char, Hidden};
use makemore_lab::lesson::ChapterId;
use makemore_lab::rng::Rng;
use makemore_lab::session::lab::Lab;
use makemore_lab::session::link::Link;
use makemore_lab::session::protocol::{Event, Level};
use makemore_lab::session::settings::{Settings, KNOBS};

const CASES: usize = 4_000;
const LINK_CASES: usize = 60;

/// Real links (as the page writes them) and hostile ones.
const LINKS: &[&str] = &[
    "chapter=deep&seed=7&steps=1000&schedule_steps=100000&lr_now=0.05&present=1&hide=custom,upload",
    "experiment=no-tanh&steps=500",
    "chapter=kaiming&n_hidden=64&batchnorm=class&batch_size=64",
    "chapter=lr-finder&simd=plain&threads=1",
    "chapter=deep&block_size=16&n_embd=64&n_hidden=1024&n_layers=8&batch_size=4096",
    "chapter=%E2%80%AE&seed=%00",
    "seed=-1&steps=1e9&lr=NaN&lr_now=inf",
    "hide=upload,upload,custom&present=0&&&=&chapter",
    "n_hidden=%ZZ&chapter=deep%",
    "chapter=naive&seed=9007199254740992",
    "chapter=fix-tanh&hide=upload,custom,runs,lr,embedding,ratios,acts,grads,weight_grads,running,kaiming",
    "chapter=deep&hide=loss,sheet,map,questions&hide=acts",
];

/// Values a knob is offered: good ones, and broken or hostile text.
const VALUES: &[&str] = &[
    "0",
    "1",
    "2",
    "16",
    "200",
    "1024",
    "4096",
    "1e9",
    "-1",
    "0.1",
    "5/3",
    "1.6666666",
    "NaN",
    "inf",
    "-inf",
    "",
    " ",
    "true",
    "false",
    "on",
    "yes",
    "kaiming",
    "randn",
    "first-cell",
    "class",
    "off",
    "tanh",
    "identity",
    "sweep-then",
    "9007199254740991",
    "9007199254740992",
    "\u{202E}1",
    "1\u{0}",
    "١٢",
    "0x10",
    "+3",
    "3.",
    ".5",
    "1_000",
];

fn mutate(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for _ in 0..1 + rng.randint(3) {
        let pick = |rng: &mut Rng, n: usize| if n == 0 { 0 } else { rng.randint(n) };
        match rng.randint(5) {
            0 if !chars.is_empty() => {
                let i = pick(rng, chars.len());
                chars.remove(i);
            }
            1 => {
                let i = pick(rng, chars.len() + 1);
                let c = ['&', '=', '%', ',', '\u{202E}', '\0', 'é', '9', '.', '-'][rng.randint(10)];
                chars.insert(i, c);
            }
            2 if chars.len() > 1 => {
                let (a, b) = (pick(rng, chars.len()), pick(rng, chars.len()));
                chars.swap(a, b);
            }
            3 => {
                let i = pick(rng, chars.len() + 1);
                let v = VALUES[rng.randint(VALUES.len())];
                for (k, c) in v.chars().enumerate() {
                    chars.insert(i + k, c);
                }
            }
            _ => chars.truncate(pick(rng, chars.len() + 1)),
        }
    }
    chars.into_iter().collect()
}

#[test]
fn every_knob_takes_a_value_exactly_or_refuses_it_by_name() {
    let mut rng = Rng::new(7);
    let base = Settings::chapter(ChapterId::Deep);
    for case in 0..CASES {
        let knob = &KNOBS[rng.randint(KNOBS.len())];
        let v = VALUES[rng.randint(VALUES.len())];
        let text = if case % 2 == 0 {
            v.to_string()
        } else {
            mutate(&mut rng, v)
        };
        let mut s = base.clone();
        match knob.set(&mut s, &text) {
            Ok(()) => {
                // What was taken reads back to the same settings.
                let mut again = base.clone();
                knob.set(&mut again, &knob.get(&s)).unwrap();
                assert_eq!(again, s, "{}: {text:?}", knob.key);
                // Validation never panics, whatever it says.
                let _ = s.validate(27);
            }
            Err(e) => {
                assert!(e.starts_with(knob.label), "{}: {text:?}: {e}", knob.key);
                assert_eq!(s, base, "a refused value changes nothing");
            }
        }
    }
}

#[test]
fn a_link_sets_up_a_valid_run_or_the_defaults_with_a_reason() {
    let names: String = few_names(500);
    let mut rng = Rng::new(11);
    let mut opened = 0;
    let mut refused = 0;
    for case in 0..LINK_CASES {
        let link = LINKS[case % LINKS.len()];
        let link = if case < LINKS.len() {
            link.to_string()
        } else {
            mutate(&mut rng, link)
        };
        let parsed = Link::parse(&link);
        let (lab, events) = Lab::new(names.as_bytes(), "fuzz", "native", Some(&link), 0.0)
            .unwrap_or_else(|e| panic!("{link:?}: {e}"));
        for e in &events {
            if let Event::Notice { message, .. } = e {
                assert_shown_as_is(message, &link);
            }
        }
        let warned = events.iter().any(|e| {
            matches!(e, Event::Notice { message, level: Level::Bad, .. } if message.contains("could not be used"))
        });
        let s = lab.session();
        s.settings().validate(s.data().vocab.size()).unwrap();
        match parsed {
            Err(e) => {
                assert!(warned, "{link:?}: refused ({e}) without a notice");
                assert_eq!(s.chapter().name(), "lr-finder", "{link:?}: the defaults");
                refused += 1;
            }
            Ok(_) if warned => {
                // It parsed but its settings together were refused (too large a run, say).
                assert_eq!(s.chapter().name(), "lr-finder", "{link:?}");
                refused += 1;
            }
            Ok(_) => opened += 1,
        }
    }
    assert!(
        opened >= 4 && refused >= 4,
        "opened {opened}, refused {refused}"
    );
}

/// A message holds no character that reorders, hides or breaks the text around it.
fn assert_shown_as_is(message: &str, link: &str) {
    for c in message.chars() {
        let hidden = matches!(
            hidden_char(c),
            Some(Hidden::Direction(_) | Hidden::Invisible(_))
        );
        assert!(
            !c.is_control() && !hidden,
            "{link:?}: U+{:04X} in {message:?}",
            c as u32
        );
    }
}

/// Issue 20: a link's bad value is quoted in the red notice cut short and with its direction
/// controls and other invisible or control characters shown as their code points, so a link
/// cannot write a sentence of its own there (seen: a 5,118-character status line).
#[test]
fn a_links_bad_value_is_echoed_short_and_without_direction_controls() {
    let names = few_names(500);
    let said = "Your session has expired. Sign in again at example.org";
    let long = said.repeat(100);
    let enc = |s: &str| -> String { s.bytes().map(|b| format!("%{b:02X}")).collect() };
    let cases = [
        format!("chapter={}", enc(&long)),
        format!("chapter={}", enc(&format!("\u{202E}{said}\u{2066}\u{0}"))),
        format!("experiment={}", enc(&long)),
        format!("{}=1", enc(&long)),
        format!("hide={}", enc(&long)),
        format!("n_hidden={}", enc(&long)),
        format!("lr_now={}", enc(&long)),
        format!("seed={}%zz", enc(&long)),
        format!("{}%FF", enc(&long)),
    ];
    for link in &cases {
        let (_, events) = Lab::new(names.as_bytes(), "fuzz", "native", Some(link), 0.0).unwrap();
        let message = events
            .iter()
            .find_map(|e| match e {
                Event::Notice {
                    message,
                    level: Level::Bad,
                    ..
                } => Some(message),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{link}: no notice in {events:?}"));
        assert_shown_as_is(message, link);
        assert!(
            message.chars().count() < 240,
            "{} chars: {message}",
            message.chars().count()
        );
        assert!(message.contains("…'"), "the echo is cut: {message}");
    }
    // The controls are named where they were, the value's start is kept.
    let e = Link::parse(&cases[1]).unwrap_err();
    assert!(
        e.starts_with("there is no chapter '[U+202E]Your session"),
        "{e}"
    );
    // A short value is quoted whole, as before.
    let e = Link::parse("chapter=nope").unwrap_err();
    assert_eq!(e, "there is no chapter 'nope'");
}
