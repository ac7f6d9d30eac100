//! The keyboard, once: each row of the help dialog, the keys it names and what each one does.
//! The page makes its help dialog and its key handler from this table (`web::keys`).
//!
//! Rules for every key: nothing happens while typing in a field (an input, a select, a text
//! area, an editable element) or with Ctrl, Alt or Meta held.

use serde::Serialize;

/// What a key does on the page.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyAction {
    /// Train, or pause while training.
    TrainPause,
    /// One mini-batch step.
    Step,
    /// The same run again (same seed).
    Reset,
    PreviousChapter,
    NextChapter,
    /// Presentation mode on or off.
    Present,
    /// The next answer of the chapter's questions (then, presenting, the charts again).
    Reveal,
    /// The keyboard's help, open or closed.
    Help,
}

/// A row of the help dialog and the keys it names.
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Key {
    /// How the help writes the key: "space", "S", "← →".
    pub label: &'static str,
    /// The help's words.
    pub help: &'static str,
    /// Each `KeyboardEvent.key` and what it does (none: the row only explains).
    pub press: &'static [(&'static str, KeyAction)],
    /// It acts when a button or a summary has the focus too (space there presses that instead).
    pub on_buttons: bool,
    /// It acts while the help is open (the others wait until it is closed).
    pub in_help: bool,
}

/// Every row of the keyboard's help, in its order.
pub const KEYS: &[Key] = &[
    Key {
        label: "space",
        help: "train / pause",
        press: &[(" ", KeyAction::TrainPause)],
        on_buttons: false,
        in_help: false,
    },
    Key {
        label: "S",
        help: "one step",
        press: &[("s", KeyAction::Step), ("S", KeyAction::Step)],
        on_buttons: true,
        in_help: false,
    },
    Key {
        label: "R",
        help: "reset (same seed)",
        press: &[("r", KeyAction::Reset), ("R", KeyAction::Reset)],
        on_buttons: true,
        in_help: false,
    },
    Key {
        label: "← →",
        help: "previous / next chapter",
        press: &[
            ("ArrowLeft", KeyAction::PreviousChapter),
            ("ArrowRight", KeyAction::NextChapter),
        ],
        on_buttons: true,
        in_help: false,
    },
    Key {
        label: "P",
        help: "presentation mode on / off",
        press: &[("p", KeyAction::Present), ("P", KeyAction::Present)],
        on_buttons: true,
        in_help: false,
    },
    Key {
        label: "A",
        help: "show the next answer of the chapter's questions (in presentation mode, after the \
               last one: the charts)",
        press: &[("a", KeyAction::Reveal), ("A", KeyAction::Reveal)],
        on_buttons: true,
        in_help: false,
    },
    Key {
        label: "?",
        help: "this help",
        press: &[("?", KeyAction::Help)],
        on_buttons: true,
        in_help: true,
    },
    Key {
        label: "on a chart",
        help: "point at or click, or Tab to it and use the arrow keys: a letter of the \
               embedding, a cell of the saturation map, a layer of the per-layer charts (a \
               click; Escape: none)",
        press: &[],
        on_buttons: true,
        in_help: false,
    },
];

/// What `key` (a `KeyboardEvent.key`) does, and its row.
pub fn action_of(key: &str) -> Option<(KeyAction, &'static Key)> {
    KEYS.iter()
        .find_map(|k| k.press.iter().find(|p| p.0 == key).map(|p| (p.1, k)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_does_one_thing() {
        let mut seen = Vec::new();
        for k in KEYS {
            for (key, _) in k.press {
                assert!(!seen.contains(key), "{key:?} twice");
                seen.push(*key);
            }
        }
        assert_eq!(action_of(" ").map(|a| a.0), Some(KeyAction::TrainPause));
        assert_eq!(
            action_of("ArrowRight").map(|a| a.0),
            Some(KeyAction::NextChapter)
        );
        assert!(action_of("x").is_none());
    }
}
